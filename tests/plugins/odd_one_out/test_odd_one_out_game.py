"""Game rules, round storage (migrations), the leaderboard and the /odd slash command."""

from __future__ import annotations

import json

import pytest
from textseq_plugins.odd_one_out.game import GameSession, leaderboard
from textseq_plugins.odd_one_out.puzzles import PuzzleGenerator

from textseq_tui.plugin import BadInput


def test_guess_mode_scores_agreement_with_the_ai(ai, categories):
    rows = []
    session = GameSession(ai, PuzzleGenerator(categories, seed=1), "guess", "easy", "bo", rows.append)
    puzzle = session.new_round()
    ai_pick = session.ai_pick.odd
    result = session.answer(ai_pick, seconds=2.0)
    assert result.correct and result.points == 10 + 8 and session.streak == 1
    wrong = next(w for w in session.new_round().items if w != session.ai_pick.odd)
    result = session.answer(wrong, seconds=1.0)
    assert not result.correct and result.points == 0 and session.streak == 0
    assert session.best_streak == 1 and session.score == 18
    assert len(rows) == 2 and rows[0]["items"] == json.dumps(list(puzzle.items))
    assert rows[0]["correct"] == 1 and rows[1]["correct"] == 0
    assert session.summary()["accuracy"] == 50.0


def test_beat_mode_scores_against_the_intruder(ai, categories):
    session = GameSession(ai, PuzzleGenerator(categories, seed=2), "beat", "medium")
    puzzle = session.new_round()
    result = session.answer(list(puzzle.items).index(puzzle.intruder), seconds=30)
    assert result.correct and result.points >= 10
    assert result.ai_correct == (session.results[0].ai_pick == puzzle.intruder)


def test_answers_are_checked(ai, categories):
    session = GameSession(ai, PuzzleGenerator(categories, seed=2), "beat")
    with pytest.raises(BadInput):
        session.answer(0)
    session.new_round()
    with pytest.raises(BadInput, match="choose 1 to 4"):
        session.answer(7)
    with pytest.raises(BadInput, match="not one of"):
        session.answer("zebra-crossing")
    with pytest.raises(BadInput, match="mode"):
        GameSession(ai, PuzzleGenerator(categories), "solitaire")


def test_leaderboard_counts_streaks_accuracy_and_skips_ask_rows():
    rows = [
        {"player": "a", "mode": "guess", "correct": 1, "streak": 1, "points": 15, "game": "g1"},
        {"player": "a", "mode": "guess", "correct": 1, "streak": 2, "points": 12, "game": "g1"},
        {"player": "a", "mode": "guess", "correct": 0, "streak": 0, "points": 0, "game": "g2"},
        {"player": "b", "mode": "guess", "correct": 1, "streak": 3, "points": 10, "game": "g3"},
        {"player": "a", "mode": "ask", "correct": None, "streak": 0, "points": 0, "game": ""},
    ]
    board = leaderboard(rows)
    assert [(r["player"], r["best_streak"]) for r in board] == [("b", 3), ("a", 2)]
    a = board[1]
    assert a["rounds"] == 3 and a["accuracy"] == pytest.approx(66.7) and a["best_game"] == 27


def test_rounds_table_is_created_by_migrations(host):
    plugin = host.plugin("odd-one-out")
    store = plugin.context.store
    assert store.table("rounds").exists()
    cols = set(store.table("rounds").columns_dict)
    assert {"player", "mode", "difficulty", "items", "intruder", "player_pick", "ai_pick",
            "correct", "seconds"} <= cols


def test_odd_slash_command_answers_and_is_stored(host):
    result = host.run_command("/odd king queen prince cleaner")
    assert result.data["odd"] == "cleaner"
    assert "cleaner" in result.text and "closest to" in result.text
    rows = host.plugin("odd-one-out").context.store.rows("rounds")
    assert rows[-1]["mode"] == "ask" and rows[-1]["ai_pick"] == "cleaner"
    result = host.run_command("/odd new york, paris, london, banana")
    assert result.data["odd"] == "banana"
    assert host.plugin("odd-one-out").scores(host.plugin("odd-one-out").context.store) == []


def test_odd_slash_command_without_words_opens_the_game(host):
    result = host.run_command("/odd")
    assert result.open_screen is not None and result.open_screen.name == "game"


def test_odd_slash_command_bad_input(host):
    with pytest.raises(BadInput, match="at least 3"):
        host.run_command("/odd cat dog")


def test_plugin_declares_its_capabilities(host):
    plugin = host.plugin("odd-one-out")
    kinds = {spec.kind for spec in plugin.model_specs()}
    assert kinds == {"word-vectors", "char-ngram-oov", "word-categories", "connections-tables"}
    assert [s.name for s in plugin.screens()] == ["game", "groups", "history"]
    assert [c.name for c in plugin.slash_commands()] == ["odd"]
    assert plugin.migrations() is not None and plugin.cli() is not None
