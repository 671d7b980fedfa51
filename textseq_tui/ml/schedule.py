"""The learning-rate schedule the plugins train with: a linear warm-up, then a cosine down to
a floor, over a number of steps, a wall-clock budget, or both.

    schedule = WarmupCosine(warmup=50, total_steps=1000)            # follows the steps
    schedule = WarmupCosine(warmup=50, budget_s=300)                # follows the clock
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)

Following the clock suits a ``--minutes`` budget on a shared CPU whose speed drifts: the rate
has decayed when the budget ends, however many steps that was. With both, the cosine follows
whichever is further along (a bounded background job: it ends decayed on a busy machine too).
``start`` resumes a run part-way along its cosine (``done`` is where it is: save it in the
checkpoint). Under DDP, follow the steps only: every rank must compute the same rate.
"""

from __future__ import annotations

import math
import time


class WarmupCosine:
    """A ``LambdaLR`` multiplier: ``(step + 1) / warmup`` for the first ``warmup`` steps, then
    ``floor + (1 - floor) * (1 + cos(pi * done)) / 2`` where ``done`` (0-1) is the share of
    the steps after warm-up (``total_steps``) or of the clock budget (``budget_s`` seconds,
    counted from construction; ``start`` of it already done) gone, whichever is larger."""

    def __init__(self, warmup: int, total_steps: int | None = None,
                 budget_s: float | None = None, *, floor: float = 0.1,
                 start: float = 0.0) -> None:
        if total_steps is None and budget_s is None:
            raise ValueError("a schedule needs total_steps, budget_s or both")
        self.warmup = max(1, warmup)
        self.total_steps = total_steps
        self.budget_s = budget_s
        self.floor = floor
        self.start = start
        self.started = time.monotonic()
        #: how far along the cosine the last call was (0-1)
        self.done = start

    def __call__(self, step: int) -> float:
        if step < self.warmup:
            return (step + 1) / self.warmup
        done = 0.0
        if self.total_steps is not None:
            done = (step - self.warmup) / max(1, self.total_steps - self.warmup)
        if self.budget_s is not None:
            elapsed = (time.monotonic() - self.started) / max(self.budget_s, 1e-9)
            done = max(done, self.start + (1 - self.start) * elapsed)
        self.done = done = min(1.0, done)
        return self.floor + (1 - self.floor) * 0.5 * (1 + math.cos(math.pi * done))
