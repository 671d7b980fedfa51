"""What the groups screen shows and does, without Textual: the board in play, its kind
(daily, practice, your own), the selection, the texts. ``load_*``, ``hint``, ``ai_*`` block
(models, the store): the screen calls them in workers; the rest is quick."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from textseq_plugins.odd_one_out import groups_ai
from textseq_plugins.odd_one_out.daily import (
    DailyRecord,
    board_pool,
    daily_board,
    game_grid,
    grid_text,
    plural,
    share_text,
    tiers_of,
)

from textseq_tui.plugin import BadInput, escape

DIFFICULTY_KEY = "groups-difficulty"
FEEDBACK = {"correct": "Right: [b]{name}[/b]!", "one away": "One away...",
            "wrong": "No: not a group.", "repeat": "You tried that already."}
#: practice boards take a seed below this (short enough for the status line)
MAX_SEED = 10**6


class GroupsView:
    """The state of the groups screen (see the module docstring)."""

    def __init__(self, plugin: Any, player: str | None = None) -> None:
        self.plugin = plugin
        self.player = player
        self.kind = ""  # daily | practice | brought
        self.day: Any = None
        self.session: Any = None
        self.game: Any = None
        self.order: list[str] = []
        self.selected: list[str] = []
        self.labels: dict[str, str] = {}
        self.result: Any = None  # a daily played before this screen opened
        self.record: DailyRecord | None = None
        self.streak = (0, 0)
        self.pending: tuple[str, ...] | None = None  # a guess on your board, to be judged
        self.hinted: tuple[str, ...] | None = None
        self.brought: Any = None
        self.found_names: list[str] = []
        self.difficulty = "medium"
        self.ai_line = ""
        self.ai_moves = 0  # guesses the AI made on your board while you watched
        self.filled_in = 0  # 1 once the last group filled in by itself (not a move)

    @property
    def judged(self) -> bool:
        """Your board without its answer: you say what each guess got."""
        from textseq_plugins.odd_one_out.brought import JudgedGame

        return isinstance(self.game, JudgedGame)

    def label(self, word: str) -> str:
        return self.labels.get(word, word)

    # -- loading (workers) ------------------------------------------------------------------

    def _session(self, seed: int | None, difficulty: str) -> Any:
        from textseq_plugins.odd_one_out.game import GroupsSession

        seed = random.randrange(MAX_SEED) if seed is None else seed
        return GroupsSession(board_pool(self.plugin), seed, difficulty,
                             self.player or self.plugin.context.player,
                             record=self.plugin.record_round)

    def _remembered_difficulty(self) -> str:
        from textseq_plugins.odd_one_out.puzzles import DIFFICULTIES

        saved = self.plugin.context.state.get(DIFFICULTY_KEY, "medium")
        return saved if saved in DIFFICULTIES else "medium"

    def load_daily(self, date_text: str | None,
                   progress: Callable[[int, int], None] | None = None) -> None:
        """The daily board of ``date_text`` (today by default): the result when it was
        played, the game where it was left, or a fresh game. ``progress(k, n)``: the days
        the schedule deals first (see ``DailySchedule.board``)."""
        from textseq_plugins.odd_one_out.groups import GroupsGame, parse_date
        from textseq_plugins.odd_one_out.schedule import DIFFICULTY, check_daily_date, today

        day = check_daily_date(parse_date(date_text) if date_text else today())
        puzzle = daily_board(self.plugin, day, progress)
        record = DailyRecord(self.plugin.context.store, self.plugin.context.state)
        result = record.result(day)
        session = self._session(None, DIFFICULTY)
        if result is not None:  # shown as it ended, never played again
            game = GroupsGame(puzzle)
            for words in result.guesses:
                try:
                    game.guess(words)
                except BadInput:
                    break  # a board dealt from another pool since: shown as far as it fits
        else:
            game = session.play_board(puzzle, daily=day, guesses=record.progress(day))
            if game.over:  # its last saved guess ended it: recorded now
                record.clear_progress()
        labels = self._labels(puzzle)
        streak = record.streak(today())
        self._set("daily", game, labels, session=session, day=day, result=result,
                  record=record, streak=streak)

    def load_practice(self, seed: int | None, difficulty: str | None) -> None:
        """A practice board: ``seed`` (a fresh one by default) at ``difficulty`` (the one
        remembered by default)."""
        from textseq_plugins.odd_one_out.puzzles import check_difficulty

        difficulty = check_difficulty(difficulty) if difficulty \
            else self._remembered_difficulty()
        if self.kind == "practice" and seed is None:  # the same session: its streak goes on
            session = self.session
            session.difficulty = difficulty
        else:
            session = self._session(seed, difficulty)
        game = session.new_puzzle()
        self._set("practice", game, self._labels(game.puzzle), session=session)

    def load_brought(self, board: Any) -> None:
        """Your board: with its answer, a game the screen judges (its groups named by the
        AI); without, a game you judge."""
        from textseq_plugins.odd_one_out.brought import JudgedGame, keyed_puzzle
        from textseq_plugins.odd_one_out.groups import GroupsGame

        if board.key is not None:
            names = groups_ai.themes(self.plugin, list(board.items), list(board.key))
            game: Any = GroupsGame(keyed_puzzle(board, names, seed=random.randrange(MAX_SEED)))
        else:
            groups_ai.themes(self.plugin, list(board.items), [])  # analysed here, not on the UI
            game = JudgedGame(board.items)
        self._set("brought", game, dict(board.labels), brought=board)

    def _set(self, kind: str, game: Any, labels: dict[str, str], **fields: Any) -> None:
        """Switch to a new board at once (the UI reads these fields)."""
        self.session = fields.get("session")
        self.day = fields.get("day")
        self.result = fields.get("result")
        self.brought = fields.get("brought")
        if fields.get("record") is not None:
            self.record = fields["record"]
            self.streak = fields["streak"]
        self.difficulty = self.session.difficulty if self.session else self.difficulty
        self.selected, self.pending, self.hinted, self.found_names = [], None, None, []
        self.ai_line, self.ai_moves, self.filled_in = "", 0, 0
        self.labels = labels
        self.order = list(getattr(getattr(game, "puzzle", None), "words", None)
                          or game.items)
        self.kind = kind
        self.game = game

    def _labels(self, puzzle: Any) -> dict[str, str]:
        from textseq_plugins.odd_one_out.capitals import board_labels

        return board_labels(self.plugin, board_pool(self.plugin), puzzle)

    def parse_board(self, text: str) -> Any:
        from textseq_plugins.odd_one_out.brought import parse_board

        return parse_board(text)

    # -- what the board shows ---------------------------------------------------------------

    def tiles(self) -> list[str]:
        left = set(self.game.remaining())
        return [w for w in self.order if w in left]

    def solved_rows(self) -> list[tuple[str, tuple[str, ...], str, bool]]:
        """(name, words, tier, found by the player) of each group to show as a bar: the
        groups found, then, once the game is over, the others."""
        from textseq_plugins.odd_one_out.daily import TIERS

        game = self.game
        if self.judged:
            return [(self.found_names[k] if k < len(self.found_names) else f"group {k + 1}",
                     words, TIERS[k], True) for k, words in enumerate(game.found_groups)]
        tiers = tiers_of(game.puzzle)
        rows = [(game.puzzle.groups[k][0], game.puzzle.groups[k][1], tiers[k], True)
                for k in game.found]
        if game.over:
            rows += [(name, words, tiers[k], False)
                     for k, (name, words) in enumerate(game.puzzle.groups)
                     if k not in game.found]
        return rows

    def status(self) -> str:
        from textseq_plugins.odd_one_out.groups import MAX_MISTAKES

        game = self.game
        left = MAX_MISTAKES - game.mistakes
        found = len(game.found_groups) if self.judged else len(game.found)
        dots = f"mistakes {'●' * left}{'○' * (MAX_MISTAKES - left)} · found {found}/4"
        if self.kind == "daily":
            return (f"Daily {self.day.isoformat()} · {dots} · daily streak "
                    f"{self.streak[0]} (best {self.streak[1]})")
        if self.kind == "practice":
            s = self.session
            return (f"Practice {self.difficulty} #{game.puzzle.seed} · {dots} · "
                    f"streak {s.streak} · score {s.score}")
        how = "you judge each guess" if self.judged else "with its answer"
        return f"Your board ({how}) · {dots}"

    # -- moves (quick: the UI thread) -------------------------------------------------------

    def toggle(self, word: str) -> bool:
        """Select or unselect ``word`` (at most four); False when nothing changed."""
        if self.game is None or self.game.over or self.pending is not None:
            return False
        if word in self.selected:
            self.selected.remove(word)
        elif len(self.selected) < 4:
            self.selected.append(word)
        else:
            return False
        return True

    def submit(self, words: list[str]) -> str:
        """Submit four words on a judged-by-the-board game; the feedback to show."""
        game = self.game
        try:
            guess = self.session.guess(words) if self.session is not None \
                else game.guess(words)
        except BadInput as err:
            return f"[red]{escape(str(err))}[/]"
        text = FEEDBACK[guess.result].format(name=escape(guess.category or ""))
        if guess.result == "correct":
            self.selected = []
            if not game.over and len(game.remaining()) == 4:
                last = tuple(game.remaining())
                filled = self.session.guess(last) if self.session is not None \
                    else game.guess(last)
                self.filled_in = 1
                text += f" The last group fills in: [b]{escape(filled.category or '')}[/b]."
        self.hinted = None
        self._save_progress()
        return text

    def judge(self, result: str) -> str:
        """What your guess on your board got, as you say."""
        words, self.pending = self.pending, None
        guess = self.game.judge(words, result)
        if result == "correct":
            self.selected = []
            self.found_names.append(groups_ai.themes(self.plugin, list(self.game.items),
                                                     [guess.words])[0])
        self.hinted = None
        return FEEDBACK[result].format(name=escape(self.found_names[-1]
                                                   if result == "correct" else ""))

    def _save_progress(self) -> None:
        from textseq_plugins.odd_one_out.schedule import today

        from textseq_tui.plugin import TextseqError

        if self.kind != "daily" or self.record is None or self.result is not None:
            return
        try:
            if self.game.over:
                self.record.clear_progress()
                self.streak = self.record.streak(today())
            else:
                self.record.save_progress(self.day,
                                          [list(g.words) for g in self.game.guesses])
        except TextseqError as err:  # a damaged home: the game goes on unsaved
            self.record.problems.append(f"the game in progress was not saved: {err}")

    def next_difficulty(self) -> str:
        from textseq_plugins.odd_one_out.puzzles import DIFFICULTIES

        self.difficulty = DIFFICULTIES[(DIFFICULTIES.index(self.difficulty) + 1) % 3]
        self.plugin.context.state.set(DIFFICULTY_KEY, self.difficulty)
        return self.difficulty

    # -- after the game ---------------------------------------------------------------------

    def grid(self) -> list[list[str]]:
        if self.game is None or self.judged:
            return []
        if self.result is not None:
            return self.result.grid
        return game_grid(self.game)

    def share(self) -> str:
        game = self.game
        if self.kind == "daily":
            title = self.day.isoformat()
        elif self.kind == "practice":
            title = f"practice, seed {game.puzzle.seed} ({self.difficulty})"
        else:
            title = "(a board of my own)"
        return share_text(title, self.grid(), game.solved, game.mistakes)

    def ai_verdict(self) -> str:
        """How the AI does on the same board (blocking)."""
        if self.judged or self.game is None:
            return ""
        from textseq_tui.plugin import TextseqError

        try:
            ai_game = groups_ai.play(self.plugin, self.game.puzzle)
        except TextseqError:
            return ""
        self.ai_line = (f"The AI solved this board with {plural(ai_game.mistakes, 'mistake')}."
                        if ai_game.solved else "The AI did not solve this board.")
        return self.ai_line

    def hint(self) -> str:
        """First the theme of the group the AI is surest of; asked again, its words are
        selected (blocking)."""
        words, theme = groups_ai.hint(self.plugin, self.game)
        if self.hinted == words:
            self.selected = list(words)
            return ("The AI would submit: " + escape(", ".join(self.label(w) for w in words))
                    + " (selected: s submits)")
        self.hinted = words
        return f"Hint: one group is [b]{escape(theme)}[/b]. a again: the AI's four words."

    def ai_groups_text(self) -> str:
        """The AI's four groups of your board, with their themes (blocking)."""
        groups = groups_ai.four_groups(self.plugin, list(self.brought.items))
        lines = ["The AI's groups, surest first:"]
        lines += [f"  [b]{escape(theme)}[/b]: "
                  + escape(", ".join(self.label(w) for w in words)) for words, theme in groups]
        return "\n".join(lines)

    def brought_intro(self) -> str:
        if self.judged:
            return ("Your board. Play it where it came from: select four, s, then say what "
                    "it got (1 right, 2 one away, 3 wrong). a: a hint · w: the AI's groups.")
        return ("Your board, shuffled; the screen knows the answer. a: a hint · w: watch "
                "the AI play it.")


def result_text(view: GroupsView, played_before: bool = False) -> str:
    """The end of a game, short enough for 80x24 under the board: the verdict, the daily
    streak, how the AI did (once known), then the grid (the footer shows the keys)."""
    game = view.game
    mistakes = plural(game.mistakes, "mistake")
    if played_before:
        head = (f"You played the daily board of {view.day.isoformat()}: "
                + (f"solved with {mistakes}." if game.solved else f"not solved ({mistakes})."))
    elif view.ai_moves:
        moves = len(game.guesses) - view.filled_in
        head = _watched_verdict(view.ai_moves, moves, game.solved, mistakes)
    elif game.solved:
        points = f", +{game.points()} points" if view.kind != "brought" else ""
        head = f"[b]Solved![/b] With {mistakes}{points}."
    else:
        head = "[b]Out of mistakes.[/b]"
    if view.kind == "daily":
        head += f" Daily streak: {view.streak[0]} (best {view.streak[1]})."
    if view.ai_line:
        head += f" {view.ai_line}"
    problems = [view.session.save_error] if view.session and view.session.save_error else []
    problems += view.record.problems if view.record is not None and view.kind == "daily" else []
    for problem in dict.fromkeys(problems):
        head += f"\n[red]{escape(problem)}[/]"
    grid = view.grid()
    return f"{head}\n{grid_text(grid)}" if grid else head


def _watched_verdict(ai_moves: int, moves: int, solved: bool, mistakes: str) -> str:
    """The end of your board when the AI played it (or finished it) while you watched."""
    if ai_moves == moves:
        return (f"[b]The AI solved your board[/b] with {mistakes}." if solved
                else f"[b]The AI ran out of mistakes[/b] on your board ({mistakes}).")
    share = f"the AI made {ai_moves} of the {plural(moves, 'guess', 'guesses')}"
    return (f"[b]Solved[/b] with {mistakes} ({share})." if solved
            else f"[b]Out of mistakes[/b] ({share}).")
