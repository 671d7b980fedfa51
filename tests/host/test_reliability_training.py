"""Training resumed after a crash, through a plugin's real CLI (the Trainer-level kill -9
trials are in ``tests/stress/test_crash_training.py`` and ``bench/stress.py``)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

TINY = ["--steps", "4", "--minutes", "0", "--hidden", "8", "--layers", "1", "--embed", "4",
        "--batch-size", "2", "--seq-len", "8", "--eval-every", "100", "--threads", "1",
        "--device", "cpu", "--quiet", "--json", "--seed", "0"]


def test_resuming_a_run_killed_after_its_final_checkpoint_keeps_finite_metrics(
        cli, host, tmp_path: Path) -> None:
    if "autocomplete" not in {p.name for p in host.plugins}:
        pytest.skip("autocomplete plugin is not there")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("to be or not to be, that is the question. " * 40, encoding="utf-8")
    args = ["autocomplete", "train", "--corpus", str(corpus), "--name", "resumed", *TINY]
    first = cli(*args)
    assert first.exit_code == 0, first.stderr
    reference = json.loads(first.stdout.splitlines()[-1])
    # The checkpoint of the finished run stays: that is what a kill between the last
    # checkpoint and the model save leaves behind. Resuming it must give the same card.
    second = cli(*args, "--resume")
    assert second.exit_code == 0, second.stderr
    resumed = json.loads(second.stdout.splitlines()[-1])
    assert resumed["val_nats_per_char"] == reference["val_nats_per_char"]
    numbers = {k: v for k, v in resumed.items() if isinstance(v, float)}
    assert all(math.isfinite(v) for v in numbers.values()), numbers
