"""The groups board widget: sixteen tiles in four columns, played by keyboard or mouse.

Arrows or hjkl move a visible cursor (a framed tile), Space or Enter toggles the tile under
it, a click toggles the clicked tile. Solved groups sit on top as bars in their tier's colour
with their name; the tiles left fill the rows below. The widget only shows and reports: the
screen, which owns the game, hears each toggle through ``on_toggle`` and sets what to show
with :meth:`GroupsBoard.show`. The cursor stays where it was across updates.

``on_toggle`` is a call, not a posted message, on purpose: a message reaches the screen
after keys typed behind it, so "Space Space Space Space s" typed fast submitted before the
four selections had arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.widget import Widget

COLUMNS = 4
ROW_LINES = 3
#: Connections' colours; text on them is black
TIER_COLOURS = {"yellow": "#f9df6d", "green": "#a0c35a", "blue": "#b0c4ef",
                "purple": "#ba81c5"}
TILE = Style(color="#1a1a1a", bgcolor="#d9d5c7")
SELECTED = Style(color="#ffffff", bgcolor="#5a594e", bold=True)
CURSOR = Style(color="#ffcc00", bold=True)
DONE = Style(color="#8a8a8a", bgcolor="#3a3a3a")


@dataclass(frozen=True)
class SolvedRow:
    """A group shown as a bar: its name, its words and its tier's colour."""

    name: str
    words: tuple[str, ...]
    tier: str
    found: bool = True  # False: revealed after the game, not found by the player


class GroupsBoard(Widget, can_focus=True):
    """Tiles and solved bars; the cursor moves over the tiles left."""

    DEFAULT_CSS = """
    GroupsBoard { height: 12; width: 1fr; min-width: 40; padding: 0 1; }
    """

    BINDINGS = [
        Binding("left,h", "move(0, -1)", "Left", show=False),
        Binding("right,l", "move(0, 1)", "Right", show=False),
        Binding("up,k", "move(-1, 0)", "Up", show=False),
        Binding("down,j", "move(1, 0)", "Down", show=False),
        Binding("space,enter", "toggle", "Select", key_display="space"),
    ]

    def __init__(self, on_toggle: Callable[[str], None], *,
                 id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.on_toggle = on_toggle
        self.words: list[str] = []
        self.selected: set[str] = set()
        self.solved: list[SolvedRow] = []
        self.cursor = 0
        self.active = True
        self.label: Callable[[str], str] = str

    # -- what to show (set by the screen) ---------------------------------------------------

    def show(self, words: list[str], selected: set[str] | list[str], solved: list[SolvedRow],
             active: bool = True, label: Callable[[str], str] | None = None) -> None:
        """Show ``words`` (the tiles left, in board order), which are selected, the solved
        bars; ``active`` False greys the tiles (the game is over)."""
        self.words = list(words)
        self.selected = set(selected)
        self.solved = list(solved)
        self.active = active
        if label is not None:
            self.label = label
        self.cursor = min(self.cursor, max(0, len(self.words) - 1))
        self.refresh()
        self.refresh_bindings()

    @property
    def cursor_word(self) -> str | None:
        return self.words[self.cursor] if self.words else None

    # -- keys and mouse -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Moving and selecting show (and work) only while there are tiles to play."""
        if action in ("move", "toggle"):
            return self.active and bool(self.words)
        return True

    def action_move(self, rows: int, columns: int) -> None:
        if not self.words:
            return
        row, col = divmod(self.cursor, COLUMNS)
        last_row = (len(self.words) - 1) // COLUMNS
        row = max(0, min(last_row, row + rows))
        col = max(0, min(COLUMNS - 1, col + columns))
        self.cursor = min(row * COLUMNS + col, len(self.words) - 1)
        self.refresh()

    def action_toggle(self) -> None:
        if self.words and self.active:
            self.on_toggle(self.words[self.cursor])

    def on_click(self, event: Click) -> None:
        index = self.tile_at(event.x - 1, event.y)  # the padding column is not a tile
        if index is not None:
            self.cursor = index
            self.refresh()
            self.action_toggle()

    def tile_at(self, x: int, y: int) -> int | None:
        """The index (into the tiles left) of the tile at content offset (x, y), or None."""
        row = y // ROW_LINES - len(self.solved)
        width = self._tile_width()
        if row < 0 or x < 0 or width <= 0:
            return None
        col, inside = divmod(x, width + 1)
        if col >= COLUMNS or inside >= width:
            return None
        index = row * COLUMNS + col
        return index if index < len(self.words) else None

    # -- drawing ----------------------------------------------------------------------------

    def _tile_width(self) -> int:
        return max(4, (self.content_size.width - (COLUMNS - 1)) // COLUMNS)

    def render(self) -> Text:
        width = self.content_size.width
        lines: list[Text] = []
        for bar in self.solved:
            lines += self._bar(bar, width)
        for start in range(0, len(self.words), COLUMNS):
            lines += self._tile_row(start)
        return Text("\n").join(lines)

    def _bar(self, bar: SolvedRow, width: int) -> list[Text]:
        colour = TIER_COLOURS.get(bar.tier, "#d9d5c7")
        style = Style(color="#1a1a1a", bgcolor=colour, dim=not bar.found)
        name = bar.name.upper() if bar.found else f"{bar.name.upper()} (not found)"
        words = ", ".join(self.label(w) for w in bar.words)
        return [Text(" " * width, style=style),
                Text(_centre(name, width), style=style + Style(bold=True)),
                Text(_centre(words, width), style=style)]

    def _tile_row(self, start: int) -> list[Text]:
        width = self._tile_width()
        rows = [Text(), Text(), Text()]
        for col in range(COLUMNS):
            index = start + col
            if col:
                for line in rows:
                    line.append(" ")
            if index >= len(self.words):
                continue
            word = self.words[index]
            style = SELECTED if word in self.selected else TILE
            if not self.active:
                style = DONE
            label = self.label(word)
            if index == self.cursor and self.active and self.has_focus:
                frame = style + CURSOR
                rows[0].append("┏" + "━" * (width - 2) + "┓", frame)
                rows[1].append("┃", frame)
                rows[1].append(_centre(label, width - 2), style)
                rows[1].append("┃", frame)
                rows[2].append("┗" + "━" * (width - 2) + "┛", frame)
            else:
                rows[0].append(" " * width, style)
                rows[1].append(_centre(label, width), style)
                rows[2].append(" " * width, style)
        return rows

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def _centre(text: str, width: int) -> str:
    """``text`` centred in ``width`` cells, cut with an ellipsis when it does not fit."""
    from rich.cells import cell_len, set_cell_size

    if width <= 0:
        return ""
    if cell_len(text) > width:
        text = set_cell_size(text, max(0, width - 1)) + "…"
    left = (width - cell_len(text)) // 2
    return set_cell_size(" " * left + text, width)
