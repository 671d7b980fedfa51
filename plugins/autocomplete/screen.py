"""The typing session: a free text with ghost-text completion.

The typing session's TextArea asks for a suggestion after every edit (a message up); the
screen computes it in an exclusive thread worker (a newer keystroke cancels the older one:
it stops feeding a long paste part-way) and sets the TextArea's ``suggestion`` only when the
text has not moved on (attributes down). Tab accepts the next word, Shift+Tab or Right all.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from textseq_plugins.autocomplete.personal import KIND
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea
from textual.worker import get_current_worker

from textseq_tui.plugin import PluginContext, TextseqError

#: What Tab takes of the ghost text: up to the next space, as in the chat input ("n't" whole).
_WORD = re.compile(r"\s*\S+")


class SuggestingTextArea(TextArea):
    """A TextArea that asks for ghost text and counts keystrokes.

    ``typed``: keys that changed the text (characters, Enter, Backspace, Delete, accepts);
    ``saved``: characters inserted by accepting minus the accepting keystrokes.
    """

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
            if self.started is None:
                self.started = time.monotonic()
        await super()._on_key(event)


class TypingScreen(Screen):
    """A free typing session with the character model's ghost text."""

    DEFAULT_CSS = """
    TypingScreen { layout: vertical; }
    TypingScreen #help { height: 1; color: $text-muted; }
    TypingScreen SuggestingTextArea { height: 1fr; }
    TypingScreen #stats { height: 1; }
    """
    BINDINGS = [
        Binding("escape", "leave", "Save & leave"),
        Binding("ctrl+s", "save", "Save session"),
    ]

    def __init__(self, ctx: PluginContext, model_name: str = "char-rnn-english",
                 personal: Any = None, layers: Any = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.model_name = model_name
        self.personal = personal  # the plugin's Personal (history), or None
        self.word_layers = layers  # the plugin's WordLayers (None: read here)
        self.completer: Any = None
        self._lock = threading.Lock()
        self.saved_session: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        learning = " · learning your words" if self.personal is not None and \
            self.ctx.settings.get("learn", True) else ""
        yield Static("Type. Tab: accept a word · Shift+Tab/→: accept all · Esc: save & leave"
                     + learning, id="help")
        yield SuggestingTextArea(id="editor")
        yield Static("loading the model…", id="stats")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SuggestingTextArea).focus()
        self.load_model()
        self.set_interval(1.0, self.refresh_stats)

    @work(thread=True, exclusive=True, group="load")
    def load_model(self) -> None:
        from textseq_plugins.autocomplete.ghost_text import new_completer
        from textseq_plugins.autocomplete.word_layer import WordLayers

        try:
            model = (self.personal.model(self.model_name) if self.personal is not None
                     else self.ctx.registry.load(self.model_name, kind=KIND))
            completer = new_completer(self.ctx, model, self.word_layers or WordLayers(
                self.ctx.registry), self.model_name, self.personal)
            if self.personal is not None and self.personal.problem:
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
            # The same policy as the chat's ghost text and `eval` (policy.policy_settings).
            found = self.completer.suggest(text)
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show_suggestion, text,
                                      found[0].completion if found else "")

    def show_suggestion(self, text: str, suggestion: str) -> None:
        area = self.query_one(SuggestingTextArea)
        if area.text_before_cursor() == text:  # drop answers for text that moved on
            area.suggestion = suggestion

    def stats(self) -> dict[str, Any]:
        """The session so far: chars, words, keystrokes, keystrokes saved, WPM (5 chars =
        1 word, over the time since the first keystroke)."""
        area = self.query_one(SuggestingTextArea)
        seconds = time.monotonic() - area.started if area.started else 0.0
        chars = len(area.text)
        wpm = (chars / 5) / (seconds / 60) if seconds > 1 else 0.0
        return {"started": time.time() - seconds, "seconds": round(seconds, 2), "chars": chars,
                "words": len(area.text.split()), "keystrokes": area.typed,
                "keystrokes_saved": area.saved, "accepts": area.accepts, "wpm": round(wpm, 1),
                "model": self.model_name}

    def refresh_stats(self) -> None:
        s = self.stats()
        state = "" if self.completer is not None else "  (loading the model…)"
        self.query_one("#stats", Static).update(
            f"keystrokes {s['keystrokes']}  saved {s['keystrokes_saved']}  "
            f"chars {s['chars']}  {s['wpm']:.0f} wpm{state}")

    def action_save(self) -> None:
        s = self.stats()
        if s["keystrokes"] == 0:
            self.notify("nothing typed yet")
            return
        from textseq_plugins.autocomplete.sessions import load_sessions, session_summary

        before = load_sessions(self.ctx.store)  # for "new best!" against earlier sessions
        with self.ctx.store.transaction():
            self.ctx.store.insert("sessions", s)
            self.ctx.store.record_score("wpm", s["wpm"], details=s)
        self.saved_session = s
        learned = ""
        if self.personal is not None and self.ctx.settings.get("learn", True):
            try:
                with self.personal.lock:
                    if self.completer is not None:  # the session's calibration, kept
                        self.personal.calibration = self.completer.calibration
                    self.personal.learn(self.query_one(SuggestingTextArea).text)
                learned = " (its words added to your history)"
            except TextseqError as err:
                learned = f" (not learned: {err})"
        saved = s["keystrokes_saved"] / max(s["keystrokes"] + s["keystrokes_saved"], 1)
        self.notify(f"session saved: {session_summary(before, s['wpm'], saved)}{learned} "
                    "(Typing history: Ctrl+P)", markup=False)

    def action_leave(self) -> None:
        area = self.query_one(SuggestingTextArea)
        last = self.saved_session or {}
        if area.typed and (last.get("keystrokes"), last.get("chars")) != (area.typed,
                                                                        len(area.text)):
            self.action_save()
        self.app.pop_screen()
