"""Fuzzed input over the built-in plugins' entry points, through the host as a user reaches
them: their slash commands (``Host.run_command``) and their CLI commands (``--input`` files of
arbitrary bytes, and arguments). Uses the shipped models; a plugin or model that is not
there is skipped. Only the ``TextseqError`` family may escape, and the CLI never prints a
traceback.

Lone surrogates are fuzzed through slash commands and input files; as CLI *arguments* they
hit a host bug in ``cli_io.emit`` (see ``test_reliability_fuzz.py``), so they are left out
of argv here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.markup import to_content
from typer.testing import CliRunner

from textseq_tui.errors import TextseqError
from textseq_tui.host import Host
from textseq_tui.plugin import CommandResult

REPO = Path(__file__).resolve().parents[2]

FUZZ = settings(max_examples=12, deadline=60_000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

ONE_MB = "king queen " * 95_000
SPECIAL = [
    "", " ", "\t\n ", "\x00", "\x1b[31mred\x1b[0m\x07", "\u202eevil\u202c", "مرحبا بالعالم",
    "e\u0301\u0308" * 30, "👍🏽 👨‍👩‍👧 🏳️‍🌈", "\ud800", "a\udcffb", "\ufeffbom",
    "\u2028\u2029", "king queen prince cleaner", "the the the", "1 2 3 4 5 6 7 8 9",
]
ANY_CHAR = st.characters(exclude_categories=())
TEXT = st.one_of(st.sampled_from(SPECIAL), st.text(ANY_CHAR, max_size=120),
                 st.lists(st.sampled_from(SPECIAL), max_size=5).map(" ".join))
NO_SURROGATES = st.one_of(
    st.sampled_from([s for s in SPECIAL if not any(0xD800 <= ord(c) <= 0xDFFF for c in s)]),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=120))


def _shipped(name: str) -> bool:
    return (REPO / "models" / name / "card.json").exists()


@pytest.fixture(scope="module")
def real_host(tmp_path_factory) -> Host:
    return Host(home=tmp_path_factory.mktemp("home"), device="cpu")


# (slash command, plugin, shipped model it needs)
SLASH = [
    ("odd", "odd-one-out", "glove-6b-50d"),
    ("sentiment", "sentiment", "sentiment-enet"),
    ("cluster", "clusterer", "glove-6b-50d"),
    ("anomaly", "anomaly", "deeplog-hdfs"),
    ("complete", "autocomplete", "char-rnn-shakespeare"),
    ("write", "autocomplete", "char-rnn-shakespeare"),
]


@pytest.mark.parametrize("command,plugin,model", SLASH, ids=[s[0] for s in SLASH])
@FUZZ
@given(args=TEXT)
@example(args="")
@example(args="a\udcffb \ud800")
@example(args="ROMEO:[a=|b[/] [$x] [@click=app.quit]q[/] \\[b]")
def test_slash_commands_answer_or_raise_textseq_errors(real_host, command, plugin, model,
                                                       args) -> None:
    if command not in real_host.commands:
        pytest.skip(f"/{command} is not there (yet)")
    if not _shipped(model):
        pytest.skip(f"no shipped model {model}")
    try:
        result = real_host.run_command(f"/{command} {args}")
    except TextseqError as err:
        assert str(err)
        return
    assert isinstance(result, CommandResult)
    # The answer's text is Textual markup: user or model text inside it must be escaped
    # (an unescaped "[a=|b[/]" raised MarkupError in the app).
    to_content(result.text)


# CLI: (argv before the input, plugin, model); --input FILE is appended.
CLI_INPUT = [
    (["odd-one-out", "pick", "--json"], "odd-one-out", "glove-6b-50d"),
    (["sentiment", "score", "--json"], "sentiment", "sentiment-enet"),
    (["anomaly", "score", "--json"], "anomaly", "deeplog-hdfs"),
    (["clusterer", "cluster", "--json"], "clusterer", "glove-6b-50d"),
    (["autocomplete", "complete", "--json"], "autocomplete", "char-rnn-shakespeare"),
]

RAW = st.one_of(st.binary(max_size=600),
                TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                st.lists(TEXT, max_size=6).map(lambda ls: "\n".join(ls).encode(
                    "utf-8", "surrogatepass")))


@pytest.fixture(scope="module")
def run_cli(real_host):
    from textseq_tui.cli import build_app

    app = build_app(real_host)
    runner = CliRunner()

    def invoke(*args: str):
        # catch_exceptions=False: anything but a handled exit fails the test with its trace
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def _check(result) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr[-500:])
    assert "Traceback" not in result.stdout + result.stderr


def _usable(real_host, plugin: str, model: str) -> None:
    if plugin not in {p.name for p in real_host.plugins}:
        pytest.skip(f"plugin {plugin} did not load")
    if not _shipped(model):
        pytest.skip(f"no shipped model {model}")


@pytest.mark.parametrize("argv,plugin,model", CLI_INPUT)
@FUZZ
@given(data=RAW)
@example(data=b"")
@example(data=b"\xff\xfe\x00\x00" + "\u202e👍🏽\n".encode() * 3)
def test_cli_input_files_of_any_bytes(tmp_path_factory, real_host, run_cli, argv, plugin,
                                      model, data) -> None:
    _usable(real_host, plugin, model)
    path = tmp_path_factory.mktemp("in") / "input.txt"
    path.write_bytes(data)
    flag = "--words" if plugin == "clusterer" else "--input"
    _check(run_cli(*argv, flag, str(path)))


CLI_ARGS = [
    (["odd-one-out", "pick", "--json"], "odd-one-out", "glove-6b-50d", 3),
    (["sentiment", "score", "--json"], "sentiment", "sentiment-enet", 1),
    (["anomaly", "score", "--json"], "anomaly", "deeplog-hdfs", 4),
    (["autocomplete", "complete", "--json"], "autocomplete", "char-rnn-shakespeare", 1),
]


@pytest.mark.parametrize("argv,plugin,model,count", CLI_ARGS, ids=[c[1] for c in CLI_ARGS])
@FUZZ
@given(items=st.lists(NO_SURROGATES, max_size=6))
def test_cli_arguments_of_any_text(real_host, run_cli, argv, plugin, model, count,
                                   items) -> None:
    _usable(real_host, plugin, model)
    args = [" ".join(items)] if count == 1 else items  # count: how many arguments it takes
    _check(run_cli(*argv, "--", *args))


@pytest.mark.parametrize("argv,plugin,model", CLI_INPUT[:3])
def test_a_one_megabyte_input_line_is_answered(tmp_path, real_host, run_cli, argv, plugin,
                                               model) -> None:
    _usable(real_host, plugin, model)
    path = tmp_path / "big.txt"
    line = ONE_MB.replace(" ", "\t") if plugin == "odd-one-out" else ONE_MB
    path.write_text(line + "\n", encoding="utf-8")
    _check(run_cli(*argv, "--input", str(path)))


def test_clustering_only_unknown_words_is_bad_input(tmp_path, real_host, run_cli) -> None:
    _usable(real_host, "clusterer", "glove-6b-50d")
    path = tmp_path / "words.txt"
    path.write_text("👍🏽\n\u202eevil\nxqzvvw\n", encoding="utf-8")
    result = run_cli("clusterer", "cluster", "--words", str(path))
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
