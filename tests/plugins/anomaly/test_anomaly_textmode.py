"""Text mode with a stand-in character model (the real one belongs to autocomplete)."""

from __future__ import annotations

import pytest
from textseq_plugins.anomaly.textmode import SurpriseAnnotator, render_markup, text_surprise

from textseq_tui.errors import ModelNotFound
from textseq_tui.plugin import Annotation


class FakeCharModel:
    """Every character costs 1 nat except z, q and x (8 nats: never expected)."""

    def char_surprisals(self, text: str) -> list[tuple[str, float, int]]:
        return [(c, 8.0 if c in "zqx" else 1.0, 40 if c in "zqx" else 1) for c in text]


class FakeRegistry:
    def __init__(self, model=None) -> None:
        self.model = model
        self.asked: list[str] = []

    def load(self, name: str, kind: str | None = None):
        assert kind == "char-rnn"  # the autocomplete plugin's kind: another one is refused
        self.asked.append(name)
        if self.model is None:
            raise ModelNotFound(f"no model named {name!r}.")
        return self.model


def test_surprising_word_and_chars_are_found_with_offsets():
    registry = FakeRegistry(FakeCharModel())
    result = text_surprise(registry, "the cat zqx sat")
    assert registry.asked == ["char-rnn-english"]  # the autocomplete model, shared
    assert [w["word"] for w in result["words"]] == ["zqx"]
    assert (result["words"][0]["start"], result["words"][0]["end"]) == (8, 11)
    assert [c["index"] for c in result["chars"]] == [8, 9, 10]
    assert "[reverse red]zqx[/]" in render_markup(result)


def test_ordinary_text_has_nothing_surprising():
    result = text_surprise(FakeRegistry(FakeCharModel()), "the cat sat")
    assert result["words"] == [] and result["chars"] == []
    assert result["nats_per_char"] == pytest.approx(1.0)


def test_annotator_returns_spans_for_surprising_words():
    ann = SurpriseAnnotator(FakeRegistry(FakeCharModel())).annotate("hello xqz world")
    assert isinstance(ann, Annotation)
    assert [(s.start, s.end) for s in ann.spans] == [(6, 9)]


def test_annotator_without_the_model_notes_it_once_then_stays_quiet():
    annotator = SurpriseAnnotator(FakeRegistry(None))
    first = annotator.annotate("hello there")
    assert first is not None and "no character model" in first.label
    assert "textseq autocomplete train" in first.data["note"]
    assert annotator.annotate("hello again") is None


def test_text_command_uses_the_shared_registry_model(cli, host):
    import json

    from textseq_plugins.anomaly.textmode import CHAR_MODEL

    from textseq_tui.registry import new_card

    # the autocomplete kind, loaded by a stand-in loader in this host
    host.registry.register_kind("char-rnn", lambda path, device: FakeCharModel())
    host.registry.save(new_card(name=CHAR_MODEL, plugin="autocomplete", kind="char-rnn"),
                       {"weights.txt": b"fake"})
    res = cli("anomaly", "text", "the", "cat", "zqx", "sat", "--json")
    assert res.exit_code == 0, res.stderr
    assert [w["word"] for w in json.loads(res.stdout)["words"]] == ["zqx"]
    slash = host.run_command("/anomaly text the cat zqx sat")
    assert "[reverse red]zqx[/]" in slash.text


def test_plugin_keeps_one_annotator_so_the_missing_model_note_is_said_once(host):
    plugin = host.plugin("anomaly")
    (first,) = plugin.annotators()
    (again,) = plugin.annotators()
    assert first is again and first.name == "surprise"
