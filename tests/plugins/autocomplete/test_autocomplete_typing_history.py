"""The typing history screen: WPM and keystroke savings per session, personal bests."""

from __future__ import annotations

from helpers import wait_for
from textseq_plugins.autocomplete.sessions import (
    Session,
    load_sessions,
    personal_bests,
    session_summary,
)
from textseq_plugins.autocomplete.typing_history import TypingHistoryScreen
from textual.app import App


def _session(k: int, wpm: float, keystrokes: int, saved: int) -> dict:
    return {"started": 1767355200.0 + 3600 * k, "seconds": 60.0, "chars": keystrokes + saved,
            "words": 10, "keystrokes": keystrokes, "keystrokes_saved": saved, "accepts": 1,
            "wpm": wpm, "model": "m"}


def test_savings_is_the_share_of_key_presses_saved():
    assert Session(0, 60, 100, 75, 25, 40).savings == 0.25
    assert Session(0, 0, 0, 0, 0, 0).savings == 0.0


def test_bests_and_order_come_from_the_stored_sessions(host):
    store = host.plugin("autocomplete").context.store
    store.insert("sessions", _session(2, 50.0, 90, 10))
    store.insert("sessions", _session(1, 61.5, 100, 0))
    store.insert("sessions", _session(3, 0.0, 0, 0))  # nothing typed: left out
    sessions = load_sessions(store)
    assert [s.wpm for s in sessions] == [61.5, 50.0]  # oldest first
    bests = personal_bests(sessions)
    assert bests["best_wpm"] == 61.5 and bests["best_savings"] == 0.1 and bests["sessions"] == 2
    assert personal_bests([]) == {}


async def test_history_screen_draws_sessions_and_says_when_there_are_none(host):
    ctx = host.plugin("autocomplete").context

    class Harness(App):
        def on_mount(self) -> None:
            self.push_screen(TypingHistoryScreen(ctx))

    app = Harness()

    def bests() -> str:
        return str(app.screen.query_one("#bests").render())

    async with app.run_test(size=(80, 24)) as pilot:  # the screen loads in a thread worker
        await wait_for(pilot, lambda: "no sessions yet" in bests())
        ctx.store.insert("sessions", _session(1, 42.0, 80, 20))
        await pilot.press("r")
        await wait_for(pilot, lambda: "42 wpm" in bests())
        shown = bests()
        assert "42 wpm" in shown and "20 % saved" in shown
        assert "wpm (left)" in str(app.screen.query_one("#chart").render())


def test_the_end_of_session_summary_names_a_new_best():
    earlier = [Session(0, 60, 300, 90, 10, 40.0), Session(1, 60, 300, 80, 20, 45.0)]
    assert session_summary([], 30.0, 0.1) == "30 wpm, 10 % of keys saved · your first session"
    beat = session_summary(earlier, 50.0, 0.05)
    assert "new best wpm!" in beat and "session 3" in beat and "savings!" not in beat
    assert "best 45 wpm" in session_summary(earlier, 41.0, 0.5)
    assert "new best savings!" in session_summary(earlier, 41.0, 0.5)
