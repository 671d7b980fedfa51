"""Host benchmark: `textseq --help` wall time, the app's first paint, `models list` time.

    python bench/host.py            # prints a JSON line and a markdown table

Anchors are the targets of the host issue: --help < 0.5 s, first paint < 1.0 s.
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


def main() -> None:
    import os

    # First paint is measured without the background model loads that follow it.
    os.environ["TEXTSEQ_WARMUP"] = "0"
    home = tempfile.mkdtemp(prefix="textseq-bench-")
    env = {**os.environ, "TEXTSEQ_HOME": home}
    exe = [sys.executable, "-m", "textseq_tui"]
    help_s = wall([*exe, "--help"], env)
    models_s = wall([*exe, "models", "list", "--json"], env)
    paint_s = statistics.median(asyncio.run(first_paint(home)) for _ in range(3))
    rows = [
        ("textseq --help (wall, median of 5)", help_s, 0.5),
        ("app first paint, Pilot 80x24 (median of 3)", paint_s, 1.0),
        ("textseq models list --json (wall, median of 5)", models_s, None),
    ]
    result = {"bench": "host", "machine": machine(),
              "rows": [{"metric": m, "ours_s": round(v, 3), "target_s": t} for m, v, t in rows]}
    save_results(RESULTS, result)
    print(json.dumps(result))
    print("\n| host metric | ours (s) | target (s) |\n|---|---|---|")
    for metric, value, target in rows:
        print(f"| {metric} | {value:.3f} | {'< ' + str(target) if target else '—'} |")
    print(f"\nmachine: {result['machine']}")


if __name__ == "__main__":
    main()
