"""The groups game screen (Textual): find four groups of four, by keyboard.

Three kinds of board:

- the **daily** board of a date (``/odd groups [YYYY-MM-DD]``, today by default): played once;
  reopening it shows the result and the share grid; a daily left half-played is resumed; no
  hints on it. The daily streak is on the status line;
- **practice** boards (``n``): a fresh seed each time, the difficulty ``d`` chooses
  (remembered);
- **your own** board (``b``): paste sixteen comma-separated items (``;`` between groups when
  you have the answer); the AI gives hints (``a``) or plays it while you watch (``w``).

Keys: arrows/hjkl move, Space/Enter selects, ``s`` submits, ``c`` deselects, ``x`` shuffles,
``y`` copies the grid (OSC 52), Esc goes back. Boards and models load in workers.
"""

from __future__ import annotations

import random
from typing import Any

from textseq_plugins.odd_one_out.groups_board import GroupsBoard, SolvedRow
from textseq_plugins.odd_one_out.groups_view import GroupsView, result_text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from textseq_tui.plugin import TextseqError, escape

WATCH_STEP_S = 0.7
PLAYING_ONLY = {"submit", "deselect", "shuffle"}


class GroupsScreen(Screen):
    """The groups game. ``plugin`` gives ``categories()``, ``ai()``, ``record_round()`` and
    its context (store, state, player)."""

    DEFAULT_CSS = """
    GroupsScreen { layout: vertical; }
    GroupsScreen #status { height: 1; background: $boost; padding: 0 1; }
    GroupsScreen #paste { display: none; margin: 0 1; }
    GroupsScreen #paste.open { display: block; }
    GroupsScreen #message { height: 1fr; padding: 0 1; overflow-y: auto; }
    """

    BINDINGS = [
        Binding("escape", "leave", "Back"),
        Binding("s", "submit", "Submit"),
        # c and x are named in the screen's first line and F1, not the footer: at 80
        # columns the footer had no room for them and the app's keys
        Binding("c", "deselect", "Deselect", show=False),
        Binding("x", "shuffle", "Shuffle", show=False),
        Binding("a", "hint", "Hint"),
        Binding("w", "watch", "Watch AI"),
        Binding("1", "judge('correct')", "Right"),
        Binding("2", "judge('one away')", "One away"),
        Binding("3", "judge('wrong')", "Wrong"),
        Binding("y", "share", "Copy grid"),
        Binding("n", "practice", "Practice"),
        Binding("d", "difficulty", "Difficulty", show=False),
        Binding("b", "bring", "Your board"),
    ]

    def __init__(self, plugin: Any, date: str | None = None, seed: int | None = None,
                 difficulty: str | None = None, board: str | None = None,
                 player: str | None = None) -> None:
        super().__init__()
        self.plugin = plugin
        self.view = GroupsView(plugin, player)
        self.start = ("board", board) if board else ("seed", seed) if seed is not None \
            else ("daily", date)
        self.start_difficulty = difficulty
        self.watching = False
        self.last_move = ""  # the feedback of the move that ended the game

    def compose(self) -> ComposeResult:
        yield Static("loading the board...", id="status")
        yield GroupsBoard(self._toggled, id="board")
        yield Input(placeholder="16 items, comma-separated (';' between groups if you have "
                    "the answer); Enter plays it, Esc closes", id="paste")
        yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(GroupsBoard).focus()
        kind, value = self.start
        if kind == "board":
            self._bring(str(value))
        else:
            self._load(kind, value, self.start_difficulty)

    # -- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="groups-load")
    def _load(self, kind: str, value: Any, difficulty: str | None = None) -> None:
        try:
            if kind == "daily":
                self.view.load_daily(value, self._dealing)
            else:
                self.view.load_practice(value, difficulty)
        except TextseqError as err:
            self.app.call_from_thread(self._say, f"[red]{escape(str(err))}[/]")
            return
        self.app.call_from_thread(self._ready)

    def _dealing(self, day: int, days: int) -> None:
        """The schedule deals the days it has not dealt in this home (a worker's call)."""
        from textseq_plugins.odd_one_out.schedule import EPOCH, WINDOW

        if days == 1:
            self.app.call_from_thread(self._show_dealing, "Dealing the daily board...", "")
            return
        why = (f"Each daily board avoids the groups of the {WINDOW} days before it, so a new "
               f"home deals the days since {EPOCH.isoformat()} first (once).")
        self.app.call_from_thread(self._show_dealing, f"Dealing the daily boards: day {day} "
                                  f"of {days}...", why)

    def _show_dealing(self, status: str, why: str) -> None:
        self.query_one("#status", Static).update(status)
        self._say(why)

    def _ready(self) -> None:
        view = self.view
        self._draw()
        if view.result is not None:
            self._say(result_text(view, played_before=True))
        elif view.kind == "daily" and view.game.guesses:
            self._say("Welcome back: your daily board, where you left it.")
        elif view.kind == "brought":
            self._say(view.brought_intro())
        else:
            self._say("Find four groups of four: move with the arrows, Space selects, "
                      "s submits, c clears, x shuffles.")
        self.refresh_bindings()

    # -- drawing ----------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.query_one("#message", Static).update(text)

    def _draw(self) -> None:
        view = self.view
        if view.game is None:
            return
        rows = [SolvedRow(*row) for row in view.solved_rows()]
        self.query_one(GroupsBoard).show(view.tiles(), view.selected, rows,
                                         active=not view.game.over, label=view.label)
        self.query_one("#status", Static).update(escape(view.status()))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that do something now are shown (and work)."""
        view = self.view
        game = view.game
        if action in ("leave", "bring") or game is None and action != "practice":
            return action in ("leave", "bring")
        over = game is None or game.over
        judging = view.pending is not None
        if action == "judge":
            return judging
        if judging or self.watching:
            return action in ("leave", "deselect")
        if action in PLAYING_ONLY:
            return not over
        if action == "hint":
            return not over and view.kind != "daily"
        if action == "watch":
            return not over and view.kind == "brought"
        if action == "share":
            return over and bool(view.grid())
        if action == "practice":
            return over
        return True

    # -- the player's moves -----------------------------------------------------------------

    def _toggled(self, word: str) -> None:
        if self.view.toggle(word):
            self._draw()

    def action_deselect(self) -> None:
        self.view.selected = []
        self.view.pending = None
        self._draw()

    def action_shuffle(self) -> None:
        random.shuffle(self.view.order)
        self._draw()

    def action_submit(self) -> None:
        view = self.view
        if view.game is None or view.game.over or self.watching:
            return
        if len(view.selected) != 4:
            self._say(f"Select four ({len(view.selected)} selected).")
            return
        if view.judged:
            view.pending = tuple(view.selected)
            self._say("What did it get?  1: right   2: one away   3: wrong")
            self.refresh_bindings()
            return
        self._after_guess(view.submit(view.selected))

    def action_judge(self, result: str) -> None:
        if self.view.pending is None:
            return
        self._after_guess(self.view.judge(result))

    def _after_guess(self, text: str) -> None:
        self._draw()
        if self.view.game.over:
            self._finished(text)
        else:
            self._say(text)

    def _finished(self, text: str) -> None:
        self.last_move = text
        self._say(text + "\n" + result_text(self.view))
        self._after_game()

    @work(thread=True, group="groups-ai")
    def _after_game(self) -> None:
        """After a board: the daily streak and how the AI does on the same board."""
        game = self.view.game
        self.view.ai_verdict()
        self.app.call_from_thread(self._show_result_if_current, game)

    def _show_result_if_current(self, game: Any) -> None:
        if self.view.game is game:
            self._draw()
            self._say(f"{self.last_move}\n{result_text(self.view)}".lstrip())

    # -- the AI -----------------------------------------------------------------------------

    def action_hint(self) -> None:
        if self.check_action("hint", ()):
            self._say("The AI is thinking...")
            self._hint()

    @work(thread=True, exclusive=True, group="groups-ai")
    def _hint(self) -> None:
        try:
            text = self.view.hint()
        except TextseqError as err:
            text = f"[red]{escape(str(err))}[/]"
        self.app.call_from_thread(self._say_and_draw, text)

    def _say_and_draw(self, text: str) -> None:
        self._draw()
        self._say(text)

    def action_watch(self) -> None:
        if not self.check_action("watch", ()):
            return
        if self.view.judged:
            self._say("The AI is thinking...")
            self._show_ai_groups()
            return
        self.watching = True
        self.refresh_bindings()
        self._watch_step()

    @work(thread=True, exclusive=True, group="groups-ai")
    def _show_ai_groups(self) -> None:
        try:
            text = self.view.ai_groups_text()
        except TextseqError as err:
            text = f"[red]{escape(str(err))}[/]"
        self.app.call_from_thread(self._say, text)

    @work(thread=True, exclusive=True, group="groups-ai")
    def _watch_step(self) -> None:
        """One move of the AI playing your board: it selects its guess, then submits it."""
        from textseq_plugins.odd_one_out import groups_ai

        try:
            guess = groups_ai.next_guess(self.plugin, self.view.game)
        except TextseqError as err:
            self.app.call_from_thread(self._stop_watching, f"The AI gives up: {err}")
            return
        self.app.call_from_thread(self._show_watch_guess, guess)

    def _show_watch_guess(self, guess: tuple[str, ...]) -> None:
        if not self.watching:
            return
        self.view.selected = list(guess)
        self._draw()
        self._say("The AI tries: " + escape(", ".join(self.view.label(w) for w in guess)))
        self.set_timer(WATCH_STEP_S, self._watch_submit)

    def _watch_submit(self) -> None:
        if not self.watching or self.view.game is None:
            return
        text = self.view.submit(self.view.selected)
        self.view.ai_moves += 1
        self._draw()
        if self.view.game.over:
            self._stop_watching(text + "\n" + result_text(self.view))
        else:
            self._say(text)
            self.set_timer(WATCH_STEP_S, self._watch_step)

    def _stop_watching(self, text: str) -> None:
        self.watching = False
        self._draw()
        self._say(text)

    # -- other boards -----------------------------------------------------------------------

    def action_share(self) -> None:
        if not self.check_action("share", ()):
            return
        text = self.view.share()
        self.app.copy_to_clipboard(text)
        self._say(f"Copied to the clipboard:\n{escape(text)}")

    def action_practice(self) -> None:
        self.watching = False
        self._say("Dealing a practice board...")
        self._load("practice", None, None)

    def action_difficulty(self) -> None:
        text = self.view.next_difficulty()
        self._draw()
        self._say(f"Practice boards: {text}. n deals one.")

    def action_bring(self) -> None:
        paste = self.query_one("#paste", Input)
        paste.add_class("open")
        paste.focus()

    @on(Input.Submitted, "#paste")
    def _pasted(self, event: Input.Submitted) -> None:
        event.stop()  # the board is this screen's, never the chat's
        self._bring(event.value)

    def _bring(self, text: str) -> None:
        try:
            board = self.view.parse_board(text)
        except TextseqError as err:
            self._say(f"[red]{escape(str(err))}[/]")
            return
        paste = self.query_one("#paste", Input)
        paste.remove_class("open")
        paste.value = ""
        self.query_one(GroupsBoard).focus()
        self.watching = False
        self._say("Reading your board...")
        self._load_brought(board)

    @work(thread=True, exclusive=True, group="groups-load")
    def _load_brought(self, board: Any) -> None:
        try:
            self.view.load_brought(board)
        except TextseqError as err:
            self.app.call_from_thread(self._say, f"[red]{escape(str(err))}[/]")
            return
        self.app.call_from_thread(self._ready)

    def action_leave(self) -> None:
        paste = self.query_one("#paste", Input)
        if paste.has_class("open"):
            paste.remove_class("open")
            self.query_one(GroupsBoard).focus()
            return
        self.watching = False
        self.app.pop_screen()
