"""The character model: vocabulary, shapes, save/load, surprisals, sampling."""

from __future__ import annotations

import math

import pytest
import torch
from textseq_plugins.autocomplete.model import (
    CharModel,
    CharRNN,
    CharVocab,
    RNNConfig,
    load_char_model,
    save_model_files,
)

from textseq_tui.plugin import BadInput, ModelError


def test_unseen_characters_map_to_the_unknown_id() -> None:
    vocab = CharVocab.from_text("abcab")
    ids = vocab.encode("abz€")
    assert ids.tolist()[:2] == [vocab.id("a"), vocab.id("b")]
    assert ids.tolist()[2:] == [0, 0]
    assert len(vocab) == 4  # unknown + a, b, c


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_forward_shapes_and_carried_state(cell: str) -> None:
    torch.manual_seed(0)
    net = CharRNN(RNNConfig(vocab_size=7, cell=cell, embed=4, hidden=8, layers=2, dropout=0.0))
    x = torch.randint(0, 7, (3, 5))
    logits, h = net(x)
    assert logits.shape == (3, 5, 7)
    # feeding in two halves with the carried state equals one pass
    a, h1 = net(x[:, :2])
    b, _ = net(x[:, 2:], h1)
    assert torch.allclose(torch.cat([a, b], 1), logits, atol=1e-6)


def test_bad_config_is_refused() -> None:
    with pytest.raises(BadInput):
        RNNConfig(vocab_size=5, cell="transformer")


@pytest.mark.parametrize("half", [False, True])
def test_saved_model_loads_with_the_same_predictions(tmp_path, half: bool) -> None:
    torch.manual_seed(1)
    vocab = CharVocab.from_text("hello world")
    net = CharRNN(RNNConfig(vocab_size=len(vocab), embed=4, hidden=8, layers=1)).eval()
    save_model_files(net, vocab, tmp_path, half=half)
    loaded = load_char_model(tmp_path)
    x = vocab.encode("hello")[None]
    with torch.no_grad():
        want, _ = net(x)
        got, _ = loaded.net(x)
    assert torch.allclose(want, got, atol=1e-2 if half else 1e-6)
    assert loaded.vocab.chars == vocab.chars


def test_config_and_weights_that_disagree_are_a_model_error(tmp_path) -> None:
    vocab = CharVocab.from_text("hello world")
    save_model_files(CharRNN(RNNConfig(vocab_size=len(vocab), hidden=8)), vocab, tmp_path)
    other = CharRNN(RNNConfig(vocab_size=len(vocab), hidden=16))
    from textseq_tui.files import save_tensors

    save_tensors(other.state_dict(), tmp_path / "weights.safetensors")
    with pytest.raises(ModelError, match="do not match"):
        load_char_model(tmp_path)


def test_char_surprisals_agree_with_nats_per_char(tiny: CharModel) -> None:
    text = "the king speaks with my good lord."
    rows = tiny.char_surprisals(text[1:], context=text[0])
    assert [c for c, _, _ in rows] == list(text[1:])
    mean = sum(s for _, s, _ in rows) / len(rows)
    assert mean == pytest.approx(tiny.nats_per_char(text), rel=1e-4)
    assert all(r >= 1 for _, _, r in rows)
    # a predictable character is the model's first guess, a surprising one is not
    surprising = tiny.char_surprisals("the kinZ")
    assert surprising[-1][2] > 1 and surprising[-1][1] > 3 * surprising[2][1]


def test_unseen_characters_are_scored_not_rejected(tiny: CharModel) -> None:
    rows = tiny.char_surprisals("the 🦊 king")
    assert len(rows) == len("the 🦊 king")
    assert all(math.isfinite(s) for _, s, _ in rows)


def test_write_is_seeded_and_never_emits_the_unknown_char(tiny: CharModel) -> None:
    a = tiny.write("the quick ", 60, temperature=0.8, seed=3)
    b = tiny.write("the quick ", 60, temperature=0.8, seed=3)
    assert a == b and len(a) == 60 and "\ufffd" not in a
    with pytest.raises(BadInput):
        tiny.write("x", 5, temperature=0)


@pytest.mark.parametrize("quantize", [False, True])
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_single_step_fast_path_equals_the_full_network(cell: str, quantize: bool) -> None:
    torch.manual_seed(2)
    vocab = CharVocab.from_text("abcdefgh ")
    net = CharRNN(RNNConfig(vocab_size=len(vocab), cell=cell, embed=6, hidden=10, layers=2))
    model = CharModel(vocab, net, quantize=quantize)
    ids = vocab.encode("abc def")[None]
    want, h_want = model.step(ids, None)  # one multi-step call (nn.GRU/nn.LSTM)
    h = None
    for i in range(ids.shape[1]):  # seven one-step calls (float32: the cells)
        got, h = model.step(ids[:, i : i + 1], h)
    # int8: each call quantises its own activations, so the two ways differ a little
    tol = 1e-2 if quantize else 1e-5
    assert torch.allclose(got, want, atol=tol)
    if cell == "lstm":  # compare (h, c) pairs as one flat tensor
        h, h_want = torch.cat([t.flatten() for t in h]), torch.cat([t.flatten() for t in h_want])
    assert torch.allclose(h, h_want, atol=tol)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_the_int8_keystroke_network_predicts_as_the_float32_one(cell: str) -> None:
    torch.manual_seed(3)
    text = "the cat sat on the mat and the dog sat on the log. " * 20
    vocab = CharVocab.from_text(text)
    net = CharRNN(RNNConfig(vocab_size=len(vocab), cell=cell, embed=8, hidden=32, layers=2))
    opt = torch.optim.Adam(net.parameters(), lr=0.02)
    ids = vocab.encode(text)
    for _ in range(60):  # a little training: the predictions have something to agree on
        logits, _ = net(ids[None, :-1])
        loss = torch.nn.functional.cross_entropy(logits[0], ids[1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model = CharModel(vocab, net)
    assert model.fast is not model.net  # a CPU: an int8 copy
    assert model.fast.head.weight().dtype == torch.qint8
    assert model.fast is model.fast  # made once
    with torch.no_grad():
        want = torch.log_softmax(model.net(ids[None])[0], -1)
        got = torch.log_softmax(model.fast(ids[None])[0], -1)
    assert (want.argmax(-1) == got.argmax(-1)).float().mean() > 0.95
    assert (want.exp() - got.exp()).abs().max() < 0.05
    assert float(loss.detach()) < 1.0
    plain = CharModel(vocab, net, quantize=False)
    assert plain.fast is plain.net
