"""``textseq --home DIR PLUGIN ...`` writes into DIR and never touches the default home.

Each plugin's writing commands run through the real console entry path (``build_app()``
without a host: plugins discovered, the host built from the root options). The default home
(``TEXTSEQ_HOME``, and ``HOME``/``XDG_DATA_HOME`` for the platform dir) holds a broken
``settings.json``: it must be neither parsed, nor written, nor created.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textseq_tui.cli import CliSession, build_app
from textseq_tui.plugin import Plugin

TINY_AUTOCOMPLETE = ["--hidden", "16", "--layers", "1", "--embed", "8", "--batch-size", "4",
                     "--seq-len", "16", "--dropout", "0", "--quiet", "--threads", "1",
                     "--steps", "3", "--minutes", "0", "--eval-every", "0"]


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    default = tmp_path / "default-home"
    default.mkdir()
    (default / "settings.json").write_text("{ not json")
    user = tmp_path / "user"
    user.mkdir()
    monkeypatch.setenv("TEXTSEQ_HOME", str(default))
    monkeypatch.setenv("HOME", str(user))
    monkeypatch.setenv("XDG_DATA_HOME", str(user / ".local" / "share"))
    monkeypatch.setenv("TEXTSEQ_WARMUP", "0")
    monkeypatch.delenv("TEXTSEQ_DEVICE", raising=False)
    return default, tmp_path / "chosen-home"


def run(home: Path, *args: str):
    """One ``textseq --home HOME --device cpu ARGS`` as the console script runs it."""
    return CliRunner().invoke(build_app(), ["--home", str(home), "--device", "cpu", *args],
                              catch_exceptions=False)


def rows(home: Path, table: str) -> int:
    with sqlite3.connect(home / "textseq.db") as db:
        return db.execute(f"select count(*) from [{table}]").fetchone()[0]


def test_writing_commands_of_every_plugin_stay_in_the_chosen_home(homes, tmp_path) -> None:
    default, chosen = homes
    words = tmp_path / "words.txt"
    words.write_text("cat\ndog\nhorse\napple\npear\nplum\n")
    vectors = tmp_path / "tiny.glove.txt"
    vectors.write_text("".join(f"w{i} {' '.join(str((i * j) % 7 / 7) for j in range(5))}\n"
                               for i in range(6)))
    sequences = tmp_path / "normal.txt"
    sequences.write_text("a b c d\na b c d\na b d c\n" * 10)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("the cat sat on the mat. " * 200)

    commands = [
        ("clusterer", "cluster", "--words", str(words), "--k", "2", "--json"),
        ("sentiment", "correct", "my train is late", "--label", "neg", "--json"),
        ("odd-one-out", "import-vectors", str(vectors), "--name", "tiny-vecs", "--json"),
        ("anomaly", "train", "--input", str(sequences), "--name", "tiny-anomaly", "--hidden",
         "8", "--embedding", "4", "--layers", "1", "--max-steps", "5", "--threads", "1",
         "--quiet", "--json"),
        ("anomaly", "score", "--input", str(sequences), "--model", "tiny-anomaly", "--json"),
        ("autocomplete", "train", "--corpus", str(corpus), "--name", "tiny-char",
         *TINY_AUTOCOMPLETE, "--json"),
    ]
    for command in commands:
        result = run(chosen, *command)
        assert result.exit_code == 0, (command, result.stderr)

    assert rows(chosen, "clusterer_runs") == 1
    assert rows(chosen, "sentiment_corrections") >= 1
    assert rows(chosen, "anomaly_scans") == 1
    runs = {r[0] for r in sqlite3.connect(chosen / "textseq.db").execute(
        "select plugin from training_runs")}
    assert {"anomaly", "autocomplete"} <= runs
    for model in ("tiny-vecs", "tiny-anomaly", "tiny-char"):
        assert json.loads((chosen / "models" / model / "card.json").read_text())["name"] == model
    # the default home: untouched (its broken settings.json was never even parsed)
    assert sorted(p.name for p in default.iterdir()) == ["settings.json"]
    assert not (tmp_path / "user" / ".local").exists()


def test_root_device_reaches_plugin_commands(homes) -> None:
    _, chosen = homes
    session = CliSession()
    app = build_app(session=session)
    result = CliRunner().invoke(app, ["--home", str(chosen), "--device", "cpu", "plugins"])
    assert result.exit_code == 0, result.stderr
    host = session.host
    assert host.home == chosen and host.device == "cpu"
    assert {p.context.device for p in host.plugins} == {"cpu"}
    assert {p.context.home for p in host.plugins} == {chosen}


def test_each_host_starts_its_own_plugin_instances_once(tmp_path: Path) -> None:
    from fakes import record

    from textseq_tui.host import Host

    class Counting(Plugin):
        name = "counting"
        starts = 0

        def start(self, ctx) -> None:
            type(self).starts += 1
            super().start(ctx)

    shared = record(Counting())
    first = Host(home=tmp_path / "a", device="cpu", records=[shared])
    second = Host(home=tmp_path / "b", device="cpu", records=[shared])
    a, b = first.plugin("counting"), second.plugin("counting")
    assert a is not b and Counting.starts == 2
    assert a.context.home == tmp_path / "a" and b.context.home == tmp_path / "b"


class Named(Plugin):
    name = "named"


def test_entry_point_and_plugin_name_must_agree() -> None:
    from importlib.metadata import EntryPoint

    from textseq_tui.discovery import GROUP, load_entry_point

    record = load_entry_point(EntryPoint("other-name", "test_home_isolation:Named", GROUP))
    assert not record.ok
    assert "'other-name'" in record.error and "'named'" in record.error
    assert load_entry_point(EntryPoint("named", "test_home_isolation:Named", GROUP)).ok
