"""Store stress: several processes write to one fresh textseq database at once.

    python tests/stress/store_stress.py --procs 4 --writes 5000     # prints one JSON line

Half the writers are app-like (one long-lived ``Store``, two worker threads writing through
``PluginStore.insert`` and ``record_score``, as the app's thread workers do); the other half
are CLI-like (a new ``Store`` every ``--reopen`` writes, as separate ``textseq ...`` runs
are, writing training runs through ``start_run`` / ``log_metrics`` / ``finish_run``). All
start together on a database file that does not exist yet, so they also race to create it,
switch it to WAL and apply the host's and the plugin's migrations.

Every write is counted by the writer that made it; afterwards the rows in the file must
match exactly, no writer may have seen an exception (``database is locked`` included), and
``PRAGMA integrity_check`` must be ok.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sqlite3
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

PLUGIN = "stress-test"


def _migrations() -> Any:
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(PLUGIN)

    @migrations()
    def m001_rows(db: Any) -> None:
        db["stress_test_rows"].create(
            {"id": int, "writer": int, "thread": int, "i": int, "text": str}, pk="id"
        )

    return migrations


def _app_like(path: str, writer: int, writes: int, start: Any, out: Any) -> None:
    """One Store shared by two threads (each gets its own connection, as in the app)."""
    errors: list[str] = []
    done = {"rows": 0, "scores": 0}
    lock = threading.Lock()
    start.wait()
    try:
        from textseq_tui.store import Store

        store = Store(path)
        ps = store.plugin(PLUGIN)
        ps.apply(_migrations())
    except Exception:  # noqa: BLE001 — counted and reported, never hidden
        out.put({"writer": writer, "kind": "app", "errors": [traceback.format_exc()]})
        return

    def work(thread: int, n: int) -> None:
        for i in range(n):
            try:
                if i % 2 == 0:
                    ps.insert("rows", {"writer": writer, "thread": thread, "i": i,
                                       "text": "ünïcode ✓ \u202e"})
                    key = "rows"
                else:
                    ps.record_score("round", float(i), player=f"w{writer}",
                                    details={"thread": thread, "i": i})
                    key = "scores"
                with lock:
                    done[key] += 1
            except Exception as err:  # noqa: BLE001
                with lock:
                    errors.append(f"{type(err).__name__}: {err}")

    half = writes // 2
    threads = [threading.Thread(target=work, args=(t, n)) for t, n in ((0, half),
                                                                      (1, writes - half))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put({"writer": writer, "kind": "app", "errors": errors, **done})


def _cli_like(path: str, writer: int, writes: int, reopen: int, start: Any, out: Any) -> None:
    """A new Store (new connection, migrations checked) every ``reopen`` writes."""
    errors: list[str] = []
    done = {"runs": 0, "metrics": 0, "finished": 0}
    start.wait()
    from textseq_tui.store import Store

    i = 0
    while i < writes:
        try:
            store = Store(path)
            ps = store.plugin(PLUGIN)
            run_id = ps.start_run(f"model-{writer}", {"writer": writer, "i": i}, "cpu")
            done["runs"] += 1
            i += 1
            batch = min(reopen, writes - i)
            for step in range(max(batch - 1, 0)):
                ps.log_metrics(run_id, step, {"loss": 1.0 / (step + 1)})
                done["metrics"] += 1
                i += 1
            if i < writes:
                ps.finish_run(run_id, "done", {"steps": batch})
                done["finished"] += 1
                i += 1
            store.close()
        except Exception as err:  # noqa: BLE001
            errors.append(f"{type(err).__name__}: {err}")
            i += 1
    out.put({"writer": writer, "kind": "cli", "errors": errors, **done})


def run(path: Path, procs: int = 4, writes: int = 5000, reopen: int = 250,
        timeout: float = 600.0) -> dict[str, Any]:
    """Run the writers on ``path`` (which should not exist yet); return the figures."""
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    out = ctx.Queue()
    workers = []
    for w in range(procs):
        if w % 2 == 0:
            p = ctx.Process(target=_app_like, args=(str(path), w, writes, start, out))
        else:
            p = ctx.Process(target=_cli_like, args=(str(path), w, writes, reopen, start, out))
        p.start()
        workers.append(p)
    time.sleep(0.2)
    t0 = time.perf_counter()
    start.set()
    reports = []
    deadline = time.monotonic() + timeout
    while len(reports) < procs and time.monotonic() < deadline:
        try:
            reports.append(out.get(timeout=1.0))
        except Exception:  # noqa: BLE001 — queue.Empty: keep waiting until the deadline
            if not any(p.is_alive() for p in workers) and out.empty():
                break
    seconds = time.perf_counter() - t0
    for p in workers:
        p.join(10)
        if p.is_alive():
            p.kill()
    exit_codes = [p.exitcode for p in workers]
    return {**_count(path, reports), "seconds": round(seconds, 2), "procs": procs,
            "writes_per_proc": writes, "exit_codes": exit_codes,
            "writes_per_s": round(procs * writes / max(seconds, 1e-9), 1)}


def _count(path: Path, reports: list[dict[str, Any]]) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        table = PLUGIN.replace("-", "_") + "_rows"
        have = {
            "rows": conn.execute(f"select count(*) from {table}").fetchone()[0],
            "scores": conn.execute("select count(*) from scores where plugin = ?",
                                   [PLUGIN]).fetchone()[0],
            "runs": conn.execute("select count(*) from training_runs").fetchone()[0],
            "metrics": conn.execute("select count(*) from training_metrics").fetchone()[0],
            "finished": conn.execute(
                "select count(*) from training_runs where status = 'done'").fetchone()[0],
        }
        migrations = conn.execute(
            "select migration_set, name, count(*) from _sqlite_migrations "
            "group by migration_set, name").fetchall()
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    expected = {k: sum(r.get(k, 0) for r in reports) for k in have}
    errors = [e for r in reports for e in r["errors"]]
    return {
        "reports": len(reports),
        "expected": expected,
        "found": have,
        "lost": {k: expected[k] - have[k] for k in have},
        "errors": len(errors),
        "locked_errors": sum("locked" in e for e in errors),
        "first_errors": errors[:3],
        "migrations_applied_twice": [m for m in migrations if m[2] != 1],
        "integrity": integrity,
    }


def ok(result: dict[str, Any]) -> bool:
    """True when nothing was lost, nothing failed and the file is healthy."""
    return (result["reports"] == result["procs"] and not any(result["lost"].values())
            and result["errors"] == 0 and not result["migrations_applied_twice"]
            and result["integrity"] == "ok" and all(c == 0 for c in result["exit_codes"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--writes", type=int, default=5000, help="writes per process")
    parser.add_argument("--reopen", type=int, default=250,
                        help="CLI-like writers open a new Store every N writes")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: tmp)")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "textseq.db"
        result = run(path, args.procs, args.writes, args.reopen)
    result["ok"] = ok(result)
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
