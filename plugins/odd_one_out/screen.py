"""The full-screen odd-one-out game (Textual): word buttons, keys 1-9, timer, streak, score.

The screen paints at once; the AI and the word pool load in a thread worker. After each
answer an end-of-round summary shows both picks, the intruder and the AI's reasons; ``n`` (or
Enter) starts the next round, and after ``rounds`` rounds the game summary is shown.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from textseq_tui.plugin import TextseqError, escape


class OddOneOutScreen(Screen):
    """The game. ``plugin`` gives ``ai()``, ``generator()`` and ``record_round()``."""

    DEFAULT_CSS = """
    OddOneOutScreen { layout: vertical; }
    OddOneOutScreen #status { height: 1; background: $boost; padding: 0 1; }
    OddOneOutScreen #prompt { height: 2; padding: 1 1 0 1; text-style: bold; }
    OddOneOutScreen #words { layout: grid; grid-size: 4; grid-gutter: 0 1; height: auto;
                             padding: 0 1; }
    OddOneOutScreen #words Button { width: 100%; min-width: 8; }
    OddOneOutScreen #summary { height: 1fr; padding: 0 1; overflow-y: auto; }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "next_round", "Next"),
        Binding("enter", "next_round", "Next", show=False),
        Binding("m", "switch_mode", "Mode"),
        Binding("d", "switch_difficulty", "Difficulty"),
        *[Binding(str(k), f"choose({k - 1})", show=False) for k in range(1, 10)],
    ]

    def __init__(self, plugin: Any, mode: str | None = None, difficulty: str | None = None,
                 seed: int | None = None, rounds: int = 10, size: int = 4,
                 player: str | None = None) -> None:
        super().__init__()
        import random

        self.plugin = plugin
        # None: the ones remembered from the last game (read in the loading worker)
        self.mode = mode or "beat"
        self.difficulty = difficulty or "medium"
        self.asked = (mode, difficulty)
        self.seed = seed if seed is not None else random.randrange(1_000_000)
        self.rounds = rounds
        self.puzzle_size = size
        self.player = player or plugin.context.player
        self.session: Any = None
        self.label: Any = str  # how a word is shown: its usual capitals
        self.answered = True
        self.round_no = 0

    def compose(self) -> ComposeResult:
        yield Static("loading the word vectors...", id="status")
        yield Static("", id="prompt")
        yield Horizontal(id="words")
        yield Static("", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(0.2, self._tick)
        self._load()

    @work(thread=True, exclusive=True, group="odd-load")
    def _load(self) -> None:
        from textseq_plugins.odd_one_out.capitals import capitals_of
        from textseq_plugins.odd_one_out.game import GameSession, remembered

        try:
            self.mode, self.difficulty = remembered(self.plugin, *self.asked)
            self.label = capitals_of(self.plugin)
            session = GameSession(self.plugin.ai(), self.plugin.generator(self.seed, self.puzzle_size),
                                  self.mode, self.difficulty, self.player,
                                  record=self.plugin.record_round)
        except TextseqError as err:
            self.app.call_from_thread(self._show_error, str(err))
            return
        self.app.call_from_thread(self._ready, session)

    def _show_error(self, message: str) -> None:
        self.query_one("#status", Static).update(f"[red]{escape(message)}[/]")

    def _ready(self, session: Any) -> None:
        self.session = session
        self.action_next_round()

    # -- rounds -------------------------------------------------------------------------

    def action_next_round(self) -> None:
        from textseq_plugins.odd_one_out.game import PROMPTS

        if self.session is None or not self.answered:
            return
        if self.round_no >= self.rounds:
            self.round_no = 0
            self.session = type(self.session)(
                self.session.ai, self.plugin.generator(self.seed + 1, self.puzzle_size), self.mode,
                self.difficulty, self.player, record=self.plugin.record_round)
            self.seed += 1
        try:
            puzzle = self.session.new_round()
        except TextseqError as err:
            self._show_error(str(err))
            return
        self.round_no += 1
        self.answered = False
        words = self.query_one("#words", Horizontal)
        words.remove_children()
        words.mount_all([Button(f"{i}. {self.label(w)}", name=str(i - 1))
                         for i, w in enumerate(puzzle.items, start=1)])
        self.query_one("#prompt", Static).update(PROMPTS[self.mode])
        self.query_one("#summary", Static).update(
            f"Keys 1-{len(puzzle.items)} or click a word.  m: mode  d: difficulty  esc: back")
        self._tick()

    def action_choose(self, index: int) -> None:
        if self.session is None or self.answered or index >= len(self.session.puzzle.items):
            return
        result = self.session.answer(index)
        self.answered = True
        items = self.session.results[-1].items
        for button in self.query("#words Button").results(Button):
            word = items[int(button.name or 0)]
            button.disabled = True
            if word == result.intruder:
                button.variant = "warning"
            if word == result.ai_pick:
                button.variant = "primary"
            if word == result.player_pick:
                button.variant = "success" if result.correct else "error"
        text = [escape(result.summary(self.mode, self.label)), "", "[b]The AI's reasons[/b]"]
        if self.session.save_error:
            text.insert(1, f"[red]{escape(self.session.save_error)}[/]")
        text += [escape(line) for line in result.explanation]
        if self.round_no >= self.rounds:
            s = self.session.summary()
            text += ["", f"[b]Game over[/b]: {s['correct']}/{s['rounds']} right "
                     f"({s['accuracy']} %), score {s['score']}, best streak {s['best_streak']}; "
                     f"the AI found the intruder in {s['ai_accuracy']} %. n: new game"]
        else:
            text += ["", "n or Enter: next round"]
        self.query_one("#summary", Static).update("\n".join(text))
        self._tick()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.name is not None and event.button.name.isdigit():
            self.action_choose(int(event.button.name))

    def action_switch_mode(self) -> None:
        self.mode = "beat" if self.mode == "guess" else "guess"
        self._remember()
        self._restart()

    def action_switch_difficulty(self) -> None:
        from textseq_plugins.odd_one_out.puzzles import DIFFICULTIES

        self.difficulty = DIFFICULTIES[(DIFFICULTIES.index(self.difficulty) + 1) % 3]
        self._remember()
        self._restart()

    def _remember(self) -> None:
        """The next game opens in this mode and difficulty (the console's too)."""
        from textseq_plugins.odd_one_out.game import remembered

        remembered(self.plugin, self.mode, self.difficulty)

    def _restart(self) -> None:
        if self.session is None:
            return
        unanswered = not self.answered
        self.session.mode, self.session.difficulty = self.mode, self.difficulty
        self.session.puzzle = None
        self.answered = True
        if unanswered:  # the abandoned puzzle does not count as a round
            self.round_no -= 1
        self.action_next_round()

    def _tick(self) -> None:
        from textseq_plugins.odd_one_out.game import MODES

        if self.session is None:
            return
        clock = 0.0 if self.answered else self.session.elapsed()
        if self.answered and self.session.results:
            clock = self.session.results[-1].seconds
        self.query_one("#status", Static).update(
            f"{MODES[self.mode]} · {self.difficulty} · round {self.round_no}/{self.rounds} · "
            f"⏱ {clock:4.1f}s · streak {self.session.streak} · score {self.session.score}")
