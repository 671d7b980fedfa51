"""The chat input: an Input whose Tab accepts the next word of the ghost text, Esc hides the
ghost text until the next keystroke, and Up/Down recall the messages sent (as a shell does)."""

from __future__ import annotations

import re

from textual.binding import Binding
from textual.widgets import Input

_WORD = re.compile(r"\s*\S+")


class ChatInput(Input):
    """Tab accepts the next word of the suggestion; Right (at the end) accepts all of it."""

    BINDINGS = [
        Binding("tab", "accept_word", "Accept word", show=False, priority=True),
        Binding("shift+tab", "accept_all", "Accept all", show=False, priority=True),
        Binding("escape", "hide_ghost", "Hide suggestion", show=False),
        Binding("up", "history(-1)", "Previous message", show=False),
        Binding("down", "history(1)", "Next message", show=False),
    ]

    #: How many sent messages Up/Down can recall.
    HISTORY = 200

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 — Input's signature
        super().__init__(*args, **kwargs)
        self.history: list[str] = []
        self._recall = 0  # index into history; len(history) = the line being edited
        self._draft = ""
        self._hidden_for: str | None = None  # Esc hid the ghost text for this value

    DEFAULT_CSS = """
    ChatInput { dock: bottom; margin: 0 0; }
    """

    @property
    def ghost(self) -> str:
        """The part of the current suggestion not yet typed ("" when none)."""
        suggestion = self._suggestion
        if suggestion and suggestion.startswith(self.value) and self.cursor_at_end:
            return suggestion[len(self.value):]
        return ""

    def action_accept_word(self) -> None:
        ghost = self.ghost
        if not ghost:
            self.screen.focus_next()
            return
        match = _WORD.match(ghost)
        piece = match.group(0) if match else ghost
        self.value = self.value + piece
        self.cursor_position = len(self.value)

    def action_accept_all(self) -> None:
        ghost = self.ghost
        if not ghost:
            self.screen.focus_previous()
            return
        self.value = self.value + ghost
        self.cursor_position = len(self.value)

    def action_hide_ghost(self) -> None:
        """Esc: hide the ghost text until the next keystroke."""
        self._hidden_for = self.value
        self._suggestion = ""

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if self._hidden_for is not None and value != self._hidden_for:
            self._hidden_for = None  # the next keystroke: answers show again

    async def _on_suggestion_ready(self, event) -> None:  # noqa: ANN001 — SuggestionReady
        # Textual calls the handler of every class in the MRO: stop it calling Input's after
        # this one (it would show an answer Esc hid, and apply the others twice).
        event.prevent_default()
        if self._hidden_for is not None and event.value == self._hidden_for:
            return  # an answer for the text whose ghost text Esc hid
        await super()._on_suggestion_ready(event)

    async def action_submit(self) -> None:
        text = self.value
        if text.strip() and (not self.history or self.history[-1] != text):
            self.history = [*self.history, text][-self.HISTORY:]
        self._recall, self._draft = len(self.history), ""
        await super().action_submit()

    def action_history(self, step: int) -> None:
        """Up (-1) / Down (+1): recall the previous / next message sent."""
        if not self.history:
            return
        if self._recall == len(self.history):
            self._draft = self.value  # the line being edited comes back after the newest
        self._recall = max(0, min(len(self.history), self._recall + step))
        self.value = (self.history[self._recall] if self._recall < len(self.history)
                      else self._draft)
        self.cursor_position = len(self.value)
