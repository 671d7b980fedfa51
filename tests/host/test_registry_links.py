"""Model folders hold no links: ``models import`` refuses symbolic links, hard links and
special files; load, verify and export refuse anything that resolves outside the folder.
Each refusal is one line naming the file (issue 17)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from test_registry import loader, save_tiny

from textseq_tui.errors import BadInput, ModelError

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt",
                                reason="POSIX links and FIFOs")


@pytest.fixture
def registry(tmp_path: Path):
    from textseq_tui.registry import ModelRegistry

    reg = ModelRegistry(tmp_path / "user", shipped_dir=tmp_path / "shipped", device="cpu")
    reg.register_kind("tiny", loader, default="tiny-default")
    return reg


@pytest.fixture
def exported(registry, tmp_path: Path) -> Path:
    """A healthy model folder outside the registry (as a user would download one)."""
    save_tiny(registry, tmp_path)
    out = registry.export("tiny-1", tmp_path / "download")
    registry.remove("tiny-1")
    return out


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere" / "secret.txt"
    path.parent.mkdir()
    path.write_text("the user's private file\n")
    return path


def _one_line(err: pytest.ExceptionInfo) -> str:
    message = str(err.value)
    assert "\n" not in message
    return message


def _point_card_at(folder: Path, fname: str, target: Path) -> None:
    """Make the card list ``fname`` with ``target``'s sha256, as an attacker would."""
    from textseq_tui.files import sha256_file

    card = json.loads((folder / "card.json").read_text())
    card["files"][fname] = sha256_file(target)
    (folder / "card.json").write_text(json.dumps(card))


def test_a_healthy_folder_still_imports(registry, exported) -> None:
    info = registry.import_dir(exported, name="tiny-copy")
    assert registry.load("tiny-copy")["w"].shape == (3, 4)
    assert registry.verify("tiny-copy") == {str(info.path): []}
    assert [p.name for p in registry.user_dir.iterdir()] == ["tiny-copy"]  # no staging left


def test_import_refuses_a_symlink_even_when_the_card_hash_matches(registry, exported,
                                                                  secret) -> None:
    (exported / "config.json").symlink_to(secret)
    _point_card_at(exported, "config.json", secret)
    with pytest.raises(BadInput) as err:
        registry.import_dir(exported, name="stolen")
    message = _one_line(err)
    assert "config.json is a symbolic link" in message and "refusing to import" in message
    assert not (registry.user_dir / "stolen").exists()
    assert "private" not in "".join(p.read_text(errors="replace")
                                    for p in registry.user_dir.rglob("*") if p.is_file())


def test_import_refuses_a_symlinked_card(registry, exported, tmp_path) -> None:
    real = tmp_path / "card-elsewhere.json"
    shutil.move(exported / "card.json", real)
    (exported / "card.json").symlink_to(real)
    with pytest.raises(BadInput, match=r"card\.json is a symbolic link"):
        registry.import_dir(exported)


def test_import_refuses_a_link_inside_the_folder_too(registry, exported) -> None:
    os.rename(exported / "weights.safetensors", exported / "real.bin")
    (exported / "weights.safetensors").symlink_to("real.bin")
    with pytest.raises(BadInput, match="weights.safetensors is a symbolic link"):
        registry.import_dir(exported)


def test_import_refuses_a_hard_link(registry, exported, secret) -> None:
    os.link(secret, exported / "config.json")
    _point_card_at(exported, "config.json", secret)
    with pytest.raises(BadInput) as err:
        registry.import_dir(exported, name="stolen")
    assert "config.json has 2 hard links" in _one_line(err)
    assert not (registry.user_dir / "stolen").exists()


def test_import_refuses_a_fifo_without_blocking(registry, exported) -> None:
    os.mkfifo(exported / "config.json")
    _point_card_at(exported, "config.json", exported / "weights.safetensors")
    with pytest.raises(BadInput) as err:
        registry.import_dir(exported)
    assert "config.json is a special file, not a regular file" in _one_line(err)


def test_import_refuses_a_device_file(registry, exported) -> None:
    (exported / "config.json").symlink_to("/dev/zero")
    _point_card_at(exported, "config.json", exported / "weights.safetensors")
    with pytest.raises(BadInput, match="config.json is a symbolic link"):
        registry.import_dir(exported)


def test_import_still_names_a_modified_file(registry, exported) -> None:
    (exported / "weights.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelError) as err:
        registry.import_dir(exported)
    assert "weights.safetensors: sha256 does not match" in _one_line(err)
    assert str(exported) in str(err.value) and ".import." not in str(err.value)


@pytest.fixture
def linked_model(registry, tmp_path, secret) -> Path:
    """A model in the user dir whose config.json links out (planted after saving)."""
    info = save_tiny(registry, tmp_path)
    (info.path / "config.json").symlink_to(secret)
    _point_card_at(info.path, "config.json", secret)
    registry.forget("tiny-1")
    return info.path


def test_verify_reports_a_file_that_resolves_outside(registry, linked_model, secret) -> None:
    problems = registry.verify("tiny-1")[str(linked_model)]
    assert len(problems) == 1
    assert "config.json: resolves outside the model folder" in problems[0]
    assert str(secret) in problems[0]


def test_load_refuses_a_file_that_resolves_outside(registry, linked_model) -> None:
    with pytest.raises(ModelError) as err:
        registry.load("tiny-1")
    assert "resolves outside the model folder" in _one_line(err)


def test_load_refuses_an_unlisted_link_out_of_the_folder(registry, tmp_path, secret) -> None:
    info = save_tiny(registry, tmp_path)
    (info.path / "vocab.json").symlink_to(secret)  # not in the card: a loader might read it
    registry.forget("tiny-1")
    with pytest.raises(ModelError, match="vocab.json: resolves outside"):
        registry.load("tiny-1")


def test_a_link_inside_the_folder_still_loads(registry, tmp_path) -> None:
    info = save_tiny(registry, tmp_path)
    (info.path / "alias.safetensors").symlink_to("weights.safetensors")
    assert registry.verify("tiny-1") == {str(info.path): []}
    assert registry.load("tiny-1")["w"].shape == (3, 4)


def test_a_card_linking_outside_is_refused(registry, tmp_path) -> None:
    info = save_tiny(registry, tmp_path)
    real = tmp_path / "card-elsewhere.json"
    shutil.move(info.path / "card.json", real)
    (info.path / "card.json").symlink_to(real)
    report = registry.verify()
    assert "card.json: resolves outside the model folder" in report[str(info.path)][0]
    with pytest.raises(ModelError, match="no model named"):  # not listed, so not loadable
        registry.load("tiny-1")


def test_export_refuses_a_link_out_of_the_folder(registry, linked_model, tmp_path) -> None:
    with pytest.raises(ModelError) as err:
        registry.export("tiny-1", tmp_path / "out")
    assert "refusing to export 'tiny-1'" in _one_line(err)
    assert "config.json: resolves outside" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_export_refuses_a_nested_link_out(registry, tmp_path, secret) -> None:
    info = save_tiny(registry, tmp_path)
    (info.path / "extra").mkdir()
    (info.path / "extra" / "notes").symlink_to(secret)
    with pytest.raises(ModelError, match="notes: resolves outside"):
        registry.export("tiny-1", tmp_path / "out")


def test_cli_import_of_a_linked_folder_is_one_line_and_exit_2(cli, exported, secret) -> None:
    (exported / "config.json").symlink_to(secret)
    _point_card_at(exported, "config.json", secret)
    result = cli("models", "import", str(exported), "--name", "stolen")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is a symbolic link" in lines[0]
    assert "Traceback" not in result.stdout + result.stderr
