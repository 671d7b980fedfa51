"""`odd-one-out groups --board / --hint / --input`: any board in, an answer out."""

from __future__ import annotations

import json
from pathlib import Path

BOARD = ("kayak, foot, bee, apple, radar, snow, sea, banana, level, base, tea, cherry, civic, "
         "basket, why, mango")
KEY = {"groups": [["apple", "banana", "cherry", "mango"], ["foot", "basket", "snow", "base"],
                  ["bee", "sea", "tea", "why"], ["level", "kayak", "radar", "civic"]]}


def test_board_prints_four_groups_with_theme_and_confidence(cli):
    result = cli("odd-one-out", "groups", "--board", BOARD, "--json")
    assert result.exit_code == 0, result.stderr
    obj = json.loads(result.stdout)
    assert len(obj["groups"]) == 4
    assert all({"words", "theme", "kind", "confidence"} <= set(g) for g in obj["groups"])
    text = cli("odd-one-out", "groups", "--board", BOARD)
    assert text.exit_code == 0 and len(text.stdout.strip().splitlines()) == 4


def test_hint_gives_a_theme_without_its_words(cli):
    result = cli("odd-one-out", "groups", "--board", BOARD, "--hint", "--json")
    assert result.exit_code == 0, result.stderr
    obj = json.loads(result.stdout)
    assert set(obj) == {"hint", "kind", "confidence"} and obj["hint"]


def test_input_plays_answer_keys_and_reports_bad_lines(cli, tmp_path: Path):
    f = tmp_path / "boards.txt"
    f.write_text(json.dumps(KEY) + "\n" + ", ".join(["dog"] * 16) + "\n" + BOARD + "\n")
    result = cli("odd-one-out", "groups", "--input", str(f), "--json")
    assert result.exit_code == 1  # one refused line
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["line"] for x in lines] == [1, 2, 3]
    game = lines[0]
    assert {"solved", "mistakes", "guesses"} <= set(game) and game["solved"]
    assert all({"words", "result", "theme"} <= set(g) for g in game["guesses"])
    assert "16 times" in lines[1]["error"]
    assert len(lines[2]["groups"]) == 4
    assert "line 2:" in result.stderr and "Traceback" not in result.stderr


def test_board_errors_are_one_line(cli):
    result = cli("odd-one-out", "groups", "--board", "a, b, c")
    assert result.exit_code == 2 and "16 items" in result.stderr
    assert len(result.stderr.splitlines()) == 1
