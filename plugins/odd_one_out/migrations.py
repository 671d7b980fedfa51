"""The odd-one-out tables: every round played (or asked) is one row of ``odd_one_out_rounds``;
the daily groups boards, once computed, are kept in ``odd_one_out_daily_boards``."""

from __future__ import annotations

from typing import Any

from sqlite_utils.migrations import Migrations

migrations = Migrations("odd-one-out")
ROUNDS = "rounds"
#: the daily schedule's boards, by date and category pool (schedule.py)
DAILY_BOARDS = "daily_boards"


@migrations()
def m001_rounds(db: Any) -> None:
    db[db.table_name("rounds")].create(
        {
            "id": int,
            "at": float,  # unix time the answer was given
            "game": str,  # one id per game session (streaks are counted within it)
            "player": str,
            "mode": str,  # guess | beat | ask
            "difficulty": str,  # easy | medium | hard | "" (ask)
            "seed": int,
            "puzzle_index": int,
            "items": str,  # JSON list, in display order
            "intruder": str,  # the puzzle's intruder ("" for ask)
            "player_pick": str,
            "ai_pick": str,
            "correct": int,  # guess: player == AI; beat: player == intruder; ask: NULL
            "ai_correct": int,  # beat: AI == intruder
            "seconds": float,  # time taken to answer
            "points": int,
            "streak": int,  # the player's streak after this round
        },
        pk="id",
        not_null={"at", "player", "mode", "items"},
    )
    db[db.table_name("rounds")].create_index(["player"])
    db[db.table_name("rounds")].create_index(["game"])


@migrations()
def m002_categories_and_groups(db: Any) -> None:
    """Rounds name their category; groups games count mistakes."""
    table = db[db.table_name("rounds")]
    table.add_column("category", str)  # the group's category ("fruits"); groups: JSON list
    table.add_column("intruder_category", str)  # "a vegetable"
    table.add_column("mistakes", int)  # groups mode: mistakes made (0..4)


@migrations()
def m003_daily(db: Any) -> None:
    """The daily groups board: a round says which date's board it was and keeps its
    guesses (the share grid); the schedule's boards are kept once computed."""
    table = db[db.table_name("rounds")]
    table.add_column("daily", str)  # "YYYY-MM-DD" of a daily board, else NULL
    table.add_column("found", int)  # groups mode: groups found (0..4)
    table.add_column("guesses", str)  # groups mode: JSON [{"words", "result", "tiers"}]
    table.create_index(["daily"])
    db[db.table_name(DAILY_BOARDS)].create(
        {"day": str, "pool": str, "board": str, "span": int}, pk=("day", "pool"))
