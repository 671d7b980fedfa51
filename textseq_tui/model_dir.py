"""Writing model directories without touching what textseq did not make.

A model directory is assembled in a *staging folder* beside its destination (same file
system, so the final rename is atomic) and renamed into place. Staging folders carry a
textseq-specific name (``.textseq-staging.*``) and a marker file inside (``STAGING_MARKER``,
holding the writer's pid and host): a sweep removes only folders with both, so a user's own
hidden folders (``.ssh``, ``.config``) beside an ``--out`` are never touched.

A destination that already exists is replaced only when it is an empty folder or a model
directory of the same plugin holding nothing but its card and the files the card names;
anything else is refused with one line (:class:`BadInput`) and left as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textseq_tui.errors import BadInput, ModelError
from textseq_tui.files import sha256_file

if TYPE_CHECKING:
    from textseq_tui.registry import ModelCard

CARD_FILE = "card.json"
#: Every staging folder's name starts with this; nothing else is ever swept.
STAGING_PREFIX = ".textseq-staging."
#: The file inside a staging folder that says textseq made it (JSON: pid, host, created).
STAGING_MARKER = ".textseq-staging"
#: A staging folder whose writer cannot be checked (another host) is swept after this long.
STALE_STAGING_S = 3600.0
#: Model folders are readable by everyone (like a file written with umask 022): a shared
#: ``--out`` or ``models export`` must not come out ``drwx------``.
DIR_MODE = 0o755
FILE_MODE = 0o644


def new_staging(parent: Path, label: str) -> Path:
    """A new, marked staging folder in ``parent`` (created with its parents)."""
    import tempfile

    parent.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in label)[:60]
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f"{STAGING_PREFIX}{safe}."))
    marker = {"pid": os.getpid(), "host": socket.gethostname(), "created": time.time()}
    (tmp / STAGING_MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    return tmp


def _owner_gone(folder: Path, older_than: float) -> bool:
    """Whether a marked staging folder's writer is gone: its pid no longer runs on this host,
    or (another host, an unreadable marker) it is older than ``older_than`` seconds."""
    try:
        marker = json.loads((folder / STAGING_MARKER).read_text(encoding="utf-8"))
        pid, host = int(marker["pid"]), str(marker["host"])
    except (OSError, ValueError, KeyError, TypeError):
        marker = None
    if marker is not None and host == socket.gethostname():
        if pid == os.getpid():
            return False  # this process's own write, in another thread
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False  # alive, another user's
        return False
    try:
        return time.time() - folder.stat().st_mtime > older_than
    except OSError:
        return False


def sweep_staging(folder: Path, older_than: float = STALE_STAGING_S) -> list[Path]:
    """Remove the staging folders a killed write left in ``folder``; returns them.

    Only folders named ``.textseq-staging.*`` that hold the marker file are candidates, and
    only once their writer is gone (see ``_owner_gone``): a live write is never disturbed.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        try:
            if (not entry.name.startswith(STAGING_PREFIX) or entry.is_symlink()
                    or not entry.is_dir() or not (entry / STAGING_MARKER).is_file()):
                continue
            if _owner_gone(entry, older_than):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        except OSError:
            continue
    return removed


def replace_problem(out: Path, plugin: str) -> str | None:
    """Why a model directory must not be written at ``out`` (None when it may).

    ``out`` may be new, an empty folder, or a model directory of ``plugin`` that holds only
    ``card.json`` and the files its card names (it is then replaced as a whole).
    """
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        return None
    except OSError as err:
        return f"{out} cannot be checked ({err.strerror or err})"
    if stat.S_ISLNK(st.st_mode):
        return f"{out} is a symbolic link; name a new folder"
    if not stat.S_ISDIR(st.st_mode):
        return f"{out} exists and is not a folder; name a new folder"
    try:
        entries = sorted(p.name for p in out.iterdir())
    except OSError as err:
        return f"{out} cannot be read ({err.strerror or err})"
    if not entries:
        return None
    from textseq_tui.registry import read_card

    try:
        card = read_card(out)
    except ModelError:
        return (f"{out} already holds files that are not a textseq model "
                f"({', '.join(entries[:3])}{', ...' if len(entries) > 3 else ''}); "
                "name a new or empty folder")
    if card.plugin != plugin:
        return (f"{out} holds a model of the {card.plugin!r} plugin, not {plugin!r}; "
                "name a new or empty folder")
    extra = sorted(set(entries) - set(card.files) - {CARD_FILE})
    if extra:
        return (f"{out} holds a model and other files ({', '.join(extra[:3])}"
                f"{', ...' if len(extra) > 3 else ''}) that replacing it would delete; "
                "move them or name a new folder")
    return None


def write_model_dir(out: Path, card: ModelCard, files: dict[str, Path | bytes]) -> Path:
    """Write a model directory at ``out`` atomically: ``files`` (name -> bytes, or a path to
    copy) and ``card.json`` with every file's sha256 (``card.files`` is filled in).

    ``out`` must be new, an empty folder, or a model directory of the same plugin holding
    nothing else (see :func:`replace_problem`), which is replaced as a whole; anything else
    raises BadInput and nothing is written. The directory is assembled in a marked staging
    folder beside ``out`` and renamed into place, so it appears whole or not at all.
    Folders and files come out world-readable (0755/0644). Returns ``out``.
    """
    from textseq_tui.registry import check_name

    out = Path(out)
    problem = replace_problem(out, card.plugin)
    if problem:
        raise BadInput(f"refusing to write the model: {problem}")
    for fname in files:
        check_name(fname)
    sweep_staging(out.parent)
    tmp = new_staging(out.parent, out.name)
    try:
        card.files = {}
        for fname, content in files.items():
            target = tmp / fname
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                shutil.copyfile(content, target)
            card.files[fname] = sha256_file(target)
        (tmp / CARD_FILE).write_text(json.dumps(card.to_dict(), indent=2) + "\n")
        (tmp / STAGING_MARKER).unlink()
        for f in tmp.iterdir():
            os.chmod(f, FILE_MODE)
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        os.chmod(tmp, DIR_MODE)
        _swap_in(tmp, out, card.plugin)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _swap_in(tmp: Path, out: Path, plugin: str) -> None:
    """Rename the finished ``tmp`` to ``out``; an old model there is moved into a marked
    staging folder first and removed after. Checked again right before: a folder that
    appeared or changed since the first check is refused, not replaced."""
    problem = replace_problem(out, plugin)
    if problem:
        raise BadInput(f"refusing to write the model: {problem}")
    if out.is_dir() and any(out.iterdir()):
        old = new_staging(out.parent, f"{out.name}.old")
        os.replace(out, old / "model")
        try:
            os.replace(tmp, out)
        except BaseException:
            os.replace(old / "model", out)  # put the old model back
            shutil.rmtree(old, ignore_errors=True)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        # A new path, or an empty folder: rename() replaces an empty directory atomically.
        os.replace(tmp, out)
