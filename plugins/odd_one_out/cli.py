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
        mode: str | None = typer.Option(None, help="beat (beat the AI) | guess (guess the "
                                        "AI) | groups; the last one played by default"),
        difficulty: str | None = typer.Option(None, help="easy | medium | hard (the last "
                                              "one played by default)"),
        seed: int | None = typer.Option(None, "--seed", help="Same seed, same puzzles (a "
                                        "fresh one by default; groups: practice boards)."),
        date: str | None = typer.Option(None, "--date", help="groups: the daily board of "
                                        "this date (YYYY-MM-DD; today by default)."),
        rounds: int = typer.Option(5, min=1, max=100, help="Puzzles in the game."),
        size: int = typer.Option(4, min=3, max=9, help="Words per puzzle."),
        player: str | None = typer.Option(None, help="Your name on the leaderboard."),
    ) -> None:
        """A console game: type the number (or the word) of your pick; q quits. From a
        pipe: one answer a line, the feedback line by line.

        --mode groups: sixteen words, find the four groups of four (four words a line,
        separated by commas, or spaces when each is one word); the daily board, once a day.
        """
        from textseq_plugins.odd_one_out.console_game import play

        play(plugin, mode, difficulty, seed, date, rounds, size, player)

    @app.command("puzzles")
    def puzzles_cmd(
        count: int = typer.Option(10, "-n", min=1, max=100000, help="How many puzzles."),
        difficulty: str = typer.Option("medium", help="easy | medium | hard"),
        seed: int | None = typer.Option(None, "--seed", help="Same seed, same puzzles (a fresh "
                                        "one by default, said on stderr)."),
        size: int = typer.Option(4, min=3, max=9, help="Words per puzzle."),
        categories: str | None = typer.Option(None, "--categories",
                                              help="Category model name (registry)."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Print generated puzzles (items, intruder, category), e.g. to play on paper.

        JSON: {"items", "intruder", "category", "intruder_category", "difficulty", "seed",
        "index"}. No two puzzles of one run share a group.
        """
        from textseq_plugins.odd_one_out.puzzles import fresh_seed

        seed = fresh_seed(seed, difficulty)
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
        difficulty: str | None = typer.Option(None, help="easy | medium | hard (with --seed; "
                                              "the daily board is medium)"),
        solve: bool = typer.Option(False, "--solve", help="Let the AI play it and report."),
        board: str | None = typer.Option(None, "--board", help='Any board: "W1, W2, ..., '
                                         'W16" (16 comma-separated items): the AI\'s groups.'),
        hint: bool = typer.Option(False, "--hint", help="With --board/--input: only the "
                                  "theme of the group the AI is surest of."),
        input_file: str | None = typer.Option(None, "--input", help="One board a line (16 "
                                              "comma-separated items, or an answer key "
                                              '{"groups": [[4],[4],[4],[4]]}: the AI plays '
                                              "it); - for stdin."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Show a tiered groups board (sixteen words; yellow, green, blue, purple groups) and,
        with --solve, the AI's game; or bring any board (--board, --input).

        JSON: {"words", "groups": [{"category", "words", "tier", "id"}], "seed", "difficulty"}
        plus "ai": {"solved", "mistakes", "guesses": [{"words", "result", "theme"}]} with --solve;
        a daily board adds "date" and "played": {"solved", "mistakes", "grid"} (null until
        played). --board: {"items", "groups": [{"words", "theme", "kind", "confidence"}]};
        --hint: {"hint", "kind", "confidence"}; an answer key in --input:
        {"line", "solved", "mistakes", "guesses": [{"words", "result", "theme"}]}.
        """
        if board is not None or input_file is not None:
            from textseq_plugins.odd_one_out.connections.commands import run_groups

            run_groups(plugin, board, hint, input_file, as_json)
            return
        from textseq_plugins.odd_one_out.connections.commands import tiered_board
        from textseq_plugins.odd_one_out.daily import command_board

        puzzle, extra, played = command_board(plugin, seed, date, difficulty)
        tiered_board(plugin, puzzle, solve, as_json, extra=extra, lines=played)

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
