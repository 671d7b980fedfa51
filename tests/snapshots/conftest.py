"""Fixtures for the screen snapshots: a home with fixed content, clocks frozen.

What varies from run to run is frozen here, so that an SVG changes only when a layout does:
the home (and so every path on screen) is a fixed relative directory, the device is "cpu",
background model warm-up is off, game and typing clocks read a constant, seeds are fixed,
and the stored runs, scores and sessions are the same numbers every time.
"""

from __future__ import annotations

import math
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: The two terminal sizes every screen is drawn at: the smallest we support, and a roomy one.
SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
#: The fixed instant the frozen clocks read (2026-01-02 03:04:05 UTC).
FROZEN_EPOCH = 1767323045.0
#: HDFS block sessions for the anomaly browser (event ids, as the shipped model reads them).
HDFS_SAMPLE = "\n".join([
    "5 5 5 22 11 9 11 9 11 9 26 26 26 23 23 23 21 21 21",
    "5 22",
    "5 5 22 5 11 9 11 9 26 11 9 26 26 2 2 23 23 23 21 21 21 3 4",
    "22 5 5 5 26 26 11 9 11 9 11 9 26 23 23 23 21 21 21 18 25",
]) + "\n"


#: The exact versions the SVGs were drawn with (the README's test command installs them).
CONSTRAINTS = REPO / ".ci" / "constraints.txt"


def drawing_versions_differ() -> list[str]:
    """The packages whose installed version is not the one in .ci/constraints.txt."""
    from importlib.metadata import PackageNotFoundError, version

    differ = []
    for line in CONSTRAINTS.read_text().splitlines():
        name, _, pinned = line.split("#")[0].strip().partition("==")
        if not pinned:
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "none"
        if installed != pinned:
            differ.append(f"{name} {installed} (drawn with {pinned})")
    return differ


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Another Textual or Rich draws other SVGs: compared with them, every picture would fail.
    differ = drawing_versions_differ()
    if differ:
        skip = pytest.mark.skip(reason="screen snapshots need the versions of "
                                "`pip install -c .ci/constraints.txt`: " + "; ".join(differ))
        for item in items:
            if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
                item.add_marker(skip)


class FrozenTime(types.SimpleNamespace):
    """A stand-in for the ``time`` module whose clocks do not move."""

    def __init__(self) -> None:
        import time as real

        super().__init__(**{k: getattr(real, k) for k in dir(real) if not k.startswith("__")})
        self.time = lambda: FROZEN_EPOCH
        self.monotonic = lambda: 1000.0
        self.perf_counter = lambda: 1000.0


@pytest.fixture
def snap_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test home as the working directory, so paths on screen read the same each run;
    local time is UTC, so stored times fall on the same calendar days everywhere."""
    import time

    monkeypatch.chdir(home)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    (home / "hdfs-sample.txt").write_text(HDFS_SAMPLE)
    return home


@pytest.fixture
def frozen_clocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Game timers and typing statistics read a constant clock (Textual's own is untouched)."""
    import importlib

    for name in ("textseq_plugins.odd_one_out.game", "textseq_plugins.odd_one_out.screen",
                 "textseq_plugins.autocomplete.screen"):
        module = importlib.import_module(name)
        if hasattr(module, "time"):
            monkeypatch.setattr(module, "time", FrozenTime())


def seed_runs(store) -> None:
    """Three finished training runs with train and validation curves (fixed numbers)."""
    for plugin, model, steps, scale in (("autocomplete", "char-rnn-notes", 12, 1.0),
                                        ("autocomplete", "char-rnn-small", 8, 1.2),
                                        ("anomaly", "deeplog-mine", 2, 0.8)):
        run = store.start_run(plugin, model, {"lr": 0.002, "hidden": 256}, "cpu")
        for k in range(steps):
            step = (k + 1) * 200
            store.log_metrics(run, step, {"loss": scale * (2.6 * math.exp(-k / 4) + 1.3)
                                          + 0.04 * math.sin(3 * k), "lr": 0.002})
            if k % 2 == 1 or steps < 4:
                name = "heldout_nats_per_token" if plugin == "anomaly" else "val_nats_per_char"
                store.log_metrics(run, step, {name: scale * (2.4 * math.exp(-k / 5) + 1.5)})
        store.finish_run(run, "done", {"loss": round(scale * 1.35, 3)})
        store.db["training_runs"].update(run, {"started": FROZEN_EPOCH, "finished": FROZEN_EPOCH})


def seed_conversation(store) -> None:
    """Twelve scored chat messages (the sentiment plugin's store), a fixed mood swing."""
    for k in range(12):
        store.insert("scores", {"text": f"message {k}", "score": round(0.8 * math.sin(k / 2), 3),
                                "model": "sentiment-enet", "version": "1", "personal": 0,
                                "source": "annotator", "at": FROZEN_EPOCH + k})


def seed_typing_sessions(store) -> None:
    """Nine free typing sessions over nine days (faster and thriftier with practice) and,
    between them, six 30 s typing tests and a words test too short to be a record."""
    for k in range(9):
        keystrokes = 300 + 20 * k
        saved = 30 + 12 * k - (15 if k == 5 else 0)
        store.insert("sessions", {
            "started": FROZEN_EPOCH + 86400 * k, "seconds": 120.0 + 5 * k,
            "chars": keystrokes + saved, "words": (keystrokes + saved) // 5,
            "keystrokes": keystrokes, "keystrokes_saved": saved, "accepts": 5 + k,
            "wpm": round(38 + 2.5 * k - (6 if k == 5 else 0), 1), "model": "char-rnn-shakespeare",
        })
    for k in range(7):
        wpm = round(52 + 3 * k - (8 if k == 3 else 0), 1)
        store.insert("sessions", {
            "started": FROZEN_EPOCH + 86400 * (k + 3) + 43200, "seconds": 30.0 if k < 6 else 3.0,
            "chars": int(wpm * 2.5), "words": int(wpm / 2) if k < 6 else 4,
            "keystrokes": int(wpm * 2.6), "keystrokes_saved": 0, "accepts": 0, "wpm": wpm,
            "mode": "time 30" if k < 6 else "words 10", "prompt": "common words",
            "raw_wpm": wpm + 3, "accuracy": 91.5 + k, "errors": 9 - k,
        })


def seed_game_rounds(store) -> None:
    """Five days of odd-one-out games for two players (fixed outcomes)."""
    for day in range(5):
        for player, skill, late in (("ada", 6, 0), ("you", 3 + day, 30)):
            streak = 0
            for k in range(10):
                correct = int((k * 7 + day) % 10 < skill)
                streak = streak + 1 if correct else 0
                store.insert("rounds", {
                    "at": FROZEN_EPOCH + 86400 * day + 60 * k + late, "game": f"{player}-{day}",
                    "player": player, "mode": "guess", "difficulty": "medium", "seed": day,
                    "puzzle_index": k, "items": '["a", "b", "c", "d"]', "intruder": "d",
                    "player_pick": "d" if correct else "a", "ai_pick": "d",
                    "correct": correct, "ai_correct": None, "seconds": 3.0,
                    "points": 10 * correct, "streak": streak,
                })
