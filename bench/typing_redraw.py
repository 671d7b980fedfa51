"""Typing test benchmark: each keystroke's redraw during a scripted 60 s test at 100 WPM.

    python bench/typing_redraw.py [--sizes 80x24,120x36] [--seed 1] [--wpm 100]

A typist (scripted, seeded) types the test's own prompt with a wrong key and its Backspace
every 25 keys, at a steady pace on the test's clock that makes the test's WPM ``--wpm`` (a key
every 0.11 s at 100 WPM), until the 60 s are up (about 545 keys). Each key goes through
Textual's Pilot into the real typing screen; its *redraw* is the key's handling in the panel
(the test's state, the prompt's lines it changed) plus the frame it causes (layout, the
widgets' render, the compositor, and the escape codes a terminal would get), timed with
``perf_counter``. The figure: p50 / p99 / max per key against a frame at 60 Hz (16 ms).
The same work's CPU time (``thread_time``) is reported beside it: on a shared machine the
wall time also counts the waits for a core, the CPU time is what the key costs. The end of
the test (the result and the per-second chart, drawn once) is timed apart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine, save_results, scratch_home  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "typing_redraw.json"
FRAME_MS = 1000 / 60
END = -2  # the key number the end of the test is filed under
TYPO_EVERY = 25  # a wrong key and its Backspace every this many keys


class Clock:
    """The test's clock, moved by the scripted typist."""

    def __init__(self) -> None:
        self.t = 10_000.0

    def __call__(self) -> float:
        return self.t


class Timings:
    """Milliseconds of work per key: the panel's handling, and the frames that follow (wall
    time, and this thread's CPU time: on a shared machine the wall time waits for the CPU)."""

    def __init__(self) -> None:
        self.key = -1
        self.handle: dict[int, float] = {}
        self.frame: dict[int, float] = {}
        self.cpu: dict[int, float] = {}

    def timed(self, where: dict[int, float], work: Any, *args: Any) -> None:
        t0, c0 = time.perf_counter(), time.thread_time()
        work(*args)
        where[self.key] = where.get(self.key, 0.0) + 1000 * (time.perf_counter() - t0)
        self.cpu[self.key] = self.cpu.get(self.key, 0.0) + 1000 * (time.thread_time() - c0)

    def move(self, key: int, to: int) -> None:
        for where in (self.handle, self.frame, self.cpu):
            if key in where:
                where[to] = where.get(to, 0.0) + where.pop(key)

    def per_key(self, where: dict[int, float], keys: int) -> list[float]:
        return [where.get(k, 0.0) for k in range(keys) if k in self.handle]


def _instrument(current: list[Timings]) -> None:
    """Time the panel's key handler and every screen refresh (with the terminal encoding
    the headless driver skips), into ``current[0]``."""
    from textseq_plugins.autocomplete.typing_test_view import TypingTestPanel
    from textual.app import App
    from textual.screen import Screen

    handler = TypingTestPanel.on_typing_input_typed
    refresh = Screen._on_timer_update
    display = App._display

    def timed_handler(self: Any, message: Any) -> None:
        current[0].timed(current[0].handle, handler, self, message)

    def timed_refresh(self: Any) -> None:
        current[0].timed(current[0].frame, refresh, self)

    def encoded_display(self: Any, screen: Any, renderable: Any) -> None:
        from textual._compositor import CompositorUpdate

        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(self.console)  # what a terminal would be sent
        display(self, screen, renderable)

    TypingTestPanel.on_typing_input_typed = timed_handler
    Screen._on_timer_update = timed_refresh
    App._display = encoded_display


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def play(size: tuple[int, int], seed: int, wpm: float, timings: Timings) -> dict:
    from textseq_plugins.autocomplete.screen import TypingScreen
    from textseq_plugins.autocomplete.typing_test_view import TypingTestPanel
    from textual.app import App

    from textseq_tui.host import Host

    host = Host(home=scratch_home(), device="cpu")
    clock = Clock()
    screen = TypingScreen(host.plugin("autocomplete").context, mode="60", seed=seed,
                          clock=clock)

    class Bench(App):
        def on_mount(self) -> None:
            self.push_screen(screen)

    # 5 keys a word: 60 / (5 * wpm) seconds a key, less the 2 keys in 25 a typo costs, so
    # that the test's own WPM comes out at ``wpm``
    step = 12 / wpm * (1 - 2 / TYPO_EVERY)
    async with Bench().run_test(size=size) as pilot:
        panel = screen.query_one(TypingTestPanel)
        while panel.test is None:
            await pilot.pause(0.02)
        test = panel.test
        k = 0
        while not test.finished:
            word = test.target[test.state.index]
            typed = test.typed[-1]
            want = word[len(typed)] if len(typed) < len(word) else " "
            keys = [want] if k % TYPO_EVERY != TYPO_EVERY - 1 else ["q" if want != "q" else "z", "backspace"]
            for key in keys:
                timings.key = k
                await pilot.press("space" if key == " " else key)
                screen._on_timer_update()  # the frame now (the update timer may be later)
                clock.t += step
                if test.finished:  # this key met the end: the result's drawing, apart
                    timings.move(k, END)
                    break
                k += 1
            if test.running and clock.t - test.started >= 60:
                timings.key = END  # the end: result and chart, once
                panel.tick()
                await pilot.pause()
                screen._on_timer_update()
        result = test.result()
    return {"keys": k, "wpm": result.wpm, "raw_wpm": result.raw_wpm,
            "accuracy": result.accuracy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="80x24,120x36")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wpm", type=float, default=100.0)
    args = parser.parse_args()
    load_at_start = round(os.getloadavg()[0], 2)  # the machine's own is taken at the end
    rows = []
    current = [Timings()]
    _instrument(current)
    for size_text in args.sizes.split(","):
        size = tuple(int(v) for v in size_text.split("x"))
        timings = current[0] = Timings()
        played = asyncio.run(play(size, args.seed, args.wpm, timings))
        keys = played["keys"]
        wall = [h + f for h, f in zip(timings.per_key(timings.handle, keys),
                                      timings.per_key(timings.frame, keys), strict=True)]
        cpu = timings.per_key(timings.cpu, keys)
        rows.append({"size": size_text, **played,
                     "redraw_ms_p50": round(statistics.median(wall), 2),
                     "redraw_ms_p99": round(_percentile(wall, 99), 2),
                     "redraw_ms_max": round(max(wall), 2),
                     "handle_ms_p99": round(_percentile(timings.per_key(timings.handle, keys),
                                                        99), 2),
                     "frame_ms_p99": round(_percentile(timings.per_key(timings.frame, keys),
                                                       99), 2),
                     "cpu_ms_p50": round(statistics.median(cpu), 2),
                     "cpu_ms_p99": round(_percentile(cpu, 99), 2),
                     "end_of_test_ms": round(timings.handle.get(END, 0.0)
                                             + timings.frame.get(END, 0.0), 1)})
    result = {"bench": "typing_redraw", "machine": machine(), "load_at_start": load_at_start,
              "target_ms": round(FRAME_MS, 1), "rows": rows}
    save_results(RESULTS, result)
    print(json.dumps(result))
    print("\n| typing test, 60 s at 100 WPM (scripted) | keys | redraw p50 / p99 / max (ms) "
          "| handling / frame p99 | CPU p50 / p99 | end of test (ms) | target |\n"
          "|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['size']} | {r['keys']} | {r['redraw_ms_p50']} / {r['redraw_ms_p99']} / "
              f"{r['redraw_ms_max']} | {r['handle_ms_p99']} / {r['frame_ms_p99']} | "
              f"{r['cpu_ms_p50']} / {r['cpu_ms_p99']} | {r['end_of_test_ms']} | "
              f"< {FRAME_MS:.0f} |")
    print(f"\nmachine: {result['machine']}")


if __name__ == "__main__":
    main()
