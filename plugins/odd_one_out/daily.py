"""The daily groups puzzle in this home: played once, its result, the daily streak, the grid.

- The daily board of a date comes from the schedule (``schedule.py``); its rounds row says
  ``daily = "YYYY-MM-DD"`` and keeps the guesses, so reopening a played daily shows its
  result (solved or not, mistakes, the grid) instead of a fresh board.
- A daily left half-played is kept in the plugin's state (``daily-progress``) and resumed.
- The *daily streak* is the number of days in a row, up to today (or yesterday while today's
  board is not played yet), with the daily board solved. The in-game ``streak`` (puzzles
  solved in a row within one session) is another thing and keeps its meaning.
- The share grid, as Connections has it: one row per guess, each word's square in the colour
  of the group it belongs to (yellow, green, blue, purple).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textseq_plugins.odd_one_out.schedule import DailySchedule, pool_fingerprint

from textseq_tui.plugin import BadInput, TextseqError

TIERS = ("yellow", "green", "blue", "purple")
SQUARES = {"yellow": "🟨", "green": "🟩", "blue": "🟦", "purple": "🟪"}
PROGRESS_KEY = "daily-progress"
SHARE_TITLE = "textseq groups"


def tiers_of(puzzle: Any) -> tuple[str, ...]:
    """Each group's colour: the board's tiers, or yellow .. purple in group order for boards
    drawn without tiers."""
    tiers = tuple(getattr(puzzle, "tiers", ()) or ())
    return tiers if len(tiers) == len(puzzle.groups) else TIERS[:len(puzzle.groups)]


def guess_tiers(puzzle: Any, words: tuple[str, ...] | list[str]) -> list[str]:
    """The colour of each guessed word's group (the grid's row for that guess)."""
    tiers = tiers_of(puzzle)
    return [tiers[puzzle.group_of(w)] for w in words]


def grid_text(grid: list[list[str]]) -> str:
    """The grid as coloured squares, one line per guess."""
    return "\n".join("".join(SQUARES.get(t, "⬜") for t in row) for row in grid)


def share_text(day: str | None, grid: list[list[str]], solved: bool, mistakes: int) -> str:
    """What the share key copies: a title line, the grid, the verdict."""
    title = f"{SHARE_TITLE} {day}" if day else SHARE_TITLE
    verdict = (f"solved, {plural(mistakes, 'mistake')}" if solved
               else f"not solved ({plural(mistakes, 'mistake')})")
    return f"{title}\n{grid_text(grid)}\n{verdict}"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """"1 day", "2 days" ("1 mistake", "0 mistakes")."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


@dataclass
class DailyResult:
    """A played daily board: its date, whether it was solved, mistakes, groups found, the
    grid (one row of four colours per guess) and who played it."""

    day: str
    solved: bool
    mistakes: int
    found: int
    grid: list[list[str]] = field(default_factory=list)
    player: str = ""
    guesses: list[list[str]] = field(default_factory=list)  # each guess's four words

    def to_json(self) -> dict[str, Any]:
        """``"played"`` in ``groups --date D --json``."""
        return {"solved": self.solved, "mistakes": self.mistakes, "grid": self.grid}

    def share(self) -> str:
        return share_text(self.day, self.grid, self.solved, self.mistakes)


def result_from_row(row: dict[str, Any]) -> DailyResult:
    """The daily result a rounds row holds; ValueError for a row that does not hold one."""
    try:
        guesses = json.loads(row.get("guesses") or "[]")
        grid = [[str(t) for t in g["tiers"]] for g in guesses]
        words = [[str(w) for w in g["words"]] for g in guesses]
        found = row.get("found")
        if found is None:  # rows from before m003: the found groups' names
            found = len(json.loads(row.get("player_pick") or "[]"))
        return DailyResult(str(row["daily"]), bool(int(row["correct"] or 0)),
                           int(row.get("mistakes") or 0), int(found), grid,
                           str(row.get("player") or ""), words)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"round {row.get('id')}: {err}") from None


class DailyRecord:
    """The daily puzzle's state in the home, read through the plugin's store and state.

    Reading never raises for a damaged table: :attr:`problems` says what could not be read,
    and the game goes on as if that day were not played.
    """

    def __init__(self, store: Any, state: Any) -> None:
        self.store = store
        self.state = state
        self.problems: list[str] = []

    def _daily_rows(self, where: str = "", args: tuple = ()) -> list[dict[str, Any]]:
        from textseq_plugins.odd_one_out.migrations import ROUNDS

        try:
            return self.store.rows(ROUNDS, "mode = 'groups' AND daily IS NOT NULL" + where,
                                   args, order_by="id")
        except TextseqError as err:
            self.problems.append(f"could not read the rounds table: {err}")
            return []

    def result(self, day: dt.date) -> DailyResult | None:
        """The first result recorded for ``day``'s board in this home, or None."""
        for row in self._daily_rows(" AND daily = ?", (day.isoformat(),)):
            try:
                return result_from_row(row)
            except ValueError as err:
                self.problems.append(f"could not read {err}")
        return None

    def results(self) -> dict[str, DailyResult]:
        """Every date's first result, by ``"YYYY-MM-DD"``."""
        out: dict[str, DailyResult] = {}
        for row in self._daily_rows():
            try:
                result = result_from_row(row)
            except ValueError as err:
                self.problems.append(f"could not read {err}")
                continue
            out.setdefault(result.day, result)
        return out

    def streak(self, now: dt.date) -> tuple[int, int]:
        """(current, best) daily streak: days in a row with the daily board solved. The
        current one runs up to ``now``, or to the day before while ``now`` is not played."""
        solved = {d for d, r in self.results().items() if r.solved}
        played = set(self.results())
        day = now if now.isoformat() in played else now - dt.timedelta(days=1)
        current = 0
        while day.isoformat() in solved:
            current += 1
            day -= dt.timedelta(days=1)
        best = run = 0
        previous: dt.date | None = None
        for text in sorted(solved):
            d = dt.date.fromisoformat(text)
            run = run + 1 if previous is not None and (d - previous).days == 1 else 1
            best = max(best, run)
            previous = d
        return current, best

    # -- a daily left half-played -----------------------------------------------------------

    def progress(self, day: dt.date) -> list[list[str]]:
        """The guesses made so far on ``day``'s board (none when another day's are kept)."""
        try:
            saved = self.state.get(PROGRESS_KEY)
        except TextseqError as err:
            self.problems.append(f"could not read the saved game: {err}")
            return []
        if not isinstance(saved, dict) or saved.get("day") != day.isoformat():
            return []
        guesses = saved.get("guesses")
        if not isinstance(guesses, list):
            return []
        return [[str(w) for w in g] for g in guesses if isinstance(g, list)]

    def save_progress(self, day: dt.date, guesses: list[list[str]]) -> None:
        self.state.set(PROGRESS_KEY, {"day": day.isoformat(), "guesses": guesses})

    def clear_progress(self) -> None:
        self.state.delete(PROGRESS_KEY)


def round_fields(game: Any, day: dt.date | None) -> dict[str, Any]:
    """The rounds row's daily fields for a finished groups game: ``daily``, ``found`` and
    ``guesses`` (each with the colours of its words' groups)."""
    puzzle = game.puzzle
    guesses = [{"words": list(g.words), "result": g.result,
                "tiers": guess_tiers(puzzle, g.words)} for g in game.guesses]
    return {"daily": day.isoformat() if day else None, "found": len(game.found),
            "guesses": json.dumps(guesses)}


def game_grid(game: Any) -> list[list[str]]:
    """The grid of a game in play or finished."""
    return [guess_tiers(game.puzzle, g.words) for g in game.guesses]


# -- the schedule in this home --------------------------------------------------------------


class SavedBoards(MutableMapping):
    """The schedule's boards kept in the home (``odd_one_out_daily_boards``) for one category
    pool: read once, each new day written as it is dealt. ``shared`` holds the days this
    process dealt for the same pool in any home (a day found there is kept here too, not
    dealt again). A table that cannot be read or written is as good as empty."""

    def __init__(self, store: Any, pool_key: str, shared: dict[str, Any] | None = None,
                 shipped: dict[str, Any] | None = None) -> None:
        from textseq_plugins.odd_one_out.migrations import DAILY_BOARDS

        self.store = store
        self.pool_key = pool_key
        self.shared = shared if shared is not None else {}
        #: days shipped with the plugin: read, never copied into the home
        self.shipped = shipped or {}
        self.boards: dict[str, Any] = {}
        try:
            for row in store.rows(DAILY_BOARDS, "pool = ?", (pool_key,)):
                self.boards[row["day"]] = {"board": json.loads(row["board"]),
                                           "span": row["span"]}
        except (TextseqError, ValueError, TypeError, KeyError):
            self.boards = {}

    def __getitem__(self, day: str) -> Any:
        if day not in self.boards and day in self.shipped:
            return self.shipped[day]
        if day not in self.boards and day in self.shared:
            self[day] = self.shared[day]
        return self.boards[day]

    def __setitem__(self, day: str, value: Any) -> None:
        from textseq_plugins.odd_one_out.migrations import DAILY_BOARDS

        self.boards[day] = value
        self.shared[day] = value
        try:
            with self.store.transaction() as tx:
                tx.execute(f"INSERT OR REPLACE INTO [{tx.table_name(DAILY_BOARDS)}] "
                           "(day, pool, board, span) VALUES (?, ?, ?, ?)",
                           (day, self.pool_key, json.dumps(value["board"]),
                            int(value["span"])))
        except TextseqError:
            pass  # a read-only or damaged home: the board is dealt again next time

    def __delitem__(self, day: str) -> None:
        del self.boards[day]

    def __iter__(self) -> Iterator[str]:
        return iter(self.boards.keys() | self.shipped.keys())

    def __len__(self) -> int:
        return len(self.boards.keys() | self.shipped.keys())


#: days dealt in this process, by pool fingerprint (shared by every home's SavedBoards)
_DEALT: dict[str, dict[str, Any]] = {}
#: the shipped days, by pool fingerprint (read once)
_SHIPPED: dict[str, dict[str, Any]] = {}
#: the schedule dealt ahead and shipped with the plugin (``build_daily_boards``): a new home
#: reads its days instead of dealing every day since the epoch (tens of seconds)
SHIPPED_BOARDS = Path(__file__).with_name("daily_boards.json.gz")


def shipped_boards(fingerprint: str, path: Path = SHIPPED_BOARDS) -> dict[str, Any]:
    """The shipped days of the pool with this fingerprint; none when the file is missing,
    damaged or was dealt from another pool (the days are then dealt here, as before)."""
    import gzip

    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
        if data.get("pool") != fingerprint:
            return {}
        return {day: {"board": value["board"], "span": int(value["span"])}
                for day, value in data["days"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
_SCHEDULES: dict[tuple[str, str], DailySchedule] = {}
_SCHEDULES_LOCK = threading.Lock()


def board_pool(plugin: Any) -> Any:
    """What the daily and practice boards are drawn from: the plugin's tiered category pool
    (yellow .. purple, from the Connections tables)."""
    return plugin.groups_pool()


def daily_schedule(plugin: Any) -> DailySchedule:
    """The schedule of the plugin's pool, shared in the process and kept in the home."""
    pool = board_pool(plugin)
    key = (str(plugin.context.home), pool_fingerprint(pool))
    with _SCHEDULES_LOCK:
        if key not in _SCHEDULES:
            if key[1] not in _SHIPPED:
                _SHIPPED[key[1]] = shipped_boards(key[1])
            saved = SavedBoards(plugin.context.store, key[1], _DEALT.setdefault(key[1], {}),
                                _SHIPPED[key[1]])
            _SCHEDULES[key] = DailySchedule(pool, saved=saved)
        return _SCHEDULES[key]


def daily_board(plugin: Any, day: dt.date,
                progress: Callable[[int, int], None] | None = None) -> Any:
    """The daily board of ``day`` (a date already checked: not in the future);
    ``progress(k, n)`` hears of each day the schedule still has to deal."""
    schedule = daily_schedule(plugin)
    with _SCHEDULES_LOCK:  # one thread deals the days at a time
        return schedule.board(day, progress)


def command_board(plugin: Any, seed: int | None, date: str | None, difficulty: str | None
                  ) -> tuple[Any, dict[str, Any], list[str]]:
    """The board ``groups`` shows: by ``seed`` at ``difficulty``, else the daily board of
    ``date`` (today by default) with its ``"date"`` and ``"played"`` (this home's result,
    null until played); and the lines saying how it was played."""
    from textseq_plugins.odd_one_out.groups import make_groups, parse_date
    from textseq_plugins.odd_one_out.puzzles import check_seed
    from textseq_plugins.odd_one_out.schedule import DIFFICULTY, check_daily_date, today

    if seed is not None:
        if date is not None:
            raise BadInput("give --seed or --date, not both")
        return make_groups(board_pool(plugin), check_seed(seed), difficulty or "medium"), {}, []
    if difficulty not in (None, DIFFICULTY):
        raise BadInput(f"the daily board is {DIFFICULTY}: --seed N deals a {difficulty} board")
    day = check_daily_date(parse_date(date) if date else today())
    record = DailyRecord(plugin.context.store, plugin.context.state)
    result = record.result(day)
    lines = []
    if result is not None:
        how = "solved" if result.solved else "not solved"
        lines = [f"played: {how}, {plural(result.mistakes, 'mistake')}", grid_text(result.grid)]
    return (daily_board(plugin, day),
            {"date": day.isoformat(), "played": result.to_json() if result else None}, lines)
