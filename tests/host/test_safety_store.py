"""The store under pressure (issue 31, items 4 and 6): long writes commit in chunks, a
locked database says "busy, try again" (never "move it aside"), a full disk and a read-only
home each have their own line, a read-only home still scores and checks, and settings of
the wrong type name the key and the type."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


# -- chunked writes ------------------------------------------------------------------------


def test_a_long_learn_commits_in_short_chunks_and_lets_another_writer_in(host, tmp_path,
                                                                        monkeypatch) -> None:
    from textseq_plugins.autocomplete import history

    import textseq_tui.store_chunks as chunks_module

    held: list[float] = []
    real_release = chunks_module.WriteChunks.release

    def timed_release(self) -> bool:
        if not self.nested and self.db.conn.in_transaction:
            held.append(time.monotonic() - self._started)
        return real_release(self)

    monkeypatch.setattr(chunks_module.WriteChunks, "release", timed_release)
    monkeypatch.setattr(history, "CHUNK", 1 << 16)
    monkeypatch.setattr(history, "FLUSH_WORDS", 20_000)
    words = ["".join(chr(97 + i // 26 ** k % 26) for k in range(4)) for i in range(30_000)]
    big = tmp_path / "big.txt"
    big.write_text(" ".join(words[i * 7919 % len(words)] for i in range(80_000)))
    store = host.plugin("autocomplete").context.store
    done = threading.Event()
    waits: list[float] = []

    def learn() -> None:
        history.learn_stream(store, str(big))
        done.set()

    thread = threading.Thread(target=learn)
    thread.start()
    while not done.is_set():  # another writer, as `sentiment correct` would be
        started = time.monotonic()
        with host.store.write() as db:
            db.execute("CREATE TABLE IF NOT EXISTS probe(at REAL)")
            db.execute("INSERT INTO probe VALUES (?)", (time.time(),))
        waits.append(time.monotonic() - started)
        time.sleep(0.05)
    thread.join(60)
    assert len(held) > 5, held  # many transactions, not one
    assert max(held) < 2.0, held  # each about CHUNK_SECONDS (0.3 s) on an idle machine
    assert len(waits) > 3 and max(waits) < 2.0 + 0.5, waits
    assert history.summary(store)["tokens"] == 80_000


# -- busy, full, read-only -----------------------------------------------------------------


def test_a_locked_database_says_busy_and_try_again_never_move_it_aside(cli, home,
                                                                      monkeypatch) -> None:
    import textseq_tui.store as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    assert cli("sentiment", "score", "fine").exit_code == 0  # the tables exist
    blocker = sqlite3.connect(home / "textseq.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        result = cli("sentiment", "correct", "a [/] b c", "--label", "pos")
    finally:
        blocker.close()
    line = one_line(result)
    assert result.exit_code == 75
    assert "is busy" in line and "try again" in line
    assert "move it aside" not in line and " mv " not in line


def test_a_full_disk_is_said_in_one_line_and_the_database_keeps_its_data(cli, host,
                                                                         tmp_path) -> None:
    text = tmp_path / "mine.txt"
    text.write_text("a few words of mine to learn " * 50)
    assert cli("autocomplete", "learn", "--input", str(text), "--no-adapt").exit_code == 0
    db = host.store.db  # this thread's connection: the one the command uses
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLITE_FULL past two more pages
    big = tmp_path / "big.txt"
    big.write_text(" ".join(f"word{i}" for i in range(60_000)))
    result = cli("autocomplete", "learn", "--input", str(big), "--no-adapt")
    line = one_line(result)
    assert result.exit_code == 1 and "the disk is full" in line and "Free some space" in line
    assert "move it aside" not in line
    db.execute("PRAGMA max_page_count = 1073741823")
    from textseq_plugins.autocomplete.history import summary

    assert summary(host.plugin("autocomplete").context.store)["tokens"] == 7 * 50


DRIVER = r"""
import json, sys
from typer.testing import CliRunner
from textseq_tui.cli import build_app
runner, out = CliRunner(), []
for argv in json.loads(sys.argv[1]):
    r = runner.invoke(build_app(), argv)
    out.append({"argv": argv, "code": r.exit_code, "stdout": r.stdout, "stderr": r.stderr})
print(json.dumps(out))
"""


def _read_only_run(home: Path, commands: list[list[str]], tmp: Path) -> list[dict]:
    """Run the commands in a process that cannot write ``home`` (root: without the
    capabilities that override file modes)."""
    env = {**os.environ, "TEXTSEQ_HOME": str(home), "TEXTSEQ_DEVICE": "cpu",
           "TMPDIR": str(tmp), "HOME": str(tmp)}
    prefix: list[str] = []
    if os.geteuid() == 0:  # root writes anything: drop the capabilities that let it
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root needs setpriv (util-linux) to run without write access")
        drop = "-dac_override,-dac_read_search"
        prefix = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", "--"]
    for path in [home, *home.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        proc = subprocess.run([*prefix, sys.executable, "-c", DRIVER, json.dumps(commands)],
                              capture_output=True, text=True, env=env, timeout=300,
                              cwd=str(tmp))
    finally:
        for path in [home, *home.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_a_read_only_home_still_scores_and_checks_and_refuses_writes_in_one_line() -> None:
    if not (REPO / "models" / "sentiment-enet" / "card.json").exists():
        pytest.skip("no shipped sentiment model")
    # a home used once, then read-only (root runs the commands without its override capabilities)
    base = Path(tempfile.mkdtemp(prefix="textseq-ro-"))
    try:
        base.chmod(0o755)
        home, spare = base / "home", base / "tmp"
        home.mkdir(mode=0o755)
        spare.mkdir(mode=0o700)
        (home / "settings.json").write_text("{}")
        normal = base / "normal.txt"
        normal.write_text("1 2 3 4\n1 2 3 5\n" * 20)
        normal.chmod(0o644)
        env = {**os.environ, "TEXTSEQ_HOME": str(home)}
        subprocess.run([sys.executable, "-m", "textseq_tui", "sentiment", "correct",
                        "what a day", "--label", "pos"], env=env, check=True,
                       capture_output=True, timeout=120)
        results = _read_only_run(home, [
            ["sentiment", "score", "what a day"],
            ["db", "check"],
            ["sentiment", "correct", "bad day", "--label", "neg"],
            ["autocomplete", "learn", "--input", str(normal), "--no-adapt"],
            ["models", "import", str(REPO / "models" / "deeplog-hdfs"), "--name", "copy"],
        ], spare)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    score, check, *writes = results
    assert score["code"] == 0 and score["stdout"].startswith("+"), score  # with the correction
    assert check["code"] == 0 and check["stdout"].strip() == "ok", check
    for result in writes:
        lines = result["stderr"].strip().splitlines()
        assert result["code"] == 1 and len(lines) == 1, result
        assert "is read-only" in lines[0] and "Traceback" not in result["stderr"], result


def test_a_cache_in_a_home_that_cannot_be_written_moves_to_a_private_temp_folder(
        host, tmp_path, monkeypatch) -> None:
    # (odd-one-out pick converts GloVe into its cache: in a read-only home it used to end in
    # a PermissionError traceback from cache_dir(); a real read-only run takes ~30 s here)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None
    real_mkdir = Path.mkdir

    def read_only_mkdir(self, *args, **kwargs):
        if str(self).startswith(str(host.home)):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only_mkdir)
    try:
        folder = host.plugin("odd-one-out").context.cache_dir()
        assert folder == tmp_path / f"textseq-cache-{os.getuid()}" / "odd-one-out"
        assert folder.is_dir() and stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
        # someone else's (or a group-writable) folder there is never used
        folder.parent.chmod(0o777)
        from textseq_tui.errors import ReadOnlyHome

        with pytest.raises(ReadOnlyHome, match="is read-only"):
            host.plugin("odd-one-out").context.cache_dir()
    finally:
        tempfile.tempdir = None


# -- settings of the wrong type --------------------------------------------------------------


@pytest.mark.parametrize("settings, key, wanted", [
    ({"device": 5}, "'device'", "must be a string"),
    ({"plugins": []}, "'plugins'", "must be an object"),
    ({"plugins": {"autocomplete": 5}}, "'plugins.autocomplete'", "must be an object"),
    ({"model_dirs": "models"}, "'model_dirs'", "must be a list"),
    ({"model_dirs": [3]}, "'model_dirs[0]'", "must be a string"),
    ({"player": ["me"]}, "'player'", "must be a string"),
])
def test_a_setting_of_the_wrong_type_is_one_line_naming_key_and_type(home, settings, key,
                                                                     wanted) -> None:
    from textseq_tui.errors import BadInput
    from textseq_tui.host import Host

    (home / "settings.json").write_text(json.dumps(settings))
    with pytest.raises(BadInput) as caught:
        Host(home=home, device="cpu")
    message = str(caught.value)
    assert key in message and wanted in message and "\n" not in message


@pytest.mark.parametrize("plugin, settings, argv, key", [
    ("autocomplete", {"learn": "no"}, ["autocomplete", "learn", "--input", "-", "--no-adapt"],
     "'plugins.autocomplete.learn' must be true or false"),
    ("sentiment", {"model": 5}, ["sentiment", "score", "hello"],
     "'plugins.sentiment.model' must be a string"),
    ("odd-one-out", {"vectors": ["x"]}, ["odd-one-out", "pick", "a", "b", "c"],
     "'plugins.odd-one-out.vectors' must be a string"),
])
def test_a_plugin_setting_of_the_wrong_type_is_one_line_through_the_cli(home, plugin,
                                                                        settings, argv,
                                                                        key) -> None:
    (home / "settings.json").write_text(json.dumps({"plugins": {plugin: settings}}))
    result = subprocess.run([sys.executable, "-m", "textseq_tui", *argv], input="some text\n",
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "TEXTSEQ_HOME": str(home)})
    assert result.returncode == 2, result.stderr
    assert one_line(result).startswith("error: ") and key in result.stderr


def test_a_wrong_device_setting_is_one_line_from_the_real_cli(home) -> None:
    (home / "settings.json").write_text('{"device": 5}')
    result = subprocess.run([sys.executable, "-m", "textseq_tui", "db", "check"],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "TEXTSEQ_HOME": str(home)})
    assert result.returncode == 2
    assert "'device' must be a string, not a number (5)" in one_line(result)
