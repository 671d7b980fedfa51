"""A monkey in the app: thousands of seeded random actions over every screen and command.

The app with the real plugins and their shipped models (Textual Pilot, headless) gets the
keys a person mashing the keyboard would send: Enter, Tab, Escape, arrows, digits, Ctrl+P,
Ctrl+B, F1, letters, whole ``/commands``, palette searches. Keys are posted in bursts
without waiting for the app to catch up, so events race the way fast typing makes them race
in a terminal (a second Enter reaching the palette after the first one closed it, a command
result opening a screen while Escape closes another, keys queued while the app quits).
Every few actions the monkey opens the next plugin screen directly (as the palette does),
so each screen gets its share of the mashing.

The app must never end on an unhandled error (``run_test`` re-raises it); a clean quit
(the palette's "Quit") starts a fresh app on the same host. At the end the chat still
answers. ``bench/stress.py monkey`` does the same through a real terminal for minutes.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any

from textual import events

from textseq_tui.app.main import TextseqApp
from textseq_tui.host import Host

SEED = int(os.environ.get("TEXTSEQ_MONKEY_SEED", 17))
#: About 20 ms of CPU each (Textual's layout and rendering, the plugins' workers): 2,000 keep
#: the test near 40 s on two cores. TEXTSEQ_MONKEY_ACTIONS=20000 for a long run.
ACTIONS = int(os.environ.get("TEXTSEQ_MONKEY_ACTIONS", 2000))

KEYS = ["enter", "tab", "shift+tab", "escape", "up", "down", "left", "right", "backspace",
        "ctrl+p", "ctrl+b", "f1", "space", "1", "2", "3", "4", "n", "m", "d", "r", "q", "y",
        "ctrl+s", "home", "end", "pageup", "pagedown"]
TEXT = "abcdefghij klmnop,.!?"
#: Arguments for the shipped plugins' commands; any other command gets generic ones.
EXAMPLES = {
    "odd": ["", " king queen prince cleaner", " a"],
    "sentiment": ["", " awful day", " :)"],
    "cluster": [" guitar", "", " zzzzqx"],
    "anomaly": [" 5 5 22", " text the cat sat", " open", ""],
    "write": [" ROMEO:", ""],
    "complete": [" my lo", ""],
    "type": [""],
}
ODD_LINES = ["/help", "/runs", "/nope", "hello there :)", "\u202eevil\u202c rtl", "x" * 300]


@dataclass
class Monkey:
    """Seeded random actions for ``host``'s commands and screens."""

    host: Host
    rng: random.Random
    lines: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in sorted(self.host.commands):
            self.lines += [f"/{name}{args}" for args in EXAMPLES.get(name, ["", " hello"])]
        self.lines += ODD_LINES
        self.queries = [spec.title[:6].lower() for _, spec in self.host.screens()]
        self.queries += [f"/{name}" for name in sorted(self.host.commands)]
        self.queries += ["runs", "help", "theme", "keys", "xyzzy"]

    def action(self) -> list[str]:
        """The keys of one action (two or three on average)."""
        r = self.rng.random()
        if r < 0.07:  # a whole line: a command or a message
            return [*self.rng.choice(self.lines), "enter"]
        if r < 0.15:  # the palette: search, maybe move, pick (or not)
            keys = ["ctrl+p", *self.rng.choice(self.queries)[:2]]
            return keys + self.rng.choice([["enter"], ["down", "enter"], ["enter", "enter"],
                                           ["escape"], ["pagedown", "enter"], []])
        if r < 0.70:
            return [self.rng.choice(KEYS)]
        return list("".join(self.rng.choice(TEXT) for _ in range(self.rng.randint(1, 3))))


def _key(key: str) -> events.Key:
    from textual.keys import _character_to_key

    if len(key) == 1:
        name = key if key.isalnum() else _character_to_key(key)
        return events.Key(name, key)
    return events.Key(key, None)


@dataclass
class Run:
    actions: int = 0
    keys: int = 0
    clean_quits: int = 0
    opened: set[str] = field(default_factory=set)  # plugin screens the monkey opened
    seen: set[str] = field(default_factory=set)  # screens on top after some action
    seconds: float = 0.0


async def run_monkey(host: Host, seed: int, actions: int) -> Run:
    """Drive apps on ``host`` for ``actions`` actions; raises what the app raised."""
    rng = random.Random(seed)
    monkey = Monkey(host, rng)
    screens = host.screens()
    run = Run()
    t0 = time.perf_counter()
    while run.actions < actions:
        app = TextseqApp(host)
        async with app.run_test(size=(80, 24)) as pilot:
            while run.actions < actions and app.return_code is None:
                if run.actions % 100 == 50:  # visit each screen in turn (runs: the host's)
                    target = [*screens, None][(run.actions // 100) % (len(screens) + 1)]
                    app.prefill_command("help")  # back to the chat first, as a person would
                    if target is None:
                        app.open_runs()
                    else:
                        app.open_screen(target[0].name, target[1].name)
                    run.opened.add(type(app.screen).__name__)
                    keys: list[str] = []
                else:
                    keys = monkey.action()
                for key in keys:
                    app.post_message(_key(key))
                run.actions += 1
                run.keys += len(keys)
                # A burst (the next keys race these), a keystroke's time, or long enough for
                # a worker (a model load, a command) to answer. Not pilot.pause(): it waits
                # for every widget of the screen, and a widget being removed never answers.
                await asyncio.sleep(rng.choice([0, 0, 0, 0.002, 0.002, 0.02]))
                if app.return_code is None and app.screen_stack:
                    run.seen.add(type(app.screen).__name__)
            if app.return_code is None:
                await _back_to_the_chat_and_ask_for_help(app, pilot)
            else:
                run.clean_quits += 1
        assert app.return_code in (None, 0), f"the app ended with {app.return_code}"
    run.seconds = time.perf_counter() - t0
    return run


async def _back_to_the_chat_and_ask_for_help(app: TextseqApp, pilot: Any) -> None:
    """The app still answers: back to the chat, /help lists the commands."""
    await asyncio.sleep(0.5)  # the last burst's keys are handled first
    for _ in range(20):
        if len(app.screen_stack) == 1:
            break
        app.pop_screen()
        await asyncio.sleep(0.1)
    assert len(app.screen_stack) == 1
    app.chat_input.value = ""
    app.chat_input.focus()
    await asyncio.sleep(0.1)
    before = len(app.transcript.entries())
    await pilot.press(*"/help", "enter")
    for _ in range(100):
        if any(e == "/help" for e in app.transcript.entries()[before:]):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the chat no longer answers /help: focused {app.focused}, "
                         f"input {app.chat_input.value!r}, screens {app.screen_stack}, "
                         f"last entries {app.transcript.entries()[-3:]}")


async def test_a_monkey_finds_no_crash_over_every_screen_and_command(host, tmp_path,
                                                                    monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the palette's "Screenshot" writes to the working dir
    run = await run_monkey(host, SEED, ACTIONS)
    print(f"monkey: {run.actions} actions, {run.keys} keys, {run.clean_quits} clean quits, "
          f"{run.seconds:.1f} s, screens seen: {sorted(run.seen)}")
    assert len(run.opened) == len(host.screens()) + 1 >= 7  # every screen...
    assert run.opened <= run.seen, f"never mashed: {run.opened - run.seen}"  # ...got keys
    assert {"Screen", "SafePalette", "RunsScreen"} <= run.seen
    assert run.actions == ACTIONS and run.keys > 2.5 * ACTIONS
