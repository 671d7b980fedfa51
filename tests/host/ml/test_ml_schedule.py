"""The one learning-rate schedule: a linear warm-up, then a cosine to a floor, over the steps,
the clock, or whichever is further along."""

from __future__ import annotations

import math

import pytest

from textseq_tui.ml.schedule import WarmupCosine


def test_warm_up_then_a_cosine_over_the_steps_down_to_the_floor() -> None:
    schedule = WarmupCosine(warmup=4, total_steps=14)
    assert [schedule(s) for s in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert schedule(4) == pytest.approx(1.0)
    assert schedule(9) == pytest.approx(0.1 + 0.9 * 0.5)  # half-way down
    assert schedule(14) == pytest.approx(0.1) and schedule(99) == pytest.approx(0.1)
    assert schedule.done == 1.0
    values = [schedule(s) for s in range(4, 15)]
    assert values == sorted(values, reverse=True)


def test_the_clock_and_a_resumed_start(monkeypatch) -> None:
    import textseq_tui.ml.schedule as module

    now = [100.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    timed = WarmupCosine(warmup=1, budget_s=60)
    now[0] += 30  # half the budget gone: half-way down, whatever the step
    assert timed(5) == pytest.approx(0.55) and timed.done == pytest.approx(0.5)
    resumed = WarmupCosine(warmup=1, budget_s=60, start=0.5)  # a run resumed half-way
    assert resumed(5) == pytest.approx(0.55)
    now[0] += 30
    assert resumed(5) == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi * 0.75)))
    # both: whichever is further along (a bounded job on a busy machine ends decayed)
    both = WarmupCosine(warmup=1, total_steps=101, budget_s=60)
    assert both(51) == pytest.approx(0.55)
    now[0] += 60
    assert both(2) == pytest.approx(0.1)
    with pytest.raises(ValueError):
        WarmupCosine(warmup=1)
