"""``textseq clusterer ...``: cluster words, list and show stored clusterings, suggest eps.

Built lazily by :meth:`ClustererPlugin.cli`; numpy/torch/sklearn load inside the commands.
Each command is a module-level function; the plugin it runs for is the ``obj`` of its Typer
app's context (:func:`build_cli`), read when the command runs.
"""

from __future__ import annotations

import sys
import time
from typing import Annotated, Any

import typer
from textseq_plugins.clusterer.plugin import ClustererPlugin

from textseq_tui.plugin import BadInput, PluginContext, cli_io

# Options shared by several commands, defined once.
WordsFile = Annotated[str | None, typer.Option("--words", "--input",
                                               help="Words to cluster, one a line (- = stdin).")]
Vocab = Annotated[int | None, typer.Option("--vocab",
                                           help="Cluster the N most frequent GloVe words.")]
VectorsFile = Annotated[str | None, typer.Option(
    "--vectors", help="A .npy matrix (with --words-file) or word2vec/GloVe text file.")]
NpyWords = Annotated[str | None, typer.Option("--words-file",
                                              help="Words of a .npy matrix, one per row.")]
MinSamples = Annotated[int, typer.Option("--min-samples", help="DBSCAN: core point size.")]


def build_cli(plugin: ClustererPlugin) -> typer.Typer:
    """The ``textseq clusterer`` Typer app; its commands run for ``plugin``."""
    return cli_io.command_group("Cluster a vocabulary or embedding matrix without choosing k.", {
        "cluster": cluster_cmd, "runs": runs_cmd, "show": show_cmd,
        "suggest-eps": suggest_eps_cmd}, obj=plugin)


def context_of(ctx: typer.Context) -> PluginContext:
    """The plugin context of the running command."""
    return cli_io.command_object(ctx, ClustererPlugin).context


def load_input(glove: Any, words: str | None, vocab: int | None, vectors: str | None,
               words_file: str | None = None, line_of: dict[str, int] | None = None) -> Any:
    """The :class:`~.vectors.WordVectors` the options ask for (exactly one source).

    ``--words FILE`` alone: GloVe vectors of those words; with ``--vectors``: that file's
    vectors of those words. Duplicate lines are reported on stderr with their numbers and
    kept once; words without a vector end up in ``missing``. ``line_of``, if given, gets
    each ``--words`` word's input line number. ``glove``: a callable giving the GloVe
    model (loaded only when the options need it).
    """
    from textseq_plugins.clusterer import vectors as wv

    if vocab is not None and (words or vectors):
        raise BadInput("give --vocab N alone, or --words FILE and/or --vectors FILE")
    if vocab is None and not words and not vectors:
        raise BadInput("say what to cluster: --words FILE (GloVe vectors of those words), "
                       "--vocab N (the N most frequent GloVe words) or --vectors FILE")
    if vocab is not None:
        return wv.load_glove_vocab(glove(), vocab)
    wanted = None
    if words:
        wanted, problems = wv.read_word_list(cli_io.iter_input(words), line_of)
        for problem in problems:
            cli_io.echo(problem + " (kept once)", err=True)
        if not wanted:
            raise BadInput(f"{words}: no words found (one word a line)")
    if vectors:
        loaded = wv.load_vectors_file(vectors, words_file)
        return wv.restrict(loaded, wanted) if wanted is not None else loaded
    return wv.load_glove_words(glove(), wanted)


def run_clustering(ctx: PluginContext, data: Any, settings: Any, *, store: bool = True,
                   device: str = "cpu") -> tuple[Any, int | None]:
    """Cluster ``data`` (WordVectors) with ``settings``; store it unless ``store`` is False.

    Returns ``(clustering, run_id)``. Raises BadInput when fewer than 3 words have vectors.
    """
    from textseq_plugins.clusterer.clusterings import (
        load_wordnet,
        name_clusters,
        save_clustering,
    )
    from textseq_plugins.clusterer.model import cluster_vectors

    if len(data) < 3:
        missing = f"; not in the vectors: {', '.join(data.missing[:10])}" if data.missing else ""
        raise BadInput(f"clustering needs at least 3 words with vectors, got {len(data)}: "
                       "with two words or fewer there is nothing to group" + missing)
    wordnet = load_wordnet(ctx.registry)
    # a short list of GloVe words takes the short-list path (lines of text are no words, and
    # its pair model knows GloVe's scale, not that of a user's --vectors)
    words = data.words if data.glove_words else None
    clustering = cluster_vectors(data.matrix, settings, device=device, words=words,
                                 wordnet=wordnet)
    clustering.info["names"] = name_clusters(ctx.registry, data.words, clustering.labels,
                                             clustering.info.get("central", {}))
    run_id = None
    if store:
        run_id = save_clustering(ctx.store, data.words, clustering, data.source, data.missing)
    return clustering, run_id


def _glove_of(plugin_ctx: PluginContext) -> Any:
    """A callable loading the shared GloVe model from the registry (on first call)."""
    from textseq_tui.ml import GLOVE_KIND, GLOVE_MODEL

    return lambda: plugin_ctx.registry.load(GLOVE_MODEL, kind=GLOVE_KIND)


def cluster_cmd(
    ctx: typer.Context,
    words: WordsFile = None,
    vocab: Vocab = None,
    vectors: VectorsFile = None,
    words_file: NpyWords = None,
    texts: Annotated[str | None, typer.Option("--texts", help="Cluster lines of text by their "
                                         "mean GloVe vector (- = stdin).")] = None,
    method: Annotated[str, typer.Option("--method", help="linkage (average-linkage seeds + "
                                   "spherical k-means) | leiden (Leiden communities of a kNN "
                                   "graph as seeds; needs the [leiden] extra) | cw (Chinese "
                                   "Whispers) | dbscan.")] = "linkage",
    clusters: Annotated[int | None, typer.Option("--clusters", help="linkage/leiden: about how "
                                            "many groups you want (a hint; default: read "
                                            "off the data).")] = None,
    resolution: Annotated[float | None, typer.Option("--resolution", help="leiden: modularity "
                                                "resolution (higher: more, smaller clusters; "
                                                "default: 6.4 (n/1000)^0.4).")] = None,
    neighbours: Annotated[int | None, typer.Option("--neighbours", help="leiden: neighbours per "
                                              "word in its graph (default: 1.5 ln n).")] = None,
    cut: Annotated[float | None, typer.Option("--cut", help="linkage: cosine distance at which "
                                         "the tree is cut (default: from the data).")] = None,
    min_seed: Annotated[int | None, typer.Option("--min-seed", help="linkage: fewest words of a "
                                            "cut group that seeds a cluster (default: 0.15 "
                                            "sqrt(n), at least 2).")] = None,
    sample: Annotated[int, typer.Option("--sample", help="linkage: at most this many words build "
                                   "the tree.")] = 4000,
    explain: Annotated[bool, typer.Option("--explain", help="Per cluster, its likely name and "
                                     "most central words (--json: 'name', 'central').")] = False,
    k: Annotated[int, typer.Option("--k", help="Neighbours per word in the graph.")] = 10,
    mutual: Annotated[bool, typer.Option("--mutual/--no-mutual", help="Keep an edge only if both "
                                    "words list each other.")] = True,
    threshold: Annotated[float | None, typer.Option("--threshold", help="Drop edges with cosine "
                                               "below this.")] = None,
    weighting: Annotated[str, typer.Option("--weighting", help="CW: top | linear | log.")] = "top",
    max_passes: Annotated[int, typer.Option("--max-passes", help="CW: at most this many passes.")
                          ] = 30,
    seed: Annotated[int, typer.Option("--seed", help="CW: random seed of the visiting order.")] = 0,
    eps: Annotated[float | None, typer.Option("--eps", help="DBSCAN: cosine distance (default: "
                                         "suggested).")] = None,
    eps_rule: Annotated[str, typer.Option("--eps-rule", help="DBSCAN eps suggestion: "
                                     "most-clusters | knee.")] = "most-clusters",
    min_samples: MinSamples = 4,
    min_size: Annotated[int, typer.Option("--min-size", help="Words in smaller clusters are noise "
                                     "(-1).")] = 1,
    device: Annotated[str | None, typer.Option("--device", help="Torch device for the kNN graph "
                                          "(default: textseq --device).")] = None,
    store: Annotated[bool, typer.Option("--store/--no-store", help="Save the run.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per word.")] = False,
) -> None:
    """Cluster words; prints each word's cluster (0 = largest, -1 = noise)."""
    from textseq_plugins.clusterer.model import ClusterSettings

    settings = ClusterSettings(method=method, k=k, mutual=mutual, threshold=threshold,
                               weighting=weighting, max_passes=max_passes, seed=seed,
                               eps=eps, eps_rule=eps_rule, min_samples=min_samples,
                               min_size=min_size, cut=cut, min_seed=min_seed, sample=sample,
                               clusters=clusters, resolution=resolution,
                               neighbours=neighbours).check()
    plugin_ctx = context_of(ctx)
    started = time.perf_counter()
    line_of: dict[str, int] = {}  # --words: each word's input line
    line_numbers = None  # --texts: each text's input line
    if texts is not None:
        if words or vocab is not None or vectors:
            raise BadInput("--texts goes alone (not with --words, --vocab or --vectors)")
        from textseq_plugins.clusterer.vectors import load_glove_texts

        data, line_numbers = load_glove_texts(_glove_of(plugin_ctx)(), cli_io.iter_input(texts))
    else:
        data = load_input(_glove_of(plugin_ctx), words, vocab, vectors, words_file, line_of)
    if data.missing:
        shown = ", ".join(data.missing[:20]) + (" ..." if len(data.missing) > 20 else "")
        what = "words have no vector" if line_numbers is None else "lines have no known word"
        cli_io.echo(f"{len(data.missing)} {what}: {shown}", err=True)
    clustering, run_id = run_clustering(plugin_ctx, data, settings, store=store,
                                        device=plugin_ctx.resolve_device(device))
    if not cli_io.want_json(as_json):
        _print_clusters(data.words, clustering.labels, data.missing,
                        sep=" " if line_numbers is None else " | ",
                        central=_central(data.words, clustering) if explain else None,
                        names=clustering.info["names"])
    elif line_numbers is not None:
        _emit_text_clusters(data, clustering, line_numbers)
    else:
        _emit_word_clusters(data, clustering, line_of, explain)
    _report(clustering.info, len(data), time.perf_counter() - started, run_id)


def _emit_text_clusters(data: Any, clustering: Any, line_numbers: list[int]) -> None:
    """``--texts --json``: one object a text line, then the lines with no known word."""
    labels = clustering.labels.tolist()
    for number, text, cluster in zip(line_numbers, data.words, labels, strict=True):
        cli_io.emit({"line": number, "text": text, "cluster": cluster}, True)
    for text in data.missing:
        cli_io.emit({"text": text, "cluster": None, "missing": True}, True)


def _emit_word_clusters(data: Any, clustering: Any, line_of: dict[str, int],
                        explain: bool) -> None:
    """``--json``: one object a word (with ``--explain``, its cluster's name and most central
    words on each word of it), then the words without a vector, never silently dropped."""
    central = _central(data.words, clustering) if explain else {}
    for word, cluster in zip(data.words, clustering.labels.tolist(), strict=True):
        row = {"word": word, "cluster": cluster}
        if cluster in central:
            row["central"] = central[cluster]
            row["name"] = clustering.info["names"].get(cluster)
        cli_io.emit(row, True, line=line_of.get(word))
    for word in data.missing:
        cli_io.emit({"word": word, "cluster": None, "missing": True}, True,
                    line=line_of.get(word))


def _report(info: dict[str, Any], n_words: int, seconds: float, run_id: int | None) -> None:
    """The summary line on stderr: clusters, how they were found, noise, time, stored run."""
    if info.get("note"):
        sys.stderr.write(info["note"] + "\n")
    how = (f" (tree cut at cosine distance {info['cut']:.3f}, {info['seeds']} seeds)"
           if "cut" in info else "")
    if "path" in info:  # a short list: every cut of its tree was scored
        how = (f" ({info['path']}: {info['hint']} asked for" if "hint" in info
               else f" ({info['path']}: best of {info['cuts']} cuts") + ")"
    elif "hint" in info:
        how = f" (about {info['hint']} wanted: {info['seeds']} seeds)"
    elif "resolution" in info:
        how = (f" (Leiden at resolution {info['resolution']:g}, {info['graph_k']} "
               f"neighbours: {info['communities']} communities, {info['seeds']} seeds)")
    sys.stderr.write(
        f"{info['clusters']} clusters{how}, {info['noise']} noise, {n_words} words in "
        f"{seconds:.2f} s" + (f"; saved as run {run_id}" if run_id is not None else "") + "\n")


def runs_cmd(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="How many of the newest runs.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per run.")] = False,
) -> None:
    """List stored clustering runs, newest first."""
    from textseq_plugins.clusterer.clusterings import list_clusterings

    rows = list_clusterings(context_of(ctx).store, limit)
    json_out = cli_io.want_json(as_json)
    if not rows and not json_out:
        typer.echo("no clustering runs yet")
    for row in rows:
        row = {**row, "created": time.strftime("%Y-%m-%d %H:%M",
                                               time.localtime(row["created"]))}
        if json_out:
            cli_io.emit(row, True)
        else:
            cli_io.echo(f"run {row['id']}  {row['created']}  {row['method']}  "
                        f"{row['source']}  {row['n_words']} words  "
                        f"{row['n_clusters']} clusters  {row['noise']} noise")


def show_cmd(
    ctx: typer.Context,
    run: Annotated[int | None, typer.Option("--run", help="Run id (default: the newest).")
                   ] = None,
    cluster: Annotated[int | None, typer.Option("--cluster", help="All words of a cluster.")
                       ] = None,
    word: Annotated[str | None, typer.Option("--word",
                                             help="A word's cluster and neighbours.")] = None,
    top: Annotated[int, typer.Option("--top", help="How many clusters to list.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False,
) -> None:
    """Show a stored run: its biggest clusters, one cluster, or one word."""
    from textseq_plugins.clusterer import clusterings

    store = context_of(ctx).store
    info = clusterings.get_clustering(store, run)
    json_out = cli_io.want_json(as_json)
    if word is not None:
        found = clusterings.lookup_word(store, info["id"], word)
        members = clusterings.cluster_words(store, info["id"], found["cluster"])
        found["cluster_words"] = members[:50]
        found["name"] = clusterings.cluster_name(store, info["id"], found["cluster"])
        named = f" [{found['name']}]" if found["name"] else ""
        text = (f"{found['word']}: cluster {found['cluster']}{named} ({len(members)} words): "
                f"{' '.join(members[:30])}\nneighbours: "
                + ", ".join(f"{w} {s:.2f}" for w, s in found["neighbours"]))
        cli_io.emit(found, json_out, text=text)
        return
    if cluster is not None:
        members = clusterings.cluster_words(store, info["id"], cluster)
        if not members:
            raise BadInput(f"run {info['id']} has no cluster {cluster}")
        cli_io.emit({"run": info["id"], "cluster": cluster, "words": members}, json_out,
                    text=f"cluster {cluster} ({len(members)} words): {' '.join(members)}")
        return
    for summary in clusterings.cluster_summaries(store, info["id"], limit=top):
        cli_io.emit({"cluster": summary.cluster, "size": summary.size,
                     "preview": summary.preview, "name": summary.name}, json_out,
                    text=f"{summary.cluster:>5} {summary.size:>6}  "
                    + (f"[{summary.name}] " if summary.name else "")
                    + " ".join(summary.preview))


def suggest_eps_cmd(
    ctx: typer.Context,
    words: WordsFile = None,
    vocab: Vocab = None,
    vectors: VectorsFile = None,
    words_file: NpyWords = None,
    min_samples: MinSamples = 4,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Suggest DBSCAN's eps from the k-distance curve (both rules, with quantiles)."""
    import numpy as np
    from textseq_plugins.clusterer.dbscan import k_distances, suggest_eps
    from textseq_plugins.clusterer.graph import KnnGraph

    data = load_input(_glove_of(context_of(ctx)), words, vocab, vectors, words_file)
    if len(data) < 2:
        raise BadInput(f"need at least 2 words with vectors, got {len(data)}")
    knn = KnnGraph.build(data.matrix, max(10, min_samples))
    dist = k_distances(knn, min_samples)
    out = {
        "min_samples": min_samples,
        "knee": round(suggest_eps(knn, min_samples, "knee"), 4),
        "most_clusters": round(suggest_eps(knn, min_samples, "most-clusters"), 4),
        "quantiles": {str(q): round(float(np.quantile(dist, q)), 4)
                      for q in (0.1, 0.25, 0.5, 0.75, 0.9)},
    }
    cli_io.emit(out, cli_io.want_json(as_json))


def _central(words: list[str], clustering: Any) -> dict[int, list[str]]:
    """Cluster id -> its most central words (of the largest 2,000 clusters)."""
    return {int(c): [words[i] for i in rows]
            for c, rows in clustering.info.get("central", {}).items()}


def _print_clusters(words: list[str], labels: Any, missing: list[str], sep: str = " ",
                    central: dict[int, list[str]] | None = None,
                    names: dict[int, str] | None = None) -> None:
    """Human output: one line per cluster, biggest first, noise last; with ``central``,
    each cluster's likely name and most central words on the line before its members."""
    groups: dict[int, list[str]] = {}
    for word, label in zip(words, labels.tolist(), strict=True):
        groups.setdefault(label, []).append(word)
    for label in sorted(groups, key=lambda c: (c < 0, c)):
        name = "noise" if label < 0 else f"cluster {label}"
        if central and label in central:
            likely = (names or {}).get(label)
            cli_io.echo(f"{name} ({len(groups[label])})"
                        + (f", likely {likely!r}" if likely else "")
                        + f", most central: {sep.join(central[label][:5])}")
            name = "  members"
        cli_io.echo(f"{name} ({len(groups[label])}): {sep.join(groups[label])}")
    if missing:
        cli_io.echo(f"no vector ({len(missing)}): {sep.join(missing)}")
