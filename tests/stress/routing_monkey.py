"""A monkey that knows where every key went: random keys, commands and screens in the real
app (headless, the real plugins), then a check that nothing typed on a screen reached the
chat, the stored conversation or the personal history (#24 item 2).

    python tests/stress/routing_monkey.py SECONDS SEED    # one JSON line; exit 1 on a leak

The text it types comes in unique tokens ("xq" and six letters). Each token is recorded
where the focus was when it was typed: the chat's input, another screen's text input (a
search, the meter, a path, the palette's query, a typing session), or nowhere (no text
input focused: the letters act as keys). Then every token that was not typed in the chat is
looked for in the transcript, the stored conversation and the personal history's tables (a
screen's own tables may keep its own text: the meter's corrections are the meter's); a typing
session's tokens may be in the personal history (learning is its job), never in the chat.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: The shared monkey's keys and commands (../shared/tools/monkey), in Textual's names.
KEYS = ["enter", "tab", "shift+tab", "escape", "up", "down", "left", "right", "backspace",
        "ctrl+p", "ctrl+b", "f1", "space", "1", "2", "3", "4", "n", "m", "d", "r", "y",
        "question_mark", "h", "j", "k", "l"]
COMMANDS = ["/odd", "/odd king queen prince cleaner", "/type", "/sentiment",
            "/sentiment awful day", "/cluster guitar", "/runs", "/help", "/anomaly 5 5 22",
            "/anomaly open", "/complete my lo", "/nope"]


def key_of(char: str) -> str:
    return {" ": "space", "/": "slash", "?": "question_mark"}.get(char, char)


def where(app: Any) -> str:
    """Where a printable key goes now: "chat", "typing", "screen" or "nowhere"."""
    from textseq_tui.app.keys import is_text_input

    focused = app.focused
    if focused is app.chat_input:
        return "chat"
    if not is_text_input(focused):
        return "nowhere"
    return "typing" if type(app.screen).__name__ == "TypingScreen" else "screen"


async def walk(pilot: Any, seconds: float, rng: random.Random) -> dict[str, list[str]]:
    """Random actions for ``seconds``; the tokens typed, by where they went."""
    app = pilot.app
    typed: dict[str, list[str]] = {"chat": [], "typing": [], "screen": [], "nowhere": []}
    end = time.monotonic() + seconds
    while time.monotonic() < end and app.is_running:
        r = rng.random()
        if r < 0.12:  # a command, typed wherever the focus is
            line = rng.choice(COMMANDS)
            await pilot.press(*(key_of(c) for c in line), "enter")
        elif r < 0.5:
            await pilot.press(rng.choice(KEYS))
        else:
            token = "xq" + "".join(rng.choice("bcefgiosuvwz") for _ in range(6))
            typed[where(app)].append(token)
            await pilot.press(*token)
            if rng.random() < 0.4:
                await pilot.press("enter")
        if rng.random() < 0.05 and len(app.screen_stack) == 1:
            app.open_screen(*rng.choice([("sentiment", "sentiment"), ("clusterer", "browser"),
                                         ("anomaly", "anomaly"), ("autocomplete", "typing")]))
        await pilot.pause(rng.choice([0.0, 0.02, 0.05]))
    return typed


def stored(home: Path) -> dict[str, str]:
    """The text of the conversation table and of the personal history's tables."""
    conn = sqlite3.connect(home / "textseq.db")
    out = {"conversation": "", "history": ""}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        rows = "\n".join(repr(r) for r in conn.execute(f'SELECT * FROM "{table}"'))
        if table == "conversation":
            out["conversation"] += rows
        if table.startswith("autocomplete_"):
            out["history"] += rows
    conn.close()
    return out


def run(seconds: float, seed: int) -> dict[str, Any]:
    from textseq_tui.app.main import TextseqApp
    from textseq_tui.host import Host

    home = Path(tempfile.mkdtemp(prefix="textseq-routing-monkey-"))
    os.environ["TEXTSEQ_HOME"] = str(home)
    app = TextseqApp(Host(home=home, device="cpu"))
    found: dict[str, Any] = {}

    async def drive(pilot: Any) -> None:
        while not app.restored:
            await pilot.pause(0.05)
        found["typed"] = await walk(pilot, seconds, random.Random(seed))
        found["chat"] = "\n".join(app.transcript.entries())
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)  # the queues' last writes
        app.exit()

    app.run(headless=True, size=(100, 30), auto_pilot=drive)
    typed = found.get("typed", {})
    texts = stored(home)
    leaks = []
    for place in ("screen", "nowhere", "typing"):
        for token in typed.get(place, []):
            hits = [name for name, text in (("chat", found.get("chat", "")),
                                            ("conversation", texts["conversation"]),
                                            ("history", texts["history"]))
                    if token in text]
            if place == "typing":  # learned from the session: fine, but never in the chat
                hits = [h for h in hits if h in ("chat", "conversation")]
            if hits:
                leaks.append({"token": token, "typed_in": place, "found_in": hits})
    return {"seconds": seconds, "seed": seed, "home": str(home),
            "crashed": app.return_code not in (0, None),
            "typed": {k: len(v) for k, v in typed.items()},
            "chat_tokens_kept": sum(t in texts["conversation"] for t in typed.get("chat", [])),
            "leaks": leaks}


if __name__ == "__main__":
    result = run(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0,
                 int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    print(json.dumps(result))
    sys.exit(1 if result["leaks"] or result["crashed"] else 0)
