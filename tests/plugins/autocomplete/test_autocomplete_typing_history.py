"""The typing history screen: every session in a table beside a chart, personal bests per
mode, sessions too short for a record, old rows (before the typing test) still readable."""

from __future__ import annotations

import datetime as dt

from helpers import wait_for
from textseq_plugins.autocomplete.sessions import (
    Session,
    load_sessions,
    personal_bests,
    session_summary,
)
from textseq_plugins.autocomplete.typing_charts import (
    percent_ticks,
    show_sessions,
    time_labels,
    wpm_step,
)
from textseq_plugins.autocomplete.typing_history import TypingHistoryScreen
from textual.app import App
from textual.widgets import DataTable

from textseq_tui.charts import HistoryChart


def _session(k: int, wpm: float, keystrokes: int, saved: int, **more) -> dict:
    return {"started": 1767355200.0 + 3600 * k, "seconds": 60.0, "chars": keystrokes + saved,
            "words": 10, "keystrokes": keystrokes, "keystrokes_saved": saved, "accepts": 1,
            "wpm": wpm, "model": "m", **more}


def test_savings_is_the_share_of_key_presses_saved():
    assert Session(0, 60, 100, 75, 25, 40).savings == 0.25
    assert Session(0, 0, 0, 0, 0, 0).savings == 0.0


def test_a_session_under_10_words_or_5_seconds_is_never_a_best():
    short = Session(0, 2.0, 14, 14, 0, 137.0, words=3)  # the "new best" of 2 s
    fair = Session(1, 60.0, 300, 300, 0, 50.0, words=60)
    assert not short.counts and fair.counts
    assert not Session(2, 4.9, 100, 100, 0, 80.0, words=20).counts
    assert personal_bests([short, fair])["best_wpm"] == 50.0
    assert personal_bests([short]) == {}


def test_time_axis_labels_are_readable():
    noon = dt.datetime(2026, 12, 7, 12, 0).timestamp()
    one_day = [noon + 600 * k for k in range(9)]
    # one day: the clock, not the same date four times (the "12-07 … 12-07")
    assert time_labels(one_day) == [(0, "12:00"), (3, "12:30"), (6, "13:00")]
    days = [noon + 86400 * (k // 3) for k in range(9)]  # three sessions a day
    assert time_labels(days) == [(0, "12-07"), (3, "12-08"), (6, "12-09")]
    years = [dt.datetime(2025, 12, 30).timestamp(), dt.datetime(2026, 1, 2).timestamp()]
    assert [label for _, label in time_labels(years)] == ["2025-12", "2026-01"]


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


def test_the_percent_axis_always_spans_two_ticks():
    assert percent_ticks([100.0], "accuracy") == [90, 95, 100]  # one perfect test
    assert percent_ticks([96.5, 88.0], "accuracy") == [80, 85, 90, 95, 100]
    assert percent_ticks([0.0], "keys saved") == [0, 5]
    assert percent_ticks([12.0, 33.0], "keys saved") == [0, 10, 20, 30, 40]


def test_the_wpm_axis_has_few_even_ticks_however_fast_a_burst():
    from textseq_tui.plugin import rounded_ticks

    for top in (0.0, 42.0, 75.0, 149.0, 230.0, 612.0, 2900.0):
        ticks = rounded_ticks([top], wpm_step([top]))
        assert 2 <= len(ticks) <= 7 and ticks[-1] > top
        assert len({b - a for a, b in zip(ticks, ticks[1:], strict=False)}) == 1


def _drawn(chart: HistoryChart) -> str:
    chart.plt.plotsize(60, 16)
    return chart.plt.build()


def test_the_shared_chart_draws_one_perfect_test() -> None:
    chart = HistoryChart()
    show_sessions(chart, [1767355200.0], [118.0], [100.0], "accuracy", "wpm · accuracy %")
    text = _drawn(chart)
    assert "wpm · accuracy %" in text and "├100" in text and "├90" in text


def test_the_history_chart_writes_each_day_once_under_its_axis() -> None:
    noon = dt.datetime(2026, 12, 7, 12).timestamp()
    times = [noon + 600 * i for i in range(5)] + [noon + 86400 + 600 * i for i in range(3)]
    chart = HistoryChart()
    show_sessions(chart, times, [40.0 + i for i in range(8)], [10.0] * 8, "keys saved",
                  "wpm · keys saved %")
    axis = _drawn(chart).splitlines()[-1]
    assert axis.count("12-07") == 1 and axis.count("12-08") == 1


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
        ctx.store.insert("sessions", _session(2, 61.0, 300, 0, mode="time 30", accuracy=96.5,
                                               prompt="common words"))
        ctx.store.insert("sessions", _session(3, 99.0, 300, 0, mode="time 60", accuracy=90.0,
                                               prompt="common words", words=4))  # short
        await pilot.press("r")
        await wait_for(pilot, lambda: "61 wpm" in bests())  # the last record's mode first
        assert "time 30 · 1 session ·" in bests() and "accuracy 96 %" in bests()
        assert "300 chars in 1 min" in bests()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[1:4] == ["time 30", "61", "96 %"]
        assert "accuracy %" in str(app.screen.query_one("#chart").render())
        await pilot.press("m")  # the next mode: time 60, too short for a record
        await wait_for(pilot, lambda: "time 60" in bests())
        assert "no session long enough" in bests() and "too short" in bests()
        assert table.get_row_at(0)[2] == "99*"
        await pilot.press("m")  # all modes: a best per mode, never one for all
        await wait_for(pilot, lambda: "all modes" in bests())
        assert "time 30 61" in bests() and "free 42" in bests() and "99" not in bests()
        assert table.row_count == 3
        await pilot.press("m")  # round to free typing
        await wait_for(pilot, lambda: "free · 1 session ·" in bests())
        assert "42 wpm" in bests() and "20 % saved" in bests()
        assert "keys saved %" in str(app.screen.query_one("#chart").render())


def _free(wpm: float, savings: float) -> Session:
    return Session(0, 60, 300, round(100 * (1 - savings)), round(100 * savings), wpm,
                   words=50)


def _test(mode: str, wpm: float) -> Session:
    return Session(0, 60, 300, 300, 0, wpm, words=50, mode=mode, prompt="common words",
                   accuracy=97.0)


def test_the_end_of_session_summary_names_a_new_best_of_its_mode():
    earlier = [_free(40.0, 0.1), _free(45.0, 0.2), _test("time 60", 80.0)]
    assert session_summary([], _free(30.0, 0.1)) == \
        "30 wpm, 10 % of keys saved · your first free session"
    beat = session_summary(earlier, _free(50.0, 0.05))
    assert "new best wpm!" in beat and "session 3" in beat and "savings!" not in beat
    assert "best 45 wpm" in session_summary(earlier, _free(41.0, 0.5))
    assert "new best savings!" in session_summary(earlier, _free(41.0, 0.5))
    # a 15 s test is not compared with the 60 s one
    assert "your first time 15 session" in session_summary(earlier, _test("time 15", 70.0))
    assert "best 80 wpm" in session_summary(earlier, _test("time 60", 70.0))


def test_sessions_stored_before_the_typing_test_stay_readable(home):
    """A home whose sessions table predates m005 (no mode, accuracy ...): the migration adds
    the columns through the store API, the old rows read as free typing."""
    from sqlite_utils.migrations import Migrations
    from textseq_plugins.autocomplete.migrations import migrations

    from textseq_tui.host import Host
    from textseq_tui.store import Store

    old = Migrations("autocomplete")  # the steps a home of the previous release applied
    for step in migrations._migrations:
        if step.name < "m005":
            old(name=step.name)(step.fn)
    store = Store(home / "textseq.db")
    store.plugin("autocomplete").apply(old)
    store.plugin("autocomplete").insert("sessions", _session(1, 42.0, 80, 20))
    store.db.conn.close()

    host = Host(home=home, device="cpu")
    ctx = host.plugin("autocomplete").context
    [row] = ctx.store.rows("sessions")
    assert row["mode"] == "free" and row["accuracy"] is None and row["keystrokes_saved"] == 20
    [session] = load_sessions(ctx.store)
    assert (session.mode, session.wpm, session.accuracy, session.record) == (
        "free", 42.0, None, "free")
    assert host.plugin("autocomplete").scores(ctx.store)[0]["mode"] == "free"
