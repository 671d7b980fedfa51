"""The word counts' store (``counts.CountStore``): the same answers as the dict-based
``PersonalWords`` on the same text, a round trip through ``words.npz`` with no pickled
objects, two stores added up, and the word layer reading it beside a model (checked against
its card)."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import numpy as np
import pytest
from autocomplete_synthetic import synthetic_corpus
from textseq_plugins.autocomplete.counts import CountStore, PersonalWords
from textseq_plugins.autocomplete.vocabulary import words_of
from textseq_plugins.autocomplete.word_completer import WordCompleter
from textseq_plugins.autocomplete.word_layer import WordLayers


@pytest.fixture(scope="module")
def counted() -> tuple[PersonalWords, CountStore]:
    seq = words_of(synthetic_corpus(300)) + words_of("zebra's zeal, zebra zone. aardvark")
    dicts = PersonalWords()
    dicts.add_words(seq)
    return dicts, CountStore.count(seq, order=3)


def _same(a, b, prefixes) -> None:  # noqa: ANN001
    for p in prefixes:
        assert a.mass(p) == b.mass(p), p
        for k in (1, 3, 50):
            assert a.top(p, k) == b.top(p, k), (p, k)
    for w in a.words + ["nosuchword", "", "zz"]:
        assert a.weight(w) == b.weight(w), w


def test_store_answers_what_the_dicts_answer(counted) -> None:
    dicts, store = counted
    assert len(store) == len(dicts) and store.unigrams == dict(dicts.unigrams)
    prefixes = ["", "t", "th", "the", "z", "zebra", "q", "a", "aardvark", "zzz"]
    _same(dicts.vocab(), store.vocab(), prefixes)
    contexts = list(dicts.bigrams)
    random.Random(0).shuffle(contexts)
    assert any(" " in c for c in contexts[:200]) and any(" " not in c for c in contexts[:200])
    for context in contexts[:200] + ["nosuchword", "the nosuchword", "a b c", ""]:
        mine, theirs = dicts.follow(context), store.follow(context)
        assert (mine is None) == (theirs is None), context
        if mine is not None:
            _same(mine, theirs, prefixes[:6])
            for p in ("", "t", "s"):
                assert store.successors(context, p, 3) == dicts.successors(context, p, 3)


def test_store_round_trips_without_pickle_and_from_dicts(counted, tmp_path) -> None:
    dicts, store = counted
    path = tmp_path / "words.npz"
    store.save(path)
    with zipfile.ZipFile(path) as z:  # plain arrays only: loads with allow_pickle=False
        assert all(n.endswith(".npy") for n in z.namelist())
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    again = tmp_path / "again.npz"
    store.save(again)
    assert again.read_bytes() == path.read_bytes()  # same counts, same bytes (the sha256)
    with np.load(path, allow_pickle=False) as z:
        assert all(z[n].dtype != object for n in z.files)
    back = CountStore.load(path)
    assert back.words == store.words and back.unigrams == store.unigrams
    for n, table in store.orders.items():
        for mine, theirs in zip(table, back.orders[n], strict=True):
            assert np.array_equal(mine, theirs)
    converted = CountStore.from_words(dicts)  # the same counts, built from the dicts
    for context in ("the", "the quick", "zebra"):
        assert converted.successors(context, "", 5) == store.successors(context, "", 5)
    # counts seen fewer than min_counts times are left out
    pruned = CountStore.count(words_of(synthetic_corpus(300)), order=3, min_counts={3: 2})
    assert len(pruned.orders[3][2]) < len(store.orders[3][2])
    assert int(pruned.orders[3][3].min()) >= 2


def _with_counts(host, tiny_model_dir: Path, tmp_path: Path, text: str) -> Path:
    """The tiny model with a ``words.npz`` of ``text`` listed on its card, in the registry
    as ``worded``."""
    import json
    import shutil

    from textseq_tui.files import sha256_file

    folder = tmp_path / "worded"
    shutil.copytree(tiny_model_dir, folder)
    CountStore.count(words_of(text)).save(folder / "words.npz")
    card = json.loads((folder / "card.json").read_text())
    card["name"] = "worded"
    card["files"]["words.npz"] = sha256_file(folder / "words.npz")
    (folder / "card.json").write_text(json.dumps(card))
    return host.registry.import_dir(folder).path


def test_word_layer_reads_the_store_beside_the_model(host, tiny_model_dir, tmp_path) -> None:
    _with_counts(host, tiny_model_dir, tmp_path, "my snorkelwick grazes. the snorkelwick "
                 "sleeps. a snorkelwick waits.")
    layer = WordLayers(host.registry).get("worded")
    assert isinstance(layer.own, CountStore) and layer.background is None
    assert layer.own_weight == 1.0 and layer.note == ""
    model = host.registry.load("worded")
    found = WordCompleter(model, layer=layer, session=False).suggest("the quick snorkelw")
    assert found and found[0].completion.rstrip() == "ick"
    assert WordCompleter(model, session=False).suggest("the quick snorkelw") == []


def test_a_damaged_store_never_breaks_typing(host, tiny_model_dir, tmp_path) -> None:
    path = _with_counts(host, tiny_model_dir, tmp_path, "the snorkelwick waits.")
    model = host.registry.load("worded")  # loaded, then its counts damaged
    (path / "words.npz").write_bytes(b"not a zip")
    with pytest.raises(Exception):  # noqa: B017,PT011  numpy's own error
        CountStore.load(path / "words.npz")
    layer = WordLayers(host.registry).get("worded")
    assert layer.own is None and "does not match its card" in layer.note
    assert WordCompleter(model, layer=layer).suggest("the lazy dog waits f")


def test_two_stores_add_up_to_the_counts_of_both_texts() -> None:
    first = words_of(synthetic_corpus(120, seed=1)) + words_of("zebra's zeal, zebra zone.")
    second = words_of(synthetic_corpus(80, seed=2)) + words_of("aardvark at dawn. the zebra")
    both = CountStore.count(first).merged(CountStore.count(second))
    dicts = PersonalWords()
    dicts.add_words(first)
    dicts.add_words(second)  # a separate text: no pair across the two
    assert both.unigrams == dict(dicts.unigrams)
    for context in ("the", "the quick", "zebra", "aardvark", "at dawn", "nosuchword"):
        mine, theirs = dicts.follow(context), both.follow(context)
        assert (mine is None) == (theirs is None), context
        if mine is not None:
            _same(mine, theirs, ["", "t", "z", "q"])


def test_continuation_counts_weigh_words_by_the_pairs_they_end() -> None:
    text = "san francisco " * 6 + "a fine day. the fine cat. my fine hat. so fine."
    raw = CountStore.count(words_of(text))
    kn = CountStore.count(words_of(text))
    kn = CountStore(kn.words, kn.counts, kn.orders, continuation=1.0)
    # "francisco" (6 times, always after "san") against "fine" (4 times, after 4 words)
    assert raw.vocab().weight("francisco") > raw.vocab().weight("fine")
    assert kn.vocab().weight("francisco") < kn.vocab().weight("fine")
    assert kn.vocab().mass("") == pytest.approx(raw.vocab().mass(""))
    assert kn.unigrams == raw.unigrams  # the counts themselves stay
