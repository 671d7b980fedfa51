"""Screens: the typing session (typing tests, and free typing with ghost-text completion),
and the training runs' loss curves.

``/type`` opens the typing session in the mode used last (``ctx.state``): a test of 15, 30
or 60 seconds or of 10, 25 or 50 words on a prompt (``typing_test_view.py``; no ghost text,
nothing learned), or free typing. In free typing the TextArea asks for a suggestion after
every edit (a message up); the screen computes it in an exclusive thread worker (a newer
keystroke cancels the older one) and sets the TextArea's ``suggestion`` only when the text
has not moved on (attributes down). Tab accepts the next word, Shift+Tab or Right all. A paste
is refused in both: words per minute count what is typed.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textseq_plugins.autocomplete.plugin import KIND
from textseq_plugins.autocomplete.sessions import (
    load_sessions,
    long_enough,
    record_marks,
    save_session,
    session_from_row,
    session_summary,
)
from textseq_plugins.autocomplete.typing_records import SaveOrDiscard, describe, too_short
from textseq_plugins.autocomplete.typing_test import (
    DEFAULT_MODE,
    MODES,
    Mode,
    TypingResult,
    next_mode,
)
from textseq_plugins.autocomplete.typing_test_view import TypingTestPanel
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key, Paste
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static, TextArea
from textual.worker import get_current_worker

from textseq_tui.plugin import TRAIN_LOSS, VAL_LOSS, PluginContext, TextseqError, escape

#: What Tab takes of the ghost text: up to the next space, as in the chat input ("n't" whole).
_WORD = re.compile(r"\s*\S+")


class SuggestingTextArea(TextArea):
    """A TextArea that asks for ghost text and counts keystrokes.

    ``typed``: keys that changed the text (characters, Enter, Backspace, Delete, accepts);
    ``saved``: characters inserted by accepting minus the accepting keystrokes; ``started``
    and ``last``: the monotonic times of the first and the latest of those keys. A paste is
    refused (``Pasted``).
    """

    class Pasted(Message):
        """A paste (the terminal's, or Ctrl+V) arrived and was refused."""

    class WantsSuggestion(Message):
        """Posted after each edit with the text before the cursor."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(tab_behavior="focus", soft_wrap=True, **kwargs)
        self.typed = 0
        self.saved = 0
        self.accepts = 0
        self.started: float | None = None
        self.last = 0.0

    def text_before_cursor(self) -> str:
        return self.document.get_text_range((0, 0), self.cursor_location)

    def update_suggestion(self) -> None:
        # Ghost text only at the end of a line: in the middle of one it would hide text.
        row, col = self.cursor_location
        if col < len(self.document.get_line(row)):
            self.suggestion = ""
            return
        self.post_message(self.WantsSuggestion(self.text_before_cursor()))

    def accept(self, whole: bool) -> None:
        """Insert the next word of the suggestion (or all of it): one keystroke."""
        ghost = self.suggestion
        if not ghost:
            return
        piece = ghost if whole else (_WORD.match(ghost) or re.match(".*", ghost)).group(0)
        self.insert(piece)
        self.typed += 1
        self.accepts += 1
        self.saved += len(piece) - 1
        self.last = time.monotonic()

    async def _on_paste(self, event: Paste) -> None:
        event.stop()
        event.prevent_default()
        self.post_message(self.Pasted())

    def action_paste(self) -> None:
        self.post_message(self.Pasted())

    async def _on_key(self, event: Key) -> None:
        if event.key in ("tab", "shift+tab") and self.suggestion:
            event.stop()
            event.prevent_default()
            self.accept(whole=event.key == "shift+tab")
            return
        if event.key == "right" and self.suggestion:
            event.stop()
            event.prevent_default()
            self.accept(whole=True)
            return
        if event.is_printable or event.key in ("enter", "backspace", "delete"):
            self.typed += 1
            self.last = time.monotonic()
            if self.started is None:
                self.started = self.last
        await super()._on_key(event)


def _mode_bar(current: Mode) -> Text:
    """``free │ time 15 30 60 │ words 10 25 50`` with the current mode drawn reversed."""
    bar = Text()
    for kind in ("free", "time", "words"):
        if bar:
            bar.append(" │ ", "dim")
        modes = [m for m in MODES if m.kind == kind]
        if kind != "free":
            bar.append(f"{kind} ", "dim")
        for k, mode in enumerate(modes):
            bar.append(" " if k else "")
            bar.append(str(mode.amount) if mode.amount else "free",
                       "reverse bold" if mode == current else "")
    return bar


class TypingScreen(Screen):
    """Typing tests (timed or by words, on a prompt) and free typing with the character
    model's ghost text; sessions long enough are saved as records (``sessions.py``)."""

    DEFAULT_CSS = """
    TypingScreen { layout: vertical; }
    TypingScreen #modes { height: 1; padding: 0 1; }
    TypingScreen #help { height: 1; color: $text-muted; padding: 0 1; }
    TypingScreen SuggestingTextArea { height: 1fr; }
    TypingScreen #stats { height: 1; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "leave", "Leave"),
        Binding("tab", "restart", "New test"),
        Binding("ctrl+t", "next_mode", "Next mode"),
        Binding("enter", "save", "Save", show=False),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, ctx: PluginContext, model_name: str = "char-rnn-english",
                 personal: Any = None, mode: str | None = None, seed: int | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.model_name = model_name
        self.personal = personal  # the plugin's Personal (history), or None
        self.completer: Any = None
        self._lock = threading.Lock()
        self.saved_session: dict[str, Any] | None = None
        self.mode = Mode.parse(mode) if mode else _remembered_mode(ctx)
        self.seed = seed if seed is not None else secrets.randbelow(1_000_000)
        # read through the module at each call: the snapshot tests freeze ``time``
        self.clock = clock or (lambda: time.monotonic())
        self.prompt: Any = None  # the current test's typing_prompts.Prompt
        self.result: TypingResult | None = None
        self.result_row: dict[str, Any] = {}
        self.result_saved = False
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Static(_mode_bar(self.mode), id="modes")
        yield Static("", id="help")
        yield SuggestingTextArea(id="editor")
        yield Static("", id="stats")
        yield TypingTestPanel(clock=self.clock, id="test")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh_stats)
        self.show_mode()

    # -- modes ---------------------------------------------------------------------------

    def show_mode(self) -> None:
        """Show the current mode's widgets (and start a test, or the free text's model)."""
        free = not self.mode.is_test
        try:
            self.ctx.state.set("typing_mode", self.mode.label)  # the next /type opens in it
        except TextseqError as err:
            self.ctx.log.warning(f"typing mode not remembered: {err}")
        self.query_one("#modes", Static).update(_mode_bar(self.mode))
        for selector in ("#editor", "#stats"):
            self.query_one(selector).display = free
        self.query_one(TypingTestPanel).display = not free
        self.show_help()
        self.refresh_bindings()
        if free:
            self.query_one(SuggestingTextArea).focus()
            if self.completer is None and not self._loading:
                self._loading = True
                self.load_model()
            self.refresh_stats()
        else:
            self.new_test()

    def show_help(self) -> None:
        if self.mode.is_test:
            note = f" · {self.prompt.note}" if self.prompt is not None and self.prompt.note else ""
            text = "Space ends a word · Tab: new text · Ctrl+T: mode · Esc: leave" + note
        else:
            learning = " · learning your words" if self.personal is not None and \
                self.ctx.settings.get("learn", True) else ""
            text = ("Type. Tab: accept a word · Shift+Tab/→: accept all · Ctrl+S: save · "
                    "Esc: leave" + learning)
        self.query_one("#help", Static).update(Text(text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restart":
            return self.mode.is_test
        if action == "save" and self.mode.is_test:
            return True if self.result is not None and not self.result_saved else None
        return True

    def action_next_mode(self) -> None:
        self.confirm_then(lambda: self.switch_mode(next_mode(self.mode)))

    def switch_mode(self, mode: Mode) -> None:
        self.mode = mode
        self.show_mode()

    def action_restart(self) -> None:
        if self.mode.is_test:
            self.confirm_then(self.new_test)

    # -- the typing test -----------------------------------------------------------------

    def new_test(self) -> None:
        self.result, self.result_saved = None, False
        self.refresh_bindings()
        self.query_one(TypingTestPanel).wait(self.mode)
        self.make_prompt(self.mode, self.seed)
        self.seed += 1  # the next test gets other words

    @work(thread=True, exclusive=True, group="prompt")
    def make_prompt(self, mode: Mode, seed: int) -> None:
        from textseq_plugins.autocomplete.typing_prompts import prompt_for

        prompt = prompt_for(self.ctx.settings, seed)  # wordfreq's list loads here, once
        words = prompt.take(mode.amount if mode.kind == "words" else 100)
        self.app.call_from_thread(self.begin_test, mode, prompt, words)
        # plotext for the result's chart, imported while the typist reads the prompt: the
        # end of the test does not wait for it (0.2-0.4 s)
        import textseq_plugins.autocomplete.typing_charts  # noqa: F401

    def begin_test(self, mode: Mode, prompt: Any, words: list[str]) -> None:
        if mode != self.mode or not self.is_attached:
            return  # the mode changed meanwhile (its own test is on its way), or we left
        self.prompt = prompt
        self.query_one(TypingTestPanel).start(
            words, mode, prompt.kind, more=prompt.take if mode.kind == "time" else None)
        self.show_help()
        if prompt.note:
            self.notify(prompt.note, title="Typing test", severity="warning", markup=False)

    def on_typing_test_panel_refused(self, message: TypingTestPanel.Refused) -> None:
        self.notify(message.why, markup=False)

    def on_typing_test_panel_finished(self, message: TypingTestPanel.Finished) -> None:
        self.result, self.result_saved = message.result, False
        self.refresh_bindings()
        self.result_row = row = self.test_row(message.result)
        if not long_enough(row["words"], row["seconds"]):
            self.query_one(TypingTestPanel).show_result(message.result, escape(
                f"{too_short(row)} · Tab: next test · Esc: leave"))
            return
        self.preview_records(message.result, row)

    @work(thread=True, exclusive=True, group="records")
    def preview_records(self, result: TypingResult, row: dict[str, Any]) -> None:
        try:
            line = record_marks(load_sessions(self.ctx.store), session_from_row(row))
        except TextseqError as err:
            line = f"records unreadable: {err}"
        self.app.call_from_thread(self.show_preview, result, escape(line)
                                  + "\n[b]Enter[/b]: save · Tab: next test · Ctrl+T: mode · "
                                  "Esc: leave (asks)")

    def show_preview(self, result: TypingResult, note: str) -> None:
        # only for the result still shown, and not saved meanwhile (Enter can be quicker)
        if self.is_attached and self.result is result and not self.result_saved:
            self.query_one(TypingTestPanel).show_result(result, note)

    def test_row(self, result: TypingResult) -> dict[str, Any]:
        """The ``sessions`` row of a finished test."""
        c = result.chars
        return {"started": time.time() - result.seconds, "seconds": result.seconds,
                "chars": c.correct + c.spaces + c.incorrect + c.extra, "words": result.words,
                "keystrokes": result.keystrokes, "keystrokes_saved": 0, "accepts": 0,
                "wpm": result.wpm, "model": None, "mode": result.mode,
                "prompt": self.prompt.kind if self.prompt is not None else "",
                "seed": self.prompt.seed if self.prompt is not None else None,
                "raw_wpm": result.raw_wpm, "accuracy": result.accuracy,
                "errors": result.errors, "correct_chars": c.correct,
                "incorrect_chars": c.incorrect, "extra_chars": c.extra,
                "missed_chars": c.missed, "per_second": json.dumps(result.per_second)}

    # -- free typing with ghost text -----------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load_model(self) -> None:
        from textseq_plugins.autocomplete.words import WordCompleter, policy_settings

        try:
            completer = WordCompleter(self.personal.model(self.model_name)
                                      if self.personal is not None
                                      else self.ctx.registry.load(self.model_name, kind=KIND),
                                      **policy_settings(self.ctx.settings))
            if self.personal is not None:
                completer.personal = self.personal.words()
                completer.calibration = self.personal.stored_calibration()
                if self.personal.problem:
                    self.app.call_from_thread(self.notify, self.personal.problem,
                                              severity="warning")
        except TextseqError as err:
            self.app.call_from_thread(self.notify, str(err), title="Model error",
                                      severity="error")
            return
        self.completer = completer
        self.app.call_from_thread(self.refresh_stats)

    @on(SuggestingTextArea.WantsSuggestion)
    def want_suggestion(self, message: SuggestingTextArea.WantsSuggestion) -> None:
        if self.completer is not None and message.text.strip():
            self.compute_suggestion(message.text)

    @work(thread=True, exclusive=True, group="suggest")
    def compute_suggestion(self, text: str) -> None:
        worker = get_current_worker()
        with self._lock:  # an older worker may still be finishing: one at a time
            if worker.is_cancelled or not self.completer.update(
                    text, should_stop=lambda: worker.is_cancelled):
                return
            # The same policy as the chat's ghost text and `eval` (words.policy_settings).
            found = self.completer.suggest(text)
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show_suggestion, text,
                                      found[0].completion if found else "")

    def show_suggestion(self, text: str, suggestion: str) -> None:
        area = self.query_one(SuggestingTextArea)
        if area.text_before_cursor() == text:  # drop answers for text that moved on
            area.suggestion = suggestion

    @on(SuggestingTextArea.Pasted)
    def refuse_paste(self) -> None:
        self.notify("paste is off in /type: its words per minute count what you type "
                    "(`textseq autocomplete learn` takes a whole text)", markup=False)

    def stats(self) -> dict[str, Any]:
        """The free text so far: chars, words, keystrokes, keystrokes saved, WPM (5 chars =
        1 word, from the first keystroke to the last)."""
        area = self.query_one(SuggestingTextArea)
        seconds = area.last - area.started if area.started is not None else 0.0
        chars = len(area.text)
        wpm = (chars / 5) / (seconds / 60) if seconds > 1 else 0.0
        return {"started": time.time() - (time.monotonic() - area.started
                                          if area.started is not None else 0.0),
                "seconds": round(seconds, 2), "chars": chars,
                "words": len(area.text.split()), "keystrokes": area.typed,
                "keystrokes_saved": area.saved, "accepts": area.accepts, "wpm": round(wpm, 1),
                "model": self.model_name, "mode": "free"}

    def refresh_stats(self) -> None:
        if self.mode.is_test:
            return
        s = self.stats()
        state = "" if self.completer is not None else "  (loading the model…)"
        self.query_one("#stats", Static).update(
            f"keystrokes {s['keystrokes']}  saved {s['keystrokes_saved']}  "
            f"words {s['words']}  {s['wpm']:.0f} wpm{state}")

    # -- records: save, discard, leave ---------------------------------------------------

    def unsaved(self) -> dict[str, Any] | None:
        """The session's row when something was typed that is not saved yet."""
        if self.mode.is_test:
            return None if self.result is None or self.result_saved else self.result_row
        s = self.stats()
        last = self.saved_session or {}
        if s["keystrokes"] == 0 or (last.get("keystrokes"), last.get("chars")) == (
                s["keystrokes"], s["chars"]):
            return None
        return s

    def action_save(self) -> None:
        row = self.unsaved()
        if row is None:
            self.notify("finish a test first" if self.mode.is_test and self.result is None
                        else "nothing new to save")
        elif not long_enough(row["words"], row["seconds"]):
            self.notify(too_short(row))
        else:
            self.save(row)

    def confirm_then(self, then: Callable[[], Any], leaving: bool = False) -> None:
        """Run ``then`` once the session is dealt with: one long enough to keep asks to be
        saved or discarded first (Back: ``then`` does not run); a shorter one says so."""
        row = self.unsaved()
        if row is None:
            test = self.query_one(TypingTestPanel).test
            if leaving and self.mode.is_test and test is not None and test.running:
                self.notify("test not finished: nothing saved")
            then()
            return
        if not long_enough(row["words"], row["seconds"]):
            self.notify(too_short(row))
            then()
            return

        def chosen(choice: str | None) -> None:
            if choice == "save":
                self.save(row)
            if choice in ("save", "discard"):
                then()

        self.app.push_screen(SaveOrDiscard(describe(row)), chosen)

    def action_leave(self) -> None:
        self.confirm_then(self.app.pop_screen, leaving=True)

    def save(self, row: dict[str, Any]) -> None:
        """Store the session (a free text's words also go to the history, when learning)."""
        try:
            before = load_sessions(self.ctx.store)  # for "new best!" against earlier ones
            save_session(self.ctx.store, row)
        except TextseqError as err:
            self.notify(f"not saved: {err}", severity="error", markup=False)
            return
        learned = ""
        if self.mode.is_test:  # a test's prompt is never learned: it is not your text
            self.result_saved = True
            self.refresh_bindings()
        else:
            self.saved_session = row
            learned = self.learn_free_text()
        summary = session_summary(before, session_from_row(row))
        if self.mode.is_test and self.result is not None:
            self.query_one(TypingTestPanel).show_result(
                self.result, escape(f"saved · {record_marks(before, session_from_row(row))}")
                + "\nTab: next test · Ctrl+T: mode · Esc: leave")
        self.notify(f"session saved: {summary}{learned} (Typing history: Ctrl+P)",
                    markup=False)

    def learn_free_text(self) -> str:
        if self.personal is None or not self.ctx.settings.get("learn", True):
            return ""
        try:
            with self.personal.lock:
                if self.completer is not None:  # the session's calibration, kept
                    self.personal.calibration = self.completer.calibration
                self.personal.learn(self.query_one(SuggestingTextArea).text)
            return " (its words added to your history)"
        except TextseqError as err:
            return f" (not learned: {err})"


def _remembered_mode(ctx: PluginContext) -> Mode:
    """The mode of the last ``/type`` (``ctx.state``), else ``DEFAULT_MODE``."""
    try:
        return Mode.parse(str(ctx.state.get("typing_mode", DEFAULT_MODE.label)))
    except TextseqError:  # unreadable, or a mode this version does not have
        return DEFAULT_MODE


class TrainingRunsScreen(Screen):
    """The character model's training runs, newest first, with a validation-loss curve."""

    DEFAULT_CSS = """
    TrainingRunsScreen #runs { height: auto; max-height: 70%; overflow-y: auto; }
    TrainingRunsScreen Sparkline { height: 3; margin: 0 1; }
    TrainingRunsScreen .title { color: $accent; margin: 1 1 0 1; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, ctx: PluginContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Vertical(Static("loading…"), id="runs")
        yield Footer()

    def on_mount(self) -> None:
        self.load_runs()

    @work(thread=True, exclusive=True)
    def load_runs(self) -> None:
        store = self.ctx.store
        out = []
        for run in store.runs()[:5]:
            # val_loss (nats/char); runs stored before it was logged have val_nats_per_char
            curve = (self._values(run["id"], VAL_LOSS)
                     or self._values(run["id"], "val_nats_per_char"))
            loss = self._values(run["id"], TRAIN_LOSS) or self._values(run["id"], "loss")
            out.append((run, curve or loss, "validation nats/char" if curve else "train loss"))
        self.app.call_from_thread(self.show_runs, out)

    def _values(self, run_id: int, name: str) -> list[float]:
        return [r["value"] for r in self.ctx.store.run_metrics(run_id, name)]

    def show_runs(self, runs: list[tuple[dict, list[float], str]]) -> None:
        box = self.query_one("#runs", Vertical)
        box.remove_children()
        if not runs:
            box.mount(Static("no training runs yet: textseq autocomplete train --corpus FILE"))
            return
        for run, curve, label in runs:
            last = f"{curve[-1]:.3f}" if curve else "-"
            box.mount(Static(f"#{run['id']} {run['model']} · {run['status']} · {label} "
                             f"{last}", classes="title"))
            box.mount(Sparkline(curve or [0.0]))
