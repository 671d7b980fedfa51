"""Host benchmark: `textseq --help` wall time, the app's first paint, `models list` time,
and first paint with a stored conversation.

    python bench/host.py            # prints a JSON line and a markdown table

Anchors are the targets of the host issue: --help < 0.5 s, first paint < 1.0 s; with 10,000
stored messages, first paint at most 0.3 s later than with none (#24). The stored-messages
figures come from fresh processes (``python bench/host.py --paint-probe T0``, the app
headless at 80x24, warm-up off) timed from just before the parent starts each: first paint,
and when the stored conversation is on screen (its newest entries, then the whole page).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine, save_results  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "host.json"


def wall(cmd: list[str], env: dict[str, str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def first_paint(home: str) -> float:
    from textseq_tui.app.main import TextseqApp
    from textseq_tui.host import Host

    t0 = time.perf_counter()
    app = TextseqApp(Host(home=home, device="cpu"))
    app.started_at = t0  # include discovery and plugin start, as a user would see it
    async with app.run_test(size=(80, 24)) as pilot:
        while app.first_paint_s is None:
            await pilot.pause(0.01)
        return app.first_paint_s


#: Stored messages of the large home (the issue's figure).
STORED_MESSAGES = 10_000
#: Stored messages the app shows at start (``textseq_tui.conversation.PAGE``).
PAGE = 200


def seed_conversation(home: str, n: int) -> None:
    """``n`` stored chat messages with labels, as a long-used home has them."""
    from textseq_tui.host import Host

    labels = json.dumps([{"plugin": "sentiment", "label": "positive 0.42",
                          "spans": [[0, 5, "bold green", "great +0.31"]]}])
    rows = [(1_700_000_000.0 + i, "user", f"message {i}: great plans for the week ahead, "
             "and then a few more words about the weather", labels) for i in range(n)]
    with Host(home=home, device="cpu").store.write() as db:
        db.conn.executemany("INSERT INTO conversation (at, kind, text, labels) VALUES "
                            "(?, ?, ?, ?)", rows)


def paint_probe(t0: float) -> None:
    """In this fresh process: start the app and print one JSON line of seconds since ``t0``
    (the parent's clock just before it started this process): first paint, the stored
    conversation's newest entries shown, and its whole page shown."""
    from textseq_tui.app.main import TextseqApp
    from textseq_tui.host import Host

    app = TextseqApp(Host(device="cpu"))
    found: dict = {}

    async def drive(pilot) -> None:  # noqa: ANN001
        while app.first_paint_s is None:
            await asyncio.sleep(0.002)
        found["paint"] = round(time.time() - (time.perf_counter() - app.started_at
                                              - app.first_paint_s) - t0, 3)
        while not app.restored:
            await asyncio.sleep(0.002)
        await pilot.pause(0)
        found["shown"] = round(time.time() - t0, 3)
        deadline = time.monotonic() + 20
        while app.transcript.pending_pieces and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        await pilot.pause(0)
        found["page_shown"] = round(time.time() - t0, 3)
        app.exit()

    app.run(headless=True, size=(80, 24), auto_pilot=drive)
    print(json.dumps(found))


def stored_paint_times(messages: int, runs: int = 5) -> tuple[dict, dict, dict]:
    """``paint_probe`` in fresh processes on a home with no stored messages and one with
    ``messages``, taken in turns (a loaded machine drifts: each pair runs under the same
    load): the medians of each figure for both homes and of the pairs' differences."""
    import os

    homes = {}
    for n in (0, messages):
        homes[n] = tempfile.mkdtemp(prefix="textseq-bench-stored-")
        seed_conversation(homes[n], n)
    each: dict[int, list[dict]] = {0: [], messages: []}
    for _ in range(runs):
        for n, home in homes.items():
            env = {**os.environ, "TEXTSEQ_HOME": home, "TEXTSEQ_WARMUP": "0"}
            t0 = time.time()
            out = subprocess.run([sys.executable, __file__, "--paint-probe", str(t0)],
                                 env=env, capture_output=True, text=True, check=True,
                                 timeout=120)
            each[n].append(json.loads(out.stdout.strip().splitlines()[-1]))

    def medians(rows: list[dict]) -> dict:
        return {k: round(statistics.median(r[k] for r in rows), 3) for k in rows[0]}

    diffs = [{k: b[k] - a[k] for k in a} for a, b in zip(each[0], each[messages], strict=True)]
    return medians(each[0]), medians(each[messages]), medians(diffs)


def main() -> None:
    import os

    if len(sys.argv) == 3 and sys.argv[1] == "--paint-probe":
        paint_probe(float(sys.argv[2]))
        return

    # First paint is measured without the background model loads that follow it.
    os.environ["TEXTSEQ_WARMUP"] = "0"
    home = tempfile.mkdtemp(prefix="textseq-bench-")
    env = {**os.environ, "TEXTSEQ_HOME": home}
    exe = [sys.executable, "-m", "textseq_tui"]
    help_s = wall([*exe, "--help"], env)
    models_s = wall([*exe, "models", "list", "--json"], env)
    paint_s = statistics.median(asyncio.run(first_paint(home)) for _ in range(3))
    empty, stored, more = stored_paint_times(STORED_MESSAGES)
    rows = [
        ("textseq --help (wall, median of 5)", help_s, 0.5),
        ("app first paint, Pilot 80x24 (median of 3)", paint_s, 1.0),
        ("textseq models list --json (wall, median of 5)", models_s, None),
        ("first paint from process start, no stored messages (median of 5)",
         empty["paint"], None),
        (f"first paint from process start, {STORED_MESSAGES:,} stored messages (median of 5)",
         stored["paint"], None),
        ("  later than with none (median of 5 paired runs)", more["paint"], 0.3),
        ("  its newest stored messages on screen, later than an empty home is ready",
         more["shown"], None),
        (f"  all of its last {PAGE} laid out, later than an empty home is ready",
         more["page_shown"], None),
    ]
    result = {"bench": "host", "machine": machine(),
              "stored": {"none": empty, str(STORED_MESSAGES): stored, "difference": more},
              "rows": [{"metric": m, "ours_s": round(v, 3), "target_s": t} for m, v, t in rows]}
    save_results(RESULTS, result)
    print(json.dumps(result))
    print("\n| host metric | ours (s) | target (s) |\n|---|---|---|")
    for metric, value, target in rows:
        print(f"| {metric} | {value:.3f} | {'< ' + str(target) if target else '—'} |")
    print(f"\nmachine: {result['machine']}")


if __name__ == "__main__":
    main()
