"""A third-party plugin, installed as its own package, is discovered and works end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "textseq-hello"

RUN_COMMAND = """
import json
from textseq_tui.host import Host
host = Host(device="cpu")
result = host.run_command("/hello Ada")
print(json.dumps({"text": result.text, "scores": host.plugin("hello").scores(
    host.plugin("hello").context.store)}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """pip-install the example plugin into a private target dir (not the test venv)."""
    target = tmp_path_factory.mktemp("site")
    src = tmp_path_factory.mktemp("src") / "textseq-hello"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    out = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "--target", str(target), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    assert out.returncode == 0, out.stderr
    # its models/ folder is package data setuptools ships without a "would be ignored" warning
    assert "would be ignored" not in out.stdout + out.stderr
    return target


def run(installed: Path, home: Path, *args: str, code: str | None = None):
    env = {**os.environ, "PYTHONPATH": str(installed), "TEXTSEQ_HOME": str(home)}
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "textseq_tui", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def test_third_party_plugin_is_listed(installed, home) -> None:
    out = run(installed, home, "plugins", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["name"]: r for r in map(json.loads, out.stdout.splitlines())}
    assert rows["hello"]["status"] == "ok"
    assert rows["hello"]["source"] == "textseq-hello"
    assert rows["hello"]["version"] == "0.1.0"


def test_third_party_slash_command_writes_a_score(installed, home) -> None:
    out = run(installed, home, code=RUN_COMMAND)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["text"].startswith("Hello, Ada!")
    assert answer["scores"] == [{"greetings": 1}]
    cli = run(installed, home, "hello", "greet", "Grace")
    assert "2 greetings" in cli.stdout
    again = run(installed, home, "hello", "greet", "Grace")  # ctx.state, between processes
    assert again.stdout.startswith("Hello again, Grace! (3 greetings")
    scores = run(installed, home, "scores", "hello", "--json")
    assert json.loads(scores.stdout.splitlines()[0])["greetings"] == 3


def test_third_party_plugin_trains_ships_and_answers_batches(installed, home, tmp_path) -> None:
    """Everything the README promises a plugin written from it alone: a model it ships (found
    through model_dirs), a training run logged, a model saved into --home, and a --json
    --input batch with line numbers and a refused line in its place (exit 1)."""
    listed = run(installed, home, "models", "list", "--json")
    shipped = {r["name"]: r for r in map(json.loads, listed.stdout.splitlines())}
    assert shipped["hello-names"]["source"] == "shipped"

    chosen = tmp_path / "chosen"
    names = tmp_path / "names.txt"
    names.write_text("ada\ngrace\nalan\nedsger\nbarbara\ndonald\nlinus\nmargaret\n")
    out = run(installed, home, "--home", str(chosen), "hello", "train", "--input", str(names),
              "--name", "mine", "--json")
    assert out.returncode == 0, out.stderr
    trained = json.loads(out.stdout)
    assert trained["path"] == str(chosen / "models" / "mine")
    assert trained["val_loss"] > 0 and trained["train_loss"] > 0
    runs = sqlite_rows(chosen / "textseq.db", "select plugin, model, status, metrics "
                       "from training_runs")
    assert runs == [("hello", "mine", "done", json.dumps(
        {"train_loss": trained["train_loss"], "val_loss": trained["val_loss"]}))]
    assert not (home / "textseq.db").exists() and not (home / "models").exists()

    batch = subprocess.run(
        [sys.executable, "-m", "textseq_tui", "--home", str(chosen), "--json", "hello", "score",
         "--input", "-", "--model", "mine"], input="Ada\n\nzz9\nGrace\n", capture_output=True,
        text=True, env={**os.environ, "PYTHONPATH": str(installed)}, timeout=120)
    assert batch.returncode == 1
    rows = [json.loads(x) for x in batch.stdout.splitlines()]
    assert [r["line"] for r in rows] == [1, 3, 4]
    assert "error" in rows[1] and rows[0]["text"] == "Ada"
    assert batch.stderr.startswith("line 3: ")
    default = run(installed, home, "hello", "score", "Ada", "--json")
    assert json.loads(default.stdout)["score"] < 0  # the shipped model, no line key
    assert "line" not in json.loads(default.stdout)


def sqlite_rows(path: Path, sql: str) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()
