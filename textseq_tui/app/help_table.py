"""``/help``: every command and the chat's keys, one entry a line at any width (a long
description ends in "…"; ``/help NAME`` shows one command in full, with its plugin)."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from textseq_tui.app.keys import sentence

#: The command column is at most this wide; its text is ``/name`` (usage: ``/help NAME``).
NAME_WIDTH = 12


def _table(rows: list[tuple[str, str]], title: str) -> Table:
    width = NAME_WIDTH
    table = Table(box=None, show_header=False, expand=True, pad_edge=False, padding=(0, 1, 0, 0),
                  title=title, title_justify="left", title_style="bold")
    table.add_column(no_wrap=True, width=width, overflow="ellipsis", style="bold")
    table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    for left, right in rows:
        table.add_row(left, sentence(right))
    return table


def help_renderable(commands: list[dict[str, str]], keys: list[tuple[str, str]]) -> Group:
    """The commands (``Host.help_rows``) then the chat's keys, each entry on one line."""
    rows = [(row["command"], row["help"]) for row in commands]
    return Group(_table(rows, "Commands"), Text(""), _table(keys, "Keys in the chat"))


def command_detail(row: dict[str, str]) -> str:
    """One command in full (markup): its usage and what it does."""
    return (f"[b]{escape(row['usage'])}[/b]\n{escape(row['help'])} "
            f"[dim]({escape(row['plugin'])})[/]")
