"""The games' figures of the odd-one-out plugin (a program, not a test; part of
``bench/odd_one_out.py``, or alone: ``python bench/odd_one_out.py --games``).

- pool: the categories the daily groups boards are drawn from (the tiered pool of
  ``models/connections-tables``), their words, by tier, and how many days of boards the pool
  holds before a category must come back (``schedule_capacity``: its smallest tier);
- schedule: the daily boards of ``days`` dates from the first one (2026-11-01): the fewest
  days between two boards sharing a group (same category, or same four words), how many
  repeats come within 60 days, and the time to deal a day;
- ladder: our AI's and gensim ``doesnt_match``'s accuracy on the odd-one-out puzzles by
  difficulty (``odd_one_out_puzzles.ladder``; hard should be hardest for both).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def pool_and_schedule(pool: Any, days: int = 365) -> dict[str, Any]:
    """Pool size and the repeat gaps of the daily schedule over ``days`` dates."""
    from textseq_plugins.odd_one_out.schedule import (
        EPOCH,
        WINDOW,
        DailySchedule,
        repeat_gaps,
        schedule_capacity,
    )

    words = {w for c in pool.categories for w in c.words}
    tiers: dict[str, int] = {}
    for cat in pool.categories:
        tier = getattr(cat, "tier", "")
        tiers[tier] = tiers.get(tier, 0) + 1
    t0 = time.perf_counter()
    schedule = DailySchedule(pool)
    boards = schedule.boards(EPOCH, days)
    seconds = time.perf_counter() - t0
    gaps = repeat_gaps(boards)
    return {
        "pool": {"categories": len(pool.categories), "words": len(words), "by_tier": tiers,
                 "days_of_boards": schedule_capacity(pool)},
        "schedule": {"days": days, "from": EPOCH.isoformat(), "window": WINDOW,
                     "days_until_a_group_repeats": gaps["days"],
                     "by_category": gaps["category"], "by_same_four_words": gaps["words"],
                     "repeats_within_window": gaps["repeats_within_window"],
                     "ms_per_day": round(1000 * seconds / days, 2)},
    }


def games(kv: Any, ai: Any, puzzles: int = 200, days: int = 365) -> dict[str, Any]:
    """Every figure of the games; the ladder on puzzles made as the app makes them (hard
    intruders by their second senses in the host's WordNet)."""
    from odd_one_out_puzzles import ladder as measure_ladder
    from textseq_plugins.odd_one_out.connections.pool import CategoryPool
    from textseq_plugins.odd_one_out.connections.tables import Tables
    from textseq_plugins.odd_one_out.puzzles import Categories
    from textseq_plugins.odd_one_out.traps import SecondSenses

    from textseq_tui.wordnet import WordNet

    pool = CategoryPool.load(Tables(REPO / "models" / "connections-tables"))
    out = pool_and_schedule(pool, days)
    categories = Categories.from_dir(REPO / "models" / "wordnet-categories")
    senses = SecondSenses(WordNet(REPO / "textseq_tui" / "models" / "wordnet-3.0"))
    lad = measure_ladder(kv, ai, categories, None, puzzles, second_senses=senses)
    out["ladder"] = {d: {"ours_pct": lad[d]["ours_pct"],
                         "doesnt_match_pct": lad[d]["doesnt_match_pct"]}
                     for d in ("easy", "medium", "hard")}
    return out


def print_games(result: dict[str, Any]) -> None:
    pool, sched = result["pool"], result["schedule"]
    print(f"pool: {pool['categories']} categories ({pool['by_tier']}), {pool['words']} words, "
          f"{pool['days_of_boards']} days of boards before a category must come back")
    repeat = sched["days_until_a_group_repeats"]
    print(f"daily schedule over {sched['days']} days from {sched['from']}: a group comes "
          f"back after {repeat if repeat is not None else 'more than ' + str(sched['days'])} "
          f"days at the fewest (category {sched['by_category']}, same four words "
          f"{sched['by_same_four_words']}; target >= {sched['window']}); "
          f"{sched['repeats_within_window']} repeats within {sched['window']} days; "
          f"{sched['ms_per_day']} ms a day")
    print("\n| difficulty | ours acc | doesnt_match acc |\n| --- | --- | --- |")
    for d, row in result["ladder"].items():
        print(f"| {d} | {row['ours_pct']} | {row['doesnt_match_pct']} |")
