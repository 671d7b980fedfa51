"""``textseq odd-one-out play``: the games in a console, at a terminal or from a pipe.

At a terminal the game prompts for each answer. When stdin is not a terminal it reads one
answer a line and prints the feedback line by line, so a game can be scripted and tested end
to end: ``printf 'apple, pear, plum, fig\\n...' | textseq odd-one-out play --mode groups``.

- classic modes (``beat``, the default, and ``guess``): an answer is the number or the word of
  your pick;
- ``groups``: four items separated by commas (or by spaces when every item is one word); an
  answer that is not four words of the board is refused in one line naming the word and the
  rule, and costs no mistake. The daily board (today's, or ``--date``) is played once: a
  second play says so and shows the result (exit 0). ``--seed`` plays practice boards.

``q`` quits; at a terminal ``ai`` shows the AI's guess (never on the daily board).
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from textseq_plugins.odd_one_out.daily import (
    DailyRecord,
    board_pool,
    daily_board,
    grid_text,
    plural,
)

from textseq_tui.plugin import BadInput, cli_io

QUIT = ("q", "quit", "exit")
GUESS_RULE = ("a guess is 4 different words of the board, separated by commas (or by spaces "
              "when each is one word); no mistake counted")


class Answers:
    """Where answers come from: a prompt at a terminal, else one line at a time from stdin.
    ``None`` means the input ended."""

    def __init__(self, interactive: bool | None = None) -> None:
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.line = 0

    def ask(self, prompt: str) -> str | None:
        self.line += 1
        if self.interactive:
            try:
                return typer.prompt(prompt, default="", show_default=False).strip()
            except typer.Abort:
                return None
        text = sys.stdin.readline()
        return text.strip() if text else None

    def where(self) -> str:
        """"line N: " when reading a pipe (so a script can find the answer refused)."""
        return "" if self.interactive else f"line {self.line}: "


def play_classic(plugin: Any, mode: str, difficulty: str, seed: int, rounds: int, size: int,
                 player: str, answers: Answers) -> None:
    """The odd-one-out game: ``rounds`` puzzles, one answer each."""
    from textseq_plugins.odd_one_out.capitals import capitals_of
    from textseq_plugins.odd_one_out.game import MODES, PROMPTS, GameSession

    session = GameSession(plugin.ai(), plugin.generator(seed, size), mode, difficulty,
                          player, record=plugin.record_round)
    label = capitals_of(plugin)
    cli_io.echo(f"{MODES[mode]} — {difficulty}, seed {seed}. {PROMPTS[mode]}")
    for n in range(1, rounds + 1):
        puzzle = session.new_round()
        cli_io.echo(f"\nRound {n}/{rounds}:  " + "   ".join(
            f"{i}. {label(w)}" for i, w in enumerate(puzzle.items, start=1)))
        result = _ask_pick(session, answers)
        if result is None:
            break
        cli_io.echo(result.summary(mode, label))
        if session.save_error:
            cli_io.echo(f"note: {session.save_error}", err=True)
        for line in result.explanation:
            cli_io.echo(f"   {line}")
        cli_io.echo(f"score {session.score}")
    s = session.summary()
    cli_io.echo(f"\nGame over: {s['correct']}/{s['rounds']} right "
               f"({s['accuracy']} %), score {s['score']}, best streak {s['best_streak']}; "
               f"the AI found the intruder in {s['ai_accuracy']} % of rounds.")


def _ask_pick(session: Any, answers: Answers) -> Any:
    """Ask until the pick is valid; its result, or None when the player quits."""
    while True:
        answer = answers.ask("your pick")
        if answer is None or answer.lower() in QUIT:
            return None
        choice: int | str = int(answer) - 1 if answer.isdigit() else answer.lower()
        try:
            return session.answer(choice, timed=answers.interactive)
        except BadInput as err:
            cli_io.echo(f"{answers.where()}{err}")


def split_guess(answer: str, left: list[str]) -> list[str]:
    """Four items from one answer: comma-separated, else space-separated; at a terminal a
    number stands for that tile."""
    parts = answer.split(",") if "," in answer else answer.split()
    words = []
    for part in (" ".join(p.split()).lower() for p in parts):
        if part.isdigit() and 0 < int(part) <= len(left):
            part = left[int(part) - 1]
        words.append(part)
    return words


def play_groups(plugin: Any, difficulty: str, seed: int | None, date: str | None,
                rounds: int, player: str, answers: Answers) -> None:
    """The groups game: the daily board (``date``, today by default) or, with ``seed``,
    ``rounds`` practice boards."""
    from textseq_plugins.odd_one_out.game import GroupsSession
    from textseq_plugins.odd_one_out.groups import parse_date
    from textseq_plugins.odd_one_out.schedule import DIFFICULTY, check_daily_date, today

    if seed is not None and date is not None:
        raise BadInput("give --seed or --date, not both")
    pool = board_pool(plugin)
    if seed is not None:
        session = GroupsSession(pool, seed, difficulty, player, record=plugin.record_round)
        cli_io.echo(f"Groups — practice, {difficulty}, seed {seed}. Find four groups of four.")
        for _ in range(rounds):
            if not _play_board(plugin, session, session.new_puzzle(), answers, None):
                break
        s = session.summary()
        cli_io.echo(f"\nGame over: {s['solved']}/{s['puzzles']} solved ({s['solve_rate']} %), "
                   f"score {s['score']}, best streak {s['best_streak']}.")
        return
    day = check_daily_date(parse_date(date) if date else today())
    record = DailyRecord(plugin.context.store, plugin.context.state)
    for problem in record.problems:
        cli_io.echo(f"note: {problem}", err=True)
    done = record.result(day)
    if done is not None:
        how = (f"solved with {plural(done.mistakes, 'mistake')}" if done.solved
               else f"not solved ({plural(done.mistakes, 'mistake')})")
        cli_io.echo(f"You played the daily board of {day.isoformat()} already: {how}.")
        cli_io.echo(grid_text(done.grid))
        _echo_streak(record, today())
        return
    session = GroupsSession(pool, 0, DIFFICULTY, player, record=plugin.record_round)
    game = session.play_board(daily_board(plugin, day, _say_dealing), daily=day,
                              guesses=record.progress(day))
    cli_io.echo(f"Groups — the daily board of {day.isoformat()}. Find four groups of four.")
    _play_board(plugin, session, game, answers, record)
    _echo_streak(record, today())


def _say_dealing(day: int, days: int) -> None:
    """A new home deals the schedule's days first: said once, on stderr."""
    from textseq_plugins.odd_one_out.schedule import EPOCH

    if day == 1 and days > 1:
        cli_io.echo(f"dealing the {days} daily boards since {EPOCH.isoformat()}, once for "
                    "this home...", err=True)


def _echo_streak(record: DailyRecord, now: Any) -> None:
    current, best = record.streak(now)
    cli_io.echo(f"daily streak {current} (best {best})")


def _play_board(plugin: Any, session: Any, game: Any, answers: Answers,
                record: DailyRecord | None) -> bool:
    """Play one board to its end; False when the player quit (a daily is kept as it is)."""
    from textseq_plugins.odd_one_out import groups_ai
    from textseq_plugins.odd_one_out.capitals import board_labels
    from textseq_plugins.odd_one_out.groups import MAX_MISTAKES

    labels = board_labels(plugin, board_pool(plugin), game.puzzle)
    _show_board(game, answers.interactive, labels)
    while not game.over:
        left = game.remaining()
        answer = answers.ask(f"mistakes left {MAX_MISTAKES - game.mistakes}; your group")
        if answer is None or answer.lower() in QUIT:
            return False
        if answer.lower() == "ai":
            if record is not None:
                cli_io.echo(f"{answers.where()}no hints on the daily board")
            else:
                if answers.interactive:
                    cli_io.echo("the AI is thinking (its word vectors load once)...")
                cli_io.echo("the AI would try: "
                           + ", ".join(groups_ai.next_guess(plugin, game)))
            continue
        words = split_guess(answer, left)
        try:
            result = session.guess(words)
        except BadInput as err:
            cli_io.echo(f"{answers.where()}{err} — {GUESS_RULE}")
            continue
        text = {"correct": f"correct: {result.category}", "one away": "one away",
                "wrong": "wrong", "repeat": "already tried (not counted)"}[result.result]
        if result.result in ("one away", "wrong"):
            text += f" ({plural(MAX_MISTAKES - game.mistakes, 'mistake')} left)"
        cli_io.echo(f"{answers.where()}{text}")
        if result.result == "correct" and not game.over and len(game.remaining()) == 4:
            last = session.guess(game.remaining())
            cli_io.echo(f"the last group fills in: {last.category}")
        if record is not None:
            _keep_progress(record, session, game)
        elif answers.interactive and not game.over and result.result == "correct":
            _show_board(game, True, labels)
    _show_end(session, game, labels)
    return True


def _keep_progress(record: DailyRecord, session: Any, game: Any) -> None:
    """The daily board as it stands (half-played) or done; a damaged home: said, not fatal."""
    from textseq_tui.plugin import TextseqError

    try:
        if game.over:
            record.clear_progress()
        else:
            record.save_progress(session.daily, [list(g.words) for g in game.guesses])
    except TextseqError as err:
        cli_io.echo(f"note: the game in progress was not saved: {err}", err=True)


def _show_board(game: Any, numbered: bool, labels: dict[str, str]) -> None:
    left = game.remaining()
    for k in game.found:
        name, words = game.puzzle.groups[k]
        cli_io.echo(f"  ✓ {name}: {', '.join(labels.get(w, w) for w in words)}")
    cells = [f"{i:>2}. {labels.get(w, w):<16}" if numbered else f"{labels.get(w, w):<18}"
             for i, w in enumerate(left, start=1)]
    for row in range(0, len(cells), 4):
        cli_io.echo("  " + "".join(cells[row:row + 4]).rstrip())


def _show_end(session: Any, game: Any, labels: dict[str, str]) -> None:
    from textseq_plugins.odd_one_out.daily import game_grid

    verdict = "Solved!" if game.solved else "Out of mistakes."
    cli_io.echo(f"\n{verdict} With {plural(game.mistakes, 'mistake')}, +{game.points()} "
               f"points, streak {session.streak}.")
    for name, words in game.puzzle.groups:
        cli_io.echo(f"  {name}: {', '.join(labels.get(w, w) for w in words)}")
    cli_io.echo(grid_text(game_grid(game)))
    if session.save_error:
        cli_io.echo(f"note: {session.save_error}", err=True)


def play(plugin: Any, mode: str | None, difficulty: str | None, seed: int | None,
         date: str | None, rounds: int, size: int, player: str | None) -> None:
    """``play``: check the options, then the classic game or the groups game."""
    import random

    from textseq_plugins.odd_one_out.game import MODES
    from textseq_plugins.odd_one_out.puzzles import MAX_SEED, check_seed

    if mode is not None and mode not in MODES and mode != "groups":
        raise BadInput(f"unknown mode {mode!r}: use {', '.join(MODES)}, groups")
    if seed is not None:
        check_seed(seed)
    from textseq_plugins.odd_one_out.game import remembered

    mode, difficulty = remembered(plugin, mode, difficulty)
    player = player or plugin.context.player
    answers = Answers()
    if mode == "groups":
        play_groups(plugin, difficulty, seed, date, rounds, player, answers)
        return
    if date is not None:
        raise BadInput("--date is for --mode groups (the daily board)")
    seed = random.randrange(MAX_SEED + 1) if seed is None else seed
    play_classic(plugin, mode, difficulty, seed, rounds, size, player, answers)
