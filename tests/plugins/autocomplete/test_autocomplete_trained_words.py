"""A model trained with ``autocomplete train`` carries its own word layer: its training text's
words, pairs and triples, mixed with the default model's English counts (read through the
registry) by a weight chosen on the validation split; ``--init`` continues both layers."""

from __future__ import annotations

import json

import pytest
from autocomplete_synthetic import synthetic_corpus

TINY = ["--hidden", "16", "--layers", "1", "--embed", "8", "--batch-size", "4",
        "--seq-len", "16", "--dropout", "0", "--quiet", "--threads", "1", "--steps", "4"]
#: words no English list knows, in a corpus of the tiny grammar
MADE_UP = "the snorkelwick grazes by the quiet riverbank. "


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text((synthetic_corpus(220, seed=3) + MADE_UP * 40)[:11_000])
    return path


def test_a_trained_model_carries_its_words_and_uses_the_english_counts_beside(cli, host, corpus):
    from textseq_plugins.autocomplete.word_completer import WordCompleter
    from textseq_plugins.autocomplete.word_layer import WordLayers

    result = cli("autocomplete", "train", "--corpus", str(corpus), "--name", "mine", "--json",
                 *TINY)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    info = host.registry.get("mine")
    assert "words.npz" in info.card.files and host.registry.verify("mine") == {
        str(info.path): []}
    settings = info.card.hyperparameters["word_layer"]
    assert settings == out["word_layer"] and settings["background"] == "char-rnn-english"
    assert settings["own_weight"] in (0.0, 0.25, 0.5, 0.75, 1.0)
    tried = settings["savings_by_own_weight"]
    assert "1" in tried and tried[f"{settings['own_weight']:g}"] == max(tried.values())
    assert "words.npz" in info.card.data["word_counts"]
    layers = WordLayers(host.registry)
    layer = layers.get("mine")
    assert layer.own.vocab().weight("snorkelwick") > 0
    # the English counts are the default model's own, read through the registry, not copied
    assert layer.background is layers.get("char-rnn-english").own
    assert (info.path / "words.npz").stat().st_size < 100_000
    # the model's own words complete what the English list never would
    model = host.registry.load("mine")
    own = WordCompleter(model, layer=layer, session=False).ranked("a queen waits by the snork")
    assert own and own[0][0] == "elwick"
    english = WordCompleter(model, layer=layer.without_own(), session=False)
    assert "elwick" not in {c for c, _, _ in english.ranked("a queen waits by the snork")}
    # eval --model uses it
    evaluated = json.loads(cli("autocomplete", "eval", "--corpus", str(corpus), "--model", "mine",
                               "--savings-chars", "200", "--json").stdout)
    assert evaluated["word_layer"]["own_words"] == len(layer.own)
    assert evaluated["word_layer"]["background"] == "char-rnn-english"
    # the app's ghost text, with the model selected in the settings, uses it too, and the
    # personal history still adds its words on top
    learned = cli("autocomplete", "learn", "--input", "-", "--no-adapt",
                  input="we met the glimmerquaff today. " * 30)
    assert learned.exit_code == 0, learned.stderr
    plugin = host.plugin("autocomplete")
    plugin.context.settings["model"] = "mine"
    provider = plugin.completion_provider()
    assert provider.suggest("a queen waits by the snork") == "elwick "
    assert provider.suggest("then the glimmerq") == "uaff "


def test_a_small_corpus_trains_and_says_it_has_no_word_layer(cli, host, tmp_path) -> None:
    small = tmp_path / "small.txt"
    small.write_text(synthetic_corpus(150, seed=4)[:8_000])
    result = cli("autocomplete", "train", "--corpus", str(small), "--name", "small", *TINY)
    assert result.exit_code == 0, result.stderr
    assert "no word layer of its own" in result.stdout
    info = host.registry.get("small")
    assert "words.npz" not in info.card.files
    assert info.card.hyperparameters["word_layer"]["own"] is None
    assert "no word layer of its own" in info.card.data["word_counts"]


def test_init_continues_both_layers_without_counting_english_twice(host, tiny, tmp_path):
    from textseq_plugins.autocomplete.counts import CountStore
    from textseq_plugins.autocomplete.train_words import train_word_layer
    from textseq_plugins.autocomplete.vocabulary import words_of
    from textseq_plugins.autocomplete.word_layer import WordLayers

    layers = WordLayers(host.registry)
    first = MADE_UP * 300
    base = train_word_layer(layers, tiny, first, background="char-rnn-english", weights=(0.5,))
    assert base.counts.unigrams["snorkelwick"] == first[: int(len(first) * 0.9)].count(
        "snorkelwick")
    # a model trained from it goes on counting: its counts plus the new text's
    folder = tmp_path / "base"
    folder.mkdir()
    base.counts.save(folder / "words.npz")
    card = host.registry.get("tiny").card
    card.name, card.files = "base", {"words.npz": _sha(folder / "words.npz")}
    card.hyperparameters = {"word_layer": base.settings}
    second = "a zebra quietly grazes beside the dam. " * 300
    more = train_word_layer(layers, tiny, second, background="char-rnn-english",
                            init=(folder, card), weights=(0.5,))
    assert more.settings["continued_from"] == "base"
    expected = CountStore.count(words_of(first[: int(len(first) * 0.9)])).merged(
        CountStore.count(words_of(second[: int(len(second) * 0.9)])))
    assert more.counts.unigrams == expected.unigrams
    # from the default model itself: its English is the background, not counted in again
    english = host.registry.get("char-rnn-english")
    fresh = train_word_layer(layers, tiny, second, background="char-rnn-english",
                             init=(english.path, english.card), weights=(0.5,))
    assert fresh.settings["continued_from"] is None and fresh.settings["background"] == (
        "char-rnn-english")
    assert set(fresh.counts.unigrams) == set(words_of(second))


def _sha(path) -> str:  # noqa: ANN001
    from textseq_tui.files import sha256_file

    return sha256_file(path)
