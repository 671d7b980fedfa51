"""Plots benchmark: what the charts cost where a user waits.

    python bench/plots.py            # prints a JSON line and a markdown table

- first paint of the app (the charts must not be imported on the way: target < 1 s, and
  plotext must not be in ``sys.modules`` after it);
- opening ``/runs`` on three stored runs until the chart is drawn (plotext is imported here,
  the first time): target < 1 s, like any screen;
- one redraw of a chart (plotext's ``build()`` at 80x24 and 120x36 sizes): what a keystroke in
  the sentiment meter adds to the trend line, next to a 60 wpm typist's 200 ms per key.

Anchors are the issue's targets (first paint < 1 s; typing not slowed). Run on an idle box:
wall times on a shared one follow its load (printed beside the figures).
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine, save_results  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "plots.json"


def _seed_runs(store) -> None:
    for n, plugin in ((40, "a"), (25, "b"), (3, "c")):
        run = store.start_run(plugin, f"model-{plugin}", {}, "cpu")
        for k in range(n):
            store.log_metrics(run, 100 * (k + 1), {"loss": 3 * math.exp(-k / 9) + 1})
            if k % 4 == 3:
                store.log_metrics(run, 100 * (k + 1), {"val_loss": 3 * math.exp(-k / 12) + 1.3})
        store.finish_run(run, "done", {"loss": 1.0})


async def _paint_and_runs(home: str) -> tuple[float, bool, float]:
    from textseq_tui.app.main import TextseqApp
    from textseq_tui.host import Host

    t0 = time.perf_counter()
    host = Host(home=home, device="cpu")
    app = TextseqApp(host)
    app.started_at = t0
    async with app.run_test(size=(80, 24)) as pilot:
        while app.first_paint_s is None:
            await pilot.pause(0.01)
        paint = app.first_paint_s
        plotext_at_paint = any(m.startswith("plotext") for m in sys.modules)
        t1 = time.perf_counter()
        app.open_runs()
        while not (app.screen.query("LossChart") and app.screen.query_one("LossChart").curves):
            await pilot.pause(0.005)
        await pilot.pause(0)  # the frame that draws it
        runs_s = time.perf_counter() - t1
    return paint, plotext_at_paint, runs_s


def _redraw_ms(size: tuple[int, int], repeat: int = 30) -> float:
    from textual_plotext.plot import Plot

    xs = list(range(1, 21))
    ys = [math.sin(x / 3) for x in xs]
    times = []
    for _ in range(repeat):
        plt = Plot()
        plt.plotsize(*size)
        plt.plot(xs, ys, marker="braille")
        plt.scatter([21], [0.3], marker="◆")
        plt.yticks([-1, 0, 1], ["-1", "0", "+1"])
        t = time.perf_counter()
        plt.build()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    import os

    os.environ["TEXTSEQ_WARMUP"] = "0"
    home = tempfile.mkdtemp(prefix="textseq-bench-plots-")
    from textseq_tui.store import Store

    store = Store(Path(home) / "textseq.db")
    _seed_runs(store)
    store.close()
    paint_s, plotext_at_paint, runs_s = asyncio.run(_paint_and_runs(home))
    small = _redraw_ms((40, 12))
    large = _redraw_ms((118, 30))
    rows = [
        ("app first paint, Pilot 80x24 (first run, cold)", f"{paint_s:.3f} s", "< 1 s"),
        ("plotext imported before first paint", str(plotext_at_paint), "False"),
        ("/runs opened to chart drawn, 3 runs, plotext imported", f"{runs_s:.3f} s", "< 1 s"),
        ("chart redraw (plotext build), sentiment trend size 40x12", f"{small:.1f} ms",
         "< 200 ms a key"),
        ("chart redraw (plotext build), 118x30", f"{large:.1f} ms", "< 200 ms a key"),
    ]
    result = {"bench": "plots", "machine": machine(),
              "rows": [{"metric": m, "ours": v, "target": t} for m, v, t in rows]}
    save_results(RESULTS, result)
    print(json.dumps(result))
    print("\n| plots metric | ours | target |\n|---|---|---|")
    for metric, value, target in rows:
        print(f"| {metric} | {value} | {target} |")
    print(f"\nmachine: {result['machine']}")


if __name__ == "__main__":
    main()
