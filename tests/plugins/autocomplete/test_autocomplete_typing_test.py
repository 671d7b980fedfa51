"""The typing test's scoring (monkeytype's definitions) against hand counts, its modes, and
its prompts (seeded common words, your own text, a bad file falling back)."""

from __future__ import annotations

import pytest
from textseq_plugins.autocomplete.typing_prompts import (
    COMMON,
    OWN_TEXT,
    common_prompt,
    common_words,
    own_text_prompt,
    prompt_for,
)
from textseq_plugins.autocomplete.typing_test import (
    BACKSPACE,
    DELETE_WORD,
    MODES,
    Mode,
    TypingTest,
    count_chars,
    next_mode,
)

from textseq_tui.plugin import BadInput


class Clock:
    """Seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.t = 50.0

    def __call__(self) -> float:
        return self.t


def play(test: TypingTest, clock: Clock, keys: list[str], step: float) -> None:
    """Press ``keys`` one every ``step`` seconds, the first at the clock's time."""
    for key in keys:
        test.press(key)
        clock.t += step


def test_a_words_test_scores_as_counted_by_hand() -> None:
    clock = Clock()
    test = TypingTest("the cat sat on".split(), Mode("words", 4), clock=clock)
    # the ca(x→t) s(i)t on: a typo fixed with Backspace, a wrong word left wrong
    play(test, clock, [*"the cax", BACKSPACE, *"t sit on"], 0.5)
    assert test.finished and test.typed == ["the", "cat", "sit", "on"]
    r = test.result()
    # 16 keys 0.5 s apart: the last ('n', ending the test) at 7.5 s
    assert r.seconds == 7.5
    # WPM: the, cat, on right (8 chars) + the spaces after the and cat (2) = 10 chars
    # -> 10 / 5 / (7.5 / 60) = 16
    assert r.wpm == 16.0
    # raw: every char in the typed text: 10 right (the cat s_t on), 1 wrong (i), 3 spaces
    # -> 14 / 5 / 0.125 = 22.4
    assert r.raw_wpm == 22.4
    # accuracy: 15 keys pressed (Backspace not counted); wrong when pressed: x, i, and the
    # space after "sit" (its word is wrong) -> 12 / 15
    assert r.accuracy == 80.0 and r.errors == 3
    assert (r.chars.correct, r.chars.incorrect, r.chars.extra, r.chars.missed) == (10, 1, 0, 0)
    assert r.keystrokes == 16 and r.words == 4
    # per second: WPM so far, the raw WPM of that second, its wrong keys. Second 1 holds
    # t, h (2 right chars: 24 wpm); second 4 holds x (wrong) and Backspace; at 4 s the text
    # is "the ca" -> 6 chars right -> 18 wpm
    assert r.per_second[0] == (24.0, 24.0, 0)
    assert r.per_second[3] == (18.0, 12.0, 1)
    assert len(r.per_second) == 8 and r.per_second[-1][0] == r.wpm


def test_a_timed_test_ends_at_its_length_and_counts_the_word_being_typed() -> None:
    clock = Clock()
    words = ["alpha", "beta", "gamma"] * 40
    test = TypingTest(words, Mode("time", 15), clock=clock)
    # 75 keys 0.2 s apart reach 15 s: "alpha beta gamma " x 4 = 68 keys, then "alpha b"
    keys = [*("alpha beta gamma " * 5)][:75]
    play(test, clock, keys, 0.2)
    assert not test.finished  # the last key came at 14.8 s
    assert test.press("e") is False and test.finished  # 15.0 s: time is up, key refused
    r = test.result()
    assert r.seconds == 15.0
    # 12 words right with their spaces (12 * 5 + ... ) = alpha 5, beta 4, gamma 5 -> 14 per
    # round + 3 spaces = 17 per round; 4 rounds = 68; then "alpha " = 6 and "b" (right so
    # far, the word being typed) = 1 -> 75 chars / 5 / (15 / 60) = 60 wpm, raw the same
    assert (r.wpm, r.raw_wpm, r.accuracy, r.errors) == (60.0, 60.0, 100.0, 0)
    assert len(r.per_second) == 15


def test_extra_and_missed_characters_and_going_back() -> None:
    clock = Clock()
    test = TypingTest(["one", "two", "six"], Mode("words", 3), clock=clock)
    test.press(" ")  # a Space before any character: nothing (the clock has not started)
    assert test.started is None and test.typed == [""]
    play(test, clock, [*"onee", " ", " ", *"tw", " "], 1.0)  # extra e; a Space on an empty
    # word does nothing; "tw" left with a missing o
    assert test.typed == ["onee", "tw", ""]
    assert test.press(BACKSPACE) and test.typed == ["onee", "tw"]  # back into a wrong word
    assert test.press(DELETE_WORD) and test.typed == ["onee", ""]
    assert test.press(BACKSPACE) and test.typed == ["onee"]
    n = count_chars(["onee", "tw", "s"], ["one", "two", "six"], partial_last=False)
    assert (n.correct, n.extra, n.missed, n.spaces) == (6, 1, 3, 2)
    # a word typed right cannot be gone back into
    test2 = TypingTest(["ab", "cd"], Mode("words", 2), clock=clock)
    play(test2, clock, [*"ab "], 1.0)
    assert test2.press(BACKSPACE) is False and test2.typed == ["ab", ""]


def test_a_words_test_ends_on_a_space_at_its_last_word() -> None:
    clock = Clock()
    test = TypingTest(["ab", "cd"], Mode("words", 2), clock=clock)
    play(test, clock, [*"ab c "], 1.0)
    assert test.finished and test.typed == ["ab", "c"]
    r = test.result()
    assert r.chars.missed == 1 and r.seconds == 4.0
    # ab + its space right = 3 chars / 5 / (4 / 60) = 9 wpm
    assert r.wpm == 9.0
    assert test.press("d") is False  # after the end


def test_modes_parse_and_cycle() -> None:
    assert Mode.parse("30") == Mode.parse("time 30") == Mode.parse("30s") == Mode("time", 30)
    assert Mode.parse("25w") == Mode.parse("words 25") == Mode("words", 25)
    assert Mode.parse(" FREE ") == Mode("free")
    with pytest.raises(BadInput, match="time 15, time 30"):
        Mode.parse("20")
    seen = [MODES[0]]
    for _ in MODES:
        seen.append(next_mode(seen[-1]))
    assert seen[-1] == MODES[0] and set(seen) == set(MODES)


def test_common_words_are_seeded_letters_only_and_never_repeat_at_once() -> None:
    words = common_words()
    assert len(words) == 200 and all(w.isascii() and w.isalpha() for w in words)
    assert "the" in words and "s" not in words and "it's" not in words
    a, b = common_prompt(7).take(300), common_prompt(7).take(300)
    assert a == b != common_prompt(8).take(300)
    assert all(x != y for x, y in zip(a, a[1:], strict=False))


def test_own_text_is_typed_from_a_paragraph_on(tmp_path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("First \u201cquoted\u201d one\u2014two.\n\nSecond para here.\n", "utf-8")
    prompt = prompt_for({"typing_text": str(path)}, seed=0)
    assert prompt.kind == OWN_TEXT and not prompt.note
    words = own_text_prompt(path, seed=1).take(9) + own_text_prompt(path, seed=2).take(9)
    assert '"quoted"' in words and "one-two." in words and "para" in words


@pytest.mark.parametrize(("content", "said"), [
    (None, "no such file"),
    (b"\x00\x01binary\x00", "binary"),
    ("caf\u00e9".encode("latin-1"), "not UTF-8"),
    (b"  \n\n \n", "no words"),
])
def test_a_bad_prompt_file_falls_back_to_common_words_and_says_why(tmp_path, content,
                                                                   said) -> None:
    path = tmp_path / "prompt.txt"
    if content is not None:
        path.write_bytes(content)
    prompt = prompt_for({"typing_text": str(path)}, seed=3)
    assert prompt.kind == COMMON and said in prompt.note and "common words" in prompt.note
    assert prompt.take(5) == common_prompt(3).take(5)
