"""Input and output conventions of the CLI contract, shared by the host and plugins.

Plugins reach these through ``textseq_tui.plugin`` (``emit``, ``want_json``, ``iter_input``,
``iter_batches``, ``refuse``, ``read_text``), never by importing this module.

- ``--json``: one JSON object per line on stdout. In a batch (``--input``) every answer
  carries ``"line": N``, its input line number (1-based; blank lines are skipped, not
  renumbered), and a refused line yields ``{"line": N, "error": "..."}`` in its place.
- ``--input FILE`` (``-`` for stdin): one item a line, decoded as UTF-8 with replacement so an
  odd byte never crashes a batch; read as a stream: each line is handed over as soon as it
  has arrived (``iter_input``), or in small batches of what has arrived (``iter_batches``),
  so answers flow while a producer is still writing and memory stays bounded.
- A bad line is reported on stderr (``line N: reason``) and the rest still run; the command
  then exits 1 (the host checks ``refused_lines()`` after every command).
- Errors: one line on stderr and a non-zero exit, never a traceback.
- Text is never markup and never a terminal control: ``emit`` prints its text plainly
  (``markup=True`` for text a command built with :func:`escape_markup`), and every
  printed string goes through :func:`shown`: C0 controls but tab and newline, DEL and C1
  controls (so ESC, and every ANSI/OSC sequence) appear as ``\\xNN``; in JSON, C1 and DEL
  are ``\\u00NN`` escapes as well (C0 always are).

What a running command shares with these helpers (the root ``--json``, how many lines it
refused) is a :class:`CommandState` on the Click context of that command (``ctx.meta``,
which every context of one invocation shares), not module state: each invocation starts
with a fresh one, and nothing needs resetting between two commands run in one process.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from textseq_tui.errors import BadInput, PluginError

_LINE_END = re.compile(r"\r\n|\r|\n")
#: Characters a terminal may act on: C0 controls except tab and newline, DEL, C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: The same, left raw by json.dumps(ensure_ascii=False) (it escapes C0 itself).
_JSON_RAW_CONTROL = re.compile("[\x7f-\x9f]")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")

#: The key of the running command's :class:`CommandState` in the Click context's ``meta``.
STATE_KEY = "textseq.command_state"


@dataclass
class CommandState:
    """The state one command invocation shares with the I/O helpers.

    ``json``: the root ``textseq --json`` was given (commands OR it with their own flag);
    ``refused``: input lines the command refused so far (the host exits 1 when any were).
    """

    json: bool = False
    refused: int = 0


def _click_context() -> Any:
    """The running Click context (Typer's own vendored Click in recent Typer, the ``click``
    package before); ``None`` outside a command."""
    from importlib import import_module

    for module in ("typer._click.globals", "click.globals"):
        try:
            ctx = import_module(module).get_current_context(silent=True)
        except (ImportError, AttributeError):
            continue
        if ctx is not None:
            return ctx
    return None


def start_command(ctx: Any, global_json: bool) -> CommandState:
    """Give the invocation of Click context ``ctx`` a fresh state (the root command calls it
    before each command): the global ``--json``, no refusals yet."""
    state = CommandState(json=global_json)
    ctx.meta[STATE_KEY] = state
    return state


def command_state(ctx: Any = None) -> CommandState | None:
    """The state of the invocation ``ctx`` (default: the running one) belongs to; ``None``
    outside a ``textseq`` command (a plugin's Typer app run on its own)."""
    ctx = ctx if ctx is not None else _click_context()
    return None if ctx is None else ctx.meta.get(STATE_KEY)


def refused_lines(ctx: Any = None) -> int:
    """How many input lines the running command (or the invocation of ``ctx``) refused."""
    state = command_state(ctx)
    return state.refused if state is not None else 0


def want_json(flag: bool | None = None) -> bool:
    """True when the command's ``--json`` or the global ``textseq --json`` was given.

    Without ``flag`` the running command's own ``--json`` option (a parameter named
    ``as_json``) is read from the Click context.
    """
    ctx = _click_context()
    if flag is None and ctx is not None:
        flag = ctx.params.get("as_json")
    state = command_state(ctx)
    return bool(flag) or (state is not None and state.json)


def command_group(help: str, commands: dict[str, Callable[..., Any]], obj: Any = None) -> Any:
    """A Typer app of module-level command functions, each under its name (its help is its
    docstring). ``obj`` (a plugin, say) is the ``obj`` of the app's Click context: a command
    taking ``ctx: typer.Context`` finds it with :func:`command_object` when it runs.

    This is how every command of textseq is written: a function at module level, no
    closure over state, the state it needs on the context."""
    import typer

    app = typer.Typer(help=help, no_args_is_help=True,
                      context_settings={} if obj is None else {"obj": obj})
    for name, command in commands.items():
        app.command(name)(command)
    return app


def command_object(ctx: Any, kind: type | None = None) -> Any:
    """The ``obj`` the running command's group was built with (:func:`command_group`):
    the nearest of type ``kind`` when given, else the command context's own ``obj``."""
    found = ctx.obj if kind is None else ctx.find_object(kind)
    if found is None:
        raise PluginError("this command runs only within the app it was built for")
    return found


def command_line(exclude: Iterable[str] = ()) -> str:
    """The running command as a shell line built from its parameters, e.g.
    ``textseq PLUGIN train --input data.txt --name m --hidden 64 ...``: what a model card's
    ``rebuild`` says. Every parameter is written with its value (defaults too, so the
    line pins them), in declaration order, under its first long option name; options whose
    value is ``None`` are left out, a plain flag appears only when set, and ``exclude`` names
    parameters (their Python names, e.g. ``"as_json"``) that do not change the result."""
    ctx = _click_context()
    if ctx is None:
        raise RuntimeError("command_line() is for a running command")
    words = _command_words(ctx)
    skip = set(exclude)
    for param in ctx.command.params:
        if param.name in skip or getattr(param, "hidden", False):
            continue
        words += _param_words(param, ctx.params.get(param.name))
    return " ".join(shlex.quote(w) for w in words)


def _command_words(ctx: Any) -> list[str]:
    """``["textseq", "PLUGIN", "COMMAND"]`` of the running command, whatever the program was
    called (``textseq train PLUGIN`` runs it with the program name ``textseq PLUGIN``)."""
    chain = []
    while ctx is not None:
        chain.append(ctx.info_name or "")
        ctx = ctx.parent
    chain.reverse()
    head = chain[0].split()
    words = ["textseq"] + (head[1:] if head[:1] == ["textseq"] else [])
    return words + [w for name in chain[1:] for w in name.split()]


def _param_words(param: Any, value: Any) -> list[str]:
    if value is None or (isinstance(value, (list, tuple)) and not value):
        return []
    if param.param_type_name == "argument":
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    longs = [o for o in param.opts if o.startswith("--")] or list(param.opts)
    if getattr(param, "is_flag", False) and isinstance(value, bool):
        if value:
            return [longs[0]]
        negative = [o for o in param.secondary_opts if o.startswith("--")]
        return negative[:1]
    values = value if isinstance(value, (list, tuple)) else [value]
    return [w for v in values for w in (longs[0], str(v))]


def shown(text: Any) -> str:
    """``text`` safe to print on a terminal: controls (C0 but tab and newline, DEL, C1, so
    ESC and any ANSI/OSC sequence) as visible ``\\xNN`` escapes, lone surrogates (from
    non-UTF-8 argv) as ``?``. Markup brackets are left alone: print it plainly."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
    return text.encode("utf-8", "replace").decode("utf-8")


def escape_markup(text: Any) -> str:
    """User or model text to put inside Rich markup (``emit(..., markup=True)``, a Rich
    table cell): brackets escaped, controls shown as by :func:`shown`."""
    from rich.markup import escape

    return escape(shown(text))


def _write(stream: IO[str], text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:  # a stdout that is not UTF-8
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    stream.flush()


def echo(text: Any = "", err: bool = False) -> None:
    """Print one plain line (user text allowed): on stdout, or stderr with ``err``."""
    _write(sys.stderr if err else sys.stdout, shown(text) + "\n")


def json_line(obj: Any) -> str:
    """``obj`` as one JSON line: UTF-8 text, with every control character escaped."""
    try:
        text = json.dumps(obj, ensure_ascii=False, default=_jsonable)
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Text that came from non-UTF-8 argv bytes holds lone surrogates (\udcXX); an
        # ASCII-escaped line is still valid JSON and keeps them recoverable.
        return json.dumps(obj, ensure_ascii=True, default=_jsonable) + "\n"
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def emit(obj: Any, as_json: bool, text: str | None = None, *, line: int | None = None,
         markup: bool = False) -> None:
    """Print one result: a JSON line, or ``text`` (default: a compact ``key: value`` line).

    ``line``: the input line number the answer is for (``--input`` batches); in JSON it
    becomes the object's first key ``"line"`` (kept if the object already has one).
    ``None`` or 0 (an item given as an argument) adds nothing.

    ``text`` is printed as it is (never read as markup; controls shown as ``\\xNN``). With
    ``markup=True`` it is Rich markup (colours) whose user or model text the caller escaped
    with :func:`escape_markup`; markup that does not parse is printed plainly.
    """
    if as_json:
        if line and isinstance(obj, dict) and "line" not in obj:
            obj = {"line": line, **obj}
        _write(sys.stdout, json_line(obj))
        return
    if text is None:
        if isinstance(obj, dict):
            text = "  ".join(f"{k}: {v}" for k, v in obj.items())
        else:
            text = str(obj)
    if not markup:
        echo(text)
        return
    from rich.console import Console
    from rich.errors import MarkupError

    try:
        Console(soft_wrap=True, highlight=False, emoji=False).print(shown(text))
    except MarkupError:
        echo(text)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy / torch scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _input_path(source: str) -> Path:
    """The file an ``--input`` names, refused in one line when it is missing or a folder."""
    try:
        path = Path(source).expanduser()
    except RuntimeError as err:  # ~user whose home directory is unknown
        raise BadInput(f"{source}: {err}") from None
    # exists() rather than is_file(): bash's <(...) gives a /dev/fd/N pipe.
    if not path.exists():
        raise BadInput(f"{source}: no such file")
    if path.is_dir():
        raise BadInput(f"{source} is a directory; give a file (or - for stdin)")
    return path


def read_text(source: str) -> str:
    """The whole text of a file (or stdin for ``-``), UTF-8 with replacement characters."""
    if source == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    else:
        path = _input_path(source)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise BadInput(f"{source}: cannot read it ({err.strerror})") from None
    if isinstance(data, str):
        return data
    return data.decode("utf-8", errors="replace")


#: Bytes asked of a pipe per read (a read returns what has arrived, up to this).
PIPE_CHUNK = 1 << 16
#: Bytes read from a regular file at a time.
FILE_CHUNK = 1 << 20


def _open_input(source: str) -> tuple[IO[bytes] | None, bool]:
    """``(binary stream, close it?)``; ``(None, False)`` for a stdin without bytes."""
    if source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream, False
    path = _input_path(source)
    try:
        return open(path, "rb"), True  # noqa: SIM115 — closed by _chunks
    except OSError as err:
        raise BadInput(f"{source}: cannot read it ({err.strerror})") from None


def _chunks(source: str) -> Iterator[bytes]:
    """The input's bytes as they arrive: a read never waits for more than one pipe read."""
    stream, close = _open_input(source)
    if stream is None:  # a text-only stdin (an embedding program's StringIO)
        data = sys.stdin.read()
        if data:
            yield data.encode("utf-8", "surrogateescape")
        return
    size = FILE_CHUNK if close else PIPE_CHUNK
    read = getattr(stream, "read1", None) or stream.read
    try:
        while True:
            try:
                chunk = read(size)
            except OSError as err:
                raise BadInput(f"{source}: cannot read it ({err.strerror})") from None
            if not chunk:
                return
            yield chunk
    finally:
        if close:
            stream.close()


def _line_groups(source: str) -> Iterator[list[str]]:
    """Lists of the complete lines each read brought (line endings removed)."""
    pending = b""
    for chunk in _chunks(source):
        data = pending + chunk
        # A final \r may be the first half of \r\n: keep it (and its line) for the next read.
        cut = len(data) - 1 if data.endswith(b"\r") else len(data)
        end = max(data.rfind(b"\n", 0, cut), data.rfind(b"\r", 0, cut))
        if end < 0:
            pending = data
            continue
        pending = data[end + 1:]
        parts = _LINE_END_BYTES.split(data[: end + 1])
        parts.pop()  # the empty piece after the last line ending
        yield [part.decode("utf-8", errors="replace") for part in parts]
    if pending:
        parts = _LINE_END_BYTES.split(pending)
        if parts[-1] == b"":
            parts.pop()
        yield [part.decode("utf-8", errors="replace") for part in parts]


def iter_batches(source: str, size: int = 256,
                 skip_blank: bool = True) -> Iterator[list[tuple[int, str]]]:
    """Lists of at most ``size`` ``(line_number, line)`` pairs, as the input arrives.

    A batch holds only lines that have already arrived: it is handed over before the next
    read, so a producer writing one line at a time gets each answer at once, while a big
    file is processed ``size`` lines per call. Memory is bounded by ``size`` and one read.
    """
    number = 0
    batch: list[tuple[int, str]] = []
    for group in _line_groups(source):
        for line in group:
            number += 1
            if skip_blank and not line.strip():
                continue
            batch.append((number, line))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch
            batch = []


def iter_input(source: str, skip_blank: bool = True) -> Iterator[tuple[int, str]]:
    """``(line_number, line)`` pairs of an input file (1-based), without line endings,
    each handed over as soon as its line has arrived (stdin is read as a stream).

    Lines end at ``\n``, ``\r\n`` or ``\r`` only, as in an editor: str.splitlines() would
    also split on form feeds, \x1c-\x1e, NEL and U+2028/9 inside a line.
    """
    for batch in iter_batches(source, size=1 << 30, skip_blank=skip_blank):
        yield from batch


def input_items(text: str | None, source: str | None,
          skip_blank: bool = True) -> Iterable[tuple[int, str]]:
    """The items of a command taking TEXT or ``--input``: ``[(0, text)]`` or the input's
    ``(line_number, line)`` pairs (line 0: not from a batch, so answers carry no line)."""
    if source is None:
        return [(0, text or "")]
    return iter_input(source, skip_blank=skip_blank)


def refuse(number: int, err: Exception | str, as_json: bool | None = None) -> None:
    """Report one refused line of a batch: ``line N: reason`` on stderr and, under
    ``--json``, ``{"line": N, "error": reason}`` on stdout in the answer's place. The batch
    goes on; the command exits 1 at the end. ``as_json`` defaults to the command's
    ``--json`` (or the global one)."""
    state = command_state()
    if state is not None:
        state.refused += 1
    message = str(err)
    echo(f"line {number}: {message}", err=True)
    if want_json(as_json):
        emit({"line": number, "error": message}, True)


#: The older name of :func:`refuse`.
line_error = refuse
