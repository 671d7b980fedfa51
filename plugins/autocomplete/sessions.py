"""Stored typing sessions: words per minute, keystroke savings, personal bests.

Light on purpose (no plotting): the typing session uses it for its end-of-session summary,
the typing history screen (``history.py``) for its chart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass
class Session:
    """One stored typing session."""

    started: float
    seconds: float
    chars: int
    keystrokes: int
    saved: int
    wpm: float

    @property
    def savings(self) -> float:
        """Share of key presses the ghost text saved: saved / (typed + saved), 0..1."""
        total = self.keystrokes + self.saved
        return self.saved / total if total else 0.0


def load_sessions(store: Any) -> list[Session]:
    """Every stored session, oldest first (sessions with no keystrokes are left out)."""
    rows = store.rows("sessions", order_by="started, id")
    return [Session(float(r.get("started") or 0.0), float(r.get("seconds") or 0.0),
                    int(r.get("chars") or 0), int(r.get("keystrokes") or 0),
                    int(r.get("keystrokes_saved") or 0), float(r.get("wpm") or 0.0))
            for r in rows if r.get("keystrokes")]


def personal_bests(sessions: list[Session]) -> dict[str, Any]:
    """Best WPM, best savings (with their dates), sessions, characters and minutes typed."""
    if not sessions:
        return {}
    fastest = max(sessions, key=lambda s: s.wpm)
    thriftiest = max(sessions, key=lambda s: s.savings)
    return {"sessions": len(sessions), "best_wpm": fastest.wpm, "best_wpm_on": fastest.started,
            "best_savings": thriftiest.savings, "best_savings_on": thriftiest.started,
            "chars": sum(s.chars for s in sessions),
            "minutes": sum(s.seconds for s in sessions) / 60}


def day(at: float) -> str:
    """The local calendar day of a unix time, ``2026-01-02``."""
    return dt.datetime.fromtimestamp(at).strftime("%Y-%m-%d")


def session_summary(sessions: list[Session], wpm: float, savings: float) -> str:
    """One line for the end of a session: its WPM and savings beside the personal bests
    of the ``sessions`` stored before it ("new best!" when it beats them)."""
    line = f"{wpm:.0f} wpm, {100 * savings:.0f} % of keys saved"
    bests = personal_bests(sessions)
    if not bests:
        return f"{line} · your first session"
    marks = []
    marks.append("new best wpm!" if wpm > bests["best_wpm"] else f"best {bests['best_wpm']:.0f} wpm")
    if savings > bests["best_savings"]:
        marks.append("new best savings!")
    return f"{line} · {' · '.join(marks)} · session {bests['sessions'] + 1}"
