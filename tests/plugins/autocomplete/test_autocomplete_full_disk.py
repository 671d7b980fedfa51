"""A full disk while ``learn`` saves the adapted model (issue 31, item 6): one line saying
the disk is full, the history it had committed kept, no temporary file left."""

from __future__ import annotations

import errno
import functools


def test_a_full_disk_while_learn_saves_its_model_is_one_line(cli, host, tiny, tmp_path,
                                                             monkeypatch) -> None:
    from textseq_plugins.autocomplete import adapt, history

    import textseq_tui.files as files

    host.plugin("autocomplete").context.settings["model"] = "tiny"
    quick = {"steps": 5, "min_steps": 5, "min_chars": 1000, "batch": 8, "seq_len": 48}
    monkeypatch.setattr(adapt, "AdaptOptions", functools.partial(adapt.AdaptOptions, **quick))

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", no_space)  # every file write now fails
    mine = tmp_path / "mine.txt"
    mine.write_text("my quiet snorkelwick grazes by the riverbank at dawn. " * 60)
    result = cli("autocomplete", "learn", "--input", str(mine))
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.stderr
    assert "the disk is full" in lines[0] and "personal-model" in lines[0]
    assert "Traceback" not in result.stderr
    ctx = host.plugin("autocomplete").context
    assert history.summary(ctx.store)["words"] == 9  # what was learned before is kept
    folder = adapt.adapted_path(ctx).parent
    assert not [p.name for p in folder.iterdir()] if folder.exists() else True
