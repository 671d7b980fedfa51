"""Stored typing sessions (free typing and typing tests): words per minute, accuracy,
keystroke savings, personal bests per mode.

A session counts as a record only with at least ``MIN_WORDS`` words over ``MIN_SECONDS``
seconds (shorter ones are not saved; older rows that short stay listed, never a best). A
best belongs to its mode: a 15 s test is never compared with a 60 s one, nor a test on your
own text with one on common words (``Session.record``).

Light on purpose (no plotting): the typing session uses it for its end-of-session summary,
the typing history screen (``typing_history.py``) for its table and chart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

#: a session shorter than this (in words typed or in seconds) is not saved, nor a record
MIN_WORDS = 10
MIN_SECONDS = 5.0


def long_enough(words: int, seconds: float) -> bool:
    """True when a session of ``words`` words over ``seconds`` s may be saved."""
    return words >= MIN_WORDS and seconds >= MIN_SECONDS


@dataclass
class Session:
    """One stored typing session (``mode`` "free" for free typing, and for rows older than
    the typing test; ``accuracy`` and ``raw_wpm`` only for tests)."""

    started: float
    seconds: float
    chars: int
    keystrokes: int
    saved: int
    wpm: float
    words: int = 0
    mode: str = "free"
    prompt: str = ""
    accuracy: float | None = None
    raw_wpm: float | None = None
    errors: int | None = None

    @property
    def savings(self) -> float:
        """Share of key presses the ghost text saved: saved / (typed + saved), 0..1."""
        total = self.keystrokes + self.saved
        return self.saved / total if total else 0.0

    @property
    def record(self) -> str:
        """What its bests are kept apart by: the mode, and a test's prompt unless common
        words (``time 30``, ``words 25 · your text``, ``free``)."""
        if self.mode == "free" or self.prompt in ("", "common words"):
            return self.mode
        return f"{self.mode} · {self.prompt}"

    @property
    def counts(self) -> bool:
        """Long enough to be a record (``long_enough``)."""
        return long_enough(self.words, self.seconds)


def _number(value: Any, kind: type) -> Any:
    return None if value is None else kind(value)


def session_from_row(r: dict[str, Any]) -> Session:
    """A ``sessions`` row (stored, or about to be) as a :class:`Session`."""
    return Session(float(r.get("started") or 0.0), float(r.get("seconds") or 0.0),
                   int(r.get("chars") or 0), int(r.get("keystrokes") or 0),
                   int(r.get("keystrokes_saved") or 0), float(r.get("wpm") or 0.0),
                   words=int(r.get("words") or 0), mode=r.get("mode") or "free",
                   prompt=r.get("prompt") or "", accuracy=_number(r.get("accuracy"), float),
                   raw_wpm=_number(r.get("raw_wpm"), float),
                   errors=_number(r.get("errors"), int))


def load_sessions(store: Any) -> list[Session]:
    """Every stored session, oldest first (sessions with no keystrokes are left out)."""
    return [session_from_row(r) for r in store.rows("sessions", order_by="started, id")
            if r.get("keystrokes")]


def personal_bests(sessions: list[Session], record: str | None = None) -> dict[str, Any]:
    """Best WPM, best savings (with their dates), best accuracy (tests), sessions,
    characters and minutes typed, over the sessions that count (``Session.counts``) of one
    ``record`` (``Session.record``; None: all of them). {} when none counts."""
    sessions = [s for s in sessions if s.counts and (record is None or s.record == record)]
    if not sessions:
        return {}
    fastest = max(sessions, key=lambda s: s.wpm)
    thriftiest = max(sessions, key=lambda s: s.savings)
    tested = [s for s in sessions if s.accuracy is not None]
    bests = {"sessions": len(sessions), "best_wpm": fastest.wpm,
             "best_wpm_on": fastest.started, "best_savings": thriftiest.savings,
             "best_savings_on": thriftiest.started, "chars": sum(s.chars for s in sessions),
             "minutes": sum(s.seconds for s in sessions) / 60}
    if tested:
        bests["best_accuracy"] = max(s.accuracy for s in tested)
    return bests


def save_session(store: Any, row: dict[str, Any]) -> None:
    """Store one session row (the ``sessions`` table's columns) with its WPM in the shared
    score log, together."""
    with store.transaction():
        store.insert("sessions", row)
        store.record_score("wpm", row["wpm"], details={k: v for k, v in row.items()
                                                        if k != "per_second"})


def day(at: float) -> str:
    """The local calendar day of a unix time, ``2026-01-02``."""
    return dt.datetime.fromtimestamp(at).strftime("%Y-%m-%d")


def record_marks(sessions: list[Session], new: Session) -> str:
    """How ``new`` stands against the bests of its record among the ``sessions`` stored
    before it: "your first time 30 session", "new best wpm! · session 4", "best 61 wpm ..."."""
    bests = personal_bests(sessions, new.record)
    if not bests:
        return f"your first {new.record} session"
    marks = ["new best wpm!" if new.wpm > bests["best_wpm"]
             else f"best {bests['best_wpm']:.0f} wpm"]
    if new.accuracy is None and new.savings > bests["best_savings"]:
        marks.append("new best savings!")
    return f"{' · '.join(marks)} · session {bests['sessions'] + 1}"


def session_summary(sessions: list[Session], new: Session) -> str:
    """One line for the end of a session: its WPM (and savings, or accuracy) beside the
    personal bests of its record (``record_marks``)."""
    if new.accuracy is None:
        line = f"{new.wpm:.0f} wpm, {100 * new.savings:.0f} % of keys saved"
    else:
        line = f"{new.wpm:.0f} wpm, {new.accuracy:.0f} % accuracy ({new.record})"
    return f"{line} · {record_marks(sessions, new)}"
