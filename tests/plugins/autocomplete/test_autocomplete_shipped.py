"""The shipped char-rnn-shakespeare model, measured on text it was not trained on (the last
10 % of tinyshakespeare)."""

from __future__ import annotations

import pytest
from textseq_plugins.autocomplete.completer import Completer
from textseq_plugins.autocomplete.train import split_corpus


@pytest.fixture
def shakespeare_val(shared_data) -> str:
    path = shared_data / "text" / "tinyshakespeare" / "input.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return split_corpus(path.read_text(encoding="utf-8"))[1]


def test_shipped_model_loads_from_the_registry_with_its_card(host) -> None:
    info = host.registry.get("char-rnn-shakespeare")
    assert info.source == "shipped" and info.card.kind == "char-rnn"
    assert host.registry.verify("char-rnn-shakespeare") == {str(info.path): []}
    assert info.card.metrics["val_nats_per_char"] < 1.7
    assert "textseq autocomplete train" in info.card.rebuild


def test_shipped_model_predicts_held_out_shakespeare(host, shakespeare_val: str) -> None:
    model = host.registry.load("char-rnn-shakespeare")
    nats = model.nats_per_char(shakespeare_val[:20_000])
    assert nats < 1.75  # a unigram model scores ~3.35 nats/char on the same text
    suggestion = Completer(model).suggest("KING RICHARD III:\nMy lo", n=1)
    assert suggestion and suggestion[0].completion == "rd"
    rows = model.char_surprisals("The king is dead; long live the king!")
    assert sum(r == 1 for _, _, r in rows) > len(rows) / 2
