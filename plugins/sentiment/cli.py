"""``textseq sentiment ...``: score, words, train, correct, reset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from textseq_tui.plugin import BadInput, cli_io

TRAIN_HELP = """Train a model (elastic net, lambda by k-fold CV) and save it.

--data takes a named set ('default' = the shipped model's sets; vader-tweets, vader-movies,
sst5-train, sst2-train, sst2-test, rt-polarity, cr, mpqa, weather; read from --data-root)
or a file of your own, one text a line, in either format:

  score<TAB>text    score in -1..+1 (higher = more positive), or pos / neg
  <0|1> text        SST/CR style, 1 = positive

Without --out the model goes to your model dir (textseq models list); with --out it is
written as a directory (how models/sentiment-enet is rebuilt).
"""


def build_cli(plugin: Any) -> typer.Typer:
    """The Typer sub-app, bound to the started plugin."""
    app = typer.Typer(help="Sentiment scores from an elastic-net n-gram model.",
                      no_args_is_help=True)

    def scorer(model: str | None, personal: bool) -> Any:
        from textseq_plugins.sentiment.scoring import SentimentScorer

        if model is None and personal:
            return plugin.scorer()
        return SentimentScorer(plugin.context, model, personal=personal)

    @app.command("score")
    def score_cmd(
        text: str | None = typer.Argument(None, help="The text to score."),
        input: str | None = typer.Option(None, "--input", "-i",
                                         help="One text a line ('-' = stdin)."),
        model: str | None = typer.Option(None, "--model", help="Model name."),
        personal: bool = typer.Option(True, "--personal/--no-personal",
                                      help="Include your corrections."),
        explain: bool = typer.Option(False, "--explain", help="Add the driving words."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    ) -> None:
        """Score TEXT (or each line of --input): {"text", "score"}, score in -1..+1."""
        if text is None and input is None:
            raise BadInput("give a TEXT or --input FILE ('-' for stdin)")
        s = scorer(model, personal)
        js = cli_io.want_json(as_json)
        items = [(0, text)] if text is not None else cli_io.iter_input(input, skip_blank=False)
        for number, line in items:
            try:
                out = s.score(line)
                if explain and line.strip():
                    exp = s.explain(line)
                    out["words"] = [[c.term, round(c.value, 4)]
                                    for c in exp.contributions[:10]]
            except BadInput as err:
                cli_io.line_error(number, err)
                continue
            cli_io.emit(out, js, text=f"{out['score']:+.3f}\t{line}"
                        + (f"\t({out['note']})" if "note" in out else ""), line=number)

    @app.command("words")
    def words_cmd(
        top: int = typer.Option(20, "--top", "-n", help="How many of each sign."),
        model: str | None = typer.Option(None, "--model", help="Model name."),
        ngrams: bool = typer.Option(False, "--ngrams",
                                    help="Rank the elastic net's n-gram weights instead of "
                                         "each word's whole effect."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    ) -> None:
        """The most positive and most negative words with their weights.

        By default a word's weight is its whole effect on a text made of it alone (n-gram
        weight + lexicon + GloVe parts); --ngrams lists the elastic net's coefficients.
        """
        if top < 1:
            raise BadInput("--top must be at least 1")
        loaded = scorer(model, False).model
        ranked = loaded.top_words(top, ngrams=ngrams)
        kind = "ngram-weight" if ngrams else "word-effect"
        if cli_io.want_json(as_json):
            for sign in ("positive", "negative"):
                for rank, (term, w) in enumerate(ranked[sign], 1):
                    cli_io.emit({"sign": sign, "rank": rank, "term": term,
                                 "weight": round(w, 5), "kind": kind}, True)
            return
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

    @app.command("correct")
    def correct_cmd(
        text: str = typer.Argument(..., help="The text the model got wrong."),
        label: str = typer.Option(..., "--label", "-l", help="pos, neg or a score -1..+1."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object."),
    ) -> None:
        """Teach your personal model: this text is LABEL (applied and saved at once)."""
        corr = plugin.scorer().correct(text, label)
        out = {"text": text, "label": label, "before": round(corr.before, 4),
               "after": round(corr.after, 4)}
        cli_io.emit(out, cli_io.want_json(as_json),
                    text=f"{corr.before:+.3f} -> {corr.after:+.3f}\t{text}")

    @app.command("reset")
    def reset_cmd(as_json: bool = typer.Option(False, "--json", help="One JSON object.")
                  ) -> None:
        """Forget your corrections: back to the default model."""
        n = plugin.scorer().reset()
        cli_io.emit({"reset_terms": n}, cli_io.want_json(as_json),
                    text=f"personal model reset ({n} terms forgotten)")

    @app.command("train", help=TRAIN_HELP)
    def train_cmd(
        data: list[str] = typer.Option(["default"], "--data", "-d",
                                       help="Named set or file (repeatable)."),
        data_root: Path = typer.Option(None, "--data-root",
                                       help="Folder of the named sets "
                                            "(default: ../shared/data/sentiment)."),
        name: str = typer.Option("sentiment-user", "--name", help="Model name."),
        out: Path | None = typer.Option(None, "--out", help="Write a model directory here."),
        folds: int = typer.Option(5, "--folds", help="k of the k-fold CV for lambda."),
        alpha: float = typer.Option(0.5, "--alpha", help="L1 share of the penalty (0..1]."),
        lexicon: bool = typer.Option(True, "--lexicon/--no-lexicon",
                                     help="Add the VADER lexicon feature."),
        glove: bool = typer.Option(True, "--glove/--no-glove",
                                   help="Add the mean GloVe 50d vector of the text."),
        stem: bool = typer.Option(False, "--stem", help="Porter-stem words (needs nltk)."),
        stop_words: bool = typer.Option(False, "--stop-words", help="Drop stop words."),
        cv_by: str = typer.Option("domain", "--cv-by",
                                  help="CV folds for lambda: random | domain (one fold per "
                                       "domain of the named sets; a single-domain "
                                       "file falls back to random)."),
        binary: bool = typer.Option(False, "--binary",
                                    help="Logistic fit on the 0/1 labels."),
        nb: bool = typer.Option(False, "--nb",
                                help="With --binary: scale each n-gram by its naive-Bayes "
                                     "log-count ratio (NBSVM)."),
        jobs: int = typer.Option(2, "--jobs", help="Processes for the CV folds."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object."),
    ) -> None:
        from textseq_plugins.sentiment import train as tr

        if not 0 < alpha <= 1:
            raise BadInput("--alpha must be in (0, 1]")
        if cv_by not in ("random", "domain"):
            raise BadInput("--cv-by must be random or domain")
        if folds < 2:
            raise BadInput("--folds must be at least 2")
        if nb and not binary:
            raise BadInput("--nb needs --binary (naive-Bayes ratios come from 0/1 labels)")
        config = tr.TrainConfig(alpha=alpha, folds=folds, lexicon=lexicon, glove=glove,
                                stem=stem, cv_by=cv_by,
                                stop_words=stop_words, n_jobs=jobs, nb=nb,
                                family="binomial" if binary else "gaussian")
        ctx = plugin.context
        ctx.check_out(out)
        dataset = tr.load_training_data(data, data_root or tr.DEFAULT_DATA_ROOT)
        with ctx.store.training_run(name, config.as_dict(), "cpu") as run:
            model, report = tr.fit_model(dataset, config, name=name)
            card = tr.make_card(model, report, config, list(data))
            where = str(ctx.save_model(card, model.files(), out=out))
            run.metrics.update({"model": name, "path": where, "texts": report.n_texts,
                                "features": report.n_features, "nonzero": report.n_nonzero,
                                **report.cv, "seconds": round(report.seconds["total"], 1)})
        cli_io.emit(run.metrics, cli_io.want_json(as_json))

    return app
