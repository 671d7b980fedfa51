"""textseq-hello: the smallest useful textseq plugin, to copy when writing your own.

It shows every piece a plugin usually needs, through ``textseq_tui.plugin`` alone:

- a slash command (``/hello Ada``) and a Typer sub-app (``textseq hello ...``);
- a migration set for its own table, a score in the shared log, a leaderboard, and a little
  state kept between runs (``ctx.state``: whom it greeted last);
- a model it trains (``textseq hello train``), logging a training run, and ships
  (``textseq_hello/models/hello-names``, found through ``model_dirs()``);
- a per-line command (``textseq hello score``) that honours ``--json`` and ``--input``:
  answers streamed with their line numbers, refused lines in their place.

The model is deliberately tiny and pure Python: character-bigram log-probabilities of names,
so ``score`` says how name-like a word looks (mean log-probability per character).
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

from textseq_tui.plugin import (
    TRAIN_LOSS,
    VAL_LOSS,
    BadInput,
    CommandResult,
    ModelSpec,
    Plugin,
    PluginContext,
    SlashCommand,
    cli_io,
    package_dir,
)

KIND = "hello-bigrams"
DEFAULT_MODEL = "hello-names"


def m001_greetings(db: Any) -> None:
    # db.table_name("greetings") is "hello_greetings": the store names the plugin's tables
    db[db.table_name("greetings")].create({"id": int, "name": str}, pk="id")


class BigramModel:
    """``log P(next char | char)`` with add-k smoothing; ``^`` and ``$`` mark the ends."""

    def __init__(self, logp: dict[str, dict[str, float]], floor: float) -> None:
        self.logp = logp
        self.floor = floor

    @classmethod
    def fit(cls, words: list[str], k: float) -> BigramModel:
        counts: dict[str, Counter] = {}
        for word in words:
            chars = ["^", *word.lower(), "$"]
            for a, b in pairwise(chars):
                counts.setdefault(a, Counter())[b] += 1
        alphabet = {b for c in counts.values() for b in c} | {"$"}
        logp = {}
        for a, following in counts.items():
            total = sum(following.values()) + k * len(alphabet)
            logp[a] = {b: math.log((following[b] + k) / total) for b in alphabet}
        return cls(logp, floor=math.log(k / (k * len(alphabet) + 1)))

    def score(self, word: str) -> float:
        """Mean log-probability per character (higher: more name-like)."""
        chars = ["^", *word.lower(), "$"]
        pairs = list(pairwise(chars))
        return sum(self.logp.get(a, {}).get(b, self.floor) for a, b in pairs) / len(pairs)

    def loss(self, words: list[str]) -> float:
        """Negative mean log-probability per character over ``words`` (nats)."""
        return -sum(self.score(w) for w in words) / max(len(words), 1)

    def to_bytes(self) -> bytes:
        return json.dumps({"logp": self.logp, "floor": self.floor}).encode()


def load_bigrams(model_dir: Path, device: str) -> BigramModel:
    """The registry loader of kind ``hello-bigrams`` (files verified by the registry)."""
    raw = json.loads((Path(model_dir) / "bigrams.json").read_text(encoding="utf-8"))
    return BigramModel(raw["logp"], raw["floor"])


def check_word(line: str) -> str:
    word = line.strip()
    if not word or not all(c.isalpha() or c in "-' " for c in word):
        raise BadInput(f"{word[:40]!r} is not a name (letters, spaces, - and ' only)")
    return word


class HelloPlugin(Plugin):
    name = "hello"
    title = "Hello"
    description = "Greets people, counts the greetings, and scores how name-like a word is."

    def greet(self, who: str) -> str:
        who = who.strip()
        if not who:
            raise BadInput("whom should I greet? Try: /hello Ada")
        store, state = self.context.store, self.context.state
        store.insert("greetings", {"name": who})
        count = len(store.rows("greetings"))
        store.record_score("greetings", count)
        again = state.get("last_greeted") == who  # small state kept between runs
        state.set("last_greeted", who)
        return f"Hello{' again' if again else ''}, {who}! ({count} greetings so far)"

    def _command(self, args: str, ctx: PluginContext) -> CommandResult:
        text = self.greet(args)
        return CommandResult(text=text, data={"greeted": args.strip()})

    def slash_commands(self) -> list[SlashCommand]:
        return [SlashCommand("hello", "greet someone", self._command, usage="/hello NAME")]

    def model_specs(self) -> list[ModelSpec]:
        return [ModelSpec(KIND, load_bigrams, default=DEFAULT_MODEL, uses_device=False,
                          description="character bigrams of names (how name-like a word is)")]

    def model_dirs(self) -> list[Path]:
        # The models this package ships (package data): found after the user's own.
        return [package_dir("textseq_hello") / "models"]

    def migrations(self) -> Any:
        # sqlite-utils imports numpy: import it here, not at module scope, so that
        # `textseq --help` stays fast.
        from sqlite_utils.migrations import Migrations

        migrations = Migrations("hello")
        migrations()(m001_greetings)
        return migrations

    def scores(self, store: Any) -> list[dict[str, Any]]:
        return [{"greetings": len(store.rows("greetings"))}]

    def train(self, words: list[str], name: str, out: Path | None, smoothing: float,
              rebuild: str) -> dict[str, Any]:
        """Fit on 90 % of ``words``, measure on the held-out 10 %, save (or ship) the model."""
        ctx = self.context  # read at run time: the host started us on the chosen --home
        words = sorted(set(words))
        random.Random(0).shuffle(words)
        cut = max(1, len(words) // 10)
        held_out, train = words[:cut], words[cut:]
        if not train:
            raise BadInput("give at least 2 different names to train on")
        params = {"smoothing": smoothing, "train_words": len(train), "held_out": len(held_out)}
        with ctx.store.training_run(name, params, "cpu") as run:
            model = BigramModel.fit(train, smoothing)
            metrics = {TRAIN_LOSS: round(model.loss(train), 4),
                       VAL_LOSS: round(model.loss(held_out), 4)}
            run.log(1, metrics)
            run.metrics.update(metrics)
            card = ctx.new_card(name=name, kind=KIND, data=f"{len(words)} names",
                                hyperparameters=params, metrics=metrics, rebuild=rebuild)
            path = ctx.save_model(card, {"bigrams.json": model.to_bytes()}, out=out)
        return {"model": name, "path": str(path), "run": run.id, **metrics}

    def cli(self) -> Any:
        # Built before the plugin is started: read self.context inside the commands only.
        import typer

        app = typer.Typer(help="Greet people; score how name-like words are.",
                          no_args_is_help=True)

        @app.command()
        def greet(name: str) -> None:
            """Greet NAME and count it."""
            typer.echo(self.greet(name))

        @app.command()
        def train(
            input: str = typer.Option(..., "--input", help="Names, one a line (- = stdin)."),
            name: str = typer.Option("my-names", "--name", help="Model name."),
            out: Path | None = typer.Option(None, "--out", help="Write the model directory "
                                            "here (e.g. textseq_hello/models/hello-names)."),
            smoothing: float = typer.Option(0.1, "--smoothing", help="Add-k smoothing."),
            as_json: bool = typer.Option(False, "--json"),
        ) -> None:
            """Train the bigram model on names; logs a training run, saves the model."""
            words = [check_word(line) for _, line in cli_io.iter_input(input)]
            rebuild = f"textseq hello train --input {input} --name {name}" + (
                f" --out {out}" if out else "")
            result = self.train(words, name, out, smoothing, rebuild)
            cli_io.emit(result, cli_io.want_json(as_json),
                        text=f"{name}: val_loss {result[VAL_LOSS]} nats/char -> {result['path']}")

        @app.command()
        def score(
            word: str | None = typer.Argument(None, help="A word."),
            input: str | None = typer.Option(None, "--input", help="Words, one a line "
                                             "(- = stdin)."),
            model: str | None = typer.Option(None, "--model", help="Model name (default: "
                                             "the shipped hello-names)."),
            as_json: bool = typer.Option(False, "--json"),
        ) -> None:
            """How name-like WORD (or each line of --input) is: mean log-prob per char."""
            if (word is None) == (input is None):
                raise BadInput("give a WORD or --input FILE, not both")
            ctx = self.context
            bigrams = ctx.registry.load(model) if model else ctx.load_default(KIND)
            js = cli_io.want_json(as_json)
            for number, line in cli_io.input_items(word, input):
                try:
                    text = check_word(line)
                except BadInput as err:
                    cli_io.refuse(number, err)  # stderr + {"line", "error"}; exit 1 at end
                    continue
                value = round(bigrams.score(text), 4)
                cli_io.emit({"text": text, "score": value}, js, text=f"{value:+.3f}\t{text}",
                            line=number)  # streamed: printed and flushed at once

        return app

