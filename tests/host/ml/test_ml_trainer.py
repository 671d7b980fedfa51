import itertools
import os
import socket
import time

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from textseq_tui.errors import ModelError
from textseq_tui.ml.batching import PackedBatch, next_token_batch
from textseq_tui.ml.checkpoint import load_checkpoint
from textseq_tui.ml.params import param_groups
from textseq_tui.ml.trainer import (
    TrainConfig,
    Trainer,
    ddp_cleanup,
    ddp_setup,
    is_main_process,
)

VOCAB = 17
CPU = torch.device("cpu")


class CharModel(nn.Module):
    """Embedding -> dropout -> GRU -> linear: dropout makes training consume the torch RNG."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(VOCAB, 8)
        self.drop = nn.Dropout(0.3)
        self.rnn = nn.GRU(8, 16)
        self.head = nn.Linear(16, VOCAB)

    def forward(self, batch: PackedBatch) -> torch.Tensor:
        data = self.drop(self.embed(batch.packed.data))
        out, _ = self.rnn(batch.packed._replace(data=data))
        return self.head(out.data)


def step_fn(model: nn.Module, batch: tuple[PackedBatch, torch.Tensor]):
    inputs, targets = batch
    return F.cross_entropy(model(inputs), targets), targets.numel()


def batches():
    """A deterministic, re-creatable stream of next-token batches (its own generator)."""
    gen = torch.Generator().manual_seed(42)
    for _ in range(1000):
        lengths = torch.randint(2, 12, (6,), generator=gen).tolist()
        yield next_token_batch([torch.randint(0, VOCAB, (n,), generator=gen) for n in lengths])


def eval_fn(model: nn.Module) -> dict[str, float]:
    assert not model.training and not torch.is_grad_enabled()
    torch.rand(100)  # eval's random draws must not shift training's
    inputs, targets = next(iter(batches()))
    return {"val_loss": F.cross_entropy(model(inputs), targets).item()}


def make_trainer(seed: int, config: TrainConfig, path=None, **kwargs) -> Trainer:
    torch.manual_seed(seed)
    model = CharModel()
    optimizer = torch.optim.AdamW(param_groups(model, lr=0.01, weight_decay=0.01))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 / (1 + 0.1 * step))
    return Trainer(
        model,
        optimizer,
        step_fn=step_fn,
        config=config,
        device=CPU,
        scheduler=scheduler,
        checkpoint_path=path,
        eval_fn=eval_fn,
        extra_state={"vocab_size": VOCAB},
        **kwargs,
    )


def config(**kwargs) -> TrainConfig:
    defaults = {"checkpoint_every": 5, "eval_every": 4, "log_every": 3, "progress": False}
    return TrainConfig(**{**defaults, **kwargs})


def assert_same_weights(a: nn.Module, b: nn.Module) -> None:
    for (name, pa), (_, pb) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        torch.testing.assert_close(pa, pb, atol=1e-6, rtol=0, msg=name)


N = 12


@pytest.fixture(scope="module")
def uninterrupted() -> Trainer:
    trainer = make_trainer(0, config(max_steps=N))
    result = trainer.fit(batches())
    assert result.steps == N and result.stopped_because == "max_steps"
    return trainer


def test_training_half_then_resuming_fresh_objects_gives_the_same_weights(uninterrupted, tmp_path):
    path = tmp_path / "ckpt.pt"
    first = make_trainer(0, config(max_steps=N // 2), path)
    assert first.fit(batches()).steps == N // 2
    # Fresh objects, seeded differently: everything that matters must come from the file.
    second = make_trainer(123, config(max_steps=N), path)
    assert second.resume() == N // 2
    assert second.resumed_extra == {"vocab_size": VOCAB}
    result = second.fit(batches())  # re-created from the start; the first N/2 are skipped
    assert (result.steps, result.steps_this_run, result.stopped_because) == (
        N,
        N // 2,
        "max_steps",
    )
    assert_same_weights(second.model, uninterrupted.model)


def test_a_crash_mid_run_resumes_from_the_last_periodic_checkpoint(uninterrupted, tmp_path):
    path = tmp_path / "ckpt.pt"
    crashing = make_trainer(0, config(max_steps=N), path)
    calls = itertools.count(1)

    def crash_at_step_8(model, batch):
        if next(calls) == 8:
            raise RuntimeError("power cut")
        return step_fn(model, batch)

    crashing.step_fn = crash_at_step_8
    with pytest.raises(RuntimeError, match="power cut"):
        crashing.fit(batches())
    resumed = make_trainer(7, config(max_steps=N), path)
    assert resumed.resume() == 5  # checkpoint_every=5
    resumed.fit(batches())
    assert_same_weights(resumed.model, uninterrupted.model)


def test_ctrl_c_saves_the_steps_completed_so_far(tmp_path):
    path = tmp_path / "ckpt.pt"
    trainer = make_trainer(0, config(max_steps=N, checkpoint_every=100), path)
    calls = itertools.count(1)

    def interrupt_at_step_4(model, batch):
        if next(calls) == 4:
            raise KeyboardInterrupt
        return step_fn(model, batch)

    trainer.step_fn = interrupt_at_step_4
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(batches())
    assert load_checkpoint(path)["step"] == 3


def test_resume_without_a_checkpoint_starts_at_zero(tmp_path):
    trainer = make_trainer(0, config(max_steps=2), tmp_path / "none.pt")
    assert trainer.resume() == 0
    assert trainer.fit(batches()).steps == 2
    assert (tmp_path / "none.pt").exists()


def test_the_minutes_budget_stops_an_endless_stream():
    def slow_step(model, batch):
        time.sleep(0.01)
        return step_fn(model, batch)

    trainer = make_trainer(0, config(minutes=0.2 / 60))  # 0.2 s
    trainer.step_fn = slow_step
    result = trainer.fit(itertools.cycle(list(itertools.islice(batches(), 3))))
    assert result.stopped_because == "minutes"
    assert result.steps > 0 and 0.2 <= result.seconds < 3


def test_training_stops_when_batches_run_out_and_reports_metrics():
    seen: list[tuple[int, dict]] = []
    trainer = make_trainer(0, config(), on_metrics=lambda step, m: seen.append((step, m)))
    result = trainer.fit(itertools.islice(batches(), 7))
    assert result.stopped_because == "exhausted" and result.steps == 7
    loss_steps = [step for step, m in seen if "train_loss" in m]
    eval_steps = [step for step, m in seen if "val_loss" in m]
    assert loss_steps == [3, 6, 7] and eval_steps == [4, 7]
    assert set(seen[0][1]) == {"train_loss", "lr", "steps_per_s", "items_per_s", "grad_norm"}
    assert {"train_loss", "val_loss"} <= set(result.metrics) and "loss" not in result.metrics
    assert trainer.model.training


def test_the_old_name_loss_still_reads_the_training_loss():
    """A plugin written when the result said ``loss`` keeps working; the name is never listed
    (a run logging every metric stores the training loss once, as train_loss)."""
    seen: list[dict] = []
    result = make_trainer(0, config(), on_metrics=lambda step, m: seen.append(m)).fit(
        itertools.islice(batches(), 3))
    assert result.metrics["loss"] == result.metrics.get("loss") == result.metrics["train_loss"]
    assert seen[0]["loss"] == seen[0]["train_loss"] and "loss" not in dict(seen[0])
    assert result.metrics.get("nothing", 1.5) == 1.5
    with pytest.raises(KeyError):
        result.metrics["nothing"]  # noqa: B018


def test_gradients_are_clipped_to_the_configured_norm():
    model = nn.Linear(1, 1, bias=False)
    nn.init.zeros_(model.weight)
    trainer = Trainer(
        model,
        torch.optim.SGD(model.parameters(), lr=1.0),
        step_fn=lambda m, batch: 1000 * m(batch).sum(),
        config=TrainConfig(max_steps=1, grad_clip=0.5, progress=False),
        device=CPU,
    )
    trainer.fit([torch.ones(1, 1)])
    assert model.weight.item() == pytest.approx(-0.5)  # unclipped it would be -1000


def test_a_diverged_loss_raises_and_is_never_checkpointed(tmp_path):
    path = tmp_path / "ckpt.pt"
    trainer = make_trainer(0, config(max_steps=N, checkpoint_every=2), path)
    trainer.step_fn = lambda model, batch: step_fn(model, batch)[0] * float("nan")
    with pytest.raises(ModelError, match="diverged"):
        trainer.fit(batches())
    assert not path.exists()


def test_progress_bar_goes_to_stderr(capsys):
    trainer = make_trainer(0, config(max_steps=3, progress=True))
    trainer.fit(batches())
    captured = capsys.readouterr()
    assert captured.out == "" and "training" in captured.err


def test_outside_torchrun_there_is_one_main_process(monkeypatch):
    for var in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)
    assert ddp_setup() == (0, 1)
    assert is_main_process()
    ddp_cleanup()  # nothing to clean up: must not fail


def test_ddp_setup_joins_a_gloo_group_from_torchrun_variables(monkeypatch, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0", "MASTER_ADDR": "127.0.0.1"}
    for key, value in {**env, "MASTER_PORT": str(port)}.items():
        monkeypatch.setenv(key, value)
    try:
        assert ddp_setup(backend="gloo") == (0, 1)
        assert torch.distributed.is_initialized() and is_main_process()
        trainer = make_trainer(0, config(max_steps=2), tmp_path / "ckpt.pt")
        assert trainer.fit(batches()).steps == 2
    finally:
        ddp_cleanup()
    assert not torch.distributed.is_initialized()
    assert os.environ["RANK"] == "0"


def test_a_time_budget_gives_a_determinate_bar_with_the_time_left(capsys):
    from textseq_tui.ml.trainer import _ProgressBar

    bar = _ProgressBar(config(minutes=2.0, progress=True), 0, deadline=1120.0)
    bar.close()
    assert bar.determinate
    # 1000 s: the budget (120 s) started; 30 s used is a quarter, 90 s left.
    assert bar.fraction(now=1030.0) == pytest.approx(0.25)
    assert bar.seconds_left(now=1030.0) == pytest.approx(90.0)
    assert bar._fields(now=1030.0)["left"] == "1:30 left"
    assert bar.fraction(now=1200.0) == 1.0


def test_steps_and_a_budget_fill_the_bar_by_whichever_ends_first(capsys):
    from textseq_tui.ml.trainer import _ProgressBar

    bar = _ProgressBar(config(max_steps=100, minutes=10.0, progress=True), 0, deadline=1600.0)
    bar.close()
    bar.started, bar.step = 1000.0, 50  # half the steps in 10 s of a 600 s budget
    assert bar.fraction(now=1010.0) == pytest.approx(0.5)
    assert bar.seconds_left(now=1010.0) == pytest.approx(10.0)  # the steps end first
    unknown = _ProgressBar(config(progress=True), 0)
    unknown.close()
    assert not unknown.determinate and unknown.seconds_left() is None


def test_training_with_minutes_shows_the_time_left_on_stderr(capsys):
    trainer = make_trainer(0, config(max_steps=3, minutes=5.0, progress=True))
    trainer.fit(batches())
    err = capsys.readouterr().err
    assert "3/3 steps" in err and "100%" in err
