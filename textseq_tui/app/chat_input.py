"""The chat input: an Input whose Tab accepts the next word of the ghost text."""

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
    ]

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
