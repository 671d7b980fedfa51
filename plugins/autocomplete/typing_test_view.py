"""The typing test on screen: the prompt with what was typed marked right or wrong, the text
box that takes the keys, a live line, and at the end the figures with a per-second chart.

The panel runs one :class:`~textseq_plugins.autocomplete.typing_test.TypingTest` at a time
(``start``); the screen around it chooses the mode and prompt and keeps the records. A key
redraws only the prompt's lines it changed (mostly one of the three shown; the text box never
echoes it): in a 60 s test at 100 WPM a key's work is about 1 ms, 3 ms at the 99th
percentile (``bench/typing_redraw.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textseq_plugins.autocomplete.typing_test import (
    BACKSPACE,
    DELETE_WORD,
    Mode,
    TypingResult,
    TypingTest,
)
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Key, Paste
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static

#: how the prompt's characters are drawn
RIGHT, WRONG, EXTRA, MISSED, UNTYPED, CURSOR = (
    "bold", "bold red", "red", "underline dim", "dim", "reverse")
#: lines of the prompt shown: the one before the current word's, its own and the next
SHOWN_LINES = 3


class TypingInput(Input, inherit_bindings=False):
    """The box that has the focus during a test: every key goes to the test, never into the
    box (what is typed shows in the prompt; an Input's value would lay the screen out again
    at each key). A paste is refused (``Pasted``): a typing test counts keys. Being an
    ``Input``, the app's key rule types every printable key into it."""

    KEY_HELP = [("letters, Space", "type the prompt; Space ends a word"),
                ("backspace", "delete a character (back into a word typed wrong)"),
                ("ctrl+w", "delete the word (Ctrl+Backspace too)")]

    class Typed(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class Pasted(Message):
        """A paste arrived and was refused."""

    async def _on_key(self, event: Key) -> None:
        if event.key == "backspace":
            key = BACKSPACE
        elif event.key in ("ctrl+w", "ctrl+backspace"):
            key = DELETE_WORD
        elif event.is_printable and event.character:
            key = event.character
        else:
            return  # Enter, Tab, Esc, Ctrl+T: the screen's keys
        event.stop()
        event.prevent_default()
        self.post_message(self.Typed(key))

    def _on_paste(self, event: Paste) -> None:
        event.stop()
        event.prevent_default()
        self.post_message(self.Pasted())


def layout_lines(test: TypingTest, width: int) -> list[tuple[int, int]]:
    """The prompt's words cut into lines of at most ``width`` cells: ``(first, end)`` word
    indexes per line. A typed word takes the room of its extra characters too."""
    typed = test.typed
    lines: list[tuple[int, int]] = []
    first, used = 0, 0
    for i, want in enumerate(test.target):
        size = max(len(want), len(typed[i])) if i < len(typed) else len(want)
        if used and used + 1 + size > width:
            lines.append((first, i))
            first, used = i, 0
        used += size + (1 if used else 0)
    lines.append((first, len(test.target)))
    return lines


Run = tuple[str, str]  # (characters, one of the styles above)


def _add(line: list[Run], chars: str, style: str) -> None:
    if line and line[-1][1] == style:
        line[-1] = (line[-1][0] + chars, style)
    else:
        line.append((chars, style))


def draw_word(line: list[Run], want: str, word: str | None, current: bool) -> None:
    """Append one prompt word: typed characters right or wrong, extra ones, what was left
    out of a word passed by, the rest dim; the cursor where the next key goes."""
    if word is None:
        _add(line, want, UNTYPED)
        _add(line, " ", "")
        return
    for k, ch in enumerate(want):
        if k < len(word):
            _add(line, ch, RIGHT if word[k] == ch else WRONG)
        elif current and k == len(word):
            _add(line, ch, CURSOR)
        else:
            _add(line, ch, UNTYPED if current else MISSED)
    if len(word) > len(want):
        _add(line, word[len(want):], EXTRA)
    _add(line, " ", CURSOR if current and len(word) >= len(want) else "")


def draw_prompt(test: TypingTest, width: int) -> list[list[Run]]:
    """The ``SHOWN_LINES`` lines around the word being typed, as runs of one style."""
    lines = layout_lines(test, max(width, 10))
    at = test.state.index
    line = next(k for k, (first, end) in enumerate(lines) if first <= at < end)
    top = max(0, line - 1)
    out: list[list[Run]] = []
    for first, end in lines[top:top + SHOWN_LINES]:
        runs: list[Run] = []
        for i in range(first, end):
            word = test.typed[i] if i < len(test.typed) else None
            draw_word(runs, test.target[i], word, i == at and not test.finished)
        out.append(runs)
    return out


class PromptView(Widget):
    """The prompt's visible lines, drawn straight to strips: a key redraws the lines it
    changed (mostly one) without parsing markup or laying out the screen again."""

    DEFAULT_CSS = "PromptView { height: 3; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lines: list[list[Run]] = []
        self._strips: dict[int, Strip] = {}  # each line drawn, until it changes
        self._styles: dict[str, Style] = {}
        self._base: Style | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None  # the theme or the CSS changed: the styles follow them
        self._strips.clear()

    def _set_lines(self, lines: list[list[Run]]) -> None:
        """Show ``lines``; only the lines that differ from those shown are drawn again."""
        if self._base is None:  # the first lines, or the styles changed: all drawn again
            self.lines = lines
            self.refresh()
            return
        old, self.lines = self.lines, lines
        changed = [y for y in range(max(len(old), len(lines)))
                   if y >= len(old) or y >= len(lines) or old[y] != lines[y]]
        for y in changed:
            self._strips.pop(y, None)
        if changed:
            width = self.size.width
            self.refresh(*(Region(0, y, width, 1) for y in changed))

    def show(self, test: TypingTest) -> None:
        self._set_lines(draw_prompt(test, self.size.width or 76))

    def say(self, message: str) -> None:
        """One dim line in place of the prompt (while its words load)."""
        self._set_lines([[(message, UNTYPED)]])

    def text(self) -> str:
        """What is shown, as plain text (one line each)."""
        return "\n".join("".join(chars for chars, _ in line) for line in self.lines)

    def on_resize(self) -> None:
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        if strip is not None:
            return strip
        width = self.size.width
        if self._base is None:
            base = self._base = self.rich_style
            self._styles = {name: base + Style.parse(name) if name else base
                            for name in (RIGHT, WRONG, EXTRA, MISSED, UNTYPED, CURSOR, "")}
        if y >= len(self.lines):
            return Strip.blank(width, self._base)
        styles = self._styles
        strip = Strip([Segment(chars, styles[style]) for chars, style in self.lines[y]])
        strip = self._strips[y] = strip.crop_extend(0, width, self._base)
        return strip


def result_text(result: TypingResult, prompt: str, note: str) -> str:
    """The figures of a finished test, as markup (a note from the screen below them)."""
    c = result.chars
    return (f"[b]{result.wpm:.0f} wpm[/b]  raw {result.raw_wpm:.0f}  "
            f"accuracy {result.accuracy:.1f} %  errors {result.errors}  "
            f"time {result.seconds:g} s\n"
            f"characters {c.correct} right · {c.incorrect} wrong · {c.extra} extra · "
            f"{c.missed} missed  ({result.mode} · {prompt})\n{note}")


class TypingTestPanel(Vertical):
    """One typing test at a time: ``start(words, mode, ...)``; posts ``Finished`` at its end."""

    DEFAULT_CSS = """
    TypingTestPanel { height: 1fr; }
    TypingTestPanel PromptView { margin: 1 1 0 1; }
    TypingTestPanel TypingInput, TypingTestPanel TypingInput:focus {
        height: 1; border: none; padding: 0 1; margin: 0 1; background: $boost; }
    /* the cursor is the prompt's (reversed): the box's own would point nowhere */
    TypingTestPanel TypingInput:focus > .input--cursor { background: $boost; color: $text;
                                                         text-style: none; }
    TypingTestPanel #live { height: 1; margin: 0 1; color: $text-muted; }
    TypingTestPanel #result { height: auto; margin: 1 1 0 1; display: none; }
    TypingTestPanel SpeedChart { height: 1fr; min-height: 6; }
    """

    class Finished(Message):
        def __init__(self, result: TypingResult) -> None:
            super().__init__()
            self.result = result

    class Refused(Message):
        """A key or paste the test does not take, with why."""

        def __init__(self, why: str) -> None:
            super().__init__()
            self.why = why

    def __init__(self, clock: Callable[[], float] = time.monotonic, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.test: TypingTest | None = None
        self.prompt_kind = ""
        self._ticker: Any = None
        self._shown_second = -1

    def compose(self) -> ComposeResult:
        yield PromptView(id="prompt")
        yield TypingInput(id="typed")
        yield Static("", id="live")
        yield Static("", id="result")

    def stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def wait(self, mode: Mode) -> None:
        """No test while the next one's words load: keys meanwhile go nowhere (not into the
        test being replaced), and the prompt says so."""
        self.stop_ticker()
        self.test = None
        self._clear_result()
        self.query_one(PromptView).say("loading the words…")
        self.query_one("#live", Static).update(f"{mode.label} · Space ends a word",
                                               layout=False)

    def _clear_result(self) -> None:
        self.query_one("#result", Static).display = False
        for chart in self.query("SpeedChart"):
            chart.remove()
        self.query_one("#live").display = True
        self.query_one(TypingInput).display = True

    def start(self, words: list[str], mode: Mode, prompt_kind: str,
              more: Callable[[int], list[str]] | None = None) -> None:
        """A new test of ``words`` in ``mode`` (``more`` lengthens a timed test's prompt)."""
        self.stop_ticker()
        self.test = TypingTest(words, mode, clock=self.clock, more=more)
        self.prompt_kind = prompt_kind
        self._clear_result()
        box = self.query_one(TypingInput)
        box.placeholder = "type the words above: the clock starts with your first key"
        box.focus()
        self._shown_second = -1
        self.query_one("#live", Static).update(f"{mode.label} · Space ends a word",
                                               layout=False)
        self.redraw()

    def redraw(self) -> None:
        if self.test is not None:
            self.query_one(PromptView).show(self.test)

    def on_resize(self) -> None:
        self.redraw()

    def on_typing_input_typed(self, message: TypingInput.Typed) -> None:
        test = self.test
        if test is None or test.finished:
            return
        started = test.started
        test.press(message.key)
        if started is None and test.started is not None:
            self.query_one(TypingInput).placeholder = ""
            self._ticker = self.set_interval(0.1, self.tick)
        if test.finished:
            self.finish()
        else:
            self.redraw()

    def on_typing_input_pasted(self, message: TypingInput.Pasted) -> None:
        self.post_message(self.Refused("paste is off in a typing test: it counts the keys "
                                       "you type"))

    def tick(self) -> None:
        """The live line (once a second) and a timed test's end."""
        test = self.test
        if test is None or not test.running:
            return
        if test.expire():
            self.finish()
            return
        second = int(test.elapsed())
        if second != self._shown_second:
            self._shown_second = second
            left = test.seconds_left()
            where = (f"{left:.0f} s left" if left is not None
                     else f"word {test.state.index + 1}/{len(test.target)}")
            self.query_one("#live", Static).update(
                f"{test.mode.label} · {where} · {test.live_wpm():.0f} wpm · "
                f"{test.state.wrong_keys} errors", layout=False)  # one line, always

    def finish(self) -> None:
        self.stop_ticker()
        self.redraw()
        result = self.test.result()
        # the keys now are the screen's (Enter, Tab, Esc): the box and live line make room
        for done in (self.query_one("#live"), self.query_one(TypingInput)):
            done.display = False
        self.show_result(result, "")
        from textseq_plugins.autocomplete.typing_charts import SpeedChart

        chart = SpeedChart()
        self.mount(chart)
        chart.show(result.per_second)
        self.post_message(self.Finished(result))

    def show_result(self, result: TypingResult, note: str) -> None:
        box = self.query_one("#result", Static)
        box.update(result_text(result, self.prompt_kind, note))
        box.display = True
