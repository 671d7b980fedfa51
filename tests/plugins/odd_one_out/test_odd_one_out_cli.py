"""The CLI contract: pick (--json, --input, errors), puzzles, neighbours, import-vectors, play, scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def test_pick_json_follows_the_contract(odd_home, cli):
    result = cli("odd-one-out", "pick", "king", "queen", "prince", "cleaner", "--json")
    assert result.exit_code == 0, result.stderr
    obj = json.loads(result.stdout)
    assert obj["items"] == ["king", "queen", "prince", "cleaner"]
    assert obj["odd"] == "cleaner"
    assert set(obj["scores"]) == set(obj["items"])
    assert obj["oov"] == []


def test_pick_text_explains_each_item(odd_home, cli):
    result = cli("odd-one-out", "pick", "apple", "pear", "plum", "tractor")
    assert result.exit_code == 0
    assert "odd one out: tractor" in result.stdout
    assert "closest to" in result.stdout


def test_pick_input_reports_bad_lines_and_runs_the_rest(odd_home, cli, tmp_path: Path):
    f = tmp_path / "puzzles.tsv"
    f.write_text("new york\tparis\tlondon\tbanana\nking\tking\tqueen\nred\tgreen\tblue\t!!!\tdog\n")
    result = cli("odd-one-out", "pick", "--input", str(f), "--json")
    assert result.exit_code == 1
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x.get("odd") for x in lines] == ["banana", None, "dog"]
    assert [x["line"] for x in lines] == [1, 2, 3] and "twice" in lines[1]["error"]
    assert lines[2]["oov"] == ["!!!"]
    assert "line 2:" in result.stderr and "twice" in result.stderr


def test_pick_with_stdin_input(odd_home, cli):
    result = cli("odd-one-out", "pick", "--input", "-", "--json", input="cat\tdog\tmouse\tcar\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["odd"] == "car"


def test_pick_errors_are_one_line_without_traceback(odd_home, cli):
    for args in (["cat", "dog"], ["cat", "dog", "cat"], ["東京", "大阪", "京都"]):
        result = cli("odd-one-out", "pick", *args)
        assert result.exit_code == 2
        assert result.stderr.startswith("error: ")
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    result = cli("odd-one-out", "pick", *[f"w{i}" for i in range(10_000)])
    assert result.exit_code == 2 and "too many" in result.stderr


def test_puzzles_are_seeded(odd_home, cli):
    a = cli("odd-one-out", "puzzles", "-n", "3", "--seed", "5", "--json")
    b = cli("odd-one-out", "puzzles", "-n", "3", "--seed", "5", "--json")
    assert a.exit_code == 0 and a.stdout == b.stdout
    rows = [json.loads(x) for x in a.stdout.splitlines()]
    assert len(rows) == 3 and all(r["intruder"] in r["items"] for r in rows)


def test_neighbours_of_a_typo(odd_home, cli):
    result = cli("odd-one-out", "neighbours", "kingdomz", "--json")
    obj = json.loads(result.stdout)
    assert obj["source"] == "ngram" and len(obj["neighbours"]) == 10
    assert obj["typo_of"] == "kingdom"


def test_import_vectors_then_pick_with_them(odd_home, cli, tmp_path: Path):
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


def test_import_refuses_gensim_pickles_and_missing_files(odd_home, cli, tmp_path: Path):
    kv_file = tmp_path / "model.kv"
    kv_file.write_bytes(b"\x80\x04junk")
    result = cli("odd-one-out", "import-vectors", str(kv_file), "--name", "x")
    assert result.exit_code == 2 and "pickle" in result.stderr
    result = cli("odd-one-out", "import-vectors", str(tmp_path / "nope.txt"), "--name", "x")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_console_game_stores_rounds_and_fills_the_leaderboard(odd_home, cli):
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


def test_console_game_quits_early(odd_home, cli):
    result = cli("odd-one-out", "play", "--rounds", "5", input="q\n")
    assert result.exit_code == 0 and "0/0 right" in result.stdout


def test_import_word2vec_binary_is_sniffed(odd_home, cli, tmp_path: Path):
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
