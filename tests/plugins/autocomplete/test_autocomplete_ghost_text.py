"""Ghost text soon after launch: the word layer suggests alone (no torch) until the character
model has loaded, then the whole policy takes over."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


@pytest.fixture
def english_layer(host):
    from textseq_plugins.autocomplete.word_layer import WordLayers

    return WordLayers(host.registry).get("char-rnn-english")


def test_the_word_layer_suggests_alone_before_the_model_loads(english_layer) -> None:
    from textseq_plugins.autocomplete.word_completer import WordCompleter

    words = WordCompleter(None, layer=english_layer)
    assert words.suggest("We thank the United Sta")[0].completion == "tes "
    assert words.suggest("WE THANK THE UNITED STA")[0].completion == "TES "
    # a next word from the phrases the counts hold, capitalised after a sentence's end
    assert words.suggest("We thank the United ")[0].completion == "States "
    assert words.ranked("It works. ")[0][0][:1].isupper()
    assert words.suggest("zzqx") == []
    # nothing calibrates on it: the model's hit rate is what the thresholds follow
    words.suggest("We thank the United Stax")
    assert words.calibration == 0.0


def test_the_word_layer_loads_and_suggests_without_torch(home) -> None:
    script = textwrap.dedent("""
        import sys
        from textseq_tui.host import Host
        from textseq_plugins.autocomplete.word_completer import WordCompleter
        from textseq_plugins.autocomplete.word_layer import WordLayers
        host = Host(device="cpu")
        layer = WordLayers(host.registry).get("char-rnn-english")
        found = WordCompleter(None, layer=layer).suggest("We thank the United Sta")
        print(found[0].completion, "torch" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-1500:]
    assert out.stdout.split() == ["tes", "False"]


def test_the_provider_answers_from_the_words_until_the_model_is_ready(host, tiny) -> None:
    plugin = host.plugin("autocomplete")
    plugin.context.settings["model"] = "tiny"
    provider = plugin.completion_provider()
    assert provider.suggest("the quick brown fox jumps ov") == "er "  # the English list
    assert provider._completer.model is None
    # the model loads only once a keystroke has had its answer from the words: its torch
    # import would have delayed that answer
    assert plugin.personal._loading is None and provider.answered.is_set()
    provider.suggest("the quick brown fox jumps ove")
    loading = plugin.personal._loading  # the second keystroke started loading the model
    assert loading is not None and provider._completer.model is None
    loading.join(60)
    assert provider.suggest("the quick brown fox jumps ov") == "er "
    assert provider._completer.model is tiny  # from the keystroke after it loaded
    # the warm-up loads the words first, then (a keystroke answered, or a second and a half
    # later) starts loading the model in the background and returns
    again = host.plugin("autocomplete")
    again.start(plugin.context)
    again.warmup()
    assert again.completion_provider()._completer is not None  # the words, ready
    again.personal._loading.join(60)
    assert again.personal.ready_model("tiny") is tiny
