"""``textseq scores`` as tables a person reads: one per plugin, fitting the terminal.

Each plugin's rows keep their own columns, in the order the plugin gives them (what matters
first). A table takes columns from the left while they fit the width; the ones left out are
named under it (``--json`` and ``--csv`` keep every field). Headers are never cut; a long cell
is, with an ellipsis.
"""

from __future__ import annotations

import json
from typing import Any

from textseq_tui.cli_io import escape_markup, shown

#: a cell longer than this is cut (a model path, a JSON list)
MAX_CELL = 24
#: the cells between two columns (their padding and the separator, collapsed)
GAP = 2


def plain(value: Any) -> str:
    """How a value reads in a table: numbers short, lists and dicts as JSON."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return "" if value is None else str(value)


def cell(value: Any) -> str:
    """A Rich table cell: :func:`plain`, user text escaped (Rich reads cells as markup) and
    controls shown as ``\\xNN``."""
    return escape_markup(plain(value))


def _text(value: Any) -> str:
    """A cell's text as printed: controls shown, cut at :data:`MAX_CELL`."""
    text = shown(plain(value))
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def fit_columns(rows: list[dict[str, Any]], width: int) -> tuple[list[str], list[str]]:
    """(columns shown, columns left out) of ``rows`` for a table ``width`` cells wide: from
    the left while they fit; always at least the first."""
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    columns: list[str] = []
    used = -GAP
    for key in keys:
        need = max([len(key)] + [len(_text(row.get(key))) for row in rows])
        if columns and used + GAP + need > width:
            break
        columns.append(key)
        used += GAP + need
    return columns, keys[len(columns):]


def print_score_tables(tables: list[tuple[str, list[dict[str, Any]]]], empty: str,
                       width: int | None = None) -> None:
    """One table per (plugin name, its rows); ``empty`` when no plugin has any row."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False, width=width)
    tables = [(name, rows) for name, rows in tables if rows]
    if not tables:
        console.print(empty, markup=False)
        return
    for number, (name, rows) in enumerate(tables):
        columns, left_out = fit_columns(rows, console.width)
        table = Table(title=escape(name), title_justify="left", box=box.SIMPLE_HEAD,
                      title_style="bold", show_edge=False, pad_edge=False,
                      collapse_padding=True)
        for key in columns:
            table.add_column(escape(key), no_wrap=True, min_width=len(key))
        for row in rows:
            table.add_row(*[escape(_text(row.get(k))) for k in columns])
        if number:
            console.print()
        console.print(table)
        if left_out:
            console.print(f"  + {', '.join(left_out)} (--json or --csv shows every field)",
                          markup=False, soft_wrap=True)
