"""The CLI I/O contract: streamed ``--input``, ``"line": N`` answers, refused-line records,
and every plugin's per-line command answering each line before the input ends."""

from __future__ import annotations

import io
import json
import os
import selectors
import subprocess
import sys
from pathlib import Path

import pytest

from textseq_tui import cli_io


class Trickle(io.RawIOBase):
    """A pipe that hands out its pieces one read at a time (like a slow producer)."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = list(pieces)
        self.reads = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.pieces:
            return 0
        self.reads += 1
        piece = self.pieces.pop(0)
        buffer[: len(piece)] = piece
        return len(piece)


def stdin_of(monkeypatch: pytest.MonkeyPatch, pieces: list[bytes]) -> Trickle:
    raw = Trickle(pieces)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(raw)))
    return raw


def test_lines_end_at_lf_crlf_or_cr_even_across_reads(monkeypatch) -> None:
    stdin_of(monkeypatch, [b"a\r", b"\nb\rc", b"\x0cd\n\n", b"\xffe"])
    assert list(cli_io.iter_input("-", skip_blank=False)) == [
        (1, "a"), (2, "b"), (3, "c\x0cd"), (4, ""), (5, "\ufffde")]
    stdin_of(monkeypatch, [b"x\n", b"\n", b"  \n", b"y"])
    assert list(cli_io.iter_input("-")) == [(1, "x"), (4, "y")]


def test_each_line_is_handed_over_before_the_next_read(monkeypatch) -> None:
    raw = stdin_of(monkeypatch, [b"one\n", b"two\nthree\n", b"four\n"])
    batches = cli_io.iter_batches("-", size=10)
    assert next(batches) == [(1, "one")] and raw.reads == 1
    assert next(batches) == [(2, "two"), (3, "three")] and raw.reads == 2
    assert next(batches) == [(4, "four")]


def test_batches_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("".join(f"{i}\n" for i in range(1000)))
    sizes = [len(b) for b in cli_io.iter_batches(str(path), size=64)]
    assert max(sizes) == 64 and sum(sizes) == 1000


def test_emit_puts_the_line_first_and_refuse_writes_a_record(capsys) -> None:
    cli_io.emit({"score": 1}, True, line=3)
    cli_io.emit({"score": 2}, True, line=0)
    cli_io.refuse(4, ValueError("too short"), as_json=True)
    out, err = capsys.readouterr()
    assert [json.loads(x) for x in out.splitlines()] == [
        {"line": 3, "score": 1}, {"score": 2}, {"line": 4, "error": "too short"}]
    assert err == "line 4: too short\n"


def test_refusals_and_the_global_json_belong_to_one_invocation(cli, tmp_path: Path) -> None:
    """Nothing carries over from one command to the next run in the same process: the
    first exits 1 for its refused line, the next (all lines good, no --json) exits 0 in text."""
    bad = tmp_path / "bad.tsv"
    bad.write_text("cat\tdog\tmouse\tcar\nking\tqueen\n")
    assert cli("--json", "odd-one-out", "pick", "--input", str(bad)).exit_code == 1
    good = cli("sentiment", "score", "--input", "-", input="good\n")
    assert good.exit_code == 0 and not good.stdout.startswith("{")


def test_command_line_writes_every_parameter_under_its_long_name() -> None:
    """What a card's rebuild says: each option with its value (first long name), flags only
    when set, None left out, excluded names left out, values shell-quoted."""
    import typer
    from typer.testing import CliRunner

    app = typer.Typer()
    seen: list[str] = []

    @app.command("train")
    def train(
        corpus: str = typer.Option(..., "--input", "-i"),
        steps: int = typer.Option(10, "--steps", "--max-steps"),
        counts: bool = typer.Option(True, "--counts/--no-counts"),
        no_end: bool = typer.Option(False, "--no-end"),
        quiet: bool = typer.Option(False, "--quiet"),
        calib: str | None = typer.Option(None, "--calib"),
        data: list[str] = typer.Option(["default"], "--data"),
    ) -> None:
        seen.append(cli_io.command_line(exclude=("quiet",)))

    @app.command("other")
    def other() -> None:  # two commands: "train" is a sub-command of the app
        pass

    result = CliRunner().invoke(app, ["train", "-i", "my notes.txt", "--max-steps", "5",
                                      "--no-counts", "--no-end", "--quiet", "--data", "a",
                                      "--data", "b"], prog_name="textseq anomaly")
    assert result.exit_code == 0, result.output
    assert seen == ["textseq anomaly train --input 'my notes.txt' --steps 5 --no-counts "
                    "--no-end --data a --data b"]


def test_json_batch_answers_carry_line_numbers_and_errors(cli, tmp_path: Path) -> None:
    f = tmp_path / "puzzles.tsv"
    f.write_text("cat\tdog\tmouse\tcar\n\nking\tqueen\nred\tgreen\tblue\tdog\n")
    result = cli("odd-one-out", "pick", "--input", str(f), "--json")
    assert result.exit_code == 1
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["line"] for r in rows] == [1, 3, 4]
    assert "error" in rows[1] and rows[1].keys() == {"line", "error"}
    assert rows[0]["odd"] == "car" and rows[2]["odd"] == "dog"
    assert result.stderr.startswith("line 3: ")


def test_global_json_reaches_plugin_batches(cli) -> None:
    result = cli("--json", "sentiment", "score", "--input", "-", input="good\n\nbad\n")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3]


STREAMING = [
    ("sentiment", ["sentiment", "score", "--input", "-", "--json"],
     ["what a lovely day", "this is awful"], "score"),
    ("anomaly", ["anomaly", "score", "--input", "-", "--json"], ["5 5 22 11 9", "5 22"],
     "anomalous"),
]


@pytest.mark.parametrize(("plugin", "args", "lines", "key"), STREAMING,
                         ids=[s[0] for s in STREAMING])
def test_per_line_input_commands_answer_before_the_input_ends(home, plugin, args, lines,
                                                              key) -> None:
    """A producer writes one line, reads its answer with stdin still open, then the next."""
    env = {**os.environ, "TEXTSEQ_HOME": str(home), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "textseq_tui", "--device", "cpu", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    try:
        for number, line in enumerate(lines, 1):
            proc.stdin.write(line.encode() + b"\n")
            proc.stdin.flush()
            assert selector.select(timeout=90), f"no answer to line {number} within 90 s"
            answer = json.loads(proc.stdout.readline())
            assert answer["line"] == number and key in answer
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()
    finally:
        proc.kill()
        proc.wait()
