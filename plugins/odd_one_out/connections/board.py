"""A board: sixteen different items; an answer key: four groups of four. Parsing and checks."""

from __future__ import annotations

import json
from dataclasses import dataclass

from textseq_tui.plugin import BadInput

BOARD_SIZE = 16
GROUP_SIZE = 4
MAX_ITEM_CHARS = 60


def check_board(items: list[str]) -> list[str]:
    """The items stripped (case kept) when they are 16 different non-empty items, else a
    one-line BadInput saying what is wrong."""
    cleaned = [" ".join(str(i).split()) for i in items]
    if len(cleaned) != BOARD_SIZE:
        raise BadInput(f"a board has {BOARD_SIZE} items, this one has {len(cleaned)}")
    if any(not c for c in cleaned):
        raise BadInput("an item is empty: give 16 comma-separated items")
    long = [c for c in cleaned if len(c) > MAX_ITEM_CHARS]
    if long:
        raise BadInput(f"item {long[0][:20]!r}... is longer than {MAX_ITEM_CHARS} characters")
    seen: dict[str, int] = {}
    for c in cleaned:
        seen[c.lower()] = seen.get(c.lower(), 0) + 1
    repeated = [k for k, n in seen.items() if n > 1]
    if repeated:
        raise BadInput(f"a board needs {BOARD_SIZE} different items: {repeated[0]!r} appears "
                       f"{seen[repeated[0]]} times ({len(seen)} different)")
    return cleaned


@dataclass(frozen=True)
class AnswerKey:
    """Four groups of four items (the board is their union)."""

    groups: tuple[tuple[str, ...], ...]

    @property
    def items(self) -> list[str]:
        return [w for g in self.groups for w in g]

    def feedback(self, guess: tuple[str, ...]) -> str:
        """"correct", "one away" or "wrong" for four items of the board."""
        keys = {w.lower() for w in guess}
        best = max(len(keys & {w.lower() for w in g}) for g in self.groups)
        return "correct" if best == GROUP_SIZE else "one away" if best == GROUP_SIZE - 1 \
            else "wrong"


def parse_line(line: str) -> list[str] | AnswerKey:
    """One ``--input`` line: 16 comma-separated items, or ``{"groups": [[4] x 4]}``."""
    text = line.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise BadInput(f"not JSON: {err.msg} at column {err.colno}") from None
        groups = data.get("groups") if isinstance(data, dict) else None
        if not isinstance(groups, list) or len(groups) != BOARD_SIZE // GROUP_SIZE or any(
                not isinstance(g, list) or len(g) != GROUP_SIZE for g in groups):
            raise BadInput('an answer key is {"groups": [[4 items], [4 items], [4 items], '
                           '[4 items]]}')
        items = check_board([str(w) for g in groups for w in g])
        return AnswerKey(tuple(tuple(items[k:k + GROUP_SIZE])
                               for k in range(0, BOARD_SIZE, GROUP_SIZE)))
    return check_board(text.split(","))
