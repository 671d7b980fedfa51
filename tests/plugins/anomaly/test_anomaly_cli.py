"""`textseq anomaly ...` through the real CLI (Typer runner) on a tmp home."""

from __future__ import annotations

import json
from pathlib import Path

from anomaly_synthetic import normal_sessions


def _write(path: Path, seqs: list[list[str]]) -> Path:
    path.write_text("\n".join(" ".join(s) for s in seqs) + "\n")
    return path


def _train(cli, tmp_path: Path, *extra: str):
    data = _write(tmp_path / "normal.txt", normal_sessions(200))
    return cli("anomaly", "train", "--input", str(data), "--name", "tiny-cli", "--hidden", "16",
               "--embedding", "8", "--layers", "1", "--lr", "0.01", "--max-steps", "120",
               "--top-g", "2", "--threads", "1", "--quiet", "--json", *extra)


def test_train_then_score_a_file_with_blank_and_odd_lines(cli, host, tmp_path: Path):
    res = _train(cli, tmp_path)
    assert res.exit_code == 0, res.stderr
    trained = json.loads(res.stdout.strip().splitlines()[-1])
    assert trained["model"] == "tiny-cli" and trained["threshold"] is not None
    runs = host.store.runs("anomaly")
    assert runs[0]["status"] == "done"

    lines = ["open read close", "", "open close read", "open hack close", "ping",
             " ".join(["read"] * 5000)]
    inp = tmp_path / "score.txt"
    inp.write_text("\n".join(lines) + "\n")
    res = cli("anomaly", "score", "--input", str(inp), "--model", "tiny-cli", "--json")
    assert res.exit_code == 0, res.stderr
    rows = [json.loads(x) for x in res.stdout.strip().splitlines()]
    assert [r["sequence"] for r in rows] == list(range(len(lines)))
    assert rows[0]["anomalous"] is False
    assert rows[1]["length"] == 0 and rows[1]["note"] == "empty line: not scored"
    assert rows[1]["anomalous"] is False
    assert rows[2]["anomalous"] and 2 in rows[2]["steps"]
    assert rows[3]["unknown"] == [1]
    assert rows[4].get("end_surprising") is True
    assert rows[5]["anomalous"] and rows[5]["length"] == 5000
    scans = host.store.plugin("anomaly").rows("scans")
    assert scans[-1]["sequences"] == len(lines)


def test_score_tokens_with_details_and_rank_only(cli, tmp_path: Path):
    assert _train(cli, tmp_path).exit_code == 0
    res = cli("anomaly", "score", "open", "read", "close", "--model", "tiny-cli", "--details",
              "--rank-only", "--json")
    row = json.loads(res.stdout)
    assert len(row["ranks"]) == 4 and len(row["surprisal"]) == 4  # 3 tokens + the end
    assert row["anomalous"] is False


def test_score_without_input_or_with_both_is_a_clear_error(cli):
    res = cli("anomaly", "score")
    assert res.exit_code == 2 and "either tokens" in res.stderr


def test_score_unknown_model_names_the_known_ones(cli):
    res = cli("anomaly", "score", "a", "b", "--model", "no-such-model")
    assert res.exit_code != 0 and "no model named 'no-such-model'" in res.stderr


def test_train_on_an_empty_file_fails_cleanly(cli, tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    res = cli("anomaly", "train", "--input", str(empty), "--quiet")
    assert res.exit_code == 2 and "no sequences" in res.stderr


def test_train_resume_continues_from_the_checkpoint(cli, host, tmp_path: Path):
    # An interrupted run leaves its checkpoint; --resume picks up its step count.
    from textseq_plugins.anomaly.train import TrainSettings, train_detector

    seqs = normal_sessions(100)
    ckpt = tmp_path / "c.ckpt"
    settings = TrainSettings(hidden=8, embedding=4, layers=1, max_steps=20, minutes=None)
    train_detector(seqs, settings, checkpoint_path=ckpt, progress=False)
    settings.max_steps = 30
    out = train_detector(seqs, settings, checkpoint_path=ckpt, resume=True, progress=False)
    assert out.metrics["steps"] == 30


def test_parse_logs_groups_lines_into_block_sessions(cli, tmp_path: Path):
    log = tmp_path / "x.log"
    log.write_text(
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating\n"
        "081109 203616 149 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_-2 terminating\n"
        "081109 203617 150 INFO dfs.FSDataset: Deleting block blk_1 file /mnt/hadoop/blk_1\n"
        "not a header at all\n")
    res = cli("anomaly", "parse-logs", str(log), "--json")
    assert res.exit_code == 0
    sessions = [json.loads(x) for x in res.stdout.strip().splitlines()]
    assert sessions == [{"session": "blk_1", "events": ["E1", "E2"]},
                        {"session": "blk_-2", "events": ["E1"]}]
    assert "1 line(s) did not match" in res.stderr
    res = cli("anomaly", "parse-logs", str(log), "--templates")
    assert "PacketResponder <*> for block <*> terminating" in res.stdout


def test_text_mode_without_the_char_model_says_how_to_get_it(cli, host):
    if "char-rnn-english" in [m.name for m in host.registry.list()]:
        import pytest

        pytest.skip("the character model is installed; covered by the text-mode tests")
    res = cli("anomaly", "text", "hello", "world")
    assert res.exit_code != 0 and "textseq autocomplete train" in res.stderr


def test_score_reads_a_labelled_csv_and_echoes_the_label(cli, tmp_path: Path):
    assert _train(cli, tmp_path).exit_code == 0
    data = tmp_path / "labelled.csv"
    data.write_text("Sequence,label\nopen read close,0\nopen close read,1\n")
    res = cli("anomaly", "score", "--input", str(data), "--model", "tiny-cli", "--json")
    rows = [json.loads(x) for x in res.stdout.strip().splitlines()]
    assert [(r["sequence"], r["label"], r["anomalous"]) for r in rows] == [
        (1, "0", False), (2, "1", True)]


def test_training_is_deterministic_for_a_seed():
    from textseq_plugins.anomaly.train import TrainSettings, train_detector

    seqs = normal_sessions(80)
    settings = TrainSettings(hidden=8, embedding=4, layers=1, max_steps=15, minutes=None)
    a = train_detector(seqs, settings, progress=False).detector
    b = train_detector(seqs, settings, progress=False).detector
    probe = [["open", "read", "close"], ["ping"]]
    assert [s.surprisal.tolist() for s in a.score(probe)] == [
        s.surprisal.tolist() for s in b.score(probe)]
