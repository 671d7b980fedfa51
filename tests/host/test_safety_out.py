"""``--out`` and every model write path delete or replace only what textseq made.

A fake user folder (hidden and visible files, a hidden folder older than any staging age)
sits around every ``--out`` a train command takes and around the user's models; after each
write, refused or not, every one of its files must still be there with its content.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from textseq_tui.errors import BadInput
from textseq_tui.model_dir import write_model_dir
from textseq_tui.registry import ModelRegistry, new_card

TINY_AUTOCOMPLETE = ["--hidden", "16", "--layers", "1", "--embed", "8", "--batch-size", "4",
                     "--seq-len", "16", "--dropout", "0", "--quiet", "--threads", "1",
                     "--steps", "2", "--minutes", "0", "--eval-every", "0"]
TINY_ANOMALY = ["--hidden", "8", "--embedding", "4", "--layers", "1", "--max-steps", "3",
                "--threads", "1", "--quiet"]


def user_folder(root: Path) -> dict[Path, bytes]:
    """A user's folder with the kinds of things a sweep or a replace could hit."""
    files = {
        root / ".ssh" / "id_rsa": b"key",
        root / ".config" / "app.toml": b"x = 1",
        root / "Documents" / "thesis.txt": b"t",
        root / "notes.txt": b"n",
        root / ".textseq-staging.mine" / "kept.txt": b"k",  # our prefix, no marker: not ours
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    old = time.time() - 48 * 3600
    for folder in (".ssh", ".config", ".textseq-staging.mine"):
        os.utime(root / folder, (old, old))
    return files


def assert_intact(files: dict[Path, bytes]) -> None:
    for path, content in files.items():
        assert path.read_bytes() == content, f"{path} was removed or changed"


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, dict[Path, bytes]]:
    root = tmp_path / "F"
    return root, user_folder(root)


def test_every_train_out_leaves_the_users_folder_alone(cli, folder, tmp_path) -> None:
    root, files = folder
    normal = tmp_path / "normal.txt"
    normal.write_text("a b c d\na b c d\na b d c\n" * 10)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("the cat sat on the mat. " * 200)
    labelled = tmp_path / "labelled.tsv"
    labelled.write_text("".join(f"pos\tsuch a lovely day {i}\nneg\tsuch a dreadful day {i}\n"
                                for i in range(20)))
    sentiment = ["sentiment", "train", "--data", str(labelled), "--folds", "2", "--jobs", "1",
                 "--no-lexicon", "--no-glove"]

    # a new folder beside the user's files: written, nothing around it touched
    ok = cli("anomaly", "train", "--input", str(normal), "--name", "m", "--out",
             str(root / "m"), *TINY_ANOMALY)
    assert ok.exit_code == 0, ok.stderr
    assert (root / "m" / "card.json").is_file()
    assert_intact(files)
    # the same plugin's model there again: replaced as a whole
    again = cli("anomaly", "train", "--input", str(normal), "--name", "m", "--out",
                str(root / "m"), *TINY_ANOMALY)
    assert again.exit_code == 0, again.stderr
    # another plugin's model, a folder of the user's, a file: refused in one line each
    refusals = [
        ("anomaly", "train", "--input", str(normal), "--name", "Documents", "--out",
         str(root / "Documents"), *TINY_ANOMALY),
        ("autocomplete", "train", "--corpus", str(corpus), "--name", "c", "--out",
         str(root / "Documents"), *TINY_AUTOCOMPLETE),
        ("autocomplete", "train", "--corpus", str(corpus), "--name", "c", "--out",
         str(root / "m"), *TINY_AUTOCOMPLETE),
        (*sentiment, "--name", "s", "--out", str(root / "m")),
        (*sentiment, "--name", "s", "--out", str(root / "notes.txt")),
        (*sentiment, "--name", "s", "--out", str(root)),
        ("odd-one-out", "train-oov", "--out", str(root / "Documents")),
    ]
    for args in refusals:
        result = cli(*args)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert "refusing to write the model" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert_intact(files)
    assert (root / "m" / "card.json").is_file()
    # an empty folder is written into; the others stay
    (root / "empty").mkdir()
    made = cli(*sentiment, "--name", "s", "--out", str(root / "empty"))
    assert made.exit_code == 0, made.stderr
    assert (root / "empty" / "card.json").is_file()
    assert_intact(files)
    # nothing of textseq's own is left beside the outputs
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [".config", ".ssh", ".textseq-staging.mine", "Documents", "empty", "m", "notes.txt"])


def test_a_model_with_files_of_the_users_beside_it_is_not_replaced(tmp_path) -> None:
    out = tmp_path / "mine"
    write_model_dir(out, new_card(name="mine", plugin="p", kind="k"), {"w.bin": b"1"})
    (out / "README.md").write_text("my notes")
    with pytest.raises(BadInput, match="README.md"):
        write_model_dir(out, new_card(name="mine", plugin="p", kind="k"), {"w.bin": b"2"})
    assert (out / "README.md").read_text() == "my notes" and (out / "w.bin").read_bytes() == b"1"


def test_symlinked_out_is_refused_and_its_target_untouched(tmp_path) -> None:
    target = tmp_path / "precious"
    target.mkdir()
    (target / "a.txt").write_text("a")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(BadInput, match="symbolic link"):
        write_model_dir(link, new_card(name="x", plugin="p", kind="k"), {"w.bin": b"1"})
    assert (target / "a.txt").read_text() == "a" and link.is_symlink()


def test_model_folders_are_world_readable(tmp_path) -> None:
    old = os.umask(0o077)
    try:
        out = write_model_dir(tmp_path / "m", new_card(name="m", plugin="p", kind="k"),
                              {"w.bin": b"1"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert {stat.S_IMODE(f.stat().st_mode) for f in out.iterdir()} == {0o644}


def test_registry_writes_keep_the_home_users_files(tmp_path) -> None:
    user = tmp_path / "home" / "models"
    files = user_folder(user)
    registry = ModelRegistry(user, device="cpu")
    registry.save(new_card(name="a", plugin="p", kind="k"), {"w.bin": b"1"})
    registry.save(new_card(name="a", plugin="p", kind="k"), {"w.bin": b"2"})
    with pytest.raises(BadInput, match="holds a model of the 'p' plugin"):
        registry.save(new_card(name="a", plugin="q", kind="k"), {"w.bin": b"3"})
    with pytest.raises(BadInput, match="not a textseq model"):
        registry.save(new_card(name="Documents", plugin="p", kind="k"), {"w.bin": b"3"})
    exported = registry.export("a", tmp_path / "exported")
    registry.import_dir(exported, name="b")
    registry.remove("b")
    assert_intact(files)
    assert (user / "a" / "w.bin").read_bytes() == b"2"
