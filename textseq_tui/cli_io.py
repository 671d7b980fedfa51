"""Input and output conventions of the CLI contract, shared by the host and plugins.

- ``--json``: one JSON object per line on stdout.
- ``--input FILE`` (``-`` for stdin): one item a line, decoded as UTF-8 with replacement so an
  odd byte never crashes a batch; a bad line is reported on stderr with its line number and
  the rest still run.
- Errors: one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from textseq_tui.errors import BadInput

_LINE_END = re.compile(r"\r\n|\r|\n")

#: Set by the root command's ``--json``; commands OR it with their own flag.
GLOBAL_JSON = False


def want_json(flag: bool) -> bool:
    """True when the command's ``--json`` or the global ``textseq --json`` was given."""
    return flag or GLOBAL_JSON


def emit(obj: Any, as_json: bool, text: str | None = None) -> None:
    """Print one result: a JSON line, or ``text`` (default: a compact ``key: value`` line)."""
    if as_json:
        line = json.dumps(obj, ensure_ascii=False, default=_jsonable) + "\n"
        try:
            sys.stdout.write(line)
        except UnicodeEncodeError:
            # Text that came from non-UTF-8 argv bytes holds lone surrogates (\udcXX); an
            # ASCII-escaped line is still valid JSON and keeps them recoverable.
            sys.stdout.write(json.dumps(obj, ensure_ascii=True, default=_jsonable) + "\n")
        sys.stdout.flush()
        return
    if text is None:
        if isinstance(obj, dict):
            text = "  ".join(f"{k}: {v}" for k, v in obj.items())
        else:
            text = str(obj)
    from rich.console import Console

    # Lone surrogates (from non-UTF-8 argv) cannot be printed: show U+FFFD instead.
    text = text.encode("utf-8", "replace").decode("utf-8")
    Console(soft_wrap=True, highlight=False).print(text)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy / torch scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def read_text(source: str) -> str:
    """The whole text of a file (or stdin for ``-``), UTF-8 with replacement characters."""
    if source == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    else:
        try:
            path = Path(source).expanduser()
        except RuntimeError as err:  # ~user whose home directory is unknown
            raise BadInput(f"{source}: {err}") from None
        # exists() rather than is_file(): bash's <(...) gives a /dev/fd/N pipe.
        if not path.exists():
            raise BadInput(f"{source}: no such file")
        if path.is_dir():
            raise BadInput(f"{source} is a directory; give a file (or - for stdin)")
        try:
            data = path.read_bytes()
        except OSError as err:
            raise BadInput(f"{source}: cannot read it ({err.strerror})") from None
    if isinstance(data, str):
        return data
    return data.decode("utf-8", errors="replace")


def iter_input(source: str, skip_blank: bool = True) -> Iterator[tuple[int, str]]:
    """``(line_number, line)`` pairs of an input file (1-based), without line endings.

    Lines end at ``\n``, ``\r\n`` or ``\r`` only, as in an editor: str.splitlines() would
    also split on form feeds, \x1c-\x1e, NEL and U+2028/9 inside a line.
    """
    text = read_text(source)
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if skip_blank and not line.strip():
            continue
        yield number, line


def line_error(number: int, err: Exception) -> None:
    """Report one bad line of a batch on stderr; the batch goes on."""
    sys.stderr.write(f"line {number}: {err}\n")
