"""Training checkpoints: written atomically, read without ever running pickled code.

A checkpoint is a ``torch.save`` of a plain dict::

    {"format": "textseq-checkpoint", "format_version": 1,
     "model": state_dict, "optimizer": ... | None, "scheduler": ... | None,
     "step": int, "epoch": int, "extra": dict, "rng": {...}}

Everything in it is tensors and plain Python values, so ``torch.load(weights_only=True)``
reads it back and a file carrying code is refused rather than executed.
"""

from __future__ import annotations

import os
import pickle
import random
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from textseq_tui.errors import ModelError, UnsafeCheckpoint
from textseq_tui.files import atomic_write

FORMAT = "textseq-checkpoint"
FORMAT_VERSION = 1

# What weights_only=True can read back without an allow-list.
_PLAIN_TYPES = (str, int, float, bool, type(None), torch.Tensor, torch.Size, torch.dtype)


def save_checkpoint(
    path: str | os.PathLike[str],
    *,
    model_state: Mapping[str, Any],
    optimizer_state: Mapping[str, Any] | None = None,
    scheduler_state: Mapping[str, Any] | None = None,
    step: int = 0,
    epoch: int = 0,
    extra: dict | None = None,
) -> None:
    """Write a checkpoint to ``path`` atomically, with the current RNG states.

    The payload goes to a temporary file in the same directory, is flushed and fsynced, then
    ``os.replace``-d over ``path``: a crash at any moment leaves either the old checkpoint or
    the new one, never half of one. The torch (CPU and any initialised CUDA devices), Python
    ``random`` and NumPy global RNG states are stored so a resumed run draws the same random
    numbers (``restore_rng_state``). ``extra`` must hold only tensors and plain values
    (str, int, float, bool, None, and lists/tuples/dicts of them); anything else raises
    ``ModelError`` before a byte is written, since it could not be loaded back safely.
    """
    path = Path(path)
    extra = dict(extra or {})
    _check_plain(extra, "extra")
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": dict(model_state),
        "optimizer": None if optimizer_state is None else dict(optimizer_state),
        "scheduler": None if scheduler_state is None else dict(scheduler_state),
        "step": int(step),
        "epoch": int(epoch),
        "extra": extra,
        "rng": capture_rng_state(),
    }
    atomic_write(path, lambda fh: torch.save(payload, fh))
    _fsync_directory(path.parent)


def load_checkpoint(
    path: str | os.PathLike[str], map_location: str | torch.device | None = "cpu"
) -> dict:
    """Read a checkpoint with ``torch.load(weights_only=True)``, tensors on ``map_location``.

    Raises ``ModelError`` naming the file when it is missing, empty, truncated or corrupt, and
    ``UnsafeCheckpoint`` when it holds pickled objects other than tensors and plain values
    (for instance code that would run on load: it is refused, never executed).
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"No checkpoint at {path}.")
    if path.stat().st_size == 0:
        raise ModelError(f"Checkpoint {path} is empty (0 bytes): it was never fully written.")
    try:
        # Opened here so that an access error is told apart from a corrupt file.
        handle = open(path, "rb")
    except OSError as err:
        raise ModelError(f"Cannot read checkpoint {path}: {err.strerror or err}.") from None
    try:
        with handle:
            loaded = torch.load(handle, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        raise UnsafeCheckpoint(
            f"Refused to load checkpoint {path}: it contains objects other than tensors and "
            f"plain values ({_unpickling_reason(err)}). Only load files from a trusted source."
        ) from None
    # A cut-off file shows up as any of these, depending on where the cut falls (an OSError
    # "Invalid argument" comes from seeking to a record past the end).
    except (EOFError, RuntimeError, KeyError, ValueError, OSError, zipfile.BadZipFile) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelError(
            f"Checkpoint {path} is truncated or corrupt ({reason}). "
            "Delete it, or train again without --resume."
        ) from None
    if not isinstance(loaded, dict):
        raise ModelError(f"Checkpoint {path} holds a {type(loaded).__name__}, not a dict.")
    return loaded


def capture_rng_state() -> dict:
    """The global RNG states (torch CPU, initialised CUDA devices, Python ``random``, NumPy) as
    tensors and plain values, ready for ``save_checkpoint``/``restore_rng_state``."""
    version, internal, gauss = random.getstate()
    state: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        # Only devices that were used: asking for the state would otherwise initialise CUDA.
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else [],
        "python": [version, list(internal), gauss],
        "numpy": None,
    }
    try:
        import numpy as np
    except ImportError:  # numpy is optional for the host
        return state
    name, keys, pos, has_gauss, cached = np.random.get_state()
    state["numpy"] = [
        name,
        torch.from_numpy(keys.astype(np.int64)),
        int(pos),
        int(has_gauss),
        float(cached),
    ]
    return state


def restore_rng_state(state: Mapping[str, Any]) -> None:
    """Set the global RNGs back to a state from ``capture_rng_state`` (CUDA states only when
    the same number of CUDA devices is visible)."""
    torch.set_rng_state(state["torch"].cpu())
    cuda_states = state.get("cuda") or []
    if cuda_states and torch.cuda.is_available() and len(cuda_states) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all([s.cpu() for s in cuda_states])
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    if state.get("numpy") is not None:
        try:
            import numpy as np
        except ImportError:
            return
        name, keys, pos, has_gauss, cached = state["numpy"]
        np.random.set_state((name, keys.cpu().numpy().astype(np.uint32), pos, has_gauss, cached))


def _check_plain(value: Any, where: str) -> None:
    if isinstance(value, _PLAIN_TYPES):
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_plain(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, (str, int)):
                raise ModelError(f"Cannot checkpoint {where}: key {key!r} is not a str or int.")
            _check_plain(item, f"{where}[{key!r}]")
        return
    raise ModelError(
        f"Cannot checkpoint {where}: a {type(value).__name__} is not a tensor or plain value, "
        "so it could not be loaded back safely."
    )


def _unpickling_reason(err: pickle.UnpicklingError) -> str:
    # torch wraps the real reason ("unsupported GLOBAL posix.system ...") in a long lecture.
    for line in str(err).splitlines():
        if "nsupported" in line or "not an allowed global" in line:
            return line.strip().rstrip(".")
    return "the weights-only unpickler rejected it"


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a directory this way.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
