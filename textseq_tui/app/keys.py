"""The app's one rule for keys, on every screen (the host's, a built-in's or a third party's).

- **Where a text input has focus** (an ``Input`` or an editable ``TextArea``), every printable
  key is typed: ``?``, ``h j k l``, Space and any letter go into the text, whatever a screen
  binds them to, even with ``priority=True``.
- **Anywhere else**: ``?`` and F1 open the keys overlay (every key of the screen in front,
  with what it does); ``h j k l`` are ←, ↓, ↑, → unless the screen binds them itself; the
  arrows move through a list or a table (their own cursor), and between buttons, a grid's
  words or inputs by where they are on screen when nothing under the focus takes them.
  Space acts (a screen's binding, a focused button).
- The focused button or list row is always drawn plainly (``FOCUS_CSS``): a visible cursor.

A screen takes part by using bindings with descriptions; keys it handles without a binding
(in ``_on_key``) it lists in a ``KEY_HELP`` class attribute of the screen or widget:
``KEY_HELP = [("1-9", "pick a word")]``.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

#: h j k l -> the arrow they stand for where no text input has focus.
VIM_ARROWS = {"h": "left", "j": "down", "k": "up", "l": "right"}
#: Keys the app itself explains in the overlay (they are not bindings).
RULE_HELP = [
    ("h j k l", "← ↓ ↑ → where no text box has focus"),
    ("?", "this list, where no text box has focus"),
]
#: Textual's own actions, said in words.
ACTION_HELP = {"command_palette": "the command palette: every command and screen"}
#: Drawn by every screen: the focused widget shows where the cursor is.
FOCUS_CSS = """
Button:focus { text-style: bold reverse; }
DataTable:focus > .datatable--cursor { text-style: bold reverse; }
"""

_KEY_NAMES = {"arrows": "↑ ↓ ← →", "escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "Space",
              "up": "↑", "down": "↓", "left": "←", "right": "→", "question_mark": "?",
              "slash": "/", "backspace": "Backspace", "delete": "Del", "pageup": "PgUp",
              "pagedown": "PgDn", "home": "Home", "end": "End"}


def key_label(key: str) -> str:
    """How a person reads a Textual key name: ``ctrl+q`` -> ``Ctrl+Q``, ``up`` -> ``↑``."""
    *mods, name = key.split("+")
    shown = _KEY_NAMES.get(name) or (name.upper() if len(name) <= 3 and name[:1] == "f"
                                     and name[1:].isdigit() else name)
    if len(shown) == 1 and mods:
        shown = shown.upper()
    return "+".join([*(m.capitalize() for m in mods), shown])


def sentence(text: str) -> str:
    """A description as it reads in a list: "Accept all" -> "accept all" (names stay)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def is_text_input(widget: Widget | None) -> bool:
    """True for a widget that types printable keys: an Input or an editable TextArea."""
    if isinstance(widget, Input):
        return True
    return isinstance(widget, TextArea) and not widget.read_only


def typed_here(app: Any, event: events.Key) -> bool:
    """True when ``event`` is a printable key and a text input has focus: it must be typed,
    never taken by a binding."""
    return event.is_printable and is_text_input(app.focused)


def rule_key(app: Any, event: events.Key) -> events.Key | str | None:
    """Where no text input has focus: ``"keys"`` for ``?`` (the overlay), an arrow key event
    for ``h j k l``; None when the key goes on as it is (the screen binds it, or another)."""
    if is_text_input(app.focused) or event.key not in ("question_mark", *VIM_ARROWS):
        return None
    try:
        if event.key in app.screen.active_bindings:
            return None  # the screen gives it its own meaning
    except Exception:  # noqa: BLE001 — no screen yet: leave the key alone
        return None
    if event.key == "question_mark":
        return "keys"
    return events.Key(VIM_ARROWS[event.key], None)


def move_focus(screen: Screen, direction: str) -> bool:
    """Focus the nearest focusable widget of ``screen`` in ``direction`` (up, down, left,
    right) from the focused one, by position on screen: the next row (or column) of widgets
    that way, and in it the one most in line; the first widget when none has focus.
    Returns True when focus moved."""
    chain = [w for w in screen.focus_chain if w.region.area]
    if not chain:
        return False
    here = screen.focused
    if here is None or here not in chain:
        chain[0].focus()
        return True
    best, best_cost = None, None
    for widget in chain:
        if widget is here:
            continue
        cost = _cost(here.region, widget.region, direction)
        if cost is not None and (best_cost is None or cost < best_cost):
            best, best_cost = widget, cost
    if best is None:
        return False
    best.focus()
    return True


def _cost(here: Any, there: Any, direction: str) -> tuple[float, float, float] | None:
    """How far ``there`` is from ``here`` going ``direction``: (the gap that way, how far
    out of line, the distance between centres); None when it is not that way."""
    vertical = direction in ("up", "down")
    if vertical:
        start, end, o_start, o_end = here.y, here.bottom, there.y, there.bottom
        cross = (here.x, here.right, there.x, there.right)
    else:
        start, end, o_start, o_end = here.x, here.right, there.x, there.right
        cross = (here.y, here.bottom, there.y, there.bottom)
    forward = direction in ("down", "right")
    middle = (start + end) / 2
    if (o_start < middle) if forward else (o_end > middle):
        return None  # it begins before this one's middle: not that way
    gap = max(0, o_start - end) if forward else max(0, start - o_end)
    a0, a1, b0, b1 = cross
    # 0 when the two overlap across (regions are half-open: touching is not overlapping)
    out_of_line = 0 if b0 < a1 and a0 < b1 else 1 + max(b0 - a1, a0 - b1)
    # from a wide box to a row of narrow ones: the first of the row (reading order)
    centres = 0.0 if a0 <= b0 and b1 <= a1 else abs((a0 + a1) / 2 - (b0 + b1) / 2)
    return gap, out_of_line, centres


def _declared_by_textual(node: Any, binding: Binding) -> bool:
    """True when ``binding`` comes with a Textual widget (cursor moves, editing, scrolling),
    not from textseq or a plugin."""
    def declares(entry: Any) -> bool:
        if isinstance(entry, Binding):
            keys, action = entry.key, entry.action
        elif isinstance(entry, tuple) and len(entry) >= 2:
            keys, action = entry[0], entry[1]
        else:
            return False
        return action == binding.action and binding.key in [k.strip() for k in keys.split(",")]

    for cls in type(node).__mro__:
        if any(declares(entry) for entry in cls.__dict__.get("BINDINGS", ())):
            return cls.__module__.startswith("textual.")
    return False


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """Every key of ``screen`` as it stands (its focus included): (key, what it does), the
    focused widget's first, then the screen's, then the app's, then the rule's. Keys
    without a description, and Textual's own editing and cursor keys (except Enter) are
    left out; a ``KEY_HELP`` adds keys handled without a binding."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(key: str, text: str) -> None:
        if key not in seen and text:
            seen.add(key)
            rows.append((key_label(key), sentence(text)))

    node: Any = screen.focused
    nodes: list[Any] = []
    while node is not None:
        nodes.append(node)
        node = node.parent
    for extra in nodes if screen in nodes else [*nodes, screen]:
        for key, text in getattr(extra, "KEY_HELP", ()):
            add(key, text)
    try:
        bindings = list(screen.active_bindings.items())
    except Exception:  # noqa: BLE001 — a screen being torn down: no bindings to list
        bindings = []
    for key, active in bindings:
        binding: Binding = active.binding
        if binding.system or (key != "enter"
                              and _declared_by_textual(active.node, binding)):
            continue
        add(key, ACTION_HELP.get(binding.action) or binding.tooltip or binding.description)
    # the screen's own keys a focused text box holds back (Textual leaves them out while
    # it types them): listed all the same, saying where they act
    typing = is_text_input(screen.focused)
    for key, binding in screen._bindings:  # noqa: SLF001 — no public list of a node's own
        text = binding.tooltip or binding.description
        if text and not binding.system and key not in seen \
                and not _declared_by_textual(screen, binding):
            add(key, f"{text} (outside a text box)" if typing and len(key_label(key)) == 1
                else text)
    if not is_text_input(screen.focused):
        add("arrows", "move a list's cursor, or to the nearest box or button")
    add("tab", "next box or button (Shift+Tab: back)")
    for key, text in RULE_HELP:
        add(key, text)
    return rows


class KeysOverlay(ModalScreen[None]):
    """F1 (or ``?`` where no text input has focus): the keys of the screen underneath."""

    DEFAULT_CSS = """
    KeysOverlay { align: center middle; }
    KeysOverlay > VerticalScroll { width: auto; max-width: 90%; height: auto; max-height: 90%;
                                   border: round $accent; background: $surface;
                                   padding: 0 1; }
    KeysOverlay Static { width: auto; }
    """
    BINDINGS = [Binding("escape,f1,q,question_mark", "dismiss", "Close", show=False)]

    def __init__(self, title: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        import textwrap

        from rich.markup import escape

        width = max((len(key) for key, _ in self.rows), default=4)
        # wrapped here, under its own column: the box is at most 90 % of the screen (less
        # its border and padding), and a longer line was cut off at its edge at 80 columns
        room = max(20, int(self.app.size.width * 0.9) - 4 - width - 2)
        lines = [f"[b]Keys: {escape(self.title_text)}[/b]  [dim](Esc closes)[/]", ""]
        for key, text in self.rows:
            wrapped = textwrap.wrap(text, room) or [""]
            lines.append(f"[b]{escape(key.ljust(width))}[/b]  {escape(wrapped[0])}")
            lines += [" " * (width + 2) + escape(more) for more in wrapped[1:]]
        with VerticalScroll():
            yield Static("\n".join(lines), id="keys")

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss()
