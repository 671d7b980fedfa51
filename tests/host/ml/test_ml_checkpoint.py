import os
import pickle
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from textseq_tui.errors import ModelError, UnsafeCheckpoint
from textseq_tui.ml.checkpoint import (
    capture_rng_state,
    load_checkpoint,
    restore_rng_state,
    save_checkpoint,
)


def _state(value: float) -> dict[str, torch.Tensor]:
    return {"weight": torch.full((2, 3), value), "bias": torch.zeros(3)}


def test_round_trip_keeps_states_counters_extra_and_rng(tmp_path):
    path = tmp_path / "run" / "ckpt.pt"  # the directory is created
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.AdamW(model.parameters())
    model(torch.ones(1, 3)).sum().backward()
    optimizer.step()
    save_checkpoint(
        path,
        model_state=model.state_dict(),
        optimizer_state=optimizer.state_dict(),
        step=7,
        epoch=2,
        extra={"vocab": ["a", "b"], "hidden": 64, "note": None, "scale": torch.tensor(0.5)},
    )
    ckpt = load_checkpoint(path)
    assert ckpt["step"] == 7 and ckpt["epoch"] == 2 and ckpt["scheduler"] is None
    assert ckpt["extra"]["vocab"] == ["a", "b"] and ckpt["extra"]["hidden"] == 64
    torch.testing.assert_close(ckpt["model"]["weight"], model.weight.detach())
    fresh = torch.optim.AdamW(torch.nn.Linear(3, 2).parameters())
    fresh.load_state_dict(ckpt["optimizer"])
    assert set(ckpt["rng"]) >= {"torch", "python", "numpy"}


def test_restoring_rng_state_replays_torch_python_and_numpy_draws():
    state = capture_rng_state()
    first = (torch.rand(3), random.random(), np.random.rand())
    restore_rng_state(state)
    second = (torch.rand(3), random.random(), np.random.rand())
    assert torch.equal(first[0], second[0]) and first[1:] == second[1:]


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "ckpt.pt"
    save_checkpoint(path, model_state=_state(1.0), step=1)
    save_checkpoint(path, model_state=_state(2.0), step=2)
    assert os.listdir(tmp_path) == ["ckpt.pt"]
    assert load_checkpoint(path)["step"] == 2


def test_a_failure_mid_save_leaves_the_old_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    save_checkpoint(path, model_state=_state(1.0), step=1)
    real_save = torch.save

    def half_write_then_fail(obj, f, *args, **kwargs):
        real_save(obj, f, *args, **kwargs)
        f.truncate(f.tell() // 2)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", half_write_then_fail)
    with pytest.raises(OSError, match="No space"):
        save_checkpoint(path, model_state=_state(2.0), step=2)
    assert os.listdir(tmp_path) == ["ckpt.pt"]
    ckpt = load_checkpoint(path)
    assert ckpt["step"] == 1 and torch.equal(ckpt["model"]["weight"], _state(1.0)["weight"])


def test_a_process_killed_mid_save_leaves_the_old_checkpoint_intact(tmp_path):
    path = tmp_path / "ckpt.pt"
    save_checkpoint(path, model_state=_state(1.0), step=1)
    # The child dies (no exception handling, no cleanup) after writing half the new file.
    script = textwrap.dedent(
        f"""
        import os, torch
        from textseq_tui.ml.checkpoint import save_checkpoint
        real_save = torch.save
        def die_halfway(obj, f, *a, **k):
            real_save(obj, f, *a, **k)
            f.truncate(f.tell() // 2)
            f.flush()
            os._exit(9)
        torch.save = die_halfway
        save_checkpoint({str(path)!r}, model_state={{"w": torch.ones(1000)}}, step=2)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    child = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
    assert child.returncode == 9, child.stderr.decode()
    assert load_checkpoint(path)["step"] == 1


def test_extra_state_that_could_not_be_loaded_safely_is_refused_before_writing(tmp_path):
    path = tmp_path / "ckpt.pt"
    with pytest.raises(ModelError, match=r"extra\['tokenizer'\]"):
        save_checkpoint(path, model_state=_state(1.0), extra={"tokenizer": object()})
    assert not path.exists() and os.listdir(tmp_path) == []


MARKER_NAME = "payload-ran"


def _payload_action(marker: str) -> None:
    Path(marker).write_text("the checkpoint's code ran")


class Payload:
    """Pickles as 'call _payload_action(marker)': code that runs when unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (_payload_action, (self.marker,))


def test_a_checkpoint_carrying_code_is_refused_and_the_code_never_runs(tmp_path):
    # First prove the payload is live: plain unpickling runs it.
    live_marker = tmp_path / "live-marker"
    pickle.loads(pickle.dumps(Payload(live_marker)))
    assert live_marker.exists()

    marker = tmp_path / MARKER_NAME
    path = tmp_path / "evil.pt"
    torch.save({"model": _state(1.0), "format": "textseq-checkpoint", "x": Payload(marker)}, path)
    with pytest.raises(UnsafeCheckpoint) as err:
        load_checkpoint(path)
    assert str(path) in str(err.value)
    assert "_payload_action" in str(err.value)  # torch's reason, without its long lecture
    assert not marker.exists()


@pytest.mark.parametrize("kept", [0.1, 0.5, 0.9])  # torch fails differently for each cut
def test_a_truncated_checkpoint_is_a_model_error_naming_the_file(tmp_path, kept):
    path = tmp_path / "ckpt.pt"
    save_checkpoint(path, model_state=_state(1.0))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * kept)])
    with pytest.raises(ModelError, match="truncated or corrupt") as err:
        load_checkpoint(path)
    assert str(path) in str(err.value)
    assert not isinstance(err.value, UnsafeCheckpoint)


def test_an_empty_or_missing_checkpoint_is_a_model_error_naming_the_file(tmp_path):
    empty = tmp_path / "empty.pt"
    empty.touch()
    with pytest.raises(ModelError, match="empty") as err:
        load_checkpoint(empty)
    assert str(empty) in str(err.value)
    with pytest.raises(ModelError, match="No checkpoint at"):
        load_checkpoint(tmp_path / "missing.pt")
