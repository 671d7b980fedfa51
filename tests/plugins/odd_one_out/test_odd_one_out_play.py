"""Scriptable games: ``play`` from a pipe, the daily board once a day, ``groups --date --json``
with "played", fresh puzzles, classic defaults, and ``textseq scores`` at 80 columns."""

from __future__ import annotations

import datetime as dt
import json

import pytest

DAY = dt.date(2026, 11, 30)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("textseq_plugins.odd_one_out.schedule.today", lambda: DAY)
    return DAY


def _board(cli, day: str = "2026-11-30") -> dict:
    result = cli("odd-one-out", "groups", "--date", day, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_play_groups_from_a_pipe(cli, today):
    board = _board(cli)
    groups = [g["words"] for g in board["groups"]]
    answers = [
        "banana, " + ", ".join(groups[0][:3]),  # not on the board: refused, no mistake
        " ".join(groups[0][:3]),  # three words: refused, no mistake
        ", ".join([*groups[0][:3], groups[1][0]]),  # one away
        " ".join(groups[0]),  # spaces: every item is one word
        ", ".join(groups[1]),
        ", ".join(groups[2]),  # the last group fills in
    ]
    result = cli("odd-one-out", "play", "--mode", "groups", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    refused = [line for line in lines if line.startswith(("line 1:", "line 2:"))]
    assert "'banana' is not on the board" in refused[0] and "no mistake counted" in refused[0]
    assert "exactly 4" in refused[1] and "no mistake counted" in refused[1]
    assert "line 3: one away (3 mistakes left)" in lines
    assert f"line 4: correct: {board['groups'][0]['category']}" in lines
    assert f"the last group fills in: {board['groups'][3]['category']}" in lines
    assert "Solved! With 1 mistake, +55 points, streak 1." in lines
    assert "daily streak 1 (best 1)" in lines
    played = _board(cli)["played"]
    assert played["solved"] and played["mistakes"] == 1 and len(played["grid"]) == 5
    assert played["grid"][1] == ["yellow"] * 4
    # a second play of the day's board says so and shows the result (exit 0)
    again = cli("odd-one-out", "play", "--mode", "groups", input=", ".join(groups[0]) + "\n")
    assert again.exit_code == 0
    assert "You played the daily board of 2026-11-30 already: solved with 1 mistake." \
        in again.stdout and "🟨🟨🟨🟨" in again.stdout


def test_a_daily_board_in_the_future_is_a_one_line_error(cli, today):
    for args in (["groups", "--date", "2026-12-01"],
                 ["play", "--mode", "groups", "--date", "2026-12-01"]):
        result = cli("odd-one-out", *args)
        assert result.exit_code == 2 and "is in the future" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    result = cli("odd-one-out", "groups", "--date", "2026-11-30", "--difficulty", "hard")
    assert result.exit_code == 2 and "the daily board is medium" in result.stderr


def test_puzzles_are_fresh_without_a_seed(cli):
    a = cli("odd-one-out", "puzzles", "-n", "3", "--json")
    b = cli("odd-one-out", "puzzles", "-n", "3", "--json")
    assert a.stdout != b.stdout and "--seed" in a.stderr
    seed = json.loads(a.stdout.splitlines()[0])["seed"]
    again = cli("odd-one-out", "puzzles", "-n", "3", "--json", "--seed", str(seed))
    assert again.stdout == a.stdout


def test_no_word_comes_back_within_a_20_round_game(categories):
    from textseq_plugins.odd_one_out.puzzles import PuzzleGenerator, _stem

    for difficulty in ("easy", "hard"):
        gen = PuzzleGenerator(categories, seed=11)
        stems = [_stem(w) for _ in range(20) for w in gen.next(difficulty).items]
        assert len(stems) == len(set(stems)) == 80


def test_the_classic_game_opens_in_beat_the_ai_and_remembers(cli):
    result = cli("odd-one-out", "play", "--rounds", "1", input="q\n")
    assert result.stdout.startswith("Beat the AI — medium, seed ")
    cli("odd-one-out", "play", "--rounds", "1", "--mode", "guess", "--difficulty", "easy",
        input="q\n")
    result = cli("odd-one-out", "play", "--rounds", "1", input="q\n")
    assert result.stdout.startswith("Guess the AI — easy, seed ")


def test_answers_from_a_pipe_earn_no_speed_points(cli, host):
    """A script answers in no time: it gets the 10 points of a right answer (and the 5 for
    beating the AI), never the speed bonus a person earns."""
    puzzles = cli("odd-one-out", "puzzles", "--seed", "5", "-n", "3", "--json")
    intruders = [json.loads(line)["intruder"] for line in puzzles.stdout.splitlines()]
    result = cli("odd-one-out", "play", "--seed", "5", "--rounds", "3",
                 input="".join(f"{w}\n" for w in intruders))
    assert result.exit_code == 0, result.stderr
    rows = host.plugin("odd-one-out").context.store.rows("rounds")
    assert len(rows) == 3 and all(r["correct"] for r in rows)
    assert [r["points"] for r in rows] == [10 + 5 * (not r["ai_correct"]) for r in rows]


def test_names_keep_their_usual_capitals(host):
    from textseq_plugins.odd_one_out.capitals import capitals_of

    label = capitals_of(host.plugin("odd-one-out"))
    assert [label(w) for w in ("ohio", "new york", "march", "apple")] == [
        "Ohio", "New York", "March", "apple"]
    assert label("mercury", "planet.n.01") == "Mercury" and label("mercury") == "mercury"


def test_puzzles_print_names_with_capitals_and_keep_json_words(cli):
    text = cli("odd-one-out", "puzzles", "-n", "1", "--seed", "3052084970").stdout
    assert text.startswith("Antarctica  Africa  Europe  Earth ")
    assert "Earth is a planet" in text
    data = json.loads(cli("odd-one-out", "puzzles", "-n", "1", "--seed", "3052084970",
                          "--json").stdout)
    assert data["items"] == ["antarctica", "africa", "europe", "earth"]


def test_scores_print_one_table_per_plugin_within_80_columns(cli, host):
    store = host.plugin("odd-one-out").context.store
    for k in range(3):
        store.insert("rounds", {"at": 1767355200.0 + k, "game": "g", "mode": "groups",
                                "player": "a player with a rather long name", "items": "[]",
                                "correct": k % 2, "found": 2 + k % 2 * 2, "mistakes": 4 - k,
                                "streak": k % 2, "points": 10 * k})
    text = cli("scores").stdout
    assert text.startswith("odd-one-out") and max(map(len, text.splitlines())) <= 80
    header = text.splitlines()[1].split()
    assert header[:4] == ["player", "mode", "best_streak", "accuracy"]
    assert "…" not in text.splitlines()[1]  # headers are never cut
    row = json.loads(cli("scores", "odd-one-out", "--json").stdout)
    assert row["accuracy"] == pytest.approx(100 * (2 + 4 + 2) / 12, abs=0.1)
    assert row["mistakes"] == 3.0 and "best_game" in row and row["plugin"] == "odd-one-out"
    csv_head = cli("scores", "--csv").stdout.splitlines()[0].split(",")
    assert csv_head == list(row)
