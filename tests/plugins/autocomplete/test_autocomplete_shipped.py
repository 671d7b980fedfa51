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


# -- the default model for today's English ------------------------------------------------------


@pytest.fixture
def masc_held_out(shared_data) -> str:
    """MASC's held-out split (every 10th document), as the corpus builder makes it."""
    from textseq_plugins.autocomplete.corpus import held_out, normalise, read_masc

    if not (shared_data / "text" / "modern-english" / "masc_tagged.zip").is_file():
        pytest.skip("the modern-English corpora are absent")
    docs = [normalise(t) for i, (d, t) in enumerate(read_masc(shared_data))
            if held_out("masc", i, d)]
    return "\n\n".join(docs)


def test_english_model_is_the_default_and_ships_with_its_card(host) -> None:
    assert host.registry.default_name("char-rnn") == "char-rnn-english"
    info = host.registry.get("char-rnn-english")
    assert info.source == "shipped" and info.card.kind == "char-rnn"
    assert host.registry.verify("char-rnn-english") == {str(info.path): []}
    assert "words.npz" in info.card.files  # the word layer's background counts
    assert not (info.path / "words.tsv.gz").exists()  # replaced by the store
    assert "textseq_plugins.autocomplete.corpus" in info.card.rebuild
    for name in ("brown", "nps_chat", "webtext", "abc"):  # evaluation only
        assert name in info.card.data["evaluation_only"]


def test_english_model_completes_held_out_modern_english(host, masc_held_out: str) -> None:
    from textseq_plugins.autocomplete.counts import CountStore
    from textseq_plugins.autocomplete.word_completer import WordCompleter
    from textseq_plugins.autocomplete.word_layer import WordLayers

    model = host.registry.load("char-rnn-english")
    assert model.nats_per_char(masc_held_out[:8000]) < 1.8
    layer = WordLayers(host.registry).get("char-rnn-english")
    assert isinstance(layer.own, CountStore) and layer.background is None  # words.npz
    assert layer.own.successors("the united", "", 1) == ["states"]
    wc = WordCompleter(model, layer=layer)
    assert wc.suggest("Thank you very mu")[0].completion.startswith("ch")
    assert wc.suggest("I don't kn")[0].completion.startswith("ow")
    assert wc.suggest("THE UNITED STA")[0].completion.startswith("TES")
