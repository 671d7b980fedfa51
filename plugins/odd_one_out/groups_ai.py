"""What the groups games ask of the AI: its next guess, a hint, its four groups, a theme.

The one place the screens and the console game reach the groups solver (the Connections
solver, ``connections/solver.py``: WordNet, phrase, sound and letter themes besides word
vectors), so that a better solver changes this module only. A game in play is read through
the surface ``groups.GroupsGame`` and ``brought.JudgedGame`` share (``remaining()``,
``guesses``; the groups found). Every call blocks: run it in a worker.
"""

from __future__ import annotations

import threading
from typing import Any

from textseq_tui.plugin import BadInput

GROUP_SIZE = 4
#: the last boards analysed (a board is analysed once for all the moves of its game)
_ANALYSES: dict[tuple[int, tuple[str, ...]], Any] = {}
_KEEP = 4
_LOCK = threading.Lock()


def _board(game: Any) -> tuple[list[str], list[tuple[str, ...]]]:
    """(the sixteen items in board order, the groups found) of a game in play."""
    puzzle = getattr(game, "puzzle", None)
    if puzzle is not None:
        return list(puzzle.words), [puzzle.groups[k][1] for k in game.found]
    return list(game.items), list(game.found_groups)


def _analysis(solver: Any, items: list[str]) -> Any:
    key = (id(solver), tuple(items))
    with _LOCK:
        if key in _ANALYSES:
            return _ANALYSES[key]
    analysis = solver.analyse(items)
    with _LOCK:
        if len(_ANALYSES) >= _KEEP:
            _ANALYSES.pop(next(iter(_ANALYSES)))
        _ANALYSES[key] = analysis
    return analysis


def _named(solver: Any, analysis: Any, quad: int) -> str:
    theme, _ = analysis.theme_of(quad, lambda m: solver.name_similar(analysis, m))
    return theme


def next_move(plugin: Any, game: Any) -> tuple[tuple[str, ...], str]:
    """The four words the AI would submit next on ``game``, and their theme: the likeliest
    group given the groups found and the feedback so far, never a guess already made."""
    from textseq_plugins.odd_one_out.connections.partitions import FULL, quad_index, quads

    solver = plugin.groups_solver()
    items, found = _board(game)
    analysis = _analysis(solver, items)
    index = {w: i for i, w in enumerate(items)}
    left = sorted(index[w] for w in game.remaining())
    if len(left) == GROUP_SIZE:
        quad = quad_index(FULL)[tuple(left)]
    else:
        history = [(tuple(sorted(index[w] for w in g.words)), g.result)
                   for g in game.guesses if g.result != "repeat"]
        groups = [tuple(sorted(index[w] for w in words)) for words in found]
        try:
            prob = solver.probabilities(analysis, left, history, groups)
        except ValueError:
            raise BadInput("the answers so far rule out every split of the board") from None
        for members, _ in history:
            prob[quad_index(FULL)[members]] = -1.0
        quad = int(prob.argmax())
    return tuple(items[i] for i in quads(FULL)[quad]), _named(solver, analysis, quad)


def next_guess(plugin: Any, game: Any) -> tuple[str, ...]:
    """The four words the AI would submit next on ``game``."""
    return next_move(plugin, game)[0]


def hint(plugin: Any, game: Any) -> tuple[tuple[str, ...], str]:
    """The group the AI is surest of on ``game`` and its theme: show the theme first, the
    words on a second request."""
    return next_move(plugin, game)


def themes(plugin: Any, items: list[str], groups: list[tuple[str, ...]]) -> list[str]:
    """What the AI calls each of ``groups`` (groups of four of the board ``items``)."""
    from textseq_plugins.odd_one_out.connections.partitions import FULL, quad_index

    solver = plugin.groups_solver()
    analysis = _analysis(solver, items)
    index = {w: i for i, w in enumerate(items)}
    return [_named(solver, analysis, quad_index(FULL)[tuple(sorted(index[w] for w in g))])
            for g in groups]


def four_groups(plugin: Any, items: list[str]) -> list[tuple[tuple[str, ...], str]]:
    """The AI's split of sixteen items into four groups, surest first, each with its theme."""
    return [(g.words, g.theme) for g in plugin.groups_solver().solve(items)]


def play(plugin: Any, puzzle: Any) -> Any:
    """The AI's whole game on a board with its answer: ``solved``, ``mistakes``,
    ``guesses`` (the standard game: it sees the sixteen words and the feedback)."""
    from textseq_plugins.odd_one_out.connections.board import AnswerKey

    key = AnswerKey(tuple(words for _, words in puzzle.groups))
    return plugin.groups_solver().play(list(puzzle.words), key.feedback)
