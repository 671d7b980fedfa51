"""`textseq sentiment ...` through the CLI contract, on the shipped model."""

import json

from textseq_tui.registry import verify_dir


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_score_gives_text_and_a_signed_score(cli):
    pos = cli("sentiment", "score", "I love this, what a wonderful day :)", "--json")
    neg = cli("sentiment", "score", "This is awful, I hate it", "--json")
    assert pos.exit_code == 0 and neg.exit_code == 0
    p, n = _lines(pos.stdout)[0], _lines(neg.stdout)[0]
    assert p["text"].startswith("I love") and 0 < p["score"] <= 1
    assert -1 <= n["score"] < 0


def test_empty_text_scores_zero_with_a_note(cli):
    out = _lines(cli("sentiment", "score", "", "--json").stdout)[0]
    assert out["score"] == 0.0 and "empty" in out["note"]


def test_batch_input_survives_odd_bytes(cli, tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes("great film\n\xff\xfe broken bytes, terrible\n\nfine\n".encode("latin-1"))
    res = cli("sentiment", "score", "--input", str(path), "--json")
    rows = _lines(res.stdout)
    assert res.exit_code == 0 and len(rows) == 4
    assert rows[0]["score"] > 0 and "\ufffd" in rows[1]["text"] and rows[1]["score"] < 0
    assert rows[2]["score"] == 0.0 and "note" in rows[2]


def test_stdin_input_and_explain(cli):
    res = cli("sentiment", "score", "--input", "-", "--json", "--explain",
              input="what a boring mess\n")
    row = _lines(res.stdout)[0]
    assert row["score"] < 0
    assert row["words"][0][1] < 0  # the strongest word pushes down


def test_words_lists_both_signs(cli):
    rows = _lines(cli("sentiment", "words", "--top", "5", "--json").stdout)
    assert len(rows) == 10
    assert all(r["weight"] > 0 for r in rows if r["sign"] == "positive")
    assert all(r["weight"] < 0 for r in rows if r["sign"] == "negative")
    assert cli("sentiment", "words", "--top", "0").exit_code != 0


def test_correct_then_reset_round_trip(cli):
    text = "the weather is cold and grey today"
    before = _lines(cli("sentiment", "score", text, "--json").stdout)[0]["score"]
    fixed = _lines(cli("sentiment", "correct", text, "--label", "pos", "--json").stdout)[0]
    assert fixed["after"] >= 0.43
    after = _lines(cli("sentiment", "score", text, "--json").stdout)[0]["score"]
    assert after == fixed["after"] or abs(after - fixed["after"]) < 1e-3
    default = _lines(cli("sentiment", "score", text, "--no-personal", "--json").stdout)[0]
    assert default["score"] == before
    cli("sentiment", "reset")
    assert _lines(cli("sentiment", "score", text, "--json").stdout)[0]["score"] == before


def test_bad_label_is_one_line_error(cli):
    res = cli("sentiment", "correct", "fine", "--label", "maybe")
    assert res.exit_code == 2 and "label" in res.stderr and "Traceback" not in res.stderr


def test_train_from_a_user_file_writes_a_verified_model(cli, tmp_path):
    lines = []
    for i in range(40):
        lines.append(f"pos\tsuch a lovely time number {i}")
        lines.append(f"-0.6\tsuch a dreadful time number {i}")
    path = tmp_path / "mine.tsv"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "mine-model"
    res = cli("sentiment", "train", "--data", str(path), "--out", str(out), "--name",
              "mine", "--folds", "3", "--jobs", "1", "--no-lexicon", "--json")
    assert res.exit_code == 0, res.stderr
    summary = _lines(res.stdout)[0]
    assert summary["texts"] == 80 and summary["lambda_1se"] >= summary["lambda_min"]
    assert verify_dir(out) == []
    from textseq_plugins.sentiment.model import load_model

    model = load_model(out)
    assert model.score("a lovely evening") > 0 > model.score("a dreadful evening")


def test_train_rejects_a_malformed_file(cli, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("pos\tgood\nnot a label line\n")
    res = cli("sentiment", "train", "--data", str(path), "--out", str(tmp_path / "m"))
    assert res.exit_code == 2 and "bad.txt:2" in res.stderr


def test_train_nb_needs_binary(cli, tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("pos\tlovely\nneg\tdreadful\n" * 10)
    res = cli("sentiment", "train", "--data", str(path), "--out", str(tmp_path / "m"), "--nb")
    assert res.exit_code == 2 and "--binary" in res.stderr and "Traceback" not in res.stderr
