"""``textseq odd-one-out groups --board / --hint / --input``: bring any board.

- ``--board "W1, ..., W16"``: the solver's four groups, each with its theme and confidence;
- ``--hint``: only the theme of the group it is surest of;
- ``--input FILE|-``: one board a line: 16 comma-separated items (answered as ``--board``) or
  an answer key ``{"groups": [[4], [4], [4], [4]]}``: then the solver plays the standard game
  against it (it sees only the 16 items, shuffled, and the feedback; four mistakes) and
  answers ``{"line", "solved", "mistakes", "guesses": [{"words", "result", "theme"}]}``.
  Streamed; a bad line gets ``{"line": N, "error": ...}`` and the batch goes on.
"""

from __future__ import annotations

import random
from typing import Any

from textseq_plugins.odd_one_out.connections.board import AnswerKey, check_board, parse_line

from textseq_tui.plugin import BadInput, TextseqError, cli_io


def board_answer(solver: Any, items: list[str], hint: bool) -> tuple[dict[str, Any], str]:
    """(JSON object, text) of the solver's answer for one board."""
    if hint:
        group = solver.hint(items)
        return ({"hint": group.theme, "kind": group.kind,
                 "confidence": round(group.confidence, 3)},
                f"hint: {group.theme} ({group.kind}, confidence {group.confidence:.2f})")
    groups = solver.solve(items)
    text = "\n".join(f"{g.theme} ({g.kind}, {g.confidence:.2f}): {', '.join(g.words)}"
                     for g in groups)
    return {"items": items, "groups": [g.to_json() for g in groups]}, text


def game_answer(solver: Any, key: AnswerKey, seed: int) -> tuple[dict[str, Any], str]:
    """(JSON object, text) of the solver's standard game against an answer key."""
    items = key.items
    random.Random(seed).shuffle(items)
    record = solver.play(items, key.feedback)
    out = {"solved": record.solved, "mistakes": record.mistakes, "guesses": record.guesses}
    lines = [f"{', '.join(g['words'])} -> {g['result']} ({g['theme']})" for g in record.guesses]
    lines.append(f"{'solved' if record.solved else 'not solved'}, "
                 f"{record.mistakes} mistake(s)")
    return out, "\n".join(lines)


def run_groups(plugin: Any, board: str | None, hint: bool, input_file: str | None,
               as_json: bool) -> None:
    """The ``--board`` / ``--input`` modes of ``groups``."""
    if board is not None and input_file is not None:
        raise BadInput("give --board or --input, not both")
    as_json = cli_io.want_json(as_json)
    if board is not None:
        items = check_board(board.split(","))
        obj, text = board_answer(plugin.groups_solver(), items, hint)
        cli_io.emit(obj, as_json, text=_escape(text))
        return
    solver = None
    for number, line in cli_io.iter_input(input_file):
        try:
            parsed = parse_line(line)
            solver = solver or plugin.groups_solver()
            if isinstance(parsed, AnswerKey):
                obj, text = game_answer(solver, parsed, seed=number)
            else:
                obj, text = board_answer(solver, parsed, hint)
        except TextseqError as err:
            cli_io.refuse(number, err, as_json)
            continue
        cli_io.emit(obj, as_json, text=_escape(f"line {number}: {text}"), line=number)


def tiered_board(plugin: Any, puzzle: Any, solve: bool, as_json: bool,
                 extra: dict[str, Any] | None = None, lines: list[str] | None = None) -> None:
    """A tiered board (``groups --date/--seed --difficulty``: the games' ``command_board``
    chose it, with ``extra`` JSON fields and ``lines`` of text) and, with ``solve``, the
    solver's standard game on it."""
    out = {**puzzle.to_json(), **(extra or {})}
    text = [f"seed {puzzle.seed} ({puzzle.difficulty}): " + "  ".join(puzzle.words),
            *(lines or ())]
    if solve:
        key = AnswerKey(tuple(words for _, words in puzzle.groups))
        record = plugin.groups_solver().play(list(puzzle.words), key.feedback)
        out["ai"] = {"solved": record.solved, "mistakes": record.mistakes,
                     "guesses": record.guesses}
        text += [f"  AI: {' '.join(g['words'])} -> {g['result']} ({g['theme']})"
                 for g in record.guesses]
        text.append(f"  the AI {'solved it' if record.solved else 'failed'} with "
                    f"{record.mistakes} mistake(s)")
    text += [f"  {tier} — {name}: {', '.join(words)}"
             for tier, (name, words) in zip(puzzle.tiers, puzzle.groups, strict=True)]
    cli_io.emit(out, cli_io.want_json(as_json), text="\n".join(text))  # printed plainly


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
