"""The daily groups board: the schedule over days (no group twice within 60 days), played
once, the daily streak, the share grid, a damaged rounds table."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from textseq_plugins.odd_one_out.daily import (
    DailyRecord,
    SavedBoards,
    board_pool,
    daily_board,
    grid_text,
    share_text,
)
from textseq_plugins.odd_one_out.game import GroupsSession
from textseq_plugins.odd_one_out.groups import make_groups
from textseq_plugins.odd_one_out.schedule import (
    EPOCH,
    WINDOW,
    DailySchedule,
    check_daily_date,
    pool_fingerprint,
    repeat_gaps,
    schedule_capacity,
)

from textseq_tui.plugin import BadInput

DAY = dt.date(2026, 11, 30)


def test_one_board_per_date_kept_and_dealt_again_the_same(categories):
    saved: dict = {}
    schedule = DailySchedule(categories, saved=saved)
    heard: list[tuple[int, int]] = []
    first = schedule.board(DAY, progress=lambda k, n: heard.append((k, n)))
    assert first.difficulty == "medium" and len(set(first.words)) == 16
    # a new home deals every day since the epoch, and says how far it is
    days = (DAY - EPOCH).days + 1
    assert heard == [(k, days) for k in range(1, days + 1)]
    assert schedule.board(DAY) is first
    assert schedule.board(DAY + dt.timedelta(days=1)).words != first.words
    # every day up to it is kept; a schedule reading them back deals nothing
    assert len(saved) == (DAY - EPOCH).days + 2

    def no_dealing(*args, **kwargs):
        raise AssertionError("a kept board was dealt again")

    again = DailySchedule(categories, make=no_dealing, saved=saved)
    assert again.board(DAY, progress=lambda k, n: heard.append((k, n))) == first
    assert len(heard) == days  # nothing more to deal: nothing said
    # a damaged entry is dealt again, the same way
    saved[DAY.isoformat()] = {"board": {"groups": "nonsense"}, "span": 3}
    assert DailySchedule(categories, saved=saved).board(DAY) == first


def test_no_group_comes_back_within_the_window(host, categories):
    """The repeat check over the schedule of the pool the daily board is drawn from: no
    category (and no same four words) on two daily boards closer than the pool allows, and
    never closer than 60 days once the pool holds 60 days of boards (the tiered pool of the
    Connections issue holds 61: measured 61 days over 365, no repeat within 60)."""
    pool = board_pool(host.plugin("odd-one-out"))
    capacity = schedule_capacity(pool)
    days = min(WINDOW, capacity) + 8  # every category of the first 8 days could come back
    gaps = repeat_gaps(DailySchedule(pool).boards(EPOCH, days))
    if capacity < WINDOW:
        assert gaps["category"] is not None  # 72 categories cannot go 26 days
    assert (gaps["category"] or days) >= min(WINDOW, capacity * 3 // 4)
    assert gaps["words"] is None or gaps["words"] >= WINDOW
    # the check itself: two boards sharing a group a day apart are caught
    board = make_groups(categories, 1)
    assert repeat_gaps([board, make_groups(categories, 2), board])["category"] == 2


def test_dates_in_the_future_or_before_the_first_board_are_one_line_errors():
    with pytest.raises(BadInput, match="in the future"):
        check_daily_date(DAY + dt.timedelta(days=1), now=DAY)
    with pytest.raises(BadInput, match="no daily board before"):
        check_daily_date(EPOCH - dt.timedelta(days=1), now=DAY)
    assert check_daily_date(DAY, now=DAY) == DAY


def _play_daily(plugin, day: dt.date, solve: bool, one_away_first: bool = False) -> None:
    puzzle = daily_board(plugin, day)
    session = GroupsSession(plugin.categories(), 0, "medium", "ada", plugin.record_round)
    session.play_board(puzzle, daily=day)
    (_, g0), (_, g1), (_, g2), (_, g3) = puzzle.groups
    if one_away_first:
        session.guess([*g0[:3], g1[0]])
    if solve:
        for _, words in puzzle.groups:
            if not session.game.over:
                session.guess(list(words))
    else:
        for wrong in ([g0[0], g0[1], g1[0], g1[1]], [g0[0], g0[2], g1[0], g1[2]],
                      [g2[0], g2[1], g3[0], g3[1]], [g2[0], g2[2], g3[0], g3[2]]):
            if not session.game.over:
                session.guess(wrong)


def test_a_played_daily_is_kept_with_its_grid_and_the_streak_counts_days(host):
    plugin = host.plugin("odd-one-out")
    record = DailyRecord(plugin.context.store, plugin.context.state)
    assert record.result(DAY) is None and record.streak(DAY) == (0, 0)
    for back in (3, 2, 1):
        _play_daily(plugin, DAY - dt.timedelta(days=back), solve=back != 3)
    _play_daily(plugin, DAY, solve=True, one_away_first=True)
    result = record.result(DAY)
    assert result.solved and result.mistakes == 1 and result.found == 4
    puzzle = daily_board(plugin, DAY)
    assert len(result.grid) == 5 and result.grid[0].count(result.grid[0][0]) == 3
    assert all(len(set(row)) == 1 for row in result.grid[1:])
    assert result.grid[1] == ["yellow"] * 4 and result.grid[4] == ["purple"] * 4
    assert result.to_json() == {"solved": True, "mistakes": 1, "grid": result.grid}
    assert result.guesses[1] == list(puzzle.groups[0][1])
    assert record.streak(DAY) == (3, 3)
    assert record.streak(DAY + dt.timedelta(days=1)) == (3, 3)  # today not played yet
    assert record.streak(DAY + dt.timedelta(days=2)) == (0, 3)  # a day missed
    failed = record.result(DAY - dt.timedelta(days=3))
    assert not failed.solved and failed.mistakes == 4 and failed.found == 0
    text = share_text(DAY.isoformat(), result.grid, True, 1)
    assert text.splitlines()[0] == "textseq groups 2026-11-30"
    assert text.splitlines()[1] == grid_text(result.grid[:1]) and "🟨🟨🟨🟨" in text
    assert text.endswith("solved, 1 mistake")


def test_a_half_played_daily_is_kept_for_that_day_only(host):
    plugin = host.plugin("odd-one-out")
    record = DailyRecord(plugin.context.store, plugin.context.state)
    record.save_progress(DAY, [["a", "b", "c", "d"]])
    assert record.progress(DAY) == [["a", "b", "c", "d"]]
    assert record.progress(DAY + dt.timedelta(days=1)) == []
    record.clear_progress()
    assert record.progress(DAY) == []


def test_the_schedule_is_kept_in_the_home(host, monkeypatch):
    from textseq_plugins.odd_one_out import daily

    monkeypatch.setattr(daily, "_SHIPPED", {})  # no shipped days: this home deals them
    monkeypatch.setattr(daily, "shipped_boards", lambda fingerprint: {})
    plugin = host.plugin("odd-one-out")
    pool = board_pool(plugin)
    board = daily_board(plugin, EPOCH + dt.timedelta(days=3))
    saved = SavedBoards(plugin.context.store, pool_fingerprint(pool))
    assert len(saved) >= 4 and json.dumps(saved[board_day(3)]["board"])

    def no_dealing(*args, **kwargs):
        raise AssertionError("a kept board was dealt again")

    again = DailySchedule(pool, make=no_dealing, saved=saved)
    assert again.board(EPOCH + dt.timedelta(days=3)) == board


def test_the_shipped_days_are_the_days_a_home_deals(host):
    """The shipped schedule was dealt from today's pool (rebuild it with
    build_daily_boards after the pool changes) and holds the boards dealing gives."""
    from textseq_plugins.odd_one_out.daily import SHIPPED_BOARDS, shipped_boards
    from textseq_plugins.odd_one_out.schedule import puzzle_from_json

    pool = board_pool(host.plugin("odd-one-out"))
    shipped = shipped_boards(pool_fingerprint(pool))
    assert shipped, f"{SHIPPED_BOARDS.name} was dealt from another pool: rebuild it"
    assert min(shipped) == EPOCH.isoformat() and max(shipped) >= "2027-12-31"
    fresh = DailySchedule(pool, saved={})
    for k in range(3):
        day = EPOCH + dt.timedelta(days=k)
        assert puzzle_from_json(shipped[day.isoformat()]["board"]) == fresh.board(day)


def test_a_new_home_reads_a_shipped_day_without_dealing_or_writing(host):
    from textseq_plugins.odd_one_out.migrations import DAILY_BOARDS

    plugin = host.plugin("odd-one-out")
    heard: list = []
    board = daily_board(plugin, dt.date(2027, 6, 1), progress=lambda k, n: heard.append(k))
    assert len(board.words) == 16 and heard == []
    assert list(plugin.context.store.rows(DAILY_BOARDS)) == []


def board_day(k: int) -> str:
    return (EPOCH + dt.timedelta(days=k)).isoformat()


def test_a_damaged_rounds_table_is_read_as_not_played(host):
    plugin = host.plugin("odd-one-out")
    store = plugin.context.store
    _play_daily(plugin, DAY, solve=True)
    store.execute(f"UPDATE [{store.table_name('rounds')}] SET guesses = 'not json'")
    record = DailyRecord(store, plugin.context.state)
    assert record.result(DAY) is None
    assert record.problems and "could not read round" in record.problems[0]
    store.execute(f"DROP TABLE [{store.table_name('rounds')}]")
    store.execute(f"CREATE TABLE [{store.table_name('rounds')}] (id INTEGER, junk TEXT)")
    record = DailyRecord(store, plugin.context.state)
    assert record.result(DAY) is None and record.streak(DAY) == (0, 0)
    assert "could not read the rounds table" in record.problems[0]
