"""The in-suite version of the store stress script: 4 processes (2 app-like, 2 CLI-like)
start together on a database that does not exist yet; no row is lost, no writer sees an
error. ``python tests/stress/store_stress.py --procs 4 --writes 5000`` is the full run."""

from __future__ import annotations

from pathlib import Path

import store_stress


def test_four_processes_racing_on_a_fresh_db_lose_no_row(tmp_path: Path) -> None:
    result = store_stress.run(tmp_path / "textseq.db", procs=4, writes=400, reopen=50,
                              timeout=120)
    assert result["reports"] == 4 and result["exit_codes"] == [0, 0, 0, 0], result
    assert result["errors"] == 0, result["first_errors"]
    assert result["lost"] == dict.fromkeys(result["lost"], 0), result
    # each writer's share is really there: 2 app-like x 400, 2 CLI-like x 400
    found = result["found"]
    assert found["rows"] + found["scores"] == 800
    assert found["runs"] + found["metrics"] + found["finished"] == 800
    assert found["runs"] == 2 * 8  # a new Store (like a new CLI process) every 50 writes
    assert result["migrations_applied_twice"] == [] and result["integrity"] == "ok"
