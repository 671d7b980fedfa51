"""The model registry: cards, sha256 verification, safe loading, sources, caching."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import torch

from textseq_tui.errors import BadInput, ModelError, ModelNotFound, UnsafeCheckpoint
from textseq_tui.files import load_tensors, save_tensors
from textseq_tui.registry import ModelRegistry, new_card


def tiny_model_files(tmp: Path) -> dict[str, Path]:
    torch.manual_seed(0)
    path = tmp / "weights.safetensors"
    save_tensors({"w": torch.randn(3, 4), "b": torch.zeros(4)}, path)
    return {"weights.safetensors": path}


def loader(model_dir: Path, device: str) -> dict:
    return load_tensors(model_dir / "weights.safetensors", device)


@pytest.fixture
def registry(tmp_path: Path) -> ModelRegistry:
    reg = ModelRegistry(tmp_path / "user", shipped_dir=tmp_path / "shipped", device="cpu")
    reg.register_kind("tiny", loader, default="tiny-default")
    return reg


def save_tiny(registry: ModelRegistry, tmp_path: Path, name: str = "tiny-1"):
    card = new_card(name=name, plugin="tests", kind="tiny", metrics={"acc": 1.0},
                    hyperparameters={"h": 3}, data="synthetic")
    return registry.save(card, tiny_model_files(tmp_path))


def test_save_writes_card_with_sha256_and_loads(registry, tmp_path) -> None:
    info = save_tiny(registry, tmp_path)
    card = json.loads((info.path / "card.json").read_text())
    assert set(card["files"]) == {"weights.safetensors"}
    assert len(card["files"]["weights.safetensors"]) == 64
    tensors = registry.load("tiny-1")
    assert tensors["w"].shape == (3, 4)
    assert registry.verify("tiny-1") == {str(info.path): []}


def test_load_with_a_kind_refuses_a_model_of_another_kind_in_one_line(registry, tmp_path):
    save_tiny(registry, tmp_path)
    registry.register_kind("other", lambda d, dev: "never loaded", uses_device=False)
    registry.save(new_card(name="other-1", plugin="elsewhere", kind="other"), {"x.txt": b"x"})
    assert registry.load("tiny-1", kind="tiny")["w"].shape == (3, 4)
    with pytest.raises(BadInput) as err:
        registry.load("other-1", kind="tiny")
    message = str(err.value)
    assert "\n" not in message and "'other-1' is a 'other' model (plugin elsewhere)" in message
    assert message.endswith("models of kind 'tiny': tiny-1")
    assert registry.loaded() == ["tiny-1 (cpu)"]  # nothing of the refused model was loaded
    assert registry.get("other-1").card.kind == "other"


def test_load_returns_one_cached_instance_across_threads(registry, tmp_path) -> None:
    save_tiny(registry, tmp_path)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(registry.load("tiny-1")))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(x) for x in seen}) == 1


def test_truncated_file_fails_verify_naming_the_file(registry, tmp_path) -> None:
    info = save_tiny(registry, tmp_path)
    weights = info.path / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:20])
    problems = registry.verify("tiny-1")[str(info.path)]
    assert problems and str(weights) in problems[0] and "sha256" in problems[0]
    with pytest.raises(ModelError, match="failed verification"):
        registry.load("tiny-1")


def test_zero_byte_file_is_reported(registry, tmp_path) -> None:
    info = save_tiny(registry, tmp_path)
    (info.path / "weights.safetensors").write_bytes(b"")
    assert "empty" in registry.verify("tiny-1")[str(info.path)][0]


@pytest.mark.parametrize("field,value,message", [
    ("kind", None, "no 'kind' field"),
    ("metrics", "high", "'metrics' must be dict"),
    ("files", {"w": "abc"}, "is not a sha256"),
])
def test_bad_card_is_rejected_with_field_named(registry, tmp_path, field, value, message) -> None:
    info = save_tiny(registry, tmp_path)
    card = json.loads((info.path / "card.json").read_text())
    if value is None:
        del card[field]
    else:
        card[field] = value
    (info.path / "card.json").write_text(json.dumps(card))
    report = registry.verify()
    assert message in report[str(info.path)][0]


def test_unknown_model_lists_known_and_suggests(registry, tmp_path) -> None:
    save_tiny(registry, tmp_path)
    with pytest.raises(ModelNotFound, match=r"Did you mean 'tiny-1'\? Known models: tiny-1"):
        registry.load("tiny-2")


def test_pickled_code_checkpoint_is_refused_before_running(tmp_path) -> None:
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = tmp_path / "evil.pt"
    torch.save({"w": torch.zeros(1), "x": Payload()}, path)
    with pytest.raises(UnsafeCheckpoint, match="evil.pt"):
        load_tensors(path)
    assert not marker.exists()


def test_user_model_hides_shipped_and_only_user_models_can_be_removed(registry, tmp_path) -> None:
    shipped = ModelRegistry(tmp_path / "shipped", device="cpu")
    card = new_card(name="tiny-1", plugin="tests", kind="tiny", data="shipped")
    shipped.save(card, tiny_model_files(tmp_path))
    assert registry.get("tiny-1").source == "shipped"
    with pytest.raises(BadInput, match="cannot be removed"):
        registry.remove("tiny-1")
    save_tiny(registry, tmp_path)
    assert registry.get("tiny-1").source == "user"
    registry.remove("tiny-1")
    assert registry.get("tiny-1").source == "shipped"


def test_import_and_export_round_trip(registry, tmp_path) -> None:
    save_tiny(registry, tmp_path)
    out = registry.export("tiny-1", tmp_path / "exported")
    info = registry.import_dir(out, name="tiny-copy")
    assert info.source == "user" and registry.load("tiny-copy")["w"].shape == (3, 4)
    with pytest.raises(BadInput, match="already exists"):
        registry.export("tiny-1", out)


def test_save_is_atomic_when_a_file_is_missing(registry, tmp_path) -> None:
    card = new_card(name="half", plugin="tests", kind="tiny")
    with pytest.raises(FileNotFoundError):
        registry.save(card, {"weights.safetensors": tmp_path / "nope.safetensors"})
    assert [p.name for p in (tmp_path / "user").iterdir()] == []


def test_staging_folders_of_a_killed_write_are_swept_at_once_and_nothing_else(registry,
                                                                            tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys
    import time

    from textseq_tui.model_dir import STAGING_MARKER, STAGING_PREFIX, new_staging

    save_tiny(registry, tmp_path)
    user = tmp_path / "user"
    # a killed import and a killed save: marked, and their writer's pid is gone
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = [new_staging(user, "import"), new_staging(user, "tiny-1")]
    for folder in stale:
        (folder / "weights.safetensors").write_bytes(b"half a file")
        marker = json.loads((folder / STAGING_MARKER).read_text())
        (folder / STAGING_MARKER).write_text(json.dumps({**marker, "pid": int(dead)}))
    live = new_staging(user, "import")  # this process importing right now, in another thread
    # hidden folders textseq did not make, however old, are never touched
    theirs = [user / ".import.k1ll3d", user / f"{STAGING_PREFIX}unmarked"]
    for folder in theirs:
        folder.mkdir()
        old = time.time() - 2 * 3600
        os.utime(folder, (old, old))
    assert [m.name for m in registry.list()] == ["tiny-1"]  # `models list` sweeps at once
    assert not any(p.exists() for p in stale)
    assert live.exists() and all(p.exists() for p in theirs)
    out = registry.export("tiny-1", tmp_path / "exported")
    registry.import_dir(out, name="tiny-copy")
    assert sorted(p.name for p in user.iterdir() if not p.name.startswith(".")) == [
        "tiny-1", "tiny-copy"]
    assert sorted(p.name for p in user.iterdir() if p.name.startswith(".")) == sorted(
        [live.name, *(p.name for p in theirs)])
