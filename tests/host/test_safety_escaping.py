"""User text is never markup or a terminal control in CLI output (issue 31, item 5).

Every command that echoes its input (as an argument or an ``--input`` file) is fed markup
(``[/]``, ``[link=...]``), ANSI/OSC/DCS sequences, C0/C1 controls and invalid UTF-8 with
hypothesis (derandomized, a few examples each) through the real CLI (Typer's CliRunner) on
the shipped models. Each run must end in 0/1/2 without a traceback, with no raw ESC, C1 or
other control (tab and newline aside) on stdout or stderr, and, for a batch, an answer for
every input line (``--json``: its ``"line"``). ``TEXTSEQ_FUZZ_REPORT=FILE`` writes the
counts (commands, inputs, tracebacks) as JSON for docs/RELIABILITY.md.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from textseq_tui.host import Host

REPO = Path(__file__).resolve().parents[2]
FUZZ = settings(max_examples=6, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

HOSTILE = [
    "[/]", "a [/] b c", "[link=https://evil.example]safe.com[/link]", "[bold red]x[/]",
    "\\[b]not bold", "[@click=app.quit]q[/]", "[a=|b[/]", "ROMEO:[", "]",
    "\x1b[2J", "\x1b]0;PWNED\x07", "\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31mC1 red", "\x1bP1$r\x1b\\", "\x07bell", "back\x08space", "car\rriage", "nul\x00",
    "\x85nel", "\x7fdel", "\u202eevil", "king queen", "good movie", "5 5 22 11 9",
]
WORD = st.sampled_from(["king", "queen", "prince", "cleaner", "good", "awful", "the", "5",
                        "22", "love"])
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE), WORD,
                          st.text(st.characters(codec="utf-8"), max_size=12)),
                min_size=1, max_size=5).map(" ".join)
BAD_BYTES = [b"\xff\xfe", b"\xc3(", b"\xed\xa0\x80", b"\x80\x9b", b"\xf0\x28\x8c\x28"]
LINE = st.one_of(TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 st.lists(st.sampled_from(BAD_BYTES) | TEXT.map(str.encode), min_size=1,
                          max_size=4).map(b" ".join))
INPUT = st.lists(LINE, min_size=1, max_size=5).map(b"\n".join)

#: Characters no output may carry raw: C0 but tab and newline, DEL, C1.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
COUNTS: dict[str, int] = {}


def _shipped(name: str) -> bool:
    return (REPO / "models" / name / "card.json").exists()


@pytest.fixture(scope="module")
def real_host(tmp_path_factory) -> Host:
    return Host(home=tmp_path_factory.mktemp("home"), device="cpu")


@pytest.fixture(scope="module")
def run_cli(real_host):
    from textseq_tui.cli import build_app

    app = build_app(real_host)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield invoke
    report = os.environ.get("TEXTSEQ_FUZZ_REPORT")
    if report:
        runs = {k: v for k, v in COUNTS.items() if not k.startswith("_")}
        Path(report).write_text(json.dumps({
            "commands": len({k.removesuffix(" --json") for k in runs}),
            "runs": sum(runs.values()), "tracebacks": COUNTS.get("_tracebacks", 0),
            "per_command": runs}) + "\n")


def _check(name: str, result) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1
    output = result.stdout + result.stderr
    if "Traceback" in output:
        COUNTS["_tracebacks"] = COUNTS.get("_tracebacks", 0) + 1
    assert result.exit_code in (0, 1, 2), (result.exit_code, output[-800:])
    assert "Traceback" not in output, output[-2000:]
    raw = RAW_CONTROL.search(output)
    assert raw is None, (repr(raw.group()), output[-800:])


def _usable(real_host, plugin: str, model: str) -> None:
    if plugin not in {p.name for p in real_host.plugins}:
        pytest.skip(f"plugin {plugin} did not load")
    if not _shipped(model):
        pytest.skip(f"no shipped model {model}")


# (name, argv before the text, plugin, model the command needs)
ARG_COMMANDS = [
    ("sentiment score", ["sentiment", "score", "--explain"], "sentiment", "sentiment-enet"),
    ("sentiment correct", ["sentiment", "correct", "--label", "pos"], "sentiment",
     "sentiment-enet"),
    ("autocomplete complete", ["autocomplete", "complete"], "autocomplete",
     "char-rnn-english"),
    ("autocomplete write", ["autocomplete", "write", "--chars", "8", "--seed", "0"],
     "autocomplete", "char-rnn-english"),
    ("anomaly text", ["anomaly", "text"], "anomaly", "char-rnn-english"),
    ("odd-one-out pick", ["odd-one-out", "pick"], "odd-one-out", "glove-6b-50d"),
    ("models show", ["models", "show"], "sentiment", "sentiment-enet"),
]


@pytest.mark.parametrize("name,argv,plugin,model", ARG_COMMANDS, ids=[c[0] for c in
                                                                        ARG_COMMANDS])
@FUZZ
@given(text=TEXT)
@example(text="a [/] b c")
@example(text="[link=https://evil]safe.com[/link] \x1b]0;PWNED\x07 \x1b[2J")
def test_arguments_are_printed_as_plain_escaped_text(real_host, run_cli, name, argv, plugin,
                                                     model, text) -> None:
    _usable(real_host, plugin, model)
    args = text.split() if name == "odd-one-out pick" else [text]
    if name == "odd-one-out pick":
        args = (args + ["king", "queen", "prince"])[:max(3, len(args))]
    _check(name, run_cli(*argv, "--", *args))


# (name, argv, plugin, model, input flag, whether blank lines are answered)
BATCH_COMMANDS = [
    ("sentiment score --input", ["sentiment", "score"], "sentiment", "sentiment-enet",
     "--input"),
    ("autocomplete complete --input", ["autocomplete", "complete"], "autocomplete",
     "char-rnn-english", "--input"),
    ("odd-one-out pick --input", ["odd-one-out", "pick"], "odd-one-out", "glove-6b-50d",
     "--input"),
    ("anomaly score --input", ["anomaly", "score"], "anomaly", "deeplog-hdfs", "--input"),
    ("clusterer cluster --words", ["clusterer", "cluster"], "clusterer", "glove-6b-50d",
     "--words"),
    ("anomaly parse-logs", ["anomaly", "parse-logs", "--format", "<Content>", "--session",
                            r"\S+"], "anomaly", "deeplog-hdfs", ""),
    ("anomaly parse-logs --templates", ["anomaly", "parse-logs", "--templates"], "anomaly",
     "deeplog-hdfs", ""),
]


def _lines(data: bytes) -> dict[int, str]:
    """The non-blank input lines by number, split as cli_io does."""
    parts = re.split(rb"\r\n|\r|\n", data)
    return {n: p.decode("utf-8", "replace") for n, p in enumerate(parts, 1)
            if p.decode("utf-8", "replace").strip()}


@pytest.mark.parametrize("name,argv,plugin,model,flag", BATCH_COMMANDS,
                         ids=[c[0] for c in BATCH_COMMANDS])
@FUZZ
@given(data=INPUT)
@example(data=b"a [/] b c\n\x1b]0;PWNED\x07\n[link=https://evil]safe.com[/link]\n\xff\xfe")
def test_batch_lines_are_all_answered_and_printed_escaped(tmp_path_factory, real_host, run_cli,
                                                          name, argv, plugin, model, flag,
                                                          data) -> None:
    _usable(real_host, plugin, model)
    if name == "odd-one-out pick --input":  # one puzzle a line, items TAB-separated
        data = b"\n".join(b"\t".join([*line.split(), b"king", b"queen"][:4])
                          for line in data.split(b"\n"))
    path = tmp_path_factory.mktemp("in") / "input.txt"
    path.write_bytes(data)
    where = [flag, str(path)] if flag else [str(path)]
    _check(name, run_cli(*argv, *where))  # the human output: plain, escaped
    answered = run_cli(*argv, *where, "--json")
    _check(name + " --json", answered)
    if flag in ("--input",):  # per-line commands: one answer (or error) for every line
        numbers = {json.loads(line).get("line") for line in answered.stdout.splitlines()}
        assert set(_lines(data)) <= numbers, (sorted(_lines(data)), sorted(numbers - {None}))


def test_a_correction_with_markup_is_saved_once_and_a_retry_changes_nothing(run_cli,
                                                                          real_host) -> None:
    _usable(real_host, "sentiment", "sentiment-enet")
    store = real_host.plugin("sentiment").context.store
    first = run_cli("sentiment", "correct", "zq [/] zr zs", "--label", "pos")
    assert first.exit_code == 0 and "zq [/] zr zs" in first.stdout, first.stderr
    deltas = {r["term"]: r["delta"] for r in store.rows("personal")}
    again = run_cli("sentiment", "correct", "zq [/] zr zs", "--label", "pos", "--json")
    assert again.exit_code == 0
    out = json.loads(again.stdout)
    assert out["before"] == out["after"]  # on the margin already: nothing learned twice
    assert {r["term"]: r["delta"] for r in store.rows("personal")} == deltas
