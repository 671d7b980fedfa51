import pytest
import torch
from torch import nn

from textseq_tui.errors import BadInput
from textseq_tui.ml.params import param_groups


class Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.norm = nn.LayerNorm(4)
        self.encoder = nn.Linear(4, 8)
        self.decoder = nn.Linear(8, 3)


def _names(model: nn.Module, group: dict) -> set[str]:
    ids = {id(p) for p in group["params"]}
    return {name for name, p in model.named_parameters() if id(p) in ids}


def test_biases_and_one_dimensional_params_get_no_weight_decay():
    model = Tiny()
    groups = param_groups(model, lr=1e-3, weight_decay=0.1)
    by_name = {g["name"]: g for g in groups}
    assert set(by_name) == {"decay", "no_decay"}
    assert _names(model, by_name["decay"]) == {"embed.weight", "encoder.weight", "decoder.weight"}
    assert _names(model, by_name["no_decay"]) == {
        "norm.weight",
        "norm.bias",
        "encoder.bias",
        "decoder.bias",
    }
    assert by_name["decay"]["weight_decay"] == 0.1
    assert by_name["no_decay"]["weight_decay"] == 0.0
    assert all(g["lr"] == 1e-3 for g in groups)


def test_lr_multipliers_first_matching_pattern_wins():
    model = Tiny()
    groups = param_groups(model, lr=0.01, lr_multipliers={"encoder.*": 0.1, "*": 2.0})
    lr_of = {name: g["lr"] for g in groups for name in _names(model, g)}
    assert lr_of["encoder.weight"] == pytest.approx(0.001)
    assert lr_of["encoder.bias"] == pytest.approx(0.001)
    assert lr_of["decoder.weight"] == pytest.approx(0.02)
    assert lr_of["norm.bias"] == pytest.approx(0.02)
    assert all(g["name"] and g["params"] for g in groups)


def test_frozen_params_are_left_out_and_stop_requiring_grad():
    model = Tiny()
    groups = param_groups(model, lr=1e-3, weight_decay=0.01, freeze=["embed.*", "norm.*"])
    grouped = set().union(*(_names(model, g) for g in groups))
    assert grouped == {"encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"}
    assert not model.embed.weight.requires_grad
    assert not model.norm.weight.requires_grad and not model.norm.bias.requires_grad
    assert model.encoder.weight.requires_grad


def test_every_trainable_param_is_in_exactly_one_group_and_the_optimizer_accepts_them():
    model = Tiny()
    groups = param_groups(
        model, lr=1e-3, weight_decay=0.01, lr_multipliers={"decoder.*": 0.5}, freeze=["embed.*"]
    )
    ids = [id(p) for g in groups for p in g["params"]]
    assert len(ids) == len(set(ids)) == 6  # 7 params, embed.weight frozen
    optimizer = torch.optim.AdamW(groups)
    assert [g["name"] for g in optimizer.param_groups] == [g["name"] for g in groups]


def test_groups_without_params_are_omitted():
    model = nn.Linear(3, 3, bias=False)
    groups = param_groups(model, lr=1.0, weight_decay=0.1)
    assert [g["name"] for g in groups] == ["decay"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"freeze": ["encoderr.*"]},
        {"lr_multipliers": {"nothing.*": 2.0}},
        {"lr_multipliers": {"encoder.*": -1.0}},
        {"weight_decay": -0.1},
    ],
)
def test_typos_and_negative_values_are_bad_input(kwargs):
    with pytest.raises(BadInput):
        param_groups(Tiny(), lr=1e-3, **kwargs)
