"""The groups solver: four themed groups for any board, a hint, the standard game."""

from __future__ import annotations

import pytest
from textseq_plugins.odd_one_out.connections.board import AnswerKey
from textseq_plugins.odd_one_out.connections.solver import UNKNOWN

from textseq_tui.plugin import BadInput

# made for these tests: fruit, ___ ball, sounds like a letter, palindromes
GROUPS = (("apple", "banana", "cherry", "mango"), ("foot", "basket", "snow", "base"),
          ("bee", "sea", "tea", "why"), ("level", "kayak", "radar", "civic"))
BOARD = ["kayak", "foot", "bee", "apple", "radar", "snow", "sea", "banana", "level", "base",
         "tea", "cherry", "civic", "basket", "why", "mango"]


def test_solve_gives_four_groups_covering_the_board_surest_first(groups_solver):
    groups = groups_solver.solve(BOARD)
    assert len(groups) == 4
    assert sorted(w for g in groups for w in g.words) == sorted(BOARD)
    assert all(0.0 <= g.confidence <= 1.0 for g in groups)
    found = {frozenset(g.words) for g in groups}
    assert sum(frozenset(g) in found for g in GROUPS) >= 3
    themes = {g.theme for g in groups}
    assert "___ ball" in themes or "palindromes" in themes


def test_hint_is_the_theme_of_the_surest_group(groups_solver):
    hint = groups_solver.hint(BOARD)
    assert hint.theme and hint.theme != UNKNOWN
    assert hint.confidence == max(g.confidence for g in groups_solver.solve(BOARD))


def test_play_solves_a_clear_board_in_the_standard_game(groups_solver):
    key = AnswerKey(GROUPS)
    record = groups_solver.play(BOARD, key.feedback)
    assert record.solved and record.mistakes <= 1
    assert all(g["result"] in ("correct", "one away", "wrong") for g in record.guesses)
    assert [g["theme"] for g in record.guesses if g["result"] == "correct"]


def test_items_the_solver_knows_nothing_about_are_placed_with_theme_unknown(groups_solver):
    strange = ["!!!", "???", "zxqvbnw", "qwxptkz"]  # no vector; spelling-only vectors
    board = BOARD[:12] + strange
    groups = groups_solver.solve(board)
    assert sorted(w for g in groups for w in g.words) == sorted(board)
    odd = [g for g in groups if set(g.words) & set(strange)]
    assert odd and all(g.theme == UNKNOWN for g in odd)


def test_a_board_of_one_word_sixteen_times_is_refused(groups_solver):
    with pytest.raises(BadInput, match="16 times"):
        groups_solver.solve(["dog"] * 16)


def test_every_reported_theme_holds_for_its_four_words(groups_solver, tables):
    """The themes the solver reports (a sample: this board and a tiered one) are true of
    their words by their source's own check."""
    from textseq_plugins.odd_one_out.connections.solver import SOURCES

    checks = {s.SOURCE: s for s in SOURCES}
    analysis = groups_solver.analyse(BOARD)
    for group in groups_solver.solve(BOARD):
        members = [BOARD.index(w) for w in group.words]
        named = [t for t in analysis.themes if t.name == group.theme
                 and set(members) <= t.members]
        if group.kind in ("similarity", "?"):
            continue
        assert named, group
        for w in group.words:
            assert checks[named[0].source].holds(named[0], w, tables)


def test_plain_vectors_read_the_shared_glove_as_gensim_does(kv):
    import numpy as np
    from textseq_plugins.odd_one_out.vectors import plain_vectors

    from textseq_tui.ml import GloveVectors

    plain = plain_vectors(GloveVectors())
    assert plain.key_to_index["king"] == kv.key_to_index["king"]
    assert "qwzxvvq" not in plain and plain.key_to_index.get("qwzxvvq") is None
    np.testing.assert_array_equal(plain["queen"], kv["queen"])
    near = [w for w, _ in plain.similar_by_vector(kv["france"], topn=5, restrict_vocab=30000)]
    assert near[0] == "france"
    assert near[1:] == [w for w, _ in kv.similar_by_vector(kv["france"], topn=5,
                                                           restrict_vocab=30000)][1:]
