"""Synthetic normal sessions for the anomaly tests (a tiny log 'grammar')."""

from __future__ import annotations

import random


def normal_sessions(n: int, seed: int = 0) -> list[list[str]]:
    """open (read x1-3 | write) close, and the short session ping pong."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.6:
            out.append(["open"] + ["read"] * rng.randint(1, 3) + ["close"])
        elif kind < 0.85:
            out.append(["open", "write", "close"])
        else:
            out.append(["ping", "pong"])
    return out
