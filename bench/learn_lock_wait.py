"""How long another writer waits while ``autocomplete learn`` reads a big file.

    python bench/learn_lock_wait.py [--mb 80] [--text FILE]

Writes ``--text`` (default: ../shared/data/text/tinyshakespeare/input.txt) repeated to
``--mb`` MB (real text: its word pairs repeat as a user's do; random words would make
every pair new and the tables, not the locking, the subject), runs
``textseq autocomplete learn --input FILE --no-adapt`` in a child process on a scratch home,
and meanwhile, from this process, writes one row every 0.2 s through the store (as
``sentiment correct`` or the app would), timing each write. Prints one JSON line (and writes
bench/results/learn-lock-wait.json): the learn's seconds, the writes made during it, their
wait for the write lock (longest, median, 99th percentile) and the longest whole write (its
COMMIT may run a WAL checkpoint: work, not waiting).

Before chunked commits (issue 31): one transaction for the whole learn (38 s for 80 MB), a
parallel ``sentiment correct`` failed after 30 s with "database is locked".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "learn-lock-wait.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=80.0)
    parser.add_argument("--text", type=Path, default=Path(__file__).resolve().parents[2]
                        / "shared" / "data" / "text" / "tinyshakespeare" / "input.txt")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="learn-lock-wait-"))
    home, text = scratch / "home", scratch / "big.txt"
    source = args.text.read_text(encoding="utf-8")
    with text.open("w", encoding="utf-8") as fh:
        while fh.tell() < args.mb * 1e6:
            fh.write(source)
    env = {**os.environ, "TEXTSEQ_HOME": str(home)}
    from textseq_tui.store import Store

    subprocess.run([sys.executable, "-m", "textseq_tui", "autocomplete", "forget"], env=env,
                   check=True, capture_output=True)  # the tables exist before the race
    store = Store(home / "textseq.db")
    with store.write() as db:
        db.execute("CREATE TABLE IF NOT EXISTS probe(at REAL)")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "textseq_tui", "autocomplete", "learn",
                             "--input", str(text), "--no-adapt", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    waits, writes = [], []  # the write lock's wait; the whole write (commit included)
    conn = store.db.conn
    while proc.poll() is None:
        t0 = time.monotonic()
        conn.execute("BEGIN IMMEDIATE")
        waits.append(time.monotonic() - t0)
        conn.execute("INSERT INTO probe VALUES (?)", (time.time(),))
        conn.execute("COMMIT")  # may run a WAL checkpoint: the committer's work, not a wait
        writes.append(time.monotonic() - t0)
        time.sleep(0.2)
    seconds = time.monotonic() - started
    out, err = proc.communicate()
    result = {"bench": "writer wait during autocomplete learn", "mb": args.mb,
              "text": args.text.name,
              "learn_seconds": round(seconds, 1), "learn_exit": proc.returncode,
              "learned": json.loads(out) if proc.returncode == 0 else err.decode()[-300:],
              "writes_during": len(waits), "lock_wait_max_s": round(max(waits), 3),
              "lock_wait_median_s": round(statistics.median(waits), 4),
              "lock_wait_p99_s": round(sorted(waits)[int(0.99 * (len(waits) - 1))], 3),
              "write_max_s": round(max(writes), 3), "machine": machine()}
    result["learned"] = {k: v for k, v in result["learned"].items() if k != "history"} \
        if isinstance(result["learned"], dict) else result["learned"]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))
    print(f"| learn {args.mb:.0f} MB: {seconds:.0f} s | {len(waits)} writes meanwhile | "
          f"write lock: longest wait {max(waits):.2f} s, median "
          f"{statistics.median(waits) * 1000:.1f} ms; longest write {max(writes):.2f} s |")


if __name__ == "__main__":
    main()
