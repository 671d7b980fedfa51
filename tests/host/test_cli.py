"""The textseq CLI: --help stays light, plugins/models/scores/db per the CLI contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import torch

from textseq_tui.files import save_tensors
from textseq_tui.registry import new_card

LIGHT_CHECK = (
    "import sys, runpy\n"
    "sys.argv = ['textseq', '--help']\n"
    "try:\n"
    "    runpy.run_module('textseq_tui.cli', run_name='not_main')\n"
    "    from textseq_tui.cli import main\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = sorted(m for m in ('torch', 'gensim', 'sklearn', 'scipy', 'pandas') if m in sys.modules)\n"
    "sys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')\n"
)


def test_help_imports_no_heavy_library(home: Path) -> None:
    env = {**os.environ, "TEXTSEQ_HOME": str(home)}
    out = subprocess.run([sys.executable, "-c", LIGHT_CHECK], capture_output=True, text=True,
                         env=env, timeout=60)
    assert "Usage" in out.stdout
    assert "HEAVY=\n" in out.stderr, out.stderr
    for plugin in ("odd-one-out", "autocomplete", "sentiment", "clusterer", "anomaly"):
        assert plugin in out.stdout


def test_plugins_json_lists_builtins_with_status(cli) -> None:
    result = cli("plugins", "--json")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    names = {r["name"] for r in rows}
    assert {"odd-one-out", "autocomplete", "sentiment", "clusterer", "anomaly"} <= names
    assert all(set(r) >= {"name", "version", "status", "source"} for r in rows)


def _user_model(home: Path, tmp_path: Path, name: str = "tiny") -> None:
    from textseq_tui.registry import ModelRegistry

    weights = tmp_path / "w.safetensors"
    save_tensors({"w": torch.zeros(2)}, weights)
    card = new_card(name=name, plugin="tests", kind="tiny", metrics={"acc": 0.5})
    ModelRegistry(home / "models").save(card, {"w.safetensors": weights})


def test_models_list_show_verify_export_import_rm(cli, home, tmp_path) -> None:
    _user_model(home, tmp_path)
    rows = [json.loads(x) for x in cli("models", "list", "--json").stdout.splitlines()]
    assert "tiny" in {r["name"] for r in rows}
    shown = json.loads(cli("models", "show", "tiny", "--json").stdout)
    assert shown["metrics"] == {"acc": 0.5} and shown["source"] == "user"
    assert cli("models", "verify", "tiny").exit_code == 0
    assert cli("models", "export", "tiny", str(tmp_path / "out")).exit_code == 0
    assert cli("models", "import", str(tmp_path / "out"), "--name", "tiny2").exit_code == 0
    assert cli("models", "rm", "tiny2", "--json").exit_code == 0
    (home / "models" / "tiny" / "w.safetensors").write_bytes(b"x")
    bad = cli("models", "verify", "tiny")
    assert bad.exit_code == 1 and "w.safetensors" in bad.stdout


def test_unknown_model_is_one_line_error_with_known_names(cli, home, tmp_path) -> None:
    _user_model(home, tmp_path)
    result = cli("models", "show", "tinny")
    assert result.exit_code != 0
    assert "Did you mean 'tiny'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_scores_json_and_csv(cli, host) -> None:
    result = cli("scores", "--json")
    assert result.exit_code == 0
    assert cli("scores", "--csv").exit_code == 0
    assert cli("scores", "no-such-plugin").exit_code == 2


def test_db_check_reports_ok_then_corrupt_without_deleting(cli, home) -> None:
    assert cli("db", "check").exit_code == 0
    from typer.testing import CliRunner

    from textseq_tui.cli import build_app
    from textseq_tui.host import Host

    db = home / "textseq.db"
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"garbage" * 1000)
    result = CliRunner().invoke(build_app(Host(home=home, device="cpu")), ["db", "check"])
    assert result.exit_code != 0 and "move it aside" in result.stderr
    assert db.read_bytes().startswith(b"garbage")


def test_group_help_lists_each_command_on_unbroken_lines(host) -> None:
    """A command's row in its group's --help is its help's first paragraph as one line (Typer
    would keep the docstring's line breaks and split the row mid-sentence)."""
    import typer

    from textseq_tui.cli import build_app

    def rows(group, ctx):
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if hasattr(command, "list_commands"):  # a plugin's group, built when asked
                yield from rows(command, typer.Context(command, parent=ctx, info_name=name))
            else:
                yield command.short_help

    root = typer.main.get_command(build_app(host))
    with root.make_context("textseq", []) as ctx:
        found = list(rows(root, ctx))
    assert len(found) > 20 and all(found)
    assert not [h for h in found if "\n" in h]


def test_a_plugin_that_failed_answers_its_command_and_help_in_one_line(home) -> None:
    from fakes import RaisesOnStart, broken_import, record
    from typer.testing import CliRunner

    from textseq_tui.cli import build_app
    from textseq_tui.host import Host

    host = Host(home=home, device="cpu", records=[record(RaisesOnStart()), broken_import()])
    app = build_app(host)
    for args, problem in [
        (["bad-start", "--help"], "plugin 'bad-start' is not available: failed to start: "
                                  "RuntimeError: no config"),
        (["bad-start", "anything", "--json"], "plugin 'bad-start' is not available"),
        (["broken-import", "--help"], "plugin 'broken-import' is not available: "
                                      "ImportError: No module named 'missing_dep'"),
        (["broken-import", "go"], "plugin 'broken-import' is not available"),
    ]:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith(f"error: {problem}") and \
            result.stderr.count("\n") == 1, (args, result.stderr)
    assert "(unavailable)" in CliRunner().invoke(app, ["--help"]).stdout
