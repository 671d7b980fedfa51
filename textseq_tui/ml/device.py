"""Choosing the torch device a model trains or runs on, and naming it for people."""

from __future__ import annotations

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
