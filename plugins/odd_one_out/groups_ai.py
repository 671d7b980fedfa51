"""What the groups games ask of the AI: its next guess, a hint, its four groups, a theme.

The one place the screens and the console game reach the groups solver (``groups.py``), so
that a better solver changes this module only. Every call blocks: run it in a worker.
"""

from __future__ import annotations

from typing import Any

from textseq_plugins.odd_one_out.groups import GROUP_SIZE

SIMILAR = "close in meaning"


def next_guess(plugin: Any, game: Any) -> tuple[str, ...]:
    """The four words the AI would submit next on ``game`` (it reads ``remaining()`` and
    the feedback of ``guesses``)."""
    from textseq_plugins.odd_one_out.groups import ai_next_guess

    left = game.remaining()
    if len(left) == GROUP_SIZE:
        return tuple(left)
    return ai_next_guess(plugin.ai(), game)


def theme(plugin: Any, words: tuple[str, ...] | list[str]) -> str:
    """What the AI says ``words`` have in common (WordNet's name for them), or that they are
    close in meaning."""
    return plugin.name_words(list(words)) or SIMILAR


def hint(plugin: Any, game: Any) -> tuple[tuple[str, ...], str]:
    """The group the AI is surest of on ``game`` and its theme: show the theme first, the
    words on a second request."""
    words = next_guess(plugin, game)
    return words, theme(plugin, words)


def four_groups(plugin: Any, items: list[str]) -> list[tuple[tuple[str, ...], str]]:
    """The AI's split of sixteen items into four groups, surest first, each with its theme."""
    from textseq_plugins.odd_one_out.groups import best_partition, word_similarity

    groups = best_partition(word_similarity(plugin.ai(), items))
    out = []
    for group in groups:
        words = tuple(items[i] for i in group)
        out.append((words, theme(plugin, words)))
    return out


def play(plugin: Any, puzzle: Any) -> Any:
    """The AI's whole game on a board with its answer (a finished ``GroupsGame``)."""
    from textseq_plugins.odd_one_out.groups import ai_solve

    return ai_solve(plugin.ai(), puzzle)
