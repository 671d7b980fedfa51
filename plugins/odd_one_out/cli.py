"""``textseq odd-one-out ...``: pick, play, puzzles, groups, neighbours, import-vectors,
train-oov.

Each command is a module-level function; the plugin it runs for is the ``obj`` of its Typer
app's context (:func:`build_cli`), read when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from textseq_plugins.odd_one_out.plugin import OddOneOutPlugin

from textseq_tui.plugin import BadInput, TextseqError, cli_io

# Options shared by several commands, defined once.
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
Difficulty = Annotated[str, typer.Option(help="easy | medium | hard")]
Size = Annotated[int, typer.Option(min=3, max=9, help="Words per puzzle.")]


def build_cli(plugin: OddOneOutPlugin) -> typer.Typer:
    """The plugin's Typer app (built lazily by ``Plugin.cli``); its commands run for
    ``plugin``."""
    return cli_io.command_group("Which word doesn't belong? Ask the AI, or play against it.", {
        "pick": pick_cmd, "play": play_cmd, "puzzles": puzzles_cmd, "groups": groups_cmd,
        "neighbours": neighbours_cmd, "import-vectors": import_vectors_cmd,
        "train-oov": train_oov_cmd}, obj=plugin)


def plugin_of(ctx: typer.Context) -> OddOneOutPlugin:
    """The started plugin the running command belongs to."""
    return cli_io.command_object(ctx, OddOneOutPlugin)


def pick_cmd(
    ctx: typer.Context,
    words: Annotated[list[str] | None, typer.Argument(
        help="3 or more words or phrases (quote phrases).")] = None,
    input_file: Annotated[str | None, typer.Option(
        "--input", help="One puzzle a line, items TAB-separated ('-' = stdin).")] = None,
    vectors: Annotated[str | None, typer.Option("--vectors", help="Vector model name.")
                       ] = None,
    as_json: AsJson = False,
) -> None:
    """The odd one out of W1 W2 W3 [W4 ...], with each item's fit and closest partner.

    JSON: {"items": [...], "odd": ..., "scores": {item: fit}, "oov": [...], ...}; a fit is
    the item's mean cosine similarity to the others (the odd one has the lowest).
    """
    as_json = cli_io.want_json(as_json)
    if input_file is None and not words:
        raise BadInput("give 3 or more words, or --input FILE (one puzzle a line)")
    if input_file is not None and words:
        raise BadInput("give words or --input, not both")
    ai = plugin_of(ctx).ai(vectors)
    if input_file is None:
        _show_pick(ai.pick(words), as_json)
        return
    for number, line in cli_io.iter_input(input_file):
        items = line.split("\t") if "\t" in line else line.split()
        try:
            _show_pick(ai.pick(items), as_json, line=number)
        except TextseqError as err:
            cli_io.refuse(number, err)


def play_cmd(
    ctx: typer.Context,
    mode: Annotated[str, typer.Option(
        help="guess (guess the AI) | beat (beat the AI) | groups")] = "guess",
    difficulty: Difficulty = "medium",
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Same seed, same puzzles (0 by default; groups: today's date).")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", help="groups: the daily puzzle of this date (YYYY-MM-DD).")] = None,
    rounds: Annotated[int, typer.Option(min=1, max=100, help="Puzzles in the game.")] = 5,
    size: Size = 4,
    player: Annotated[str, typer.Option(help="Your name on the leaderboard.")] = "you",
) -> None:
    """A console game: type the number (or the word) of your pick; q quits.

    --mode groups: sixteen words, find the four groups of four (type four numbers or
    words; ai asks the AI for its guess; q quits); the daily puzzle by default.
    """
    from textseq_plugins.odd_one_out.game import MODES, PROMPTS, GameSession
    from textseq_plugins.odd_one_out.puzzles import check_difficulty, check_seed

    plugin = plugin_of(ctx)
    check_difficulty(difficulty)
    if seed is not None:
        check_seed(seed)
    if mode == "groups":
        _play_groups(plugin, difficulty, seed, date, rounds, player)
        return
    if mode not in MODES:
        raise BadInput(f"unknown mode {mode!r}: use {', '.join(MODES)}, groups")
    seed = seed or 0
    session = GameSession(plugin.ai(), plugin.generator(seed, size), mode, difficulty,
                          player, record=plugin.record_round)
    typer.echo(f"{MODES[mode]} — {difficulty}, seed {seed}. {PROMPTS[mode]}")
    for n in range(1, rounds + 1):
        puzzle = session.new_round()
        typer.echo(f"\nRound {n}/{rounds}:  " + "   ".join(
            f"{i}. {w}" for i, w in enumerate(puzzle.items, start=1)))
        result = _ask_pick(session)
        if result is None:
            break
        typer.echo(result.summary(mode))
        for line in result.explanation:
            typer.echo(f"   {line}")
        typer.echo(f"score {session.score}")
    _game_over(session)


def _ask_pick(session: Any) -> Any:
    """Prompt until the player's pick is valid; its result, or None when they quit."""
    while True:
        answer = typer.prompt("your pick", default="", show_default=False).strip()
        if answer.lower() in ("q", "quit", "exit"):
            return None
        choice: int | str = int(answer) - 1 if answer.isdigit() else answer
        try:
            return session.answer(choice)
        except BadInput as err:
            cli_io.echo(str(err))


def puzzles_cmd(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("-n", min=1, max=100000, help="How many puzzles.")
                     ] = 10,
    difficulty: Difficulty = "medium",
    seed: Annotated[int, typer.Option("--seed")] = 0,
    size: Size = 4,
    categories: Annotated[str | None, typer.Option(
        "--categories", help="Category model name (registry).")] = None,
    as_json: AsJson = False,
) -> None:
    """Print generated puzzles (items, intruder, category), e.g. to play on paper.

    JSON: {"items", "intruder", "category", "intruder_category", "difficulty", "seed",
    "index"}. No two puzzles of one run share a group.
    """
    from textseq_plugins.odd_one_out.puzzles import check_difficulty, check_seed

    check_difficulty(difficulty)
    check_seed(seed)
    gen = plugin_of(ctx).generator(seed, size, categories)
    capacity = gen.capacity(difficulty)
    if count > capacity:
        raise BadInput(f"the categories can make only {capacity} distinct {difficulty} "
                       f"puzzles of {size} words: ask for -n {capacity} or fewer")
    for _ in range(count):
        p = gen.next(difficulty)
        cli_io.emit(p.to_json(), cli_io.want_json(as_json),
                    text=f"{'  '.join(p.items)}    (intruder: {p.intruder}; "
                         f"{p.reveal()} #{p.index})")


def groups_cmd(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option(
        "--date", help="The daily puzzle of this date (YYYY-MM-DD; today by default).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="A puzzle by seed instead.")
                    ] = None,
    difficulty: Difficulty = "medium",
    solve: Annotated[bool, typer.Option("--solve", help="Let the AI play it and report.")
                     ] = False,
    board: Annotated[str | None, typer.Option(
        "--board", help='Any board: "W1, W2, ..., W16" (16 comma-separated items): the AI\'s '
        "groups.")] = None,
    hint: Annotated[bool, typer.Option(
        "--hint", help="With --board/--input: only the theme of the group the AI is surest "
        "of.")] = False,
    input_file: Annotated[str | None, typer.Option(
        "--input", help="One board a line (16 comma-separated items, or an answer key "
        '{"groups": [[4],[4],[4],[4]]}: the AI plays it); - for stdin.')] = None,
    as_json: AsJson = False,
) -> None:
    """Show a tiered groups board (sixteen words; yellow, green, blue, purple groups) and,
    with --solve, the AI's game; or bring any board (--board, --input).

    JSON: {"words", "groups": [{"category", "words", "tier", "id"}], "seed", "difficulty"}
    plus "ai": {"solved", "mistakes", "guesses": [{"words", "result", "theme"}]} with --solve.
    --board: {"items", "groups": [{"words", "theme", "kind", "confidence"}]};
    --hint: {"hint", "kind", "confidence"}; an answer key in --input:
    {"line", "solved", "mistakes", "guesses": [{"words", "result", "theme"}]}.
    """
    plugin = plugin_of(ctx)
    if board is not None or input_file is not None:
        from textseq_plugins.odd_one_out.connections.commands import run_groups

        run_groups(plugin, board, hint, input_file, as_json)
        return
    from textseq_plugins.odd_one_out.connections.commands import tiered_board

    tiered_board(plugin, _groups_seed(seed, date), difficulty, solve, as_json)


def neighbours_cmd(
    ctx: typer.Context,
    word: Annotated[str, typer.Argument(help="A word, known or not (typos welcome).")],
    n: Annotated[int, typer.Option("-n", min=1, max=100)] = 10,
    as_json: AsJson = False,
) -> None:
    """Nearest words to WORD's vector; an unknown word gets its character n-gram vector."""
    ai = plugin_of(ctx).ai()
    rows, source = ai.neighbours(word, n)
    typo = ai.typo_of(word.strip().lower()) if source == "ngram" else None
    cli_io.emit({"word": word, "source": source, "typo_of": typo,
                 "neighbours": [{"word": w, "similarity": round(s, 4)} for w, s in rows]},
                cli_io.want_json(as_json),
                text=f"{word} ({source}{', a typo of ' + typo if typo else ''}): "
                + ", ".join(f"{w} {s:.2f}" for w, s in rows))


def import_vectors_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="word2vec/GloVe text or word2vec binary file.")],
    name: Annotated[str, typer.Option("--name", help="Registry name for the vectors.")],
    fmt: Annotated[str, typer.Option(
        "--format", help="auto | word2vec-text | word2vec-binary | glove-text")] = "auto",
    limit: Annotated[int | None, typer.Option(help="Keep only the first N vectors.")] = None,
    as_json: AsJson = False,
) -> None:
    """Import vectors into your model registry; use them with --vectors NAME."""
    import tempfile

    from textseq_plugins.odd_one_out.plugin import VECTORS_KIND
    from textseq_plugins.odd_one_out.vectors import read_vector_file, write_vector_files

    plugin_ctx = plugin_of(ctx).context
    words, matrix = read_vector_file(path, fmt, limit)
    with tempfile.TemporaryDirectory() as tmp:
        write_vector_files(Path(tmp), words, matrix)
        card = plugin_ctx.new_card(
            name=name, kind=VECTORS_KIND, data=str(path),
            hyperparameters={"source": f"file:{Path(path).name}", "format": fmt,
                             "vocab": len(words), "dim": int(matrix.shape[1])},
            description=f"word vectors imported from {Path(path).name}",
            rebuild=cli_io.command_line(exclude=("as_json",)),
        )
        info = plugin_ctx.registry.save(
            card, {"vectors.npy": Path(tmp) / "vectors.npy",
                   "vocab.txt": Path(tmp) / "vocab.txt"})
    cli_io.emit({"imported": name, "path": str(info.path), "vocab": len(words),
                 "dim": int(matrix.shape[1])}, cli_io.want_json(as_json))


def train_oov_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Model directory to write.")],
    ridge: Annotated[float, typer.Option(help="Ridge penalty.")] = 0.05,
    iterations: Annotated[int, typer.Option(
        "--iterations", "--steps", help="Conjugate-gradient iterations (steps).")] = 60,
) -> None:
    """Train the character n-gram OOV model on GloVe (a few minutes on one core); the
    run is recorded (``textseq train odd-one-out`` runs this command)."""
    from textseq_plugins.odd_one_out import vectors
    from textseq_plugins.odd_one_out.train import DEFAULTS, train_oov_model

    from textseq_tui.ml import GLOVE_KIND, GLOVE_MODEL

    plugin_ctx = plugin_of(ctx).context
    plugin_ctx.check_out(out)
    params = {**DEFAULTS, "ridge": ridge, "cg_iterations": iterations}
    with plugin_ctx.store.training_run(out.name, params, "cpu") as run:
        kv = vectors.as_keyed_vectors(plugin_ctx.registry.load(GLOVE_MODEL, kind=GLOVE_KIND))
        metrics = train_oov_model(kv, out, params, rebuild=cli_io.command_line())
        run.metrics.update(metrics)
    typer.echo(json.dumps(metrics))


def _show_pick(pick: Any, as_json: bool, line: int | None = None) -> None:
    if as_json:
        cli_io.emit(pick.to_json(), True, line=line)
        return
    text = "\n".join([f"odd one out: {pick.odd}", *(f"  {line}" for line in pick.explain())])
    cli_io.emit(pick.to_json(), False, text=text)


def _game_over(session: Any) -> None:
    s = session.summary()
    typer.echo(f"\nGame over: {s['correct']}/{s['rounds']} right ({s['accuracy']} %), "
               f"score {s['score']}, best streak {s['best_streak']}; "
               f"the AI found the intruder in {s['ai_accuracy']} % of rounds.")


def _groups_seed(seed: int | None, date: str | None) -> int:
    from textseq_plugins.odd_one_out.groups import daily_seed, parse_date
    from textseq_plugins.odd_one_out.puzzles import check_seed

    if seed is not None and date is not None:
        raise BadInput("give --seed or --date, not both")
    if seed is not None:
        return check_seed(seed)
    return daily_seed(parse_date(date) if date else None)


def _play_groups(plugin: OddOneOutPlugin, difficulty: str, seed: int | None, date: str | None,
                 rounds: int, player: str) -> None:
    """The console groups game (``play --mode groups``)."""
    from textseq_plugins.odd_one_out.game import GroupsSession
    from textseq_plugins.odd_one_out.groups import MAX_MISTAKES, ai_next_guess, ai_solve

    start = _groups_seed(seed, date)
    session = GroupsSession(plugin.categories(), start, difficulty, player,
                            record=plugin.record_round)
    typer.echo(f"Groups — {difficulty}, seed {start}. Find four groups of four. Type four "
               "numbers or words; ai: the AI's guess; q: quit.")
    for _ in range(rounds):
        game = session.new_puzzle()
        ai_solved: bool | None = None
        while not game.over:
            left = game.remaining()
            typer.echo("")
            for k in game.found:
                name, words = game.puzzle.groups[k]
                typer.echo(f"  ✓ {name}: {', '.join(words)}")
            cells = [f"{i:>2}. {w:<16}" for i, w in enumerate(left, start=1)]
            for row in range(0, len(cells), 4):
                typer.echo("  " + "".join(cells[row:row + 4]).rstrip())
            answer = typer.prompt(f"mistakes left {MAX_MISTAKES - game.mistakes}; your group",
                                  default="", show_default=False).strip().lower()
            if answer in ("q", "quit", "exit"):
                _groups_over(session)
                return
            if answer == "ai":
                typer.echo("the AI would try: " + ", ".join(ai_next_guess(plugin.ai(), game)))
                continue
            parts = answer.replace(",", " ").split()
            try:
                words = [left[int(x) - 1] if x.isdigit() and 0 < int(x) <= len(left) else x
                         for x in parts]
                if ai_solved is None and (len(game.found) == 3
                                          or game.mistakes == MAX_MISTAKES - 1):
                    # this guess may end the puzzle: its row says whether the AI solves it
                    ai_solved = ai_solve(plugin.ai(), game.puzzle).solved
                result = session.guess(words, ai_solved=ai_solved)
            except BadInput as err:
                typer.echo(str(err))
                continue
            typer.echo({"correct": f"Right: {result.category}!", "one away": "One away...",
                        "wrong": "No.", "repeat": "You tried that already."}[result.result])
        verdict = "Solved!" if game.solved else "Out of mistakes."
        typer.echo(f"\n{verdict} +{game.points()} points, streak {session.streak}.")
        for name, words in game.puzzle.groups:
            typer.echo(f"  {name}: {', '.join(words)}")
    _groups_over(session)


def _groups_over(session: Any) -> None:
    s = session.summary()
    typer.echo(f"\nGame over: {s['solved']}/{s['puzzles']} solved ({s['solve_rate']} %), "
               f"score {s['score']}, best streak {s['best_streak']}.")
