"""The chat input: an Input whose Tab accepts the next word of the ghost text, Shift+Tab and
→ all of it, Esc hides it until the next keystroke, and Up/Down recall the messages sent (as
a shell does, earlier runs' included).

What it never does behind the user's back: move focus away (Tab and Shift+Tab with no ghost
text do nothing), select the draft (focus coming back after the palette or a screen leaves
the cursor where it was), or leave a double space (an accepted piece never ends in a space
and never adds one where the draft already has one).

Enter posts :class:`ChatInput.Send`, not ``Input.Submitted``: the app takes chat messages
from that message of its own chat input alone, so Enter in any screen's input stays there.
"""

from __future__ import annotations

import re

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

_WORD = re.compile(r"\s*\S+")


def accepted_piece(value: str, ghost: str, whole: bool) -> str:
    """What accepting ``ghost`` after ``value`` inserts: its next word (Tab) or all of it
    (Shift+Tab, →), without a trailing space and without a space where ``value`` ends in
    one; "" when nothing but spaces is left."""
    if not whole:
        match = _WORD.match(ghost)
        ghost = match.group(0) if match else ""
    piece = ghost.rstrip()
    if value[-1:].isspace():
        piece = piece.lstrip()
    return piece


class ChatInput(Input):
    """Tab accepts the next word of the suggestion; Shift+Tab or → (at the end) all of it."""

    BINDINGS = [
        Binding("tab", "accept_word", "Accept a word of the ghost text", show=False,
                priority=True),
        Binding("shift+tab", "accept_all", "Accept all of the ghost text", show=False,
                priority=True),
        Binding("escape", "hide_ghost", "Hide the ghost text", show=False),
        Binding("up", "history(-1)", "Previous message (earlier runs too)", show=False),
        Binding("down", "history(1)", "Next message", show=False),
        Binding("pageup", "scroll_chat(-1)", "Scroll the conversation up (older messages)",
                show=False),
        Binding("pagedown", "scroll_chat(1)", "Scroll the conversation down", show=False),
    ]
    #: Keys handled without a binding, for the keys overlay and /help.
    KEY_HELP = [("enter", "send the message, or run the /command"),
                ("right", "at the end: accept all of the ghost text")]

    #: How many sent messages Up/Down can recall.
    HISTORY = 200

    class Send(Message):
        """Enter in the chat input: ``text`` is what was typed (the input is cleared)."""

        def __init__(self, chat_input: ChatInput, text: str) -> None:
            super().__init__()
            self.chat_input = chat_input
            self.text = text

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 — Input's signature
        kwargs.setdefault("select_on_focus", False)
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

    def _accept(self, whole: bool) -> None:
        piece = accepted_piece(self.value, self.ghost, whole)
        if not piece:
            return  # no ghost text: the key does nothing (focus and text stay)
        self.value = self.value + piece
        self.cursor_position = len(self.value)

    def action_accept_word(self) -> None:
        self._accept(whole=False)

    def action_accept_all(self) -> None:
        self._accept(whole=True)

    def action_cursor_right(self, select: bool = False) -> None:
        # Input's own → takes the whole suggestion as it is (a trailing space included).
        if not select and self.ghost:
            self._accept(whole=True)
            return
        super().action_cursor_right(select)

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
        self.value = ""
        if text.strip():
            self.post_message(self.Send(self, text))

    class Scroll(Message):
        """PgUp/PgDn in the chat input: scroll the conversation a page (``pages``: -1 up)."""

        def __init__(self, pages: int) -> None:
            super().__init__()
            self.pages = pages

    def action_scroll_chat(self, pages: int) -> None:
        self.post_message(self.Scroll(pages))

    def remember(self, earlier: list[str]) -> None:
        """Put messages of earlier runs (oldest first) before this run's in the history."""
        merged = [*earlier, *self.history][-self.HISTORY:]
        # the same message stays recalled (or the draft stays the line being edited)
        self._recall = max(0, self._recall + len(merged) - len(self.history))
        self.history = merged

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
