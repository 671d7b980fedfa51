"""``textseq odd-one-out ...``: pick, play, puzzles, neighbours, import-vectors, train-oov."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from textseq_tui.plugin import BadInput, TextseqError, cli_io


def build_cli(plugin: Any) -> typer.Typer:
    """The plugin's Typer app (built lazily by ``Plugin.cli``)."""
    app = typer.Typer(help="Which word doesn't belong? Ask the AI, or play against it.",
                      no_args_is_help=True)

    @app.command("pick")
    def pick_cmd(
        words: list[str] = typer.Argument(None, help="3 or more words or phrases (quote phrases)."),
        input_file: str | None = typer.Option(
            None, "--input", help="One puzzle a line, items TAB-separated ('-' = stdin)."),
        vectors: str | None = typer.Option(None, "--vectors", help="Vector model name."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
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
        ai = plugin.ai(vectors)
        if input_file is None:
            _show_pick(ai.pick(words), as_json)
            return
        failed = 0
        for number, line in cli_io.iter_input(input_file):
            items = line.split("\t") if "\t" in line else line.split()
            try:
                _show_pick(ai.pick(items), as_json, line=number)
            except TextseqError as err:
                failed += 1
                cli_io.line_error(number, err)
        if failed:
            raise typer.Exit(1)

    @app.command("play")
    def play_cmd(
        mode: str = typer.Option("guess", help="guess (guess the AI) | beat (beat the AI) | groups"),
        difficulty: str = typer.Option("medium", help="easy | medium | hard"),
        seed: int | None = typer.Option(None, "--seed", help="Same seed, same puzzles (0 by "
                                        "default; groups: today's date)."),
        date: str | None = typer.Option(None, "--date", help="groups: the daily puzzle of "
                                        "this date (YYYY-MM-DD)."),
        rounds: int = typer.Option(5, min=1, max=100, help="Puzzles in the game."),
        size: int = typer.Option(4, min=3, max=9, help="Words per puzzle."),
        player: str = typer.Option("you", help="Your name on the leaderboard."),
    ) -> None:
        """A console game: type the number (or the word) of your pick; q quits.

        --mode groups: sixteen words, find the four groups of four (type four numbers or
        words; ai asks the AI for its guess; q quits); the daily puzzle by default.
        """
        from textseq_plugins.odd_one_out.game import MODES, PROMPTS, GameSession
        from textseq_plugins.odd_one_out.puzzles import check_difficulty, check_seed

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
            while True:
                answer = typer.prompt("your pick", default="", show_default=False).strip()
                if answer.lower() in ("q", "quit", "exit"):
                    _game_over(session)
                    return
                choice: int | str = int(answer) - 1 if answer.isdigit() else answer
                try:
                    result = session.answer(choice)
                    break
                except BadInput as err:
                    cli_io.echo(str(err))
            typer.echo(result.summary(mode))
            for line in result.explanation:
                typer.echo(f"   {line}")
            typer.echo(f"score {session.score}")
        _game_over(session)

    @app.command("puzzles")
    def puzzles_cmd(
        count: int = typer.Option(10, "-n", min=1, max=100000, help="How many puzzles."),
        difficulty: str = typer.Option("medium", help="easy | medium | hard"),
        seed: int = typer.Option(0, "--seed"),
        size: int = typer.Option(4, min=3, max=9, help="Words per puzzle."),
        categories: str | None = typer.Option(None, "--categories",
                                              help="Category model name (registry)."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Print generated puzzles (items, intruder, category), e.g. to play on paper.

        JSON: {"items", "intruder", "category", "intruder_category", "difficulty", "seed",
        "index"}. No two puzzles of one run share a group.
        """
        from textseq_plugins.odd_one_out.puzzles import check_difficulty, check_seed

        check_difficulty(difficulty)
        check_seed(seed)
        gen = plugin.generator(seed, size, categories)
        capacity = gen.capacity(difficulty)
        if count > capacity:
            raise BadInput(f"the categories can make only {capacity} distinct {difficulty} "
                           f"puzzles of {size} words: ask for -n {capacity} or fewer")
        for _ in range(count):
            p = gen.next(difficulty)
            cli_io.emit(p.to_json(), cli_io.want_json(as_json),
                        text=f"{'  '.join(p.items)}    (intruder: {p.intruder}; "
                             f"{p.reveal()} #{p.index})")

    @app.command("groups")
    def groups_cmd(
        date: str | None = typer.Option(None, "--date", help="The daily puzzle of this date "
                                        "(YYYY-MM-DD; today by default)."),
        seed: int | None = typer.Option(None, "--seed", help="A puzzle by seed instead."),
        difficulty: str = typer.Option("medium", help="easy | medium | hard"),
        solve: bool = typer.Option(False, "--solve", help="Let the AI play it and report."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Show a groups puzzle (sixteen words, four groups) and, with --solve, the AI's game.

        JSON: {"words", "groups": [{"category", "words"}], "seed", "difficulty"} plus
        "ai": {"solved", "mistakes", "guesses": [{"words", "result"}]} with --solve.
        """
        from textseq_plugins.odd_one_out.groups import ai_solve, make_groups

        puzzle = make_groups(plugin.categories(), _groups_seed(seed, date), difficulty)
        out = puzzle.to_json()
        text = [f"seed {puzzle.seed} ({puzzle.difficulty}): " + "  ".join(puzzle.words)]
        if solve:
            game = ai_solve(plugin.ai(), puzzle)
            out["ai"] = {"solved": game.solved, "mistakes": game.mistakes,
                         "guesses": [{"words": list(g.words), "result": g.result}
                                     for g in game.guesses]}
            text += [f"  AI: {' '.join(g.words)} -> {g.result}" for g in game.guesses]
            text.append(f"  the AI {'solved it' if game.solved else 'failed'} with "
                        f"{game.mistakes} mistake(s)")
        text += [f"  {name}: {', '.join(words)}" for name, words in puzzle.groups]
        cli_io.emit(out, cli_io.want_json(as_json), text="\n".join(text))

    @app.command("neighbours")
    def neighbours_cmd(
        word: str = typer.Argument(..., help="A word, known or not (typos welcome)."),
        n: int = typer.Option(10, "-n", min=1, max=100),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Nearest words to WORD's vector; an unknown word gets its character n-gram vector."""
        ai = plugin.ai()
        rows, source = ai.neighbours(word, n)
        typo = ai.typo_of(word.strip().lower()) if source == "ngram" else None
        cli_io.emit({"word": word, "source": source, "typo_of": typo,
                     "neighbours": [{"word": w, "similarity": round(s, 4)} for w, s in rows]},
                    cli_io.want_json(as_json),
                    text=f"{word} ({source}{', a typo of ' + typo if typo else ''}): "
                    + ", ".join(f"{w} {s:.2f}" for w, s in rows))

    @app.command("import-vectors")
    def import_cmd(
        path: Path = typer.Argument(..., help="word2vec/GloVe text or word2vec binary file."),
        name: str = typer.Option(..., "--name", help="Registry name for the vectors."),
        fmt: str = typer.Option("auto", "--format",
                                help="auto | word2vec-text | word2vec-binary | glove-text"),
        limit: int | None = typer.Option(None, help="Keep only the first N vectors."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Import vectors into your model registry; use them with --vectors NAME."""
        from textseq_plugins.odd_one_out.plugin import VECTORS_KIND
        from textseq_plugins.odd_one_out.vectors import read_vector_file, write_vector_files

        from textseq_tui.plugin import new_card

        words, matrix = read_vector_file(path, fmt, limit)
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            write_vector_files(Path(tmp), words, matrix)
            card = new_card(
                name=name, plugin=plugin.name, kind=VECTORS_KIND, data=str(path),
                hyperparameters={"source": f"file:{Path(path).name}", "format": fmt,
                                 "vocab": len(words), "dim": int(matrix.shape[1])},
                description=f"word vectors imported from {Path(path).name}",
                rebuild=f"textseq odd-one-out import-vectors {path} --name {name}",
            )
            info = plugin.context.registry.save(
                card, {"vectors.npy": Path(tmp) / "vectors.npy",
                       "vocab.txt": Path(tmp) / "vocab.txt"})
        cli_io.emit({"imported": name, "path": str(info.path), "vocab": len(words),
                     "dim": int(matrix.shape[1])}, cli_io.want_json(as_json))

    @app.command("train-oov")
    def train_oov_cmd(
        out: Path = typer.Option(..., "--out", help="Model directory to write."),
        ridge: float = typer.Option(0.05, help="Ridge penalty."),
        iterations: int = typer.Option(60, "--iterations", "--steps",
                                       help="Conjugate-gradient iterations (steps)."),
    ) -> None:
        """Train the character n-gram OOV model on GloVe (a few minutes on one core); the
        run is recorded (``textseq train odd-one-out`` runs this command)."""
        from textseq_plugins.odd_one_out.train import DEFAULTS, main

        ctx = plugin.context
        ctx.check_out(out)
        params = {**DEFAULTS, "ridge": ridge, "cg_iterations": iterations}
        with ctx.store.training_run(out.name, params, "cpu") as run:
            run.metrics.update(main(["--out", str(out), "--cache", str(ctx.cache_dir()),
                                     "--ridge", str(ridge), "--cg-iterations", str(iterations)]))

    return app


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


def _play_groups(plugin: Any, difficulty: str, seed: int | None, date: str | None,
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
