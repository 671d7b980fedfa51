"""A checkpoint saved on a GPU loads on a CPU-only machine.

There is no GPU here, so we make a real CUDA checkpoint: ``torch.save`` writes a zip whose
``data.pkl`` names each storage's location (``'cpu'``, ``'cuda:0'``) as a pickled string in
the storage's persistent id. Rewriting that string (and its length prefix) gives byte for
byte what ``torch.save`` writes for tensors living on ``cuda:0``. Plain ``torch.load`` of it
fails on this machine; the host's loaders (``map_location``) must bring it to the CPU.
"""

from __future__ import annotations

import io
import pickletools
import struct
import zipfile
from pathlib import Path

import pytest
import torch

from textseq_tui.files import load_tensors
from textseq_tui.ml.checkpoint import load_checkpoint, save_checkpoint
from textseq_tui.registry import ModelRegistry, new_card


def relocate_checkpoint(src: Path, dst: Path, old: str = "cpu", new: str = "cuda:0") -> int:
    """Copy a ``torch.save`` zip, rewriting every pickled location string ``old`` -> ``new``.

    Walks the pickle opcodes (no unpickling) and re-emits each ``BINUNICODE``/
    ``SHORT_BINUNICODE`` whose value is ``old`` with the new length prefix; memo indices are
    positions in the memo, not byte offsets, so the rest of the stream is copied unchanged.
    Returns how many strings were rewritten.
    """
    with zipfile.ZipFile(src) as zin:
        entries = [(info, zin.read(info)) for info in zin.infolist()]
    count = 0
    out_entries = []
    for info, data in entries:
        if info.filename.endswith("/data.pkl"):
            data, count = _rewrite_pickle(data, old, new)
        out_entries.append((info.filename, data))
    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_STORED) as zout:
        for name, data in out_entries:
            zout.writestr(name, data)
    return count


def _rewrite_pickle(data: bytes, old: str, new: str) -> tuple[bytes, int]:
    ops = list(pickletools.genops(data))
    out = io.BytesIO()
    count = 0
    for i, (op, arg, pos) in enumerate(ops):
        end = ops[i + 1][2] if i + 1 < len(ops) else len(data)
        if op.name in ("BINUNICODE", "SHORT_BINUNICODE") and arg == old:
            encoded = new.encode("utf-8")
            out.write(b"X" + struct.pack("<I", len(encoded)) + encoded)
            count += 1
        else:
            out.write(data[pos:end])
    return out.getvalue(), count


def storage_locations(path: Path) -> list[str]:
    """The location tag of every storage in a checkpoint, as torch.load sees them."""
    seen: list[str] = []

    def record(storage, location):
        seen.append(location)
        return storage  # stays on the CPU: nothing is moved anywhere

    torch.load(path, map_location=record, weights_only=True)
    return seen


def _state() -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return {
        "embed.weight": torch.randn(7, 5, generator=gen),
        "rnn.bias": torch.randn(12, generator=gen).to(torch.float16),
        "head.weight": torch.randn(5, 7, generator=gen)[:, 1:4],  # a non-contiguous view
        "steps": torch.tensor(42, dtype=torch.int64),
    }


def _cuda_available() -> bool:
    return torch.cuda.is_available()


def _assert_equal_on_cpu(loaded: dict, expected: dict) -> None:
    assert set(loaded) == set(expected)
    for key, tensor in expected.items():
        assert loaded[key].device.type == "cpu", key
        assert loaded[key].dtype == tensor.dtype, key
        torch.testing.assert_close(loaded[key], tensor, rtol=0, atol=0, msg=key)


@pytest.fixture
def cuda_state_dict(tmp_path: Path) -> tuple[Path, dict]:
    state = _state()
    cpu_path = tmp_path / "cpu.pt"
    torch.save(state, cpu_path)
    gpu_path = tmp_path / "weights.pt"
    assert relocate_checkpoint(cpu_path, gpu_path) >= 1
    assert storage_locations(gpu_path) == ["cuda:0"] * 4
    return gpu_path, state


@pytest.mark.skipif(_cuda_available(), reason="proves the CPU-only failure; needs no GPU")
def test_rewritten_checkpoint_really_is_a_cuda_one(cuda_state_dict) -> None:
    path, _ = cuda_state_dict
    with pytest.raises(RuntimeError, match="CUDA"):
        torch.load(path, weights_only=True)
    # A CPU file would have loaded: the failure comes from the rewritten location tags.
    with zipfile.ZipFile(path) as z:
        pkl = next(n for n in z.namelist() if n.endswith("data.pkl"))
        assert b"cuda:0" in z.read(pkl) and b"X\x03\x00\x00\x00cpu" not in z.read(pkl)


def test_cuda_saved_state_dict_loads_on_cpu_through_load_tensors(cuda_state_dict) -> None:
    path, state = cuda_state_dict
    _assert_equal_on_cpu(load_tensors(path, "cpu"), state)


def test_cuda_saved_training_checkpoint_loads_on_cpu(tmp_path: Path) -> None:
    state = _state()
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.1)
    model(torch.ones(1, 3)).sum().backward()
    optimizer.step()
    cpu_path = tmp_path / "cpu-ckpt.pt"
    save_checkpoint(cpu_path, model_state=state, optimizer_state=optimizer.state_dict(),
                    step=17, epoch=2, extra={"vocab": ["a", "b"], "device": "cuda:0"})
    gpu_path = tmp_path / "ckpt.pt"
    assert relocate_checkpoint(cpu_path, gpu_path) >= 1
    assert set(storage_locations(gpu_path)) == {"cuda:0"}  # weights, optimizer moments, rng
    loaded = load_checkpoint(gpu_path, map_location="cpu")
    _assert_equal_on_cpu(loaded["model"], state)
    assert (loaded["step"], loaded["epoch"]) == (17, 2)
    assert loaded["extra"] == {"vocab": ["a", "b"], "device": "cuda:0"}
    moments = loaded["optimizer"]["state"][0]["exp_avg"]
    assert moments.device.type == "cpu"
    torch.testing.assert_close(moments, optimizer.state_dict()["state"][0]["exp_avg"])
    # and the optimizer state is usable again on the CPU
    optimizer.load_state_dict(loaded["optimizer"])


def test_registry_loads_a_gpu_trained_model_on_a_cpu_machine(cuda_state_dict, tmp_path) -> None:
    path, state = cuda_state_dict
    registry = ModelRegistry(tmp_path / "user", device="auto")
    registry.register_kind("gpu-tiny", lambda d, dev: load_tensors(d / "weights.pt", dev))
    card = new_card(name="gpu-tiny-1", plugin="tests", kind="gpu-tiny", device="cuda:0",
                    data="synthetic")
    registry.save(card, {"weights.pt": path})
    expected_device = "cuda" if _cuda_available() else "cpu"
    loaded = registry.load("gpu-tiny-1")
    assert all(t.device.type == expected_device for t in loaded.values())
    _assert_equal_on_cpu({k: v.cpu() for k, v in loaded.items()}, state)


@pytest.mark.skipif(not _cuda_available(), reason="needs a GPU")
def test_a_real_cuda_save_matches_the_rewritten_file(tmp_path: Path) -> None:
    state = _state()
    real = tmp_path / "real.pt"
    torch.save({k: v.to("cuda:0") for k, v in state.items()}, real)
    fake = tmp_path / "fake.pt"
    torch.save(state, tmp_path / "cpu.pt")
    relocate_checkpoint(tmp_path / "cpu.pt", fake)
    with zipfile.ZipFile(real) as a, zipfile.ZipFile(fake) as b:
        name_a = next(n for n in a.namelist() if n.endswith("data.pkl"))
        name_b = next(n for n in b.namelist() if n.endswith("data.pkl"))
        assert a.read(name_a) == b.read(name_b)
    _assert_equal_on_cpu(load_tensors(real, "cpu"), state)
