"""Benchmark of the autocomplete plugin: the ghost text a user sees on today's English, beside
the dictionary completer, on the same characters (a program, not a test).

    python bench/autocomplete.py [--model-dir models/char-rnn-english] [--corpus-dir DIR]
                                 [--nats-chars 20000] [--savings-chars 10000] [--quick]

The test text is built by ``python -m textseq_plugins.autocomplete.corpus --out DIR`` (into a
temporary directory when ``--corpus-dir`` is not given): for each corpus of
``../shared/data/text/modern-english`` and the VADER texts, either its held-out split (the
corpora the default model trained on: every 10th document; for State of the Union all of
G. W. Bush's addresses) or all of it (Brown, NPS chat, web text, ABC news: never trained on,
leave-one-corpus-out). Per corpus, on its first characters:

- nats/char of the character model over ``--nats-chars`` characters (target <= 1.5);
- keystroke savings and ghost-text precision over ``--savings-chars`` characters of what the
  app shows (``word_completer.WordCompleter``: char model + its word layer + the text's own words; no
  stored history) and of the *dictionary completer* on the same characters: wordfreq's most
  frequent word with the typed prefix, shown when it holds >= 30 % of that prefix's frequency
  mass (Tab = word, Shift+Tab = word + space), with the same accounting
  (``completer.keystroke_savings``). Targets: savings >= 30 % at precision >= 60 %, and
  >= 1.5x the dictionary completer.
- ``learn``: ``textseq autocomplete learn`` on 90 % of G. W. Bush's addresses (in time
  order) in a fresh home: the personal history, then the model's adaptation to the text
  (timed); savings on ``--savings-chars`` of the last 10 % with what ``eval`` then shows (the
  adapted model + the history) and with the shipped model alone (target +5 points); and
  savings on movie reviews (held-out) with both, the check that the adaptation to one
  author does not make the general ghost text worse. With ``--more-authors``, the same
  figure for two writers the shipped model never trained on: webtext's wine reviews (one
  reviewer; the text the ``ADAPTED_*`` constants were checked on, so not a clean test) and
  Shakespeare (tinyshakespeare: far from today's English); with ``--learn-from FILE``, for
  that text too (e.g. prose from outside ../shared/data, ``bench/outside_text.py``).
- latency per keystroke (update + suggestion, personal history loaded) over a replay with a
  typo and a backspace every 40 characters (target p99 < 5 ms): three replays, each with a
  fresh completer, and their median; beside it the time of one GRU step's matrix products
  (batch 4) at that moment, since this shared box's speed varies by up to 1.5x within an hour;
- the Shakespeare model (still selectable): held-out nats/char and savings, as before.
- the shipped word counts (``words.npz``, ``words.CountStore``): file size, load time and
  memory once loaded.

Prints one JSON line and a markdown table, and writes bench/results/autocomplete.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
SHAKESPEARE = DATA / "text" / "tinyshakespeare" / "input.txt"
TRAINED = ("masc", "state_union", "switchboard", "movie_reviews", "vader")
EVAL_ONLY = ("brown", "nps_chat", "webtext", "abc")
DICT_SHARE = 0.3


class DictionaryCompleter:
    """The issue's anchor: the most frequent wordfreq word with the typed prefix, shown when
    it holds >= 30 % of the prefix's frequency mass; ends with a space (Tab takes the word,
    Shift+Tab the word and the space). Case follows the prefix, as ours does."""

    def __init__(self) -> None:
        from textseq_plugins.autocomplete.vocabulary import english_prior

        self.prior = english_prior()

    def update(self, text: str, should_stop=None) -> bool:  # noqa: ANN001
        return True

    def suggest(self, text: str, **_: object) -> list:
        from textseq_plugins.autocomplete.completer import Suggestion
        from textseq_plugins.autocomplete.vocabulary import adapt_case, is_word_char

        start = len(text)
        while start > 0 and is_word_char(text[start - 1]):
            start -= 1
        prefix = text[start:]
        if not prefix:
            return []
        low = prefix.lower()
        top = self.prior.top(low, 1)
        mass = self.prior.mass(low)
        if not top or top[0] == low or self.prior.weight(top[0]) < DICT_SHARE * mass:
            return []
        word = adapt_case(prefix, top[0])
        return [Suggestion(word[len(prefix):] + " ", self.prior.weight(top[0]) / mass)]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def savings(completer, text: str, min_prob: float | None = None) -> dict:
    """Keystroke savings and precision of ``completer`` on ``text`` (``min_prob``: the
    character model's own beam's threshold; a ``WordCompleter`` follows its policy)."""
    from textseq_plugins.autocomplete.completer import keystroke_savings

    t0 = time.perf_counter()
    r = keystroke_savings(completer, text, min_prob=min_prob or 0.0, space=True)
    return {"savings": round(r["savings"], 4), "precision": round(r["precision"], 4),
            "chars": r["chars"], "shown": r["shown"], "accepts": r["accepts"],
            "seconds": round(time.perf_counter() - t0, 1)}


def replay_latency(completer, text: str, keystrokes: int) -> dict[str, float]:
    """Per-keystroke milliseconds of update + suggestion, typing ``text`` with a typo and its
    backspace every 40 characters."""
    times, typed, i, n, typo_at = [], "", 0, 0, -1
    while n < keystrokes and i < len(text):
        if i % 40 == 39 and typo_at != i:  # once per place (it typed "#" there forever)
            typed += "#"
            typo_at = i
        elif typed.endswith("#"):
            typed = typed[:-1]
        else:
            typed += text[i]
            i += 1
        n += 1
        t0 = time.perf_counter()
        completer.update(typed)
        completer.suggest(typed)
        times.append((time.perf_counter() - t0) * 1000)
    return {"keystrokes": n, "p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(_pct(times, 0.99), 3), "mean_ms": round(statistics.fmean(times), 3)}


def replays(make, text: str, keystrokes: int, runs: int = 3) -> dict:  # noqa: ANN001
    """``replay_latency`` ``runs`` times, each with a fresh completer from ``make()``: each
    run's figures and their medians (a shared box's speed moves between runs)."""
    each = [replay_latency(make(), text, keystrokes) for _ in range(runs)]
    med = {k: round(statistics.median(r[k] for r in each), 3)
           for k in ("p50_ms", "p99_ms", "mean_ms")}
    return {"keystrokes": each[0]["keystrokes"], **med, "runs": each,
            "reference_step_ms": reference_step_ms()}


def reference_step_ms() -> float:
    """Median time of the three matrix products of one step of the shipped 2 x 384 GRU at
    batch 4 (float32, one thread): how fast this machine is right now."""
    import torch

    gen = torch.Generator().manual_seed(0)
    weights = [torch.randn(384, 1152, generator=gen) for _ in range(3)]
    x = torch.randn(4, 384, generator=gen)
    return round(_median_ms(lambda: [x @ w for w in weights], runs=400, warm=100), 4)


def _median_ms(call, runs: int, warm: int) -> float:  # noqa: ANN001
    """Median milliseconds of ``call()`` over ``runs`` calls, the first ``warm`` left out."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times[warm:])


def network_ms(model) -> dict:  # noqa: ANN001
    """Median milliseconds of one call of the float32 network and of its int8 keystroke copy
    (``CharModel.fast``) at the shapes a keystroke uses: one step of one row, and the word
    layer's scoring of 1 or 4 candidates over 9-12 characters (1 thread, this machine now)."""
    import torch

    gen = torch.Generator().manual_seed(0)
    out = {}
    for rows, width in ((1, 1), (1, 12), (4, 9)):
        ids = torch.randint(1, len(model.vocab), (rows, width), generator=gen)
        h = torch.zeros(model.config.layers, rows, model.config.hidden)
        h = h if model.config.cell == "gru" else (h, h.clone())
        for name, net in (("float32", model.net), ("int8", model.fast)):
            with torch.no_grad():
                ms = _median_ms(lambda net=net, ids=ids, h=h: net(ids, h), runs=230, warm=30)
            out[f"{name} {rows}x{width}"] = round(ms, 3)
    return out


def word_store_figures(model_dir: Path) -> dict:
    """The shipped background counts (``words.npz``): file size, load time (best of 3) and
    the memory its arrays and words take once loaded (tracemalloc: Python and numpy)."""
    import tracemalloc

    from textseq_plugins.autocomplete.counts import WORD_STORE, CountStore

    path = model_dir / WORD_STORE
    if not path.is_file():
        return {}
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        store = CountStore.load(path)
        times.append(time.perf_counter() - t0)
    del store
    tracemalloc.start()
    store = CountStore.load(path)
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"file_mb": round(path.stat().st_size / 2**20, 2), "load_s": round(min(times), 3),
            "memory_mb": round(memory / 2**20, 1), "words": len(store),
            "ngrams": {n: len(t[2]) for n, t in store.orders.items()}}


def word_layer_of(model_dir: Path):  # noqa: ANN201
    """The word layer of the model in ``model_dir`` as the app reads it (its own counts; a
    background named on its card comes from the registry's shipped models)."""
    from textseq_plugins.autocomplete.word_layer import WordLayers

    from textseq_tui.registry import ModelRegistry, read_card

    with tempfile.TemporaryDirectory() as empty:
        registry = ModelRegistry(Path(empty), shipped_dir=REPO / "models")
        return WordLayers(registry).for_model(model_dir, read_card(model_dir))


def new_completer(model, layer=None, personal=None, policy=None):  # noqa: ANN001, ANN201
    """What the app shows for ``model`` with its word ``layer`` (and ``personal`` history)."""
    from textseq_plugins.autocomplete.word_completer import WordCompleter

    return WordCompleter(model, personal, layer=layer, policy=policy)


def learn_figure(model_dir: Path, text: str, chars: int, threads: int = 1,
                 general: str = "", policy=None) -> dict:  # noqa: ANN001
    """Savings on the last 10 % of ``text`` before and after learning the first 90 %, the
    way a user does it: ``textseq autocomplete learn --input FIRST_90`` in a fresh home (the
    personal history, then the adaptation of the model to it, timed), then exactly what
    ``eval`` shows in that home (``adapt.home_model`` + ``history.load``) against the shipped
    model alone. Also the adapted model's nats/char on the rest, and (forgetting) savings on
    ``general`` text of another kind with the shipped model vs with this home's model and
    history."""
    from dataclasses import replace

    from textseq_plugins.autocomplete import history
    from textseq_plugins.autocomplete.adapt import home_model
    from textseq_plugins.autocomplete.model import load_char_model
    from textseq_plugins.autocomplete.policy import Policy
    from typer.testing import CliRunner

    from textseq_tui.cli import build_app
    from textseq_tui.host import Host

    cut = int(len(text) * 0.9)
    while cut < len(text) and text[cut] not in "\n":
        cut += 1
    learned, rest = text[:cut], text[cut:].lstrip()[:chars]
    shipped = load_char_model(model_dir)
    with tempfile.TemporaryDirectory() as home:
        host = Host(home=home, device="cpu")
        ctx = host.plugin("autocomplete").context
        name = str(ctx.settings.get("model", "char-rnn-english"))
        if Path(str(ctx.registry.load(name).info.get("path"))).resolve() != model_dir.resolve():
            host.registry.import_dir(model_dir, name=name)  # learn adapts this --model-dir
        mine = Path(home) / "mine.txt"
        mine.write_text(learned, encoding="utf-8")
        t0 = time.perf_counter()
        out = CliRunner().invoke(build_app(host), ["autocomplete", "learn", "--input", str(mine),
                                                   "--json", "--threads", str(threads)],
                                 catch_exceptions=False)
        learn_s = time.perf_counter() - t0
        if out.exit_code:
            raise SystemExit(f"learn failed: {out.stderr}")
        report = json.loads(out.stdout)
        model, note = home_model(ctx, name)
        personal = history.load(ctx.store)
        layer = word_layer_of(model_dir)

        base = policy or Policy()

        def shown_by(char_model, mine=None, policy=None):  # noqa: ANN001, ANN202
            return new_completer(char_model, layer, mine, policy or base)

        without = savings(shown_by(shipped), rest)
        with_history = savings(shown_by(model, personal), rest)
        counts_only = savings(shown_by(shipped, personal), rest)
        # the shipped model alone at the thresholds the home lowers for text like its history
        # (PERSONAL_DROP + ADAPTED_DROP): the gain at equal thresholds, not a threshold trade
        same_thresholds = savings(shown_by(shipped, policy=replace(
            base, min_prob=base.min_prob - base.personal_drop - base.adapted_drop)), rest)
        nats = {"shipped": round(shipped.nats_per_char(rest), 4),
                "adapted": round(model.nats_per_char(rest), 4)}
        forgetting = {}
        if general:
            forgetting = {"shipped": savings(shown_by(shipped), general),
                          "this_home": savings(shown_by(model, personal), general),
                          "adapted_model_only": savings(shown_by(model), general),
                          "history_only": savings(shown_by(shipped, personal), general),
                          "nats_shipped": round(shipped.nats_per_char(general), 4),
                          "nats_adapted": round(model.nats_per_char(general), 4)}
    return {"learned_chars": len(learned), "learned_words": report["words"],
            "adapted": report.get("adapted"), "learn_seconds": round(learn_s, 1),
            "note": note, "nats_per_char": nats,
            "without": without, "with": with_history, "counts_only": counts_only,
            "without_at_lowered_thresholds": same_thresholds,
            "gain_points": round(100 * (with_history["savings"] - without["savings"]), 1),
            "counts_only_gain_points": round(100 * (counts_only["savings"]
                                                    - without["savings"]), 1),
            "general_check": forgetting, "personal": personal, "model": model, "rest": rest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=REPO / "models" / "char-rnn-english")
    parser.add_argument("--shakespeare-dir", type=Path,
                        default=REPO / "models" / "char-rnn-shakespeare")
    parser.add_argument("--corpus-dir", type=Path, default=None)
    parser.add_argument("--nats-chars", type=int, default=20_000)
    parser.add_argument("--savings-chars", type=int, default=10_000)
    parser.add_argument("--keystrokes", type=int, default=3000)
    parser.add_argument("--corpora", default=",".join(TRAINED + EVAL_ONLY))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--min-prob", type=float, default=None,
                        help="Override the policy's threshold (a point on the frontier).")
    parser.add_argument("--only-corpora", action="store_true",
                        help="Skip learn, latency and Shakespeare.")
    parser.add_argument("--more-authors", action="store_true",
                        help="Also the learn figure for wine reviews and Shakespeare (+5 min).")
    parser.add_argument("--learn-from", type=Path, action="append", default=[],
                        metavar="FILE", help="Also the learn figure for this text (one writer "
                        "or kind of text, e.g. from bench/outside_text.py); repeatable.")
    parser.add_argument("--learn-only", action="store_true",
                        help="Only the learn figure and latency (merged into --out).")
    parser.add_argument("--out", type=Path, default=None,
                        help="Results file (default bench/results/autocomplete.json, with "
                        "--train-*: autocomplete-trained.json).")
    parser.add_argument("--train-minutes", type=float, default=None,
                        help="Only the trained-words figure: train a model on 90 %% of each "
                        "--train-texts text for this many minutes (bench/autocomplete_trained.py).")
    parser.add_argument("--train-steps", type=int, default=None,
                        help="The same, for this many steps (a rerun on a quiet machine).")
    parser.add_argument("--train-texts", default="shakespeare,rust_book,nomicon",
                        help="shakespeare, or texts of --outside-dir/test or --corpus-dir/test.")
    parser.add_argument("--outside-dir", type=Path, default=None,
                        help="Where bench/outside_text.py wrote the outside texts.")
    args = parser.parse_args()
    if args.out is None:
        trained = args.train_minutes is not None or args.train_steps is not None
        args.out = REPO / "bench" / "results" / (
            "autocomplete-trained.json" if trained else "autocomplete.json")
    if not DATA.is_dir():
        sys.exit(f"{DATA} is absent: the benchmark needs ../shared/data")
    torch.set_num_threads(args.threads)
    sys.path.insert(0, str(REPO / "bench"))
    from dataclasses import replace

    from machine import machine, save_results
    from textseq_plugins.autocomplete import corpus
    from textseq_plugins.autocomplete.completer import MIN_PROB as CHAR_MIN_PROB
    from textseq_plugins.autocomplete.completer import Completer
    from textseq_plugins.autocomplete.model import load_char_model
    from textseq_plugins.autocomplete.policy import Policy
    from textseq_plugins.autocomplete.text_input import split_corpus

    policy = Policy() if args.min_prob is None else replace(Policy(), min_prob=args.min_prob)
    args.policy = policy

    tmp = None
    corpus_dir = args.corpus_dir
    if corpus_dir is None or not (corpus_dir / "test").is_dir():
        tmp = tempfile.TemporaryDirectory()
        corpus_dir = corpus_dir or Path(tmp.name)
        corpus.build(DATA, corpus_dir)
    if args.train_minutes is not None or args.train_steps is not None:
        run_trained(args, corpus_dir)
        if tmp is not None:
            tmp.cleanup()
        return
    store = word_store_figures(args.model_dir)
    model = load_char_model(args.model_dir)
    layer = word_layer_of(args.model_dir)
    card_path = args.model_dir / "card.json"
    card = json.loads(card_path.read_text()) if card_path.exists() else {"name": "?"}
    result: dict = {"bench": "autocomplete", "machine": machine(), "model": card.get("name"),
                    "policy": {"lambda": policy.lam, "min_prob": policy.min_prob,
                               "next_word_min_prob": round(policy.next_word_min_prob(), 3),
                               "stem_prob": policy.stem_prob, "session_k": policy.session_k},
                    "nats_chars": args.nats_chars, "savings_chars": args.savings_chars,
                    "word_store": store, "corpora": {}}
    if args.learn_only:  # merged into the last full run's figures, which stay as they were
        kept = json.loads(args.out.read_text()) if args.out.is_file() else {}
        result = {**kept, "machine": result["machine"], "policy": result["policy"],
                  "word_store": store}
        learn_and_latency(args, corpus_dir, model, result)
        result["machine_end"] = machine()
        save_results(args.out, result)
        print_learn(result)
        if tmp is not None:
            tmp.cleanup()
        return
    dictionary = DictionaryCompleter()
    for name in args.corpora.split(","):
        text = (corpus_dir / "test" / f"{name}.txt").read_text(encoding="utf-8")
        nats = model.nats_per_char(text[: args.nats_chars])
        sample = text[: args.savings_chars]
        ours = savings(new_completer(model, layer, policy=policy), sample)
        anchor = savings(dictionary, sample)
        row = {"split": "held-out" if name in TRAINED else "never trained on",
               "nats_per_char": round(nats, 4), "ours": ours, "dictionary": anchor,
               "ratio": round(ours["savings"] / max(anchor["savings"], 1e-9), 2)}
        result["corpora"][name] = row
        print(name, json.dumps(row), file=sys.stderr, flush=True)
    rows = list(result["corpora"].values())
    result["mean"] = {
        "nats_per_char": round(statistics.fmean(r["nats_per_char"] for r in rows), 4),
        "savings": round(statistics.fmean(r["ours"]["savings"] for r in rows), 4),
        "precision": round(statistics.fmean(r["ours"]["precision"] for r in rows), 4),
        "dictionary_savings": round(statistics.fmean(r["dictionary"]["savings"] for r in rows), 4),
        "dictionary_precision": round(statistics.fmean(r["dictionary"]["precision"]
                                                       for r in rows), 4)}
    result["mean"]["ratio"] = round(result["mean"]["savings"]
                                    / max(result["mean"]["dictionary_savings"], 1e-9), 2)

    if args.only_corpora:
        save_results(args.out, result)
        print(json.dumps(result))
        return
    learn_and_latency(args, corpus_dir, model, result)

    if SHAKESPEARE.is_file() and args.shakespeare_dir.is_dir():
        shakes = load_char_model(args.shakespeare_dir)
        val = split_corpus(SHAKESPEARE.read_text(encoding="utf-8"))[1]
        held = val[:3000]
        result["shakespeare"] = {
            "nats_per_char": round(shakes.nats_per_char(val), 4), "val_chars": len(val),
            "anchor_nanogpt_nats_per_char": 1.4697,
            "words_layer": savings(new_completer(shakes, word_layer_of(args.shakespeare_dir),
                                                 policy=policy), held),
            "char_only_p0.3": savings(Completer(shakes), held, min_prob=CHAR_MIN_PROB),
            "dictionary": savings(dictionary, held)}
        print("shakespeare", json.dumps(result["shakespeare"]), file=sys.stderr, flush=True)
    result["machine_end"] = machine()
    save_results(args.out, result)
    print(json.dumps(result))
    print(f"\nmachine: {result['machine']}\n")
    print("| corpus | split | nats/char | ours: savings (precision) | dictionary: savings "
          "(precision) | ratio |\n| --- | --- | --- | --- | --- | --- |")
    for name, r in result["corpora"].items():
        print(f"| {name} | {r['split']} | {r['nats_per_char']:.3f} | "
              f"{r['ours']['savings']:.1%} ({r['ours']['precision']:.0%}) | "
              f"{r['dictionary']['savings']:.1%} ({r['dictionary']['precision']:.0%}) | "
              f"{r['ratio']:.2f}x |")
    m = result["mean"]
    print(f"| mean | | {m['nats_per_char']:.3f} | {m['savings']:.1%} ({m['precision']:.0%}) | "
          f"{m['dictionary_savings']:.1%} ({m['dictionary_precision']:.0%}) | "
          f"{m['ratio']:.2f}x |")
    print_learn(result)
    if tmp is not None:
        tmp.cleanup()


def learn_and_latency(args: argparse.Namespace, corpus_dir: Path, model, result: dict) -> None:  # noqa: ANN001
    """The learn figure (G. W. Bush, forgetting on movie reviews) and the latency replay, into
    ``result``."""
    from textseq_plugins.autocomplete.completer import MIN_PROB as CHAR_MIN_PROB
    from textseq_plugins.autocomplete.completer import Completer

    bush = (corpus_dir / "test" / "state_union.txt").read_text(encoding="utf-8")
    general = (corpus_dir / "test" / "movie_reviews.txt").read_text(encoding="utf-8")
    learn = learn_figure(args.model_dir, bush, args.savings_chars, args.threads,
                         general=general[: args.savings_chars], policy=args.policy)
    personal = learn.pop("personal")
    adapted, rest = learn.pop("model"), learn.pop("rest")
    result["learn"] = learn
    print("learn", json.dumps(learn), file=sys.stderr, flush=True)
    authors = other_authors() if args.more_authors else {}
    for path in args.learn_from:
        authors[f"{path.stem} ({path}; outside ../shared/data)"] = path.read_text(
            encoding="utf-8")
    if authors:
        result["learn_more_authors"] = more = {}
        for name, text in authors.items():
            got = learn_figure(args.model_dir, text, args.savings_chars, args.threads,
                               policy=args.policy)
            for key in ("personal", "model", "rest", "general_check"):
                got.pop(key)
            more[name] = got
            print("learn", name, json.dumps(got), file=sys.stderr, flush=True)

    replay_text = (corpus_dir / "test" / "masc.txt").read_text(encoding="utf-8")
    layer = word_layer_of(args.model_dir)
    result["latency"] = replays(lambda: new_completer(model, layer, personal, args.policy),
                                replay_text,
                                args.keystrokes)
    result["latency_char_only"] = replays(lambda: _CharOnly(Completer(model), CHAR_MIN_PROB),
                                          replay_text, args.keystrokes)
    result["network_ms"] = network_ms(model)
    # typing text like the history, in that home: the lowered thresholds score more candidates
    result["latency_like_history"] = replays(lambda: new_completer(adapted, layer, personal,
                                                                   args.policy), rest,
                                             args.keystrokes)
    print("latency", json.dumps(result["latency"]), json.dumps(result["latency_like_history"]),
          file=sys.stderr, flush=True)


def run_trained(args: argparse.Namespace, corpus_dir: Path) -> None:
    """The trained-words figure (``bench/autocomplete_trained.py``) into ``args.out``."""
    from autocomplete_trained import print_trained, trained_figures
    from machine import machine, save_results

    texts = {}
    for name in args.train_texts.split(","):
        if name == "shakespeare":
            texts[name] = SHAKESPEARE.read_text(encoding="utf-8")
            continue
        for folder in (args.outside_dir, corpus_dir):
            if folder is not None and (folder / "test" / f"{name}.txt").is_file():
                texts[name] = (folder / "test" / f"{name}.txt").read_text(encoding="utf-8")
                break
        else:
            raise SystemExit(f"{name}: no such text (run bench/outside_text.py DIR and give "
                             "--outside-dir DIR)")
    ten_mb = (corpus_dir / "train.txt").read_text(encoding="utf-8")
    ten_mb = (ten_mb + (corpus_dir / "test" / "brown.txt").read_text(encoding="utf-8"))
    result = {"bench": "autocomplete-trained", "machine": machine(),
              **trained_figures(texts, ten_mb[:10_000_000], minutes=args.train_minutes,
                                steps=args.train_steps, threads=args.threads)}
    result["machine_end"] = machine()
    save_results(args.out, result)
    print(json.dumps(result))
    print_trained(result)


def other_authors() -> dict[str, str]:
    """One writer each, never in the shipped model's training text: webtext's wine reviews
    and Shakespeare (``--more-authors``)."""
    import zipfile

    with zipfile.ZipFile(DATA / "text" / "modern-english" / "webtext.zip") as z:
        wine = z.read("webtext/wine.txt").decode("utf-8", errors="replace")
    return {"wine reviews (webtext; checked on while tuning)": wine,
            "Shakespeare (tinyshakespeare)": SHAKESPEARE.read_text(encoding="utf-8")}


def print_learn(result: dict) -> None:
    learn = result["learn"]
    print(f"\nlearn: {learn['without']['savings']:.1%} -> {learn['with']['savings']:.1%} "
          f"({learn['gain_points']:+.1f} points; word counts alone "
          f"{learn['counts_only_gain_points']:+.1f}); adaptation "
          f"{learn['adapted'].get('steps')} steps in {learn['adapted'].get('seconds')} s")
    if "without_at_lowered_thresholds" in learn:
        low = learn["without_at_lowered_thresholds"]
        print(f"learn, the shipped model alone at the home's lowered thresholds: "
              f"{low['savings']:.1%} ({low['precision']:.0%}); with the history "
              f"{learn['with']['savings']:.1%} ({learn['with']['precision']:.0%})")
    for name, other in result.get("learn_more_authors", {}).items():
        print(f"learn, {name}: {other['without']['savings']:.1%} "
              f"({other['without']['precision']:.0%}) -> {other['with']['savings']:.1%} "
              f"({other['with']['precision']:.0%}), {other['gain_points']:+.1f} points (word "
              f"counts alone {other['counts_only_gain_points']:+.1f}); "
              f"{other['learned_chars']:,} chars learned")
    if learn["general_check"]:
        g = learn["general_check"]
        print(f"learn, movie reviews after adapting to Bush: {g['shipped']['savings']:.1%} -> "
              f"{g['this_home']['savings']:.1%} (adapted model alone "
              f"{g['adapted_model_only']['savings']:.1%}, history alone "
              f"{g['history_only']['savings']:.1%}); nats/char {g['nats_shipped']:.3f} -> "
              f"{g['nats_adapted']:.3f}")
    lat = result["latency"]
    each = ", ".join(f"{r['p99_ms']:.2f}" for r in lat.get("runs", [lat]))
    print(f"latency update+suggest p50/p99: {lat['p50_ms']:.2f} / {lat['p99_ms']:.2f} ms "
          f"(median of the replays' p99 {each}; reference GRU step "
          f"{lat.get('reference_step_ms', float('nan')):.3f} ms)")
    if "network_ms" in result:
        net = result["network_ms"]
        print("network call, rows x chars, float32 / int8 ms: " + ", ".join(
            f"{shape} {net[f'float32 {shape}']:.3f} / {net[f'int8 {shape}']:.3f}"
            for shape in ("1x1", "1x12", "4x9")))
    if "latency_like_history" in result:
        lat = result["latency_like_history"]
        print(f"latency typing like the history, in that home, p50/p99: {lat['p50_ms']:.2f} / "
              f"{lat['p99_ms']:.2f} ms")
    store = result.get("word_store")
    if store:
        print(f"word store: {store['file_mb']} MB file, {store['load_s']} s to load, "
              f"{store['memory_mb']} MB in memory, n-grams {store['ngrams']}")


class _CharOnly:
    """The character model's own beam suggestion (the previous release), for latency."""

    def __init__(self, completer, min_prob: float) -> None:  # noqa: ANN001
        self.c, self.min_prob = completer, min_prob

    def update(self, text: str) -> None:
        self.c.update(text)

    def suggest(self, text: str) -> list:
        return self.c.suggest(text, n=1, min_prob=self.min_prob, space=True)


if __name__ == "__main__":
    main()
