"""Incremental inference, suggestions, keystroke savings and the ghost-text provider."""

from __future__ import annotations

import torch
from textseq_plugins.autocomplete.completer import Completer, keystroke_savings
from textseq_plugins.autocomplete.ghost_text import GhostTextProvider
from textseq_plugins.autocomplete.model import CharModel


def _fresh_logp(model: CharModel, text: str) -> torch.Tensor:
    c = Completer(model)
    c.update(text)
    return c.next_char_logprobs()


def test_typing_backspace_and_edits_match_a_fresh_encoding(tiny32: CharModel) -> None:
    c = Completer(tiny32, checkpoint_every=8)
    text = ""
    script = list("the quick brown fox jumps") + ["<", "<", "<"] + list("umps over the")
    for key in script:
        text = text[:-1] if key == "<" else text + key
        c.update(text)
        assert torch.allclose(c.next_char_logprobs(), _fresh_logp(tiny32, text), atol=1e-5)
    # a cursor move + edit in the middle of the text
    edited = text[:6] + "X" + text[7:]
    c.update(edited)
    assert torch.allclose(c.next_char_logprobs(), _fresh_logp(tiny32, edited), atol=1e-5)


def test_typing_feeds_one_character_per_keystroke(tiny: CharModel, monkeypatch) -> None:
    c = Completer(tiny)
    c.update("the quick brown ")
    fed: list[int] = []
    real = tiny.step
    monkeypatch.setattr(tiny, "step", lambda ids, h: (fed.append(ids.shape[1]), real(ids, h))[1])
    c.update("the quick brown f")
    c.update("the quick brown fo")
    assert fed == [1, 1]


def test_a_long_paste_encodes_only_the_capped_tail(tiny: CharModel) -> None:
    c = Completer(tiny, cap=256, checkpoint_every=32)
    paste = "the lazy dog waits for a queen. " * 3200  # ~100 KB
    c.update(paste)
    assert len(paste) - c.anchor <= 256
    # and the state equals a fresh encoding of the same window
    fresh = Completer(tiny, cap=256, checkpoint_every=32)
    fresh.update(paste)
    assert torch.allclose(c.next_char_logprobs(), fresh.next_char_logprobs(), atol=1e-5)


def test_typing_over_a_window_step_feeds_only_the_new_characters(tiny32: CharModel,
                                                                 monkeypatch) -> None:
    c = Completer(tiny32, cap=64, checkpoint_every=8)
    text = "the lazy dog waits for a queen. " * 4  # 128 chars: two window steps
    c.update(text[:60])
    fed: list[int] = []
    real = tiny32.step
    monkeypatch.setattr(tiny32, "step", lambda ids, h: (fed.append(ids.shape[1]), real(ids, h))[1])
    for i in range(61, len(text) + 1):
        c.update(text[:i])
    assert c.anchor == 96 and fed == [1] * (len(text) - 60)
    # a backspace and an edit still work; an edit before the window's kept states re-encodes
    c.update(text[:-1])
    c.update(text[:-1] + "!")
    assert c.text.endswith("!")
    fed.clear()
    edited = text[:97] + "X" + text[98:]
    c.update(edited)
    assert sum(fed) == len(edited) - 96  # re-encoded from the window start only
    fresh = Completer(tiny32, cap=64, checkpoint_every=8)
    fresh.update(edited)
    assert torch.allclose(c.next_char_logprobs(), fresh.next_char_logprobs(), atol=1e-5)


def test_should_stop_abandons_and_the_next_call_finishes(tiny32: CharModel) -> None:
    c = Completer(tiny32, checkpoint_every=8)
    text = "my good lord waits for the king. " * 4
    assert c.update(text, should_stop=lambda: True) is False
    assert c.update(text) is True
    assert torch.allclose(c.next_char_logprobs(), _fresh_logp(tiny32, text), atol=1e-5)


def test_suggestions_finish_the_word_then_the_next_ones(tiny: CharModel) -> None:
    c = Completer(tiny)
    top = c.suggest("the lazy dog waits f", n=3)
    assert top[0].completion == "or" and top[0].prob > 0.8
    assert [s.prob for s in top] == sorted((s.prob for s in top), reverse=True)
    two = c.suggest("the lazy dog waits ", n=1, words=2)
    assert two[0].completion.startswith("for ") and len(two[0].completion.split()) == 2
    result = c.complete("my good l", n=2)
    assert result["suggestions"][0] == {"completion": "ord", "prob": result["suggestions"][0]["prob"]}


def test_the_threshold_prefers_no_suggestion_to_a_bad_one(tiny: CharModel) -> None:
    c = Completer(tiny)
    # after a subject, the verb is a free choice among four: no single one is likely
    assert c.suggest("my good lord ", n=1, min_prob=0.5) == []
    assert c.suggest("my good lord ", n=1, min_prob=0.0) != []


def test_keystroke_savings_follow_the_stated_conventions(tiny: CharModel) -> None:
    text = "the quick brown fox jumps over the lazy dog."
    sim = keystroke_savings(Completer(tiny), text)
    assert sim["chars"] == len(text)
    assert 0.3 < sim["savings"] < 1
    assert sim["keystrokes"] == round(len(text) * (1 - sim["savings"]))
    assert sim["accepts"] > 0
    # "foxes": the suggestion "ox" is what comes next, but the word does not end there
    plural = "the quick brown foxes jump"
    loose = keystroke_savings(Completer(tiny), plural)
    strict = keystroke_savings(Completer(tiny), plural, whole_words=True)
    assert loose["keystrokes"] < strict["keystrokes"]
    never = keystroke_savings(Completer(tiny), text, min_prob=1.01)
    assert never["keystrokes"] == len(text) and never["savings"] == 0


def test_a_spaced_suggestion_ends_with_the_space_the_model_expects(tiny: CharModel) -> None:
    c = Completer(tiny)
    plain = c.suggest("the quick brown fox jumps ov", n=1)[0]
    spaced = c.suggest("the quick brown fox jumps ov", n=1, space=True)[0]
    assert (plain.completion, spaced.completion) == ("er", "er ")
    assert spaced.prob == plain.prob  # still the word's probability of ending there
    # at the end of the sentence the likeliest word end is ".", not a space
    end = c.suggest("jumps over the lazy d", n=1, space=True)[0]
    assert end.completion == "og"


def test_keystroke_savings_with_spaces_accept_the_word_or_the_word_and_space(
        tiny: CharModel) -> None:
    text = "the quick brown fox jumps over the lazy dog. the quick brown fox jumps over it."
    plain = keystroke_savings(Completer(tiny), text)
    spaced = keystroke_savings(Completer(tiny), text, space=True)
    # the same suggestions are accepted; some also carry the space typed after them
    assert spaced["accepts"] == plain["accepts"]
    assert plain["keystrokes"] - spaced["keystrokes"] >= 5
    assert 0 < spaced["precision"] <= 1 and spaced["shown"] >= spaced["accepts"]


def test_provider_completes_the_whole_text_at_the_cursor_incrementally(tiny: CharModel) -> None:
    from textseq_tui.plugin import CompletionRequest

    provider = GhostTextProvider(lambda start: tiny)
    # the ghost text ends with the space the model expects (Tab takes "er", Shift+Tab "er ")
    assert provider.suggest("the quick brown fox jumps ov") == "er "
    assert provider._completer.model is tiny
    assert provider.complete(CompletionRequest("", 0)) is None
    # the host sends the whole text and the cursor; typing on must not re-encode it
    full = "the lazy dog waits for a queen. " * 100 + "the quick brown fox jumps ov"
    provider.complete(CompletionRequest(full[:-1], len(full) - 1))
    completer = provider._completer.chars  # the word layer's character state
    fed_before = completer.fed_to
    assert provider.complete(CompletionRequest(full, len(full))) == "er "
    assert completer.fed_to == fed_before + 1
    # with text after the cursor, the ghost text continues what comes before it
    assert provider.complete(CompletionRequest(full + " and on", len(full))) == "er "


def test_provider_keeps_the_sessions_calibration_when_a_new_model_swaps_in(tiny32) -> None:
    import copy

    models = [tiny32]
    from dataclasses import replace

    from textseq_plugins.autocomplete.policy import Policy

    provider = GhostTextProvider(lambda start: models[-1],
                                 policy=replace(Policy(), target_precision=0.9))
    text = "the quick brown fox jumps ov"
    shown = provider.suggest(text)
    assert shown == "er "
    provider.suggest(text + "x")  # typed past: the thresholds rise
    before = provider._completer.calibration
    assert before > 0
    models.append(copy.copy(tiny32))  # e.g. the home's newly adapted model
    provider.suggest("the lazy dog sl")
    assert provider._completer.model is models[-1]
    assert provider._completer.calibration == before
