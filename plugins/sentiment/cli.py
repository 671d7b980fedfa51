"""``textseq sentiment ...``: score, words, train, correct, reset.

Each command is a module-level function; the plugin it runs for is the ``obj`` of its
Typer app's context (:func:`build_cli`), read when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from textseq_plugins.sentiment.plugin import SentimentPlugin

from textseq_tui.plugin import BadInput, cli_io

# Options shared by several commands, defined once.
JsonLines = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
JsonObject = Annotated[bool, typer.Option("--json", help="One JSON object.")]
ModelName = Annotated[str | None, typer.Option("--model", help="Model name.")]


def build_cli(plugin: SentimentPlugin) -> typer.Typer:
    """The Typer sub-app; its commands run for ``plugin`` (the context's ``obj``)."""
    return cli_io.command_group("Sentiment scores from an elastic-net n-gram model.", {
        "score": score_cmd, "words": words_cmd, "correct": correct_cmd, "reset": reset_cmd,
        "train": train_cmd}, obj=plugin)


def plugin_of(ctx: typer.Context) -> SentimentPlugin:
    """The started plugin the running command belongs to."""
    return cli_io.command_object(ctx, SentimentPlugin)


def _scorer(plugin: SentimentPlugin, model: str | None, personal: bool) -> Any:
    from textseq_plugins.sentiment.scoring import SentimentScorer

    if model is None and personal:
        return plugin.scorer()
    return SentimentScorer(plugin.context, model, personal=personal)


def score_cmd(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="The text to score.")] = None,
    input: Annotated[str | None, typer.Option("--input", "-i",
                                              help="One text a line ('-' = stdin).")] = None,
    model: ModelName = None,
    personal: Annotated[bool, typer.Option("--personal/--no-personal",
                                           help="Include your corrections.")] = True,
    explain: Annotated[bool, typer.Option("--explain", help="Add the driving words.")] = False,
    as_json: JsonLines = False,
) -> None:
    """Score TEXT (or each line of --input): {"text", "score"}, score in -1..+1."""
    if text is None and input is None:
        raise BadInput("give a TEXT or --input FILE ('-' for stdin)")
    s = _scorer(plugin_of(ctx), model, personal)
    js = cli_io.want_json(as_json)
    items = [(0, text)] if text is not None else cli_io.iter_input(input, skip_blank=False)
    for number, line in items:
        try:
            out = s.score(line)
            if explain and line.strip():
                exp = s.explain(line)
                out["words"] = [[c.term, round(c.value, 4)] for c in exp.contributions[:10]]
        except BadInput as err:
            cli_io.refuse(number, err)
            continue
        cli_io.emit(out, js, text=f"{out['score']:+.3f}\t{line}"
                    + (f"\t({out['note']})" if "note" in out else ""), line=number)


def words_cmd(
    ctx: typer.Context,
    top: Annotated[int, typer.Option("--top", "-n", help="How many of each sign.")] = 20,
    model: ModelName = None,
    ngrams: Annotated[bool, typer.Option(
        "--ngrams", help="Rank the elastic net's n-gram weights instead of each word's "
        "whole effect.")] = False,
    as_json: JsonLines = False,
) -> None:
    """The most positive and most negative words with their weights.

    By default a word's weight is its whole effect on a text made of it alone (n-gram
    weight + lexicon + GloVe parts); --ngrams lists the elastic net's coefficients.
    """
    if top < 1:
        raise BadInput("--top must be at least 1")
    loaded = _scorer(plugin_of(ctx), model, False).model
    ranked = loaded.top_words(top, ngrams=ngrams)
    kind = "ngram-weight" if ngrams else "word-effect"
    if cli_io.want_json(as_json):
        for sign in ("positive", "negative"):
            for rank, (term, w) in enumerate(ranked[sign], 1):
                cli_io.emit({"sign": sign, "rank": rank, "term": term,
                             "weight": round(w, 5), "kind": kind}, True)
        return
    _print_words(loaded, ranked, top, ngrams)


def _print_words(loaded: Any, ranked: dict[str, list[tuple[str, float]]], top: int,
                 ngrams: bool) -> None:
    """``words`` as a table: rank, positive word and weight, negative word and weight."""
    from rich.console import Console
    from rich.table import Table

    table = Table("rank", "positive", "weight", "negative", "weight")
    for i in range(top):
        pos = ranked["positive"][i] if i < len(ranked["positive"]) else ("", None)
        neg = ranked["negative"][i] if i < len(ranked["negative"]) else ("", None)
        table.add_row(str(i + 1), cli_io.escape_markup(pos[0]),
                      "" if pos[1] is None else f"{pos[1]:+.4f}",
                      cli_io.escape_markup(neg[0]),
                      "" if neg[1] is None else f"{neg[1]:+.4f}")
    if ngrams and loaded.lexicon_coef:
        table.caption = (f"n-gram weights per occurrence; besides them the lexicon feature "
                         f"(VADER valences, normalised) has weight {loaded.lexicon_coef:+.3f}")
    elif not ngrams:
        table.caption = "a word's whole effect on its own (n-gram + lexicon + GloVe parts)"
    Console().print(table)


def correct_cmd(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The text the model got wrong.")],
    label: Annotated[str, typer.Option("--label", "-l", help="pos, neg or a score -1..+1.")],
    as_json: JsonObject = False,
) -> None:
    """Teach your personal model: this text is LABEL (applied and saved at once)."""
    corr = plugin_of(ctx).scorer().correct(text, label)
    out = {"text": text, "label": label, "before": round(corr.before, 4),
           "after": round(corr.after, 4)}
    cli_io.emit(out, cli_io.want_json(as_json),
                text=f"{corr.before:+.3f} -> {corr.after:+.3f}\t{text}")


def reset_cmd(ctx: typer.Context, as_json: JsonObject = False) -> None:
    """Forget your corrections: back to the default model."""
    n = plugin_of(ctx).scorer().reset()
    cli_io.emit({"reset_terms": n}, cli_io.want_json(as_json),
                text=f"personal model reset ({n} terms forgotten)")


def train_cmd(
    ctx: typer.Context,
    data: Annotated[list[str], typer.Option("--data", "-d",
                                            help="Named set or file (repeatable).")] = ["default"],  # noqa: B006 — Typer reads it, never mutates it
    data_root: Annotated[Path | None, typer.Option(
        "--data-root", help="Folder of the named sets (default: ../shared/data/sentiment).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Model name.")] = "sentiment-user",
    out: Annotated[Path | None, typer.Option("--out", help="Write a model directory here.")
                   ] = None,
    folds: Annotated[int, typer.Option("--folds", help="k of the k-fold CV for lambda.")] = 5,
    alpha: Annotated[float, typer.Option("--alpha", help="L1 share of the penalty (0..1].")
                     ] = 0.5,
    lexicon: Annotated[bool, typer.Option("--lexicon/--no-lexicon",
                                          help="Add the VADER lexicon feature.")] = True,
    glove: Annotated[bool, typer.Option("--glove/--no-glove",
                                        help="Add the mean GloVe 50d vector of the text.")
                     ] = True,
    stem: Annotated[bool, typer.Option("--stem", help="Porter-stem words (needs nltk).")
                    ] = False,
    stop_words: Annotated[bool, typer.Option("--stop-words", help="Drop stop words.")] = False,
    cv_by: Annotated[str, typer.Option(
        "--cv-by", help="CV folds for lambda: random | domain (one fold per domain of the "
        "named sets; a single-domain file falls back to random).")] = "domain",
    binary: Annotated[bool, typer.Option("--binary", help="Logistic fit on the 0/1 labels.")
                      ] = False,
    nb: Annotated[bool, typer.Option(
        "--nb", help="With --binary: scale each n-gram by its naive-Bayes log-count ratio "
        "(NBSVM).")] = False,
    jobs: Annotated[int, typer.Option("--jobs", help="Processes for the CV folds.")] = 2,
    as_json: JsonObject = False,
) -> None:
    """Train a model (elastic net, lambda by k-fold CV) and save it.

    --data takes a named set ('default' = the shipped model's sets; vader-tweets, vader-movies,
    sst5-train, sst2-train, sst2-test, rt-polarity, cr, mpqa, weather; read from --data-root)
    or a file of your own, one text a line, in either format:

      score<TAB>text    score in -1..+1 (higher = more positive), or pos / neg
                        (positive / negative / + / - too, as correct --label)
      <0|1> text        SST/CR style, 1 = positive

    Without --out the model goes to your model dir (textseq models list); with --out it is
    written as a directory (how models/sentiment-enet is rebuilt).
    """
    from textseq_plugins.sentiment import train as tr

    from textseq_tui.ml import GLOVE_KIND, GLOVE_MODEL

    if not 0 < alpha <= 1:
        raise BadInput("--alpha must be in (0, 1]")
    if cv_by not in ("random", "domain"):
        raise BadInput("--cv-by must be random or domain")
    if folds < 2:
        raise BadInput("--folds must be at least 2")
    if nb and not binary:
        raise BadInput("--nb needs --binary (naive-Bayes ratios come from 0/1 labels)")
    config = tr.SentimentTrainConfig(alpha=alpha, folds=folds, lexicon=lexicon, glove=glove,
                                     stem=stem, cv_by=cv_by, stop_words=stop_words,
                                     n_jobs=jobs, nb=nb,
                                     family="binomial" if binary else "gaussian")
    plugin_ctx = plugin_of(ctx).context
    plugin_ctx.check_out(out)
    dataset = tr.load_training_data(data, data_root or tr.DEFAULT_DATA_ROOT)
    vectors = plugin_ctx.registry.load(GLOVE_MODEL, kind=GLOVE_KIND) if glove else None
    with plugin_ctx.store.training_run(name, config.as_dict(), "cpu") as run:
        model, result = tr.fit_model(dataset, config, name=name, vectors=vectors)
        card = tr.make_card(model, result, config, list(data),
                            rebuild=cli_io.command_line(exclude=("as_json",)))
        where = str(plugin_ctx.save_model(card, model.files(), out=out))
        run.metrics.update({"model": name, "path": where, "texts": result.n_texts,
                            "features": result.n_features, "nonzero": result.n_nonzero,
                            **result.cv, "seconds": round(result.seconds["total"], 1)})
    cli_io.emit(run.metrics, cli_io.want_json(as_json))
