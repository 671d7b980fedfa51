"""Safe file I/O shared by the registry, checkpoints and plugins.

- Atomic writes: a temp file in the target's directory, fsync, then ``os.replace``; a crash
  leaves the old file or the new one, never half of one, and no stray temp file.
- Tensors: safetensors, or ``torch.load(weights_only=True)`` — never unpickled code.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from textseq_tui.errors import ModelError, ReadOnlyHome, os_error, read_only_message


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write(fh)`` on a temp file beside ``path``, fsync it, then rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        # KeyboardInterrupt included: never leave a stray temporary file behind.
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError) and err.filename is None and err.errno is not None:
            # a write or fsync failure (ENOSPC) names no file: name the one being written
            raise OSError(err.errno, err.strerror, str(path)) from err
        raise


def sweep_temp_files(path: str | os.PathLike[str]) -> list[Path]:
    """Delete temp files an interrupted :func:`atomic_write` of ``path`` left behind.

    A kill -9 between the temp file's creation and the rename leaves ``.<name>.*.tmp``
    beside ``path``. Call this only where no other writer of ``path`` can be running (a
    training run resuming its own checkpoint). Returns the files removed.
    """
    path = Path(path)
    removed = []
    for stray in path.parent.glob(f".{path.name}.*.tmp"):
        stray.unlink(missing_ok=True)
        removed.append(stray)
    return removed


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    atomic_write(path, lambda fh: fh.write(data))


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_tensors(tensors: dict[str, Any], path: Path, metadata: dict[str, str] | None = None) -> None:
    """Save a flat dict of tensors as safetensors, atomically (contiguous CPU copies)."""
    from safetensors.torch import save

    data = save({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, metadata=metadata)
    atomic_write_bytes(Path(path), data)


def load_tensors(path: Path, device: str = "cpu") -> dict[str, Any]:
    """Load tensors from a safetensors file or a ``torch.save`` state dict, onto ``device``.

    ``.pt``/``.pth`` files load with ``weights_only=True``: a file carrying pickled code is
    refused (UnsafeCheckpoint) before anything in it runs. Tensors saved on CUDA load on a
    CPU-only machine (map_location).
    """
    path = Path(path)
    if path.suffix == ".safetensors":
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            return load_file(str(path), device=str(device))
        except (SafetensorError, OSError, ValueError) as err:
            raise ModelError(f"{path}: not a readable safetensors file ({err})") from None
    from textseq_tui.ml.checkpoint import load_checkpoint

    return load_checkpoint(path, map_location=device)


def cache_folder(home: Path, name: str) -> Path:
    """``home/cache/name``, made on first use. In a home that cannot be written (a read-only
    folder or file system), a private folder in the system's temp dir instead: a cache can
    always be rebuilt, and commands that only read (scoring, picking) keep working."""
    import errno

    path = Path(home) / "cache" / name
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        if err.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise os_error(err) from None
    if os.access(path, os.W_OK):
        return path
    spare = Path(tempfile.gettempdir()) / f"textseq-cache-{os.getuid()}"
    try:
        spare.mkdir(mode=0o700, exist_ok=True)
        st = spare.lstat()
    except OSError as err:
        raise os_error(err) from None
    import stat

    # someone else's folder (or a link) in a shared /tmp is never used
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise ReadOnlyHome(read_only_message(Path(home) / "cache"))
    (spare / name).mkdir(exist_ok=True)
    return spare / name
