"""The CLI contract: pick (--json, --input, errors), puzzles, neighbours, import-vectors, play, scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def test_pick_json_follows_the_contract(cli):
    result = cli("odd-one-out", "pick", "king", "queen", "prince", "cleaner", "--json")
    assert result.exit_code == 0, result.stderr
    obj = json.loads(result.stdout)
    assert obj["items"] == ["king", "queen", "prince", "cleaner"]
    assert obj["odd"] == "cleaner"
    assert set(obj["scores"]) == set(obj["items"])
    assert obj["oov"] == []


def test_pick_text_explains_each_item(cli):
    result = cli("odd-one-out", "pick", "apple", "pear", "plum", "tractor")
    assert result.exit_code == 0
    assert "odd one out: tractor" in result.stdout
    assert "closest to" in result.stdout


def test_pick_input_reports_bad_lines_and_runs_the_rest(cli, tmp_path: Path):
    f = tmp_path / "puzzles.tsv"
    f.write_text("new york\tparis\tlondon\tbanana\nking\tking\tqueen\nred\tgreen\tblue\t!!!\tdog\n")
    result = cli("odd-one-out", "pick", "--input", str(f), "--json")
    assert result.exit_code == 1
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x.get("odd") for x in lines] == ["banana", None, "dog"]
    assert [x["line"] for x in lines] == [1, 2, 3] and "twice" in lines[1]["error"]
    assert lines[2]["oov"] == ["!!!"]
    assert "line 2:" in result.stderr and "twice" in result.stderr


def test_pick_with_stdin_input(cli):
    result = cli("odd-one-out", "pick", "--input", "-", "--json", input="cat\tdog\tmouse\tcar\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["odd"] == "car"


def test_pick_errors_are_one_line_without_traceback(cli):
    for args in (["cat", "dog"], ["cat", "dog", "cat"], ["東京", "大阪", "京都"]):
        result = cli("odd-one-out", "pick", *args)
        assert result.exit_code == 2
        assert result.stderr.startswith("error: ")
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    result = cli("odd-one-out", "pick", *[f"w{i}" for i in range(10_000)])
    assert result.exit_code == 2 and "too many" in result.stderr


def test_puzzles_are_seeded(cli):
    a = cli("odd-one-out", "puzzles", "-n", "3", "--seed", "5", "--json")
    b = cli("odd-one-out", "puzzles", "-n", "3", "--seed", "5", "--json")
    assert a.exit_code == 0 and a.stdout == b.stdout
    rows = [json.loads(x) for x in a.stdout.splitlines()]
    assert len(rows) == 3 and all(r["intruder"] in r["items"] for r in rows)
    assert all(r["category"] and r["intruder_category"] for r in rows)
    text = cli("odd-one-out", "puzzles", "-n", "1", "--seed", "5").stdout
    assert f"The others are all {rows[0]['category']}" in text


def test_puzzles_bad_seed_difficulty_and_too_many_are_one_line_errors(cli):
    for args, expected in ((["--seed", "-3"], "out of range"),
                           (["--seed", str(2**40)], "out of range"),
                           (["--difficulty", "brutal"], "unknown difficulty")):
        result = cli("odd-one-out", "puzzles", *args)
        assert result.exit_code == 2, (args, result.stdout)
        assert expected in result.stderr and len(result.stderr.splitlines()) == 1
    result = cli("odd-one-out", "play", "--difficulty", "brutal")
    assert result.exit_code == 2 and "unknown difficulty" in result.stderr


def test_a_small_category_source_says_how_many_puzzles_it_can_make(cli, tmp_path):
    from textseq_tui.files import sha256_file
    from textseq_tui.registry import CARD_FILE, new_card

    model = tmp_path / "tiny-categories"
    model.mkdir()
    data = {"format": 1, "words": {}, "categories": [
        {"name": "fruits", "singular": "a fruit", "words": ["apple", "pear", "plum", "fig"],
         "partners": {"easy": [1]}},
        {"name": "tools", "singular": "a tool", "words": ["hammer", "saw", "drill"],
         "partners": {"easy": [0]}}]}
    (model / "categories.json").write_text(json.dumps(data))
    card = new_card(name="tiny-categories", plugin="odd-one-out", kind="word-categories")
    card.files = {"categories.json": sha256_file(model / "categories.json")}
    (model / CARD_FILE).write_text(json.dumps(card.to_dict()))
    assert cli("models", "import", str(model)).exit_code == 0
    result = cli("odd-one-out", "puzzles", "-n", "9", "--categories", "tiny-categories",
                 "--difficulty", "easy")
    assert result.exit_code == 2
    assert "can make only 5 distinct easy puzzles" in result.stderr
    result = cli("odd-one-out", "puzzles", "-n", "5", "--categories", "tiny-categories",
                 "--difficulty", "easy", "--json")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 5


def test_groups_command_shows_and_solves_the_daily_puzzle(cli):
    result = cli("odd-one-out", "groups", "--date", "2026-11-30", "--solve", "--json")
    assert result.exit_code == 0, result.stderr
    obj = json.loads(result.stdout)
    assert obj["date"] == "2026-11-30" and obj["played"] is None and len(obj["words"]) == 16
    assert [len(g["words"]) for g in obj["groups"]] == [4, 4, 4, 4]
    assert obj["ai"]["guesses"] and isinstance(obj["ai"]["solved"], bool)
    bad = cli("odd-one-out", "groups", "--date", "30/11/2026")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.stderr


def test_console_groups_game_stores_a_round(cli, host):
    from textseq_plugins.odd_one_out.daily import board_pool
    from textseq_plugins.odd_one_out.groups import make_groups

    puzzle = make_groups(board_pool(host.plugin("odd-one-out")), 7)  # a practice board
    answers = ["1 2", ] + [" ".join(words) for _, words in puzzle.groups]
    result = cli("odd-one-out", "play", "--mode", "groups", "--seed", "7", "--rounds", "1",
                 "--player", "ada", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    assert "choose exactly 4" in result.stdout and "Solved!" in result.stdout
    assert "1/1 solved" in result.stdout
    rows = [json.loads(x) for x in cli("scores", "odd-one-out", "--json").stdout.splitlines()]
    assert rows[0]["mode"] == "groups" and rows[0]["player"] == "ada"


def test_items_may_be_phrases_up_to_100_characters(cli):
    title = "The Lord of the Rings: The Fellowship of the Ring (extended edition, 2001 film)"
    assert 60 < len(title) <= 100
    result = cli("odd-one-out", "pick", title, "paris", "london", "berlin", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["odd"] == title
    result = cli("odd-one-out", "pick", "x" * 101, "paris", "london")
    assert result.exit_code == 2 and "100 characters" in result.stderr


def test_neighbours_of_a_typo(cli):
    result = cli("odd-one-out", "neighbours", "kingdomz", "--json")
    obj = json.loads(result.stdout)
    assert obj["source"] == "ngram" and len(obj["neighbours"]) == 10
    assert obj["typo_of"] == "kingdom"


def test_import_vectors_then_pick_with_them(cli, tmp_path: Path):
    rng = np.random.default_rng(0)
    fruit = rng.normal(size=10)
    words = {"apple": fruit + 0.1 * rng.normal(size=10), "pear": fruit + 0.1 * rng.normal(size=10),
             "plum": fruit + 0.1 * rng.normal(size=10), "engine": rng.normal(size=10)}
    glove = tmp_path / "tiny.glove.txt"
    glove.write_text("".join(f"{w} {' '.join(f'{x:.5f}' for x in v)}\n" for w, v in words.items()))
    w2v = tmp_path / "tiny.w2v.txt"
    w2v.write_text(f"{len(words)} 10\n" + glove.read_text())
    for path, name in ((glove, "tiny-glove"), (w2v, "tiny-w2v")):
        result = cli("odd-one-out", "import-vectors", str(path), "--name", name, "--json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["vocab"] == 4
        result = cli("odd-one-out", "pick", "plum", "engine", "apple", "pear", "--vectors", name,
                     "--json")
        assert json.loads(result.stdout)["odd"] == "engine"
    listed = cli("models", "list", "--json")
    assert any(json.loads(x)["name"] == "tiny-w2v" for x in listed.stdout.splitlines())


def test_import_refuses_gensim_pickles_and_missing_files(cli, tmp_path: Path):
    kv_file = tmp_path / "model.kv"
    kv_file.write_bytes(b"\x80\x04junk")
    result = cli("odd-one-out", "import-vectors", str(kv_file), "--name", "x")
    assert result.exit_code == 2 and "pickle" in result.stderr
    result = cli("odd-one-out", "import-vectors", str(tmp_path / "nope.txt"), "--name", "x")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_console_game_stores_rounds_and_fills_the_leaderboard(cli):
    result = cli("odd-one-out", "play", "--rounds", "3", "--seed", "9", "--player", "ada",
                 "--mode", "beat", input="1\nzzz\n2\n3\n")
    assert result.exit_code == 0, result.stderr
    assert "Round 3/3" in result.stdout and "Game over" in result.stdout
    assert "is not one of" in result.stdout  # "zzz" was refused, asked again
    scores = cli("scores", "odd-one-out", "--json")
    rows = [json.loads(x) for x in scores.stdout.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["player"] == "ada" and row["mode"] == "beat" and row["rounds"] == 3
    assert 0 <= row["accuracy"] <= 100 and "best_streak" in row


def test_console_game_quits_early(cli):
    result = cli("odd-one-out", "play", "--rounds", "5", input="q\n")
    assert result.exit_code == 0 and "0/0 right" in result.stdout


def test_import_word2vec_binary_is_sniffed(cli, tmp_path: Path):
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(1)
    kv = KeyedVectors(vector_size=6)
    base = rng.normal(size=6)
    kv.add_vectors(["red", "green", "blue", "spoon"],
                   [base + 0.05 * rng.normal(size=6) for _ in range(3)] + [rng.normal(size=6)])
    path = tmp_path / "tiny.bin"
    kv.save_word2vec_format(str(path), binary=True)
    result = cli("odd-one-out", "import-vectors", str(path), "--name", "tiny-bin", "--json")
    assert result.exit_code == 0, result.stderr
    result = cli("odd-one-out", "pick", "red", "spoon", "green", "blue", "--vectors", "tiny-bin",
                 "--json")
    assert json.loads(result.stdout)["odd"] == "spoon"
