"""Game rules shared by the console game and the Textual screen (no UI code here).

Modes:

- ``guess`` (guess the AI): which word will the AI pick? Correct when the player's pick is the
  AI's pick.
- ``beat`` (beat the AI): which word doesn't belong? Player and AI are both scored against the
  puzzle's intruder; beating the AI (right when it is wrong) earns a bonus.

Points for a correct answer: 10, plus up to 10 for speed (one point per second under 10 s;
none for answers read from a pipe), plus 5 for beating the AI. A wrong answer ends the
streak.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textseq_tui.plugin import BadInput

MODES = {"guess": "Guess the AI", "beat": "Beat the AI"}
#: the groups game's rounds are stored beside the others (one row per puzzle)
GROUPS_MODE = "groups"
#: the plugin state keys of the last mode and difficulty played (the app's and the console's)
MODE_KEY = "mode"
DIFFICULTY_KEY = "difficulty"
PROMPTS = {"guess": "Which word will the AI pick as the odd one out?",
           "beat": "Which word doesn't belong?"}


def remembered(plugin: Any, mode: str | None, difficulty: str | None) -> tuple[str, str]:
    """The mode and difficulty to play: as given (and then remembered), else the ones
    remembered from the last game (app or console), else *beat the AI*, medium."""
    from textseq_plugins.odd_one_out.puzzles import DIFFICULTIES, check_difficulty

    from textseq_tui.plugin import TextseqError

    state = plugin.context.state
    if difficulty is not None:
        check_difficulty(difficulty)
    if mode is not None and mode not in MODES and mode != GROUPS_MODE:
        raise BadInput(f"unknown mode {mode!r}: use {', '.join(MODES)}, {GROUPS_MODE}")
    try:
        if difficulty is not None:
            state.set(DIFFICULTY_KEY, difficulty)
        else:
            saved = state.get(DIFFICULTY_KEY)
            difficulty = saved if saved in DIFFICULTIES else "medium"
        if mode in MODES:
            state.set(MODE_KEY, mode)
        elif mode is None:
            saved = state.get(MODE_KEY)
            mode = saved if saved in MODES else "beat"
    except TextseqError:  # a damaged home: play with the defaults, remember nothing
        mode, difficulty = mode or "beat", difficulty or "medium"
    return mode, difficulty


def _record(record: Any, row: Any) -> str:
    """Store a round through ``record``; the game goes on when the home cannot store it
    (a damaged or read-only table): the reason is returned to be said, "" when stored."""
    from textseq_tui.plugin import TextseqError

    if record is None:
        return ""
    try:
        record(row())
    except TextseqError as err:
        return f"this round was not saved: {err}"
    return ""


@dataclass
class RoundResult:
    """The outcome of one answered round (what the end-of-round summary shows)."""

    items: list[str]
    intruder: str
    player_pick: str
    ai_pick: str
    correct: bool
    ai_correct: bool
    seconds: float
    points: int
    streak: int
    explanation: list[str] = field(default_factory=list)
    category: str = ""
    intruder_category: str = ""

    def reveal(self, label: Callable[[str], str] = str) -> str:
        """"The others are all fruits; carrot is a vegetable." (words through ``label``:
        their usual capitals)"""
        from textseq_plugins.odd_one_out.puzzles import Puzzle

        return Puzzle(tuple(self.items), label(self.intruder), "", 0, 0, self.category,
                      self.intruder_category).reveal()

    def summary(self, mode: str, label: Callable[[str], str] = str) -> str:
        """Plain-text summary of the round (words through ``label``)."""
        verdict = "Right!" if self.correct else "Wrong."
        lines = [f"{verdict} You picked {label(self.player_pick)}; the AI picked "
                 f"{label(self.ai_pick)}; the intruder was {label(self.intruder)}.",
                 self.reveal(label)]
        if mode == "beat" and self.correct and not self.ai_correct:
            lines.append("You beat the AI (+5).")
        lines.append(f"+{self.points} points in {self.seconds:.1f} s, streak {self.streak}.")
        return "\n".join(lines)


class GameSession:
    """A run of puzzles for one player in one mode; records each round through ``record``.

    Args:
        ai: an :class:`~textseq_plugins.odd_one_out.model.OddOneOut`.
        generator: a :class:`~textseq_plugins.odd_one_out.puzzles.PuzzleGenerator`.
        record: called with each round's row (a dict for ``odd_one_out_rounds``), or None.
    """

    def __init__(self, ai: Any, generator: Any, mode: str = "guess", difficulty: str = "medium",
                 player: str = "you", record: Any = None) -> None:
        from textseq_plugins.odd_one_out.puzzles import check_difficulty

        if mode not in MODES:
            raise BadInput(f"unknown mode {mode!r}: use {', '.join(MODES)}")
        check_difficulty(difficulty)
        self.ai = ai
        self.generator = generator
        self.mode = mode
        self.difficulty = difficulty
        self.player = player or "you"
        self.record = record
        self.game_id = uuid.uuid4().hex[:12]
        self.score = 0
        self.streak = 0
        self.best_streak = 0
        self.results: list[RoundResult] = []
        self.save_error = ""  # why the last round could not be stored ("" when it was)
        self.puzzle: Any = None
        self.ai_pick: Any = None
        self.started = 0.0

    def new_round(self) -> Any:
        """Draw the next puzzle, let the AI decide (hidden until the answer), start the clock."""
        self.puzzle = self.generator.next(self.difficulty)
        self.ai_pick = self.ai.pick(list(self.puzzle.items))
        self.started = time.monotonic()
        return self.puzzle

    def elapsed(self) -> float:
        """Seconds since the current round started."""
        return time.monotonic() - self.started if self.started else 0.0

    def answer(self, choice: int | str, seconds: float | None = None,
               timed: bool = True) -> RoundResult:
        """Answer the current puzzle with an item or its 0-based index; scores and records it.
        ``timed`` False (answers read from a pipe): no points for speed, which a script
        would always take in full."""
        if self.puzzle is None:
            raise BadInput("no puzzle in play: start a round first")
        items = list(self.puzzle.items)
        if isinstance(choice, int):
            if not 0 <= choice < len(items):
                raise BadInput(f"choose 1 to {len(items)}")
            pick = items[choice]
        elif choice in items:
            pick = choice
        else:
            raise BadInput(f"{choice!r} is not one of {', '.join(items)}")
        seconds = self.elapsed() if seconds is None else seconds
        ai_pick = self.ai_pick.odd
        ai_correct = ai_pick == self.puzzle.intruder
        correct = pick == ai_pick if self.mode == "guess" else pick == self.puzzle.intruder
        points = 0
        if correct:
            points = 10 + (max(0, 10 - int(seconds)) if timed else 0)
            if self.mode == "beat" and not ai_correct:
                points += 5
        self.streak = self.streak + 1 if correct else 0
        self.best_streak = max(self.best_streak, self.streak)
        self.score += points
        result = RoundResult(items, self.puzzle.intruder, pick, ai_pick, correct, ai_correct,
                             round(seconds, 2), points, self.streak, self.ai_pick.explain(),
                             getattr(self.puzzle, "category", ""),
                             getattr(self.puzzle, "intruder_category", ""))
        self.results.append(result)
        self.save_error = _record(self.record, lambda: self.row(result))
        self.puzzle = None
        return result

    def row(self, r: RoundResult) -> dict[str, Any]:
        """The stored row of a round."""
        return {
            "at": time.time(), "game": self.game_id, "player": self.player, "mode": self.mode,
            "difficulty": self.difficulty, "seed": self.generator.seed,
            "puzzle_index": self.generator.index - 1, "items": json.dumps(r.items),
            "intruder": r.intruder, "player_pick": r.player_pick, "ai_pick": r.ai_pick,
            "correct": int(r.correct), "ai_correct": int(r.ai_correct), "seconds": r.seconds,
            "points": r.points, "streak": r.streak, "category": r.category,
            "intruder_category": r.intruder_category,
        }

    def summary(self) -> dict[str, Any]:
        """The game so far: rounds, correct, accuracy (%), score, best streak, AI accuracy (%)."""
        n = len(self.results)
        right = sum(r.correct for r in self.results)
        ai_right = sum(r.ai_correct for r in self.results)
        return {"rounds": n, "correct": right,
                "accuracy": round(100.0 * right / n, 1) if n else 0.0,
                "score": self.score, "best_streak": self.best_streak,
                "ai_accuracy": round(100.0 * ai_right / n, 1) if n else 0.0}


class GroupsSession:
    """A run of groups puzzles for one player; each finished puzzle is one stored round.

    Args:
        categories: the :class:`~textseq_plugins.odd_one_out.puzzles.Categories`.
        seed: the first puzzle's seed (a daily puzzle: :func:`groups.daily_seed`); each
            next puzzle takes the next seed.
        record: called with each finished puzzle's row, or None.
    """

    def __init__(self, categories: Any, seed: int, difficulty: str = "medium",
                 player: str = "you", record: Any = None) -> None:
        from textseq_plugins.odd_one_out.puzzles import check_difficulty, check_seed

        self.categories = categories
        self.seed = check_seed(seed)
        self.difficulty = check_difficulty(difficulty)
        self.player = player or "you"
        self.record = record
        self.game_id = uuid.uuid4().hex[:12]
        self.score = self.streak = self.best_streak = self.puzzles = self.solved = 0
        self.dealt = 0
        self.game: Any = None
        self.daily: Any = None  # the date of the daily board in play, else None
        self.save_error = ""  # why the last board could not be stored ("" when it was)
        self.started = 0.0

    def new_puzzle(self) -> Any:
        """Deal the next free puzzle (seed, seed + 1, ...) and start the clock."""
        from textseq_plugins.odd_one_out.groups import make_groups

        seed = self.seed + self.dealt
        self.dealt += 1
        return self.play_board(make_groups(self.categories, seed, self.difficulty))

    def play_board(self, puzzle: Any, daily: Any = None,
                   guesses: list[list[str]] | None = None) -> Any:
        """Play ``puzzle`` (the daily board of the date ``daily``, or any board), replaying
        ``guesses`` made on it before (a daily left half-played); starts the clock."""
        from textseq_plugins.odd_one_out.groups import GroupsGame

        self.game = GroupsGame(puzzle)
        self.daily = daily
        self.started = time.monotonic()
        for words in guesses or ():
            if self.game.over:
                break
            try:
                self.guess(words)
            except BadInput:
                continue  # a saved guess that no longer fits the board: dropped
        return self.game

    def guess(self, words: list[str] | tuple[str, ...], ai_solved: bool | None = None) -> Any:
        """Submit four words; when that ends the puzzle it is scored and recorded."""
        if self.game is None:
            raise BadInput("no puzzle in play: start one first")
        result = self.game.guess(words)
        if self.game.over:
            self._finish(ai_solved)
        return result

    def _finish(self, ai_solved: bool | None) -> None:
        game = self.game
        self.puzzles += 1
        self.solved += game.solved
        self.streak = self.streak + 1 if game.solved else 0
        self.best_streak = max(self.best_streak, self.streak)
        self.score += game.points()
        self.save_error = _record(self.record, lambda: self.row(game, ai_solved))

    def row(self, game: Any, ai_solved: bool | None = None) -> dict[str, Any]:
        """The stored row of a finished groups puzzle."""
        from textseq_plugins.odd_one_out.daily import round_fields

        p = game.puzzle
        return {**round_fields(game, self.daily),
            "at": time.time(), "game": self.game_id, "player": self.player, "mode": GROUPS_MODE,
            "difficulty": p.difficulty, "seed": p.seed, "puzzle_index": self.puzzles - 1,
            "items": json.dumps(list(p.words)), "intruder": "",
            "player_pick": json.dumps([p.groups[k][0] for k in game.found]),
            "ai_pick": "", "correct": int(game.solved),
            "ai_correct": None if ai_solved is None else int(ai_solved),
            "seconds": round(time.monotonic() - self.started, 2), "points": game.points(),
            "streak": self.streak, "category": json.dumps([name for name, _ in p.groups]),
            "intruder_category": "", "mistakes": game.mistakes,
        }

    def summary(self) -> dict[str, Any]:
        """Puzzles played and solved, solve rate (%), score, best streak."""
        return {"puzzles": self.puzzles, "solved": self.solved,
                "solve_rate": round(100.0 * self.solved / self.puzzles, 1) if self.puzzles else 0.0,
                "score": self.score, "best_streak": self.best_streak}


def round_score(row: dict[str, Any]) -> float:
    """How right one stored round was (0..1): a groups round is the groups found / 4 (its
    mistakes are counted apart), any other is right or wrong. ValueError for a row that
    does not say."""
    if row.get("mode") == GROUPS_MODE:
        found = row.get("found")
        if found is None:  # rows from before the count was kept: the found groups' names
            found = len(json.loads(row.get("player_pick") or "[]"))
        if not 0 <= int(found) <= 4:
            raise ValueError(f"{found} groups found")
        return int(found) / 4
    return float(int(row["correct"]))


def leaderboard(rows: list[dict[str, Any]], problems: list[str] | None = None
                ) -> list[dict[str, Any]]:
    """Per player and mode: best streak, accuracy (%; a groups round counts the share of its
    groups found), rounds, mistakes a groups board (mean), total and best-game points.

    ``rows`` are stored rounds; "ask" rows are not games and are left out, and so is a row
    that cannot be read (counted in ``problems``). Sorted by best streak, then accuracy.
    """
    board: dict[tuple[str, str], dict[str, Any]] = {}
    games: dict[tuple[str, str, str], int] = {}
    unreadable = 0
    for row in rows:
        if row.get("mode") not in MODES and row.get("mode") != GROUPS_MODE:
            continue
        try:
            key = (str(row["player"]), str(row["mode"]))
            score, streak = round_score(row), int(row.get("streak") or 0)
            points, mistakes = int(row.get("points") or 0), int(row.get("mistakes") or 0)
        except (KeyError, TypeError, ValueError):
            unreadable += 1
            continue
        entry = board.setdefault(key, {"player": key[0], "mode": key[1], "rounds": 0,
                                       "correct": 0.0, "best_streak": 0, "points": 0,
                                       "mistakes": 0})
        entry["rounds"] += 1
        entry["correct"] += score
        entry["best_streak"] = max(entry["best_streak"], streak)
        entry["points"] += points
        entry["mistakes"] += mistakes
        gkey = (*key, str(row.get("game") or ""))
        games[gkey] = games.get(gkey, 0) + points
    if unreadable and problems is not None:
        problems.append(f"could not read {unreadable} round{'s' * (unreadable != 1)} "
                        "(bad values)")
    out = []
    for key, entry in board.items():
        groups = entry["mode"] == GROUPS_MODE
        out.append({
            "player": entry["player"], "mode": entry["mode"], "best_streak": entry["best_streak"],
            "accuracy": round(100.0 * entry["correct"] / entry["rounds"], 1),
            "rounds": entry["rounds"],
            "mistakes": round(entry["mistakes"] / entry["rounds"], 2) if groups else None,
            "points": entry["points"],
            "best_game": max(v for k, v in games.items() if k[:2] == key),
        })
    out.sort(key=lambda e: (-e["best_streak"], -e["accuracy"], e["player"]))
    return out
