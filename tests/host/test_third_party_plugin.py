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
    scores = run(installed, home, "scores", "hello", "--json")
    assert json.loads(scores.stdout.splitlines()[0])["greetings"] == 2
