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
    from textseq_plugins.anomaly.train import DetectorTrainConfig, train_detector

    seqs = normal_sessions(100)
    ckpt = tmp_path / "c.ckpt"
    settings = DetectorTrainConfig(hidden=8, embedding=4, layers=1, max_steps=20, minutes=None)
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


def test_text_mode_without_the_char_model_says_how_to_get_it(home):
    """An install without the shipped models (the anomaly plugin alone, shipping none): the
    character model is nowhere, and text mode says how to get one in one line."""
    from textseq_plugins.anomaly.plugin import AnomalyPlugin
    from typer.testing import CliRunner

    from textseq_tui.cli import build_app
    from textseq_tui.discovery import PluginRecord
    from textseq_tui.host import Host

    class WithoutShippedModels(AnomalyPlugin):
        def model_dirs(self):
            return []

    plugin = WithoutShippedModels()
    host = Host(home=home, device="cpu", records=[PluginRecord(
        name="anomaly", dist="tests", version="0", value="tests:anomaly", plugin=plugin)])
    assert "char-rnn-english" not in [m.name for m in host.registry.list()]
    res = CliRunner().invoke(build_app(host), ["anomaly", "text", "hello", "world"])
    assert res.exit_code != 0 and "textseq autocomplete train" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output


def test_score_reads_a_labelled_csv_and_echoes_the_label(cli, tmp_path: Path):
    assert _train(cli, tmp_path).exit_code == 0
    data = tmp_path / "labelled.csv"
    data.write_text("Sequence,label\nopen read close,0\nopen close read,1\n")
    res = cli("anomaly", "score", "--input", str(data), "--model", "tiny-cli", "--json")
    rows = [json.loads(x) for x in res.stdout.strip().splitlines()]
    assert [(r["sequence"], r["label"], r["anomalous"]) for r in rows] == [
        (1, "0", False), (2, "1", True)]


def test_training_is_deterministic_for_a_seed():
    from textseq_plugins.anomaly.train import DetectorTrainConfig, train_detector

    seqs = normal_sessions(80)
    settings = DetectorTrainConfig(hidden=8, embedding=4, layers=1, max_steps=15, minutes=None)
    a = train_detector(seqs, settings, progress=False).detector
    b = train_detector(seqs, settings, progress=False).detector
    probe = [["open", "read", "close"], ["ping"]]
    assert [s.surprisal.tolist() for s in a.score(probe)] == [
        s.surprisal.tolist() for s in b.score(probe)]


HDFS_LINES = (
    "081109 203518 143 INFO dfs.DataNode$DataXceiver: Receiving block blk_1 src: /10.0.0.1:1 dest: /10.0.0.2:5\n"
    "081109 203518 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/x/part-1. blk_1\n"
    "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating\n"
    "081109 203616 150 INFO dfs.FSNamesystem: BLOCK* ask 10.0.0.2:50010 to delete  blk_1\n"
    "081109 203617 150 INFO dfs.FSDataset: Something new about blk_1\n")


def test_parse_logs_maps_raw_hdfs_lines_onto_the_shipped_models_keys(cli, tmp_path: Path):
    log = tmp_path / "hdfs.log"
    log.write_text(HDFS_LINES)
    res = cli("anomaly", "parse-logs", str(log), "--model", "deeplog-hdfs", "--json")
    assert res.exit_code == 0, res.stderr
    # "ask ... to delete" has no DeepLog key (left out); an unknown line is marked new.
    assert json.loads(res.stdout) == {"session": "blk_1", "events": ["5", "22", "11", "new-E5"]}


def test_a_model_trained_from_raw_logs_keeps_its_templates(cli, host, tmp_path: Path):
    log = tmp_path / "app.log"
    lines = []
    for i in range(60):
        lines += [f"open file f{i}", f"read {i + 1} bytes from f{i}", f"close file f{i}"]
    log.write_text("\n".join(lines) + "\n")
    tpl = tmp_path / "templates.json"
    res = cli("anomaly", "parse-logs", str(log), "--format", "<Content>", "--session", r"f\d+",
              "--save-templates", str(tpl))
    assert res.exit_code == 0, res.stderr
    sessions = tmp_path / "sessions.txt"
    sessions.write_text(res.stdout)
    calib = _write(tmp_path / "calib.txt", [["E1", "E2", "E3"]] * 10)
    res = cli("anomaly", "train", "--input", str(sessions), "--calib", str(calib), "--name",
              "from-logs", "--hidden", "8", "--embedding", "4", "--layers", "1", "--max-steps",
              "20", "--templates", str(tpl), "--threads", "1", "--quiet", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout.strip().splitlines()[-1])["calibration_sequences"] == 10
    # A later log, whose lines come in another order, maps onto the same ids.
    later = tmp_path / "later.log"
    later.write_text("close file f9\nopen file f9\nread 3 bytes from f9\nboom f9\n")
    res = cli("anomaly", "parse-logs", str(later), "--format", "<Content>", "--session",
              r"f\d+", "--model", "from-logs", "--json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["events"] == ["E3", "E1", "E2", "new-E4"]
    # Trained with the count view and no --top-g: no rank rule; --rank-only uses DeepLog's 9.
    card = json.loads((host.registry.get("from-logs").path / "card.json").read_text())
    assert card["hyperparameters"]["top_g"] is None and card["hyperparameters"]["invariants"]
    for extra in ([], ["--rank-only"]):
        res = cli("anomaly", "score", "E1", "E2", "E3", "E3", "--model", "from-logs", "--json",
                  *extra)
        assert res.exit_code == 0, res.stderr
        assert json.loads(res.stdout)["length"] == 4


def test_parse_logs_with_a_model_without_templates_says_how_to_get_them(cli, tmp_path: Path):
    assert _train(cli, tmp_path).exit_code == 0
    log = tmp_path / "x.log"
    log.write_text(HDFS_LINES)
    res = cli("anomaly", "parse-logs", str(log), "--model", "tiny-cli")
    assert res.exit_code != 0 and "--save-templates" in res.stderr


def test_train_out_is_the_model_dir_or_the_folder_it_goes_in(cli, host, tmp_path: Path):
    from textseq_tui.plugin import verify_dir

    res = _train(cli, tmp_path, "--out", str(tmp_path / "ship" / "tiny-cli"))
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout.strip().splitlines()[-1])["path"] == str(
        tmp_path / "ship" / "tiny-cli")
    assert verify_dir(tmp_path / "ship" / "tiny-cli") == []
    res = _train(cli, tmp_path, "--out", str(tmp_path / "models"))
    assert res.exit_code == 0, res.stderr
    assert verify_dir(tmp_path / "models" / "tiny-cli") == []
    card = json.loads((tmp_path / "models" / "tiny-cli" / "card.json").read_text())
    assert "--steps 120" in card["rebuild"] and "--max-steps" not in card["rebuild"]
    runs = host.store.runs("anomaly")
    assert [r["status"] for r in runs] == ["done", "done"]
    # the standard metric names /runs plots, for any plugin
    names = {m["name"] for m in host.store.run_metrics(runs[0]["id"])}
    assert {"train_loss", "val_loss"} <= names
