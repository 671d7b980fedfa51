"""Choosing the torch device a model trains or runs on, naming it for people, and joining
the process group when ``torchrun`` started several processes (one per device)."""

from __future__ import annotations

import os
import re

import torch

from textseq_tui.errors import BadInput

DEVICE_CHOICES = ("auto", "cpu", "cuda", "cuda:N")

_CUDA_RE = re.compile(r"^cuda(?::(\d+))?$")


def choose_device(preference: str = "auto") -> torch.device:
    """Turn a user's ``--device`` value into a ``torch.device``.

    ``"auto"`` picks the current CUDA device when CUDA is available, else the CPU; ``"cpu"``;
    ``"cuda"`` (the current CUDA device) or ``"cuda:N"``. The result always carries an index
    for CUDA (``cuda:0``), so it can be compared and printed. Under ``torchrun``, call
    ``ddp_setup()`` first: it makes each rank's local GPU the current device.

    Raises ``BadInput`` when CUDA is asked for but not available, when ``cuda:N`` names a GPU
    that does not exist, or for any other string (the message lists the valid choices).
    """
    choice = preference.strip().lower()
    if choice == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", torch.cuda.current_device())
        return torch.device("cpu")
    if choice == "cpu":
        return torch.device("cpu")
    match = _CUDA_RE.match(choice)
    if match is None:
        raise BadInput(
            f"Unknown device {preference!r}: choose one of {', '.join(DEVICE_CHOICES)} "
            "(N is a GPU number, e.g. cuda:0)."
        )
    if not torch.cuda.is_available():
        raise BadInput(
            f"Device {preference!r} asked for CUDA, but CUDA is not available here "
            f"(torch {torch.__version__}, built for CUDA: {torch.version.cuda or 'no'}). "
            "Use --device cpu or --device auto."
        )
    count = torch.cuda.device_count()
    index = torch.cuda.current_device() if match.group(1) is None else int(match.group(1))
    if index >= count:
        raise BadInput(
            f"Device {preference!r} does not exist: this machine has {count} CUDA "
            f"device(s), cuda:0 to cuda:{count - 1}."
        )
    return torch.device("cuda", index)


def describe_device(device: torch.device | str) -> str:
    """Name a device for logs and model cards, e.g. ``"cpu (2 threads)"`` or
    ``"cuda:0 NVIDIA H100 80GB HBM3"``."""
    device = torch.device(device)
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    if device.type == "cuda":
        index = torch.cuda.current_device() if device.index is None else device.index
        return f"cuda:{index} {torch.cuda.get_device_name(index)}"
    return str(device)


# -- torchrun (DDP) ------------------------------------------------------------------------


def _distributed() -> bool:
    return torch.distributed.is_available() and torch.distributed.is_initialized()


def ddp_setup(backend: str | None = None) -> tuple[int, int]:
    """Join the process group ``torchrun`` set up; return ``(rank, world_size)``.

    Reads ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` (plus ``MASTER_ADDR``/``MASTER_PORT``,
    through the ``env://`` init method). The backend is NCCL when CUDA is available (each
    rank's current device becomes ``cuda:LOCAL_RANK``, so call this before
    ``choose_device``), else gloo. Outside torchrun it initialises nothing and returns
    ``(0, 1)``.
    """
    env = os.environ
    if "RANK" not in env and "WORLD_SIZE" not in env:
        return 0, 1
    try:
        rank, world_size = int(env["RANK"]), int(env["WORLD_SIZE"])
        local_rank = int(env.get("LOCAL_RANK", rank))
    except (KeyError, ValueError):
        raise BadInput(
            "RANK and WORLD_SIZE must both be set to integers (start with torchrun)."
        ) from None
    if not torch.distributed.is_available():
        raise BadInput("This torch build has no torch.distributed; run in one process.")
    if torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    if backend is None:
        backend = "nccl" if torch.cuda.is_available() else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(local_rank)
    torch.distributed.init_process_group(backend=backend, rank=rank, world_size=world_size)
    return rank, world_size


def is_main_process() -> bool:
    """True in a single process and on rank 0 of a process group."""
    return not _distributed() or torch.distributed.get_rank() == 0


def ddp_cleanup() -> None:
    """Leave the process group, if one was joined (safe to call in every case)."""
    if _distributed():
        torch.distributed.destroy_process_group()


def max_across_ranks(value: int, device: torch.device | None = None) -> int:
    """The largest ``value`` any rank passed (an all-reduce, so every rank must call it);
    ``value`` itself in a single process. ``device`` is this rank's device (NCCL needs the
    tensor on the GPU)."""
    if not _distributed() or torch.distributed.get_world_size() == 1:
        return value
    on_gpu = torch.distributed.get_backend() == "nccl"
    tensor = torch.tensor(value, device=device if on_gpu else "cpu")
    torch.distributed.all_reduce(tensor, op=torch.distributed.ReduceOp.MAX)
    return int(tensor)
