"""Bring a board: any sixteen items pasted into the groups screen, played with the AI's help.

Two ways to paste one:

- sixteen items separated by commas: a board without its answer (today's Connections board,
  say). You play it where it came from and tell the screen what each guess got (right, one
  away, wrong); the AI gives hints on request and can show the four groups it would make;
- four groups separated by ``;`` (or ``|``), four comma-separated items each: the board with
  its answer. The screen shuffles the sixteen and judges every guess itself; the AI can give
  hints or play it while you watch.

Items keep their case on screen; the game compares them in lower case.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from textseq_plugins.odd_one_out.connections.board import check_board
from textseq_plugins.odd_one_out.groups import GROUP_SIZE, MAX_MISTAKES, N_GROUPS, Guess

from textseq_tui.plugin import BadInput

RESULTS = ("correct", "one away", "wrong")


@dataclass(frozen=True)
class BroughtBoard:
    """A pasted board: ``items`` (lower case, in the order given), how to show each one,
    and the answer's groups when it came with them."""

    items: tuple[str, ...]
    labels: dict[str, str]
    key: tuple[tuple[str, ...], ...] | None = None


def _items(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.split(",")]


def parse_board(text: str) -> BroughtBoard:
    """A pasted board (see the module docstring); a one-line BadInput saying what is wrong."""
    text = text.strip()
    separator = ";" if ";" in text else "|" if "|" in text else None
    groups = [_items(part) for part in text.split(separator)] if separator else None
    items = [w for g in groups for w in g] if groups else _items(text)
    if groups is not None and (len(groups) != N_GROUPS
                               or any(len(g) != GROUP_SIZE for g in groups)):
        sizes = ", ".join(str(len(g)) for g in groups)
        raise BadInput(f"an answer is {N_GROUPS} groups of {GROUP_SIZE} items separated by "
                       f"'{separator}'; this one has groups of {sizes}")
    items = check_board(items)  # sixteen different items, each short enough
    key = tuple(tuple(w.lower() for w in g) for g in groups) if groups else None
    return BroughtBoard(tuple(w.lower() for w in items), {w.lower(): w for w in items}, key)


def keyed_puzzle(board: BroughtBoard, names: list[str] | None = None, seed: int = 0) -> Any:
    """A board with its answer as a ``GroupsPuzzle`` (the sixteen shuffled); its groups are
    named ``names`` (the AI's themes) or "group 1" ..."""
    from textseq_plugins.odd_one_out.groups import GroupsPuzzle

    if board.key is None:
        raise BadInput("this board came without its answer")
    names = names or [f"group {k + 1}" for k in range(N_GROUPS)]
    words = list(board.items)
    random.Random(seed).shuffle(words)
    return GroupsPuzzle(tuple(zip(names, board.key, strict=True)), tuple(words), seed,
                        "brought")


@dataclass
class JudgedGame:
    """A board without its answer: the player says what each guess got. Same surface as
    ``groups.GroupsGame`` (``remaining``, ``guesses``, ``mistakes``, ``over``, ``solved``),
    which is what the AI reads."""

    items: tuple[str, ...]
    found_groups: list[tuple[str, ...]] = field(default_factory=list)
    mistakes: int = 0
    guesses: list[Guess] = field(default_factory=list)

    @property
    def solved(self) -> bool:
        return len(self.found_groups) == N_GROUPS

    @property
    def over(self) -> bool:
        return self.solved or self.mistakes >= MAX_MISTAKES

    def remaining(self) -> list[str]:
        done = {w for g in self.found_groups for w in g}
        return [w for w in self.items if w not in done]

    def check(self, words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Four different words still on the board, lower case; BadInput otherwise."""
        chosen = tuple(dict.fromkeys(w.strip().lower() for w in words))
        if len(chosen) != GROUP_SIZE or len(words) != GROUP_SIZE:
            raise BadInput(f"choose exactly {GROUP_SIZE} different items")
        left = self.remaining()
        missing = [w for w in chosen if w not in left]
        if missing:
            raise BadInput(f"{missing[0]!r} is not on the board")
        return chosen

    def judge(self, words: list[str] | tuple[str, ...], result: str) -> Guess:
        """Record a guess and what it got ("correct", "one away" or "wrong")."""
        if self.over:
            raise BadInput("this board is over")
        if result not in RESULTS:
            raise BadInput(f"a guess gets one of {', '.join(RESULTS)}")
        chosen = self.check(words)
        guess = Guess(chosen, result)
        self.guesses.append(guess)
        if result == "correct":
            self.found_groups.append(chosen)
        else:
            self.mistakes += 1
        return guess
