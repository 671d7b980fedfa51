"""The in-suite version of the training crash script: 3 seeded kill -9 trials of a tiny GRU
trained by ``textseq_tui.ml.trainer.Trainer``. ``python tests/stress/crash_training.py
--trials 10`` is the full run."""

from __future__ import annotations

from pathlib import Path

import crash_training
import pytest


@pytest.fixture(autouse=True)
def _restore_torch_threads():
    """crash_training trains on one thread; later tests get the thread count back."""
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def test_kill_9_mid_training_then_resume_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    result = crash_training.run_trials(tmp_path, trials=3, seed=0, steps=40, how="fork")
    rows = result["rows"]
    assert all(r["returncode"] in (-9, 0) for r in rows)
    # Every trial left a checkpoint that loads (run_trials raises otherwise) or none at all,
    # and resuming from it reproduced the uninterrupted run exactly.
    assert [r["max_weight_diff"] for r in rows] == [0.0, 0.0, 0.0], rows
    assert [r["val_loss_diff"] for r in rows] == [0.0, 0.0, 0.0], rows
    assert all(r["resumed_from"] == (r["checkpoint_step"] or 0) for r in rows)
    assert result["killed_mid_run"] >= 1, rows  # the test really interrupted something


def test_a_resumed_run_sweeps_temp_files_left_by_a_kill_during_a_save(tmp_path: Path) -> None:
    ckpt = tmp_path / "ckpt.pt"
    crash_training.train(ckpt, steps=7)
    # exactly what SIGKILL inside save_checkpoint leaves: a partial temp file beside it
    stray = tmp_path / ".ckpt.pt.k1ll3d.tmp"
    stray.write_bytes(ckpt.read_bytes()[:1000])
    crash_training.train(ckpt, steps=14, resume=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]
