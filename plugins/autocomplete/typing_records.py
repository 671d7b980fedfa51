"""Saving a typing session: the question asked before one long enough to keep is left
behind, and the lines that describe a session row (``sessions`` table)."""

from __future__ import annotations

from typing import Any

from textseq_plugins.autocomplete.sessions import MIN_SECONDS, MIN_WORDS
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from textseq_tui.plugin import escape


class SaveOrDiscard(ModalScreen[str]):
    """Asked before a session long enough to keep is left behind: save, discard, or back."""

    DEFAULT_CSS = """
    SaveOrDiscard { align: center middle; }
    SaveOrDiscard > Vertical { width: 64; height: auto; border: round $accent;
                               padding: 1 2; background: $surface; }
    SaveOrDiscard Horizontal { height: auto; margin-top: 1; }
    SaveOrDiscard Button { margin-right: 2; }
    """
    BINDINGS = [Binding("s", "choose('save')", "Save"),
                Binding("d", "choose('discard')", "Discard"),
                Binding("escape", "choose('')", "Back")]

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Save this session?[/b]\n{escape(self.summary)}")
            with Horizontal():
                yield Button("Save (s)", id="save", variant="primary")
                yield Button("Discard (d)", id="discard")
                yield Button("Back (Esc)", id="back")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose("" if event.button.id == "back" else str(event.button.id))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


def describe(row: dict[str, Any]) -> str:
    """One line for the save-or-discard question: the mode and its figures."""
    if row.get("accuracy") is None:
        return (f"free typing: {row['words']} words in {row['seconds']:.0f} s, "
                f"{row['wpm']:.0f} wpm, {row['keystrokes_saved']} keys saved")
    errors = row["errors"]
    return (f"{row['mode']}: {row['wpm']:.0f} wpm, {row['accuracy']:.1f} % accuracy, "
            f"{errors} error{'' if errors == 1 else 's'}")


def too_short(row: dict[str, Any]) -> str:
    """Why a session is not saved: its words and seconds against the minimum."""
    return (f"not saved: {row['words']} words in {row['seconds']:.1f} s (a session needs "
            f"{MIN_WORDS} words and {MIN_SECONDS:g} s)")
