"""Fuzzed input over the host's text entry points (hypothesis, derandomized, bounded).

Entry points: the slash-command parser (``Host.resolve`` / ``run_command``), ``cli_io``'s
``read_text`` / ``iter_input`` on arbitrary bytes (file and stdin), ``emit``, the model
card parser, and model names. Inputs: empty, whitespace, 1 MB, control characters, RTL,
combining marks, emoji, lone surrogates and random unicode. Only the project's
``TextseqError`` family may escape. The plugins' entry points are fuzzed in
``test_reliability_fuzz_plugins.py``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from textseq_tui import cli_io
from textseq_tui.discovery import PluginRecord
from textseq_tui.errors import BadInput, ModelError, ModelNotFound, TextseqError
from textseq_tui.host import Host
from textseq_tui.plugin import CommandResult, Plugin, SlashCommand
from textseq_tui.registry import (
    CARD_FIELDS,
    ModelCard,
    ModelRegistry,
    new_card,
    read_card,
    verify_dir,
)

# Each example must finish within the deadline (generous: this machine's cores are shared
# with training jobs, and a slower example is load, not a bug); max_examples bounds the run.
FUZZ = settings(max_examples=60, deadline=30_000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

ONE_MB = "ab c\u00e9 " * 174_763  # ~1 MB of text with spaces
SPECIAL = [
    "", " ", "\t\n\r ", "\x00", "\x00\x01\x07\x1b[31mred\x1b[0m\x7f", "\u202eevil\u202c",
    "مرحبا بالعالم", "שלום עולם", "e\u0301\u0308\u0327" * 40, "\u0301\u0301start",
    "👍🏽 👨‍👩‍👧 🏳️‍🌈", "\ud800", "\udcff lone", "a\udc80b\ud83d", "\ufeffbom", "\u2028\u2029",
    "\x0c\x0b\x1c\x85", "word " * 1000, ONE_MB,
]

#: Any code point, surrogates included (hypothesis leaves out category Cs by default).
ANY_CHAR = st.characters(exclude_categories=())
TEXT = st.one_of(st.sampled_from(SPECIAL), st.text(ANY_CHAR, max_size=300),
                 st.lists(st.sampled_from(SPECIAL[:-1]), max_size=6).map("".join))


# -- the slash-command parser -----------------------------------------------------------------


class Words(Plugin):
    name = "words"

    def slash_commands(self):
        def count(args: str, ctx: Any) -> CommandResult:
            if not args.strip():
                raise BadInput("give some words: /count WORDS")
            return CommandResult(text=str(len(args.split())), data=args)

        return [SlashCommand("count", "count words", count),
                SlashCommand("echo", "repeat", lambda a, c: a)]


@pytest.fixture(scope="module")
def words_host(tmp_path_factory) -> Host:
    home = tmp_path_factory.mktemp("home")
    return Host(home=home, device="cpu",
                records=[PluginRecord("words", "tests", "0", "tests:words", plugin=Words())])


@FUZZ
@given(name=st.one_of(st.sampled_from(["count", "echo", "COUNT", "help", "cnt", ""]), TEXT),
       sep=st.sampled_from([" ", "  ", "\t", "\n", "", "\u3000"]), args=TEXT)
@example(name="count", sep=" ", args=ONE_MB)
@example(name="echo", sep=" ", args="\udcff\u202e👍🏽")
def test_slash_parser_answers_or_raises_bad_input(words_host, name, sep, args) -> None:
    line = f"/{name}{sep}{args}"
    try:
        bound, rest = words_host.resolve(line)
    except BadInput as err:
        assert str(err)  # a message a user can act on
        return
    assert bound.command.name in ("count", "echo")
    assert rest == rest.strip()
    try:
        result = words_host.run_command(line)
    except TextseqError:
        return
    assert isinstance(result, CommandResult)
    if bound.command.name == "echo":
        assert result.text == rest


@FUZZ
@given(text=TEXT)
def test_any_chat_text_resolves_or_raises_bad_input(words_host, text) -> None:
    try:
        words_host.resolve(text)
    except BadInput:
        pass


# -- cli_io: arbitrary bytes in, clean text lines out ---------------------------------------

RAW = st.one_of(st.binary(max_size=2000),
                TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                st.sampled_from([b"\xff\xfe\x00a", b"\xef\xbb\xbfx\r\ny\rz", b"\x80" * 100,
                                 b"a\x00b\nc", ONE_MB.encode()]))


def _check_lines(lines: list[tuple[int, str]]) -> None:
    numbers = [n for n, _ in lines]
    assert numbers == sorted(set(numbers)) and all(n >= 1 for n in numbers)
    for _, line in lines:
        assert "\n" not in line and "\r" not in line
        line.encode("utf-8")  # no lone surrogates reach a plugin: it can always print them


@FUZZ
@given(data=RAW)
def test_iter_input_reads_any_bytes_from_a_file(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("in") / "input.txt"
    path.write_bytes(data)
    text = cli_io.read_text(str(path))
    assert isinstance(text, str)
    text.encode("utf-8")
    _check_lines(list(cli_io.iter_input(str(path), skip_blank=False)))
    kept = list(cli_io.iter_input(str(path)))
    assert all(line.strip() for _, line in kept)


@FUZZ
@given(data=RAW)
def test_iter_input_reads_any_bytes_from_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    _check_lines(list(cli_io.iter_input("-", skip_blank=False)))


def test_missing_and_directory_inputs_are_bad_input(tmp_path: Path) -> None:
    for source in (str(tmp_path / "nope.txt"), str(tmp_path), ""):
        with pytest.raises(BadInput):
            cli_io.read_text(source)


def test_an_unknown_users_home_in_input_is_bad_input() -> None:
    with pytest.raises(BadInput):
        cli_io.read_text("~no-such-user-textseq/input.txt")


LINE = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"),
               min_size=1, max_size=40)


@FUZZ
@given(lines=st.lists(LINE, min_size=1, max_size=20))
@example(lines=["first\u2028half", "second"])
def test_one_item_per_newline_with_the_editors_line_numbers(tmp_path_factory, lines) -> None:
    path = tmp_path_factory.mktemp("in") / "input.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert list(cli_io.iter_input(str(path), skip_blank=False)) == list(
        enumerate(lines, start=1))


def test_emit_json_survives_text_from_non_utf8_argv() -> None:
    code = "from textseq_tui.cli_io import emit; emit({'text': 'caf\\udce9'}, True)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60,
                         env={"PYTHONIOENCODING": "utf-8:strict", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr.decode(errors="replace")[-300:]
    assert json.loads(out.stdout.decode("utf-8"))["text"].startswith("caf")


# -- model cards and names ------------------------------------------------------------------

JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
              st.text(ANY_CHAR, max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20)


def _valid_card() -> dict[str, Any]:
    return new_card(name="m", plugin="p", kind="k").to_dict() | {"files": {"w": "0" * 64}}


@FUZZ
@given(raw=JSON)
def test_any_json_value_as_a_card_is_accepted_or_a_model_error(raw) -> None:
    try:
        ModelCard.from_dict(raw, source="card.json")
    except ModelError as err:
        assert "card.json" in str(err)


@FUZZ
@given(field=st.sampled_from(sorted(CARD_FIELDS) + ["files", "description"]), value=JSON,
       fname=st.one_of(TEXT, st.sampled_from(["..", ".", "", "a/b", "\x00"])).filter(
           lambda f: len(f.encode("utf-8", "surrogatepass")) <= 200))  # longer: see below
def test_a_card_with_one_bad_field_or_file_name_names_it(tmp_path_factory, field, value,
                                                         fname) -> None:
    raw = _valid_card()
    raw[field] = value
    if field != "files":
        raw["files"] = {fname: "0" * 64}
    try:
        card = ModelCard.from_dict(raw, source="card.json")
    except ModelError as err:
        assert "card.json" in str(err)
        return
    # An accepted card's file names are safe to check on disk: verify never raises, and a
    # name that does not denote a file inside the model dir ("", ".") is reported, so the
    # registry never loads anything from outside it.
    model_dir = tmp_path_factory.mktemp("model")
    problems = verify_dir(model_dir, card)
    assert all(isinstance(p, str) for p in problems)
    for name in card.files:
        # lexical check (resolve() itself raises on a NUL): not a plain child of the dir
        target = os.path.normpath(os.path.join(model_dir, name))
        if "\x00" in name or os.path.dirname(target) != str(model_dir):
            assert problems, name


@pytest.mark.parametrize("fname", ["w" * 300, "é" * 200])
def test_a_card_naming_an_impossible_file_is_refused_or_reported(tmp_path: Path,
                                                                 fname: str) -> None:
    raw = _valid_card() | {"files": {fname: "0" * 64}}
    try:
        card = ModelCard.from_dict(raw, source="card.json")
    except ModelError:
        return
    problems = verify_dir(tmp_path, card)
    assert problems  # named as a problem of that file, not raised


@FUZZ
@given(data=RAW)
def test_any_card_file_bytes_are_read_or_a_model_error(tmp_path_factory, data) -> None:
    model_dir = tmp_path_factory.mktemp("model")
    (model_dir / "card.json").write_bytes(data)
    try:
        read_card(model_dir)
    except ModelError as err:
        assert "card.json" in str(err) or str(model_dir) in str(err)


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> ModelRegistry:
    root = tmp_path_factory.mktemp("registry")
    reg = ModelRegistry(root / "user", device="cpu")
    reg.save(new_card(name="tiny", plugin="tests", kind="k"), {"w.bin": b"x"})
    return reg


@FUZZ
@given(name=TEXT)
def test_any_model_name_is_found_or_model_not_found(registry, name) -> None:
    try:
        info = registry.get(name)
    except ModelNotFound as err:
        assert "Known models: tiny" in str(err)
        return
    assert info.name == name == "tiny"


@FUZZ
@given(name=TEXT)
@example(name="a" * 300)
def test_saving_under_any_model_name_works_or_is_bad_input(tmp_path_factory, name) -> None:
    reg = ModelRegistry(tmp_path_factory.mktemp("reg") / "user", device="cpu")
    try:
        info = reg.save(new_card(name=name, plugin="t", kind="k"), {"w.bin": b"x"})
    except BadInput:
        return
    assert reg.get(name).path == info.path


@pytest.mark.parametrize("name", ["a" * 300, "é" * 130, "bad\x00name", "lone\ud800"])
def test_unusable_model_names_are_bad_input(tmp_path: Path, name: str) -> None:
    reg = ModelRegistry(tmp_path / "user", device="cpu")
    with pytest.raises(BadInput):
        reg.save(new_card(name=name, plugin="t", kind="k"), {"w.bin": b"x"})


@pytest.mark.parametrize("name", ["ok-name", "with space", "ünïcode-ß", "emoji-👍"])
def test_ordinary_model_names_still_save(tmp_path: Path, name: str) -> None:
    reg = ModelRegistry(tmp_path / "user", device="cpu")
    reg.save(new_card(name=name, plugin="t", kind="k"), {"w.bin": b"x"})
    assert reg.get(name).name == name
