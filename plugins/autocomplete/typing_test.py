"""A typing test as monkeytype scores it: the keys a typist presses against a prompt of words,
and the result (WPM, raw WPM, accuracy, errors, characters, a per-second line).

No Textual here: the screen (``typing_test_view.py``) feeds keys into :class:`TypingTest` and
draws it. Definitions (monkeytype's ``test-stats.ts``, followed to the character):

- the typist types word after word; Space ends a word (a Space at the start of a word does
  nothing); Backspace deletes within a word, and at a word's start goes back to the end of the
  previous word only when that word was typed wrong (Ctrl+W / Ctrl+Backspace: the whole
  word); a word may get at most ``MAX_EXTRA`` characters beyond its own;
- **WPM** = (characters of the words typed exactly right + one space after each of them but
  the last) / 5 / minutes; the word being typed when a timed test ends counts as far as it is
  right, when it has no wrong character yet;
- **raw WPM** = every character in the typed text at the end (right, wrong, beyond a word's
  end, and each space between words) / 5 / minutes: what was deleted is not in it;
- **accuracy** = keys that were right when pressed / keys pressed (characters and spaces; a
  Space is right when its word is right; Backspace counts for neither): a mistake stays
  counted after it is corrected; **errors** = keys that were wrong when pressed;
- the clock starts with the first key; a timed test ends at exactly its length, a words test
  at the key that finishes its last word right (or a Space on it).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from textseq_tui.plugin import BadInput

#: characters a word may get beyond its own before further keys are refused
MAX_EXTRA = 20
BACKSPACE = "\b"
#: Ctrl+Backspace / Ctrl+W: the word typed so far (or the previous wrong one) deleted
DELETE_WORD = "\x17"


@dataclass(frozen=True)
class Mode:
    """``free`` typing, a ``time`` test of ``amount`` seconds or a ``words`` test of
    ``amount`` words."""

    kind: str
    amount: int = 0

    @property
    def label(self) -> str:
        """``free``, ``time 30``, ``words 25``: how it is shown and stored."""
        return self.kind if self.kind == "free" else f"{self.kind} {self.amount}"

    @property
    def is_test(self) -> bool:
        return self.kind != "free"

    @classmethod
    def parse(cls, text: str) -> Mode:
        """``free``; ``15``, ``15s``, ``time 15``; ``25w``, ``words 25`` (what ``/type``
        takes). ``BadInput`` names the modes for anything else."""
        wanted = "".join(text.lower().split())
        for mode in MODES:
            if wanted in _aliases(mode):
                return mode
        raise BadInput(f"no typing mode {text.strip()!r}: choose one of "
                       + ", ".join(m.label for m in MODES))


def _aliases(mode: Mode) -> set[str]:
    if mode.kind == "free":
        return {"free"}
    n, k = mode.amount, mode.kind
    names = {f"{k}{n}", f"{n}{k[0]}", f"{k[0]}{n}"}
    return names | {str(n), f"{n}s", f"time{n}s"} if k == "time" else names


#: the modes, in the order Ctrl+T steps through them
MODES = (Mode("time", 15), Mode("time", 30), Mode("time", 60), Mode("words", 10),
         Mode("words", 25), Mode("words", 50), Mode("free"))
DEFAULT_MODE = Mode("time", 30)


def next_mode(mode: Mode) -> Mode:
    """The mode after ``mode`` in ``MODES`` (round)."""
    at = MODES.index(mode) if mode in MODES else -1
    return MODES[(at + 1) % len(MODES)]


@dataclass
class CharCounts:
    """The characters of the typed text against the prompt (monkeytype's ``countChars``)."""

    correct_word_chars: int = 0  # characters of words typed exactly right
    correct_spaces: int = 0  # spaces after words typed exactly right
    correct: int = 0  # every right character, in right and wrong words
    incorrect: int = 0
    extra: int = 0  # typed beyond a word's end
    missed: int = 0  # not typed in a word left behind
    spaces: int = 0  # spaces between typed words


def count_chars(typed: list[str], target: list[str], partial_last: bool) -> CharCounts:
    """Compare each typed word with its prompt word. ``partial_last``: the last typed word
    (the one being typed) counts toward WPM as far as it is right, if it has no wrong
    character yet (a timed test, or a test still running)."""
    n = CharCounts()
    last = len(typed) - 1
    for i, (word, want) in enumerate(zip(typed, target, strict=False)):
        if word == want:
            n.correct_word_chars += len(want)
            n.correct += len(want)
            n.correct_spaces += i < last
        else:
            right = sum(a == b for a, b in zip(word, want, strict=False))
            wrong = min(len(word), len(want)) - right
            n.correct += right
            n.incorrect += wrong
            n.extra += max(0, len(word) - len(want))
            if len(word) < len(want):
                if i == last and partial_last:
                    n.correct_word_chars += right if wrong == 0 else 0
                else:
                    n.missed += len(want) - len(word)
        n.spaces += i < last
    return n


def per_minute(chars: int, seconds: float) -> float:
    """Characters over ``seconds`` as words per minute (a word is 5 characters)."""
    return chars / 5 * 60 / seconds if seconds > 0 else 0.0


@dataclass
class TypingResult:
    """What a typing test reports at its end (``per_second``: one ``(wpm, raw, errors)`` per
    second: the WPM so far, the raw WPM of that second's keys, its wrong keys)."""

    mode: str
    seconds: float
    wpm: float
    raw_wpm: float
    accuracy: float  # percent
    errors: int
    chars: CharCounts
    keystrokes: int
    words: int  # words typed (the one being typed included)
    per_second: list[tuple[float, float, int]] = field(default_factory=list)


class _Typing:
    """The typed words and key counts, without a clock (replayed for the per-second line)."""

    def __init__(self, target: list[str]) -> None:
        self.target = target
        self.typed = [""]
        self.right_keys = 0
        self.wrong_keys = 0
        self.keys = 0  # every key that did something, Backspace included

    @property
    def index(self) -> int:
        return len(self.typed) - 1

    def apply(self, key: str) -> str:
        """Apply one key: returns ``"right"``, ``"wrong"``, ``"edit"`` or ``""`` (ignored)."""
        word, want = self.typed[-1], self.target[self.index]
        if key == " ":
            if not word:
                return ""
            ok = word == want
            self._count(ok)
            if self.index + 1 < len(self.target):
                self.typed.append("")
            return "right" if ok else "wrong"
        if key in (BACKSPACE, DELETE_WORD):
            if not word and self.index > 0 and self.typed[-2] != self.target[self.index - 1]:
                self.typed.pop()  # back to the end of the previous word, typed wrong
                if key == DELETE_WORD:
                    self.typed[-1] = ""
            elif not word:
                return ""
            else:
                self.typed[-1] = word[:-1] if key == BACKSPACE else ""
            self.keys += 1
            return "edit"
        if len(word) >= len(want) + MAX_EXTRA:
            return ""
        ok = len(word) < len(want) and want[len(word)] == key
        self.typed[-1] = word + key
        self._count(ok)
        return "right" if ok else "wrong"

    def _count(self, ok: bool) -> None:
        self.keys += 1
        if ok:
            self.right_keys += 1
        else:
            self.wrong_keys += 1

    def wpm_and_raw(self, seconds: float, partial_last: bool) -> tuple[float, float, CharCounts]:
        n = count_chars(self.typed, self.target, partial_last)
        return (per_minute(n.correct_word_chars + n.correct_spaces, seconds),
                per_minute(n.correct + n.spaces + n.incorrect + n.extra, seconds), n)


class TypingTest:
    """One test: ``press(key)`` for each key (a character, ``" "``, ``BACKSPACE`` or
    ``DELETE_WORD``), ``expire()`` from a timer; ``result()`` once ``finished``.

    ``more(n)`` gives ``n`` more prompt words when a timed test nears the prompt's end (the
    words test's prompt is its ``amount`` words). ``clock`` is seconds (monotonic); a test
    passes its own to replay keys at chosen times.
    """

    def __init__(self, words: list[str], mode: Mode, clock: Callable[[], float] = time.monotonic,
                 more: Callable[[int], list[str]] | None = None) -> None:
        if not words or not mode.is_test:
            raise ValueError("a typing test needs a prompt and a test mode")
        self.mode = mode
        self.target = list(words[:mode.amount] if mode.kind == "words" else words)
        self.clock = clock
        self.more = more
        self.state = _Typing(self.target)
        self.started: float | None = None
        self.ended: float | None = None
        #: (seconds since the start, key, what it did) for every key that did something
        self.events: list[tuple[float, str, str]] = []

    @property
    def typed(self) -> list[str]:
        return self.state.typed

    @property
    def running(self) -> bool:
        return self.started is not None and self.ended is None

    @property
    def finished(self) -> bool:
        return self.ended is not None

    def elapsed(self) -> float:
        """Seconds since the first key (up to the end)."""
        if self.started is None:
            return 0.0
        return (self.ended if self.ended is not None else self.clock()) - self.started

    def seconds_left(self) -> float | None:
        if self.mode.kind != "time":
            return None
        return max(0.0, self.mode.amount - self.elapsed())

    def expire(self) -> bool:
        """End a timed test whose time is up (at exactly its length); True when it ended."""
        if self.mode.kind == "time" and self.running and \
                self.clock() - self.started >= self.mode.amount:
            self.ended = self.started + self.mode.amount
            return True
        return False

    def press(self, key: str) -> bool:
        """Feed one key; True when it changed anything. Keys after the end are refused."""
        if self.finished or self.expire():
            return False
        now = self.clock()
        if self.started is None:
            if key in (" ", BACKSPACE, DELETE_WORD):
                return False  # the clock starts with the first character
            self.started = now
        on_last = self.state.index == len(self.target) - 1
        what = self.state.apply(key)
        if not what:
            return False
        self.events.append((now - self.started, key, what))
        self._extend()
        # the last word typed right, or a Space on it, ends the test (a timed test's prompt
        # grows ahead of the typist and never gets there)
        if (on_last and key == " ") or (self.state.index == len(self.target) - 1
                                         and self.typed[-1] == self.target[-1]):
            self.ended = now
        return True

    def _extend(self) -> None:
        if self.more is not None and len(self.target) - self.state.index < 40:
            self.target.extend(self.more(60))

    def live_wpm(self) -> float:
        """The WPM so far (the word being typed counts as far as it is right)."""
        seconds = self.elapsed()
        return self.state.wpm_and_raw(seconds, True)[0] if seconds >= 1 else 0.0

    def result(self) -> TypingResult:
        """The test's figures (at its end; a test still running is scored as of now)."""
        seconds = self.elapsed()
        partial = self.mode.kind == "time" or not self.finished
        wpm, raw, counts = self.state.wpm_and_raw(seconds, partial)
        pressed = self.state.right_keys + self.state.wrong_keys
        return TypingResult(
            mode=self.mode.label, seconds=round(seconds, 2), wpm=round(wpm, 2),
            raw_wpm=round(raw, 2),
            accuracy=round(100 * self.state.right_keys / pressed, 2) if pressed else 0.0,
            errors=self.state.wrong_keys, chars=counts, keystrokes=self.state.keys,
            words=sum(1 for w in self.typed if w), per_second=self.per_second(seconds))

    def per_second(self, seconds: float) -> list[tuple[float, float, int]]:
        """``(wpm so far, raw WPM of that second, wrong keys in it)`` for each second of the
        test (the last one may be part of a second), replayed from the keys."""
        replay = _Typing(list(self.target))
        out: list[tuple[float, float, int]] = []
        events = iter(self.events)
        pending = next(events, None)
        for second in range(1, math.ceil(seconds - 1e-9) + 1):
            end = min(float(second), seconds)
            chars = wrong = 0
            while pending is not None and (pending[0] < end or second == math.ceil(seconds)):
                what = replay.apply(pending[1])
                chars += what in ("right", "wrong")
                wrong += what == "wrong"
                pending = next(events, None)
            span = end - (second - 1)
            out.append((round(replay.wpm_and_raw(end, True)[0], 2),
                        round(per_minute(chars, span), 2), wrong))
        return out
