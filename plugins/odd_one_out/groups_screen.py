"""The groups game screen (Textual): sixteen word buttons, find four groups of four.

Click words (or Tab to one and press Enter) to select four; ``s`` submits, ``c`` clears the
selection, ``a`` asks the AI for its guess (it selects the words it would submit), ``n``
deals the next puzzle, Esc goes back. The categories load in a worker; the AI's vectors load
the first time it is asked.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from textseq_tui.plugin import TextseqError, escape


class GroupsScreen(Screen):
    """The groups game. ``plugin`` gives ``categories()``, ``ai()`` and ``record_round()``."""

    DEFAULT_CSS = """
    GroupsScreen { layout: vertical; }
    GroupsScreen #status { height: auto; background: $boost; padding: 0 1; }
    GroupsScreen #found { height: auto; padding: 0 1; }
    GroupsScreen #board { grid-size: 4; grid-gutter: 0 1; height: auto; padding: 0 1; }
    GroupsScreen #board Button { width: 100%; min-width: 8; }
    GroupsScreen #message { height: 1fr; padding: 0 1; overflow-y: auto; }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "submit", "Submit"),
        Binding("c", "clear", "Clear"),
        Binding("a", "ai_hint", "AI's guess"),
        Binding("n", "next_puzzle", "Next"),
    ]

    def __init__(self, plugin: Any, seed: int | None = None, difficulty: str = "medium",
                 player: str = "you") -> None:
        super().__init__()
        from textseq_plugins.odd_one_out.groups import daily_seed

        self.plugin = plugin
        self.seed = seed if seed is not None else daily_seed()
        self.difficulty = difficulty
        self.player = player
        self.session: Any = None
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("loading the categories...", id="status")
        yield Static("", id="found")
        yield Grid(id="board")
        yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="groups-load")
    def _load(self) -> None:
        from textseq_plugins.odd_one_out.game import GroupsSession

        try:
            session = GroupsSession(self.plugin.categories(), self.seed, self.difficulty,
                                    self.player, record=self.plugin.record_round)
            session.new_puzzle()
        except TextseqError as err:
            self.app.call_from_thread(self._say, f"[red]{escape(str(err))}[/]")
            return
        self.app.call_from_thread(self._ready, session)

    def _ready(self, session: Any) -> None:
        self.session = session
        self._draw()
        self._say("Select four words that belong together, then press s.")

    @property
    def game(self) -> Any:
        return self.session.game if self.session is not None else None

    # -- drawing ----------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.query_one("#message", Static).update(text)

    def _draw(self) -> None:
        from textseq_plugins.odd_one_out.groups import MAX_MISTAKES

        game = self.game
        found = [f"[b]{escape(game.puzzle.groups[k][0])}[/b]: "
                 + escape(", ".join(game.puzzle.groups[k][1])) for k in game.found]
        self.query_one("#found", Static).update("\n".join(found))
        board = self.query_one("#board", Grid)
        board.remove_children()
        board.mount_all([Button(w, name=w, variant="primary" if w in self.selected else "default",
                                disabled=game.over) for w in game.remaining()])
        left = MAX_MISTAKES - game.mistakes
        s = self.session
        self.query_one("#status", Static).update(
            f"Groups · {self.difficulty} · seed {game.puzzle.seed} · mistakes left "
            f"{'●' * left}{'○' * (MAX_MISTAKES - left)} · found {len(game.found)}/4 · "
            f"streak {s.streak} · score {s.score}")

    # -- actions ----------------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.name:
            self.toggle(event.button.name)

    def toggle(self, word: str) -> None:
        """Select or unselect ``word`` (at most four at a time)."""
        if self.game is None or self.game.over:
            return
        if word in self.selected:
            self.selected.remove(word)
        elif len(self.selected) < 4:
            self.selected.append(word)
        self._draw()

    def action_clear(self) -> None:
        if self.game is not None:
            self.selected = []
            self._draw()

    def action_submit(self) -> None:
        if self.game is None or self.game.over:
            return
        if len(self.selected) != 4:
            self._say(f"Select four words ({len(self.selected)} selected).")
            return
        result = self.session.guess(self.selected)
        self.selected = [] if result.result == "correct" else self.selected
        text = {"correct": f"Right: [b]{escape(str(result.category))}[/b]!",
                "one away": "One away...", "wrong": "No: not a group.",
                "repeat": "You tried that already."}[result.result]
        if self.game.over:
            self.selected = []
            verdict = "Solved!" if self.game.solved else "Out of mistakes."
            text = f"{text}\n{verdict} +{self.game.points()} points. The groups:\n" + "\n".join(
                f"  [b]{escape(name)}[/b]: {escape(', '.join(words))}"
                for name, words in self.game.puzzle.groups) + "\nn: next puzzle"
            self._ai_verdict(self.game.puzzle, text)
        self._say(text)
        self._draw()

    @work(thread=True, group="groups-ai")
    def _ai_verdict(self, puzzle: Any, text: str) -> None:
        """After a puzzle: how the AI does on the same board."""
        from textseq_plugins.odd_one_out.groups import ai_solve

        try:
            game = ai_solve(self.plugin.ai(), puzzle)
        except TextseqError:
            return
        verdict = (f"The AI solved this board with {game.mistakes} mistake(s)." if game.solved
                   else "The AI did not solve this board.")
        self.app.call_from_thread(self._say_if_current, puzzle, f"{text}\n{verdict}")

    def _say_if_current(self, puzzle: Any, text: str) -> None:
        if self.game is not None and self.game.puzzle is puzzle:
            self._say(text)

    def action_ai_hint(self) -> None:
        if self.game is None or self.game.over:
            return
        self._say("The AI is thinking...")
        self._ai_guess()

    @work(thread=True, exclusive=True, group="groups-ai")
    def _ai_guess(self) -> None:
        from textseq_plugins.odd_one_out.groups import ai_next_guess

        try:
            guess = ai_next_guess(self.plugin.ai(), self.game)
        except TextseqError as err:
            self.app.call_from_thread(self._say, f"[red]{escape(str(err))}[/]")
            return
        self.app.call_from_thread(self._show_ai_guess, guess)

    def _show_ai_guess(self, guess: tuple[str, ...]) -> None:
        self.selected = list(guess)
        self._say(f"The AI would submit: {escape(', '.join(guess))} (selected; s submits it).")
        self._draw()

    def action_next_puzzle(self) -> None:
        if self.session is None:
            return
        if not self.game.over:
            self._say("Finish this puzzle first (or Esc to leave).")
            return
        try:
            self.session.new_puzzle()
        except TextseqError as err:
            self._say(f"[red]{escape(str(err))}[/]")
            return
        self.selected = []
        self._say("Select four words that belong together, then press s.")
        self._draw()
