"""``textseq odd-one-out ...``: pick, play, puzzles, groups, neighbours, import-vectors,
train-oov.

Each command is a module-level function; the plugin it runs for is the ``obj`` of its Typer
app's context (:func:`build_cli`), read when the command runs.
"""

from __future__ import annotations

import json
from dataclasses import replace
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
    mode: Annotated[str | None, typer.Option(
        help="beat (beat the AI) | guess (guess the AI) | groups; the last one played by "
        "default")] = None,
    difficulty: Annotated[str | None, typer.Option(
        help="easy | medium | hard (the last one played by default)")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Same seed, same puzzles (a fresh one by default; groups: practice "
        "boards).")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", help="groups: the daily board of this date (YYYY-MM-DD; today by "
        "default).")] = None,
    rounds: Annotated[int, typer.Option(min=1, max=100, help="Puzzles in the game.")] = 5,
    size: Size = 4,
    player: Annotated[str | None, typer.Option(help="Your name on the leaderboard.")] = None,
) -> None:
    """A console game: type the number (or the word) of your pick; q quits. From a pipe:
    one answer a line, the feedback line by line.

    --mode groups: sixteen words, find the four groups of four (four words a line,
    separated by commas, or spaces when each is one word); the daily board, once a day.
    """
    from textseq_plugins.odd_one_out.console_game import play

    play(plugin_of(ctx), mode, difficulty, seed, date, rounds, size, player)


def puzzles_cmd(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("-n", min=1, max=100000, help="How many puzzles.")
                     ] = 10,
    difficulty: Difficulty = "medium",
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Same seed, same puzzles (a fresh one by default, said on stderr).")
    ] = None,
    size: Size = 4,
    categories: Annotated[str | None, typer.Option(
        "--categories", help="Category model name (registry).")] = None,
    as_json: AsJson = False,
) -> None:
    """Print generated puzzles (items, intruder, category), e.g. to play on paper.

    JSON: {"items", "intruder", "category", "intruder_category", "difficulty", "seed",
    "index"}. No two puzzles of one run share a group.
    """
    from textseq_plugins.odd_one_out.puzzles import fresh_seed

    seed = fresh_seed(seed, difficulty)
    gen = plugin_of(ctx).generator(seed, size, categories)
    capacity = gen.capacity(difficulty)
    if count > capacity:
        raise BadInput(f"the categories can make only {capacity} distinct {difficulty} "
                       f"puzzles of {size} words: ask for -n {capacity} or fewer")
    as_json = cli_io.want_json(as_json)
    label: Any = str
    if not as_json:  # a person reads names with their usual capitals (JSON keeps the words)
        from textseq_plugins.odd_one_out.capitals import capitals_of

        label = capitals_of(plugin_of(ctx))
    for _ in range(count):
        p = gen.next(difficulty)
        shown = replace(p, items=tuple(label(w) for w in p.items), intruder=label(p.intruder))
        cli_io.emit(p.to_json(), as_json,
                    text=f"{'  '.join(shown.items)}    (intruder: {shown.intruder}; "
                         f"{shown.reveal()} #{p.index})")


def groups_cmd(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option(
        "--date", help="The daily puzzle of this date (YYYY-MM-DD; today by default).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="A puzzle by seed instead.")
                    ] = None,
    difficulty: Annotated[str | None, typer.Option(
        help="easy | medium | hard (with --seed; the daily board is medium)")] = None,
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
    plus "ai": {"solved", "mistakes", "guesses": [{"words", "result", "theme"}]} with --solve;
    a daily board adds "date" and "played": {"solved", "mistakes", "grid"} (null until
    played). --board: {"items", "groups": [{"words", "theme", "kind", "confidence"}]};
    --hint: {"hint", "kind", "confidence"}; an answer key in --input:
    {"line", "solved", "mistakes", "guesses": [{"words", "result", "theme"}]}.
    """
    plugin = plugin_of(ctx)
    if board is not None or input_file is not None:
        from textseq_plugins.odd_one_out.connections.commands import run_groups

        run_groups(plugin, board, hint, input_file, as_json)
        return
    from textseq_plugins.odd_one_out.connections.commands import tiered_board
    from textseq_plugins.odd_one_out.daily import command_board

    puzzle, extra, played = command_board(plugin, seed, date, difficulty)
    tiered_board(plugin, puzzle, solve, as_json, extra=extra, lines=played)


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
