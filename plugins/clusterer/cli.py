"""``textseq clusterer ...``: cluster words, list and show stored runs, suggest eps.

Built lazily by :meth:`ClustererPlugin.cli`; numpy/torch/sklearn load inside the commands.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import typer

from textseq_tui.plugin import BadInput, PluginContext, cli_io


def load_input(words: str | None, vocab: int | None, vectors: str | None,
               words_file: str | None = None, line_of: dict[str, int] | None = None) -> Any:
    """The :class:`~.vectors.WordVectors` the options ask for (exactly one source).

    ``--words FILE`` alone: GloVe vectors of those words; with ``--vectors``: that file's
    vectors of those words. Duplicate lines are reported on stderr with their numbers and
    kept once; words without a vector end up in ``missing``. ``line_of``, if given, gets
    each ``--words`` word's input line number.
    """
    from textseq_plugins.clusterer import vectors as wv

    if vocab is not None and (words or vectors):
        raise BadInput("give --vocab N alone, or --words FILE and/or --vectors FILE")
    if vocab is None and not words and not vectors:
        raise BadInput("say what to cluster: --words FILE (GloVe vectors of those words), "
                       "--vocab N (the N most frequent GloVe words) or --vectors FILE")
    if vocab is not None:
        return wv.load_glove_vocab(vocab)
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
    return wv.load_glove_words(wanted)


def run_clustering(ctx: PluginContext, data: Any, settings: Any, *, store: bool = True,
                   device: str = "cpu") -> tuple[Any, int | None]:
    """Cluster ``data`` (WordVectors) with ``settings``; store it unless ``store`` is False.

    Returns ``(clustering, run_id)``. Raises BadInput when fewer than 3 words have vectors.
    """
    from textseq_plugins.clusterer.model import cluster_vectors
    from textseq_plugins.clusterer.runs import name_clusters, save_run

    if len(data) < 3:
        missing = f"; not in the vectors: {', '.join(data.missing[:10])}" if data.missing else ""
        raise BadInput(f"clustering needs at least 3 words with vectors, got {len(data)}: "
                       "with two words or fewer there is nothing to group" + missing)
    clustering = cluster_vectors(data.matrix, settings, device=device)
    clustering.info["names"] = name_clusters(ctx.registry, data.words, clustering.labels,
                                             clustering.info.get("central", {}))
    run_id = None
    if store:
        run_id = save_run(ctx.store, data.words, clustering, data.source, data.missing)
    return clustering, run_id


def build_cli(ctx: PluginContext) -> typer.Typer:
    """The ``textseq clusterer`` Typer app."""
    app = typer.Typer(help="Cluster a vocabulary or embedding matrix without choosing k.",
                      no_args_is_help=True)

    @app.command("cluster")
    def cluster_cmd(
        words: str | None = typer.Option(None, "--words", "--input",
                                         help="Words to cluster, one a line (- = stdin)."),
        vocab: int | None = typer.Option(None, "--vocab",
                                         help="Cluster the N most frequent GloVe words."),
        vectors: str | None = typer.Option(None, "--vectors", help="A .npy matrix (with "
                                           "--words-file) or word2vec/GloVe text file."),
        words_file: str | None = typer.Option(None, "--words-file",
                                              help="Words of a .npy matrix, one per row."),
        texts: str | None = typer.Option(None, "--texts", help="Cluster lines of text by "
                                         "their mean GloVe vector (- = stdin)."),
        method: str = typer.Option("linkage", "--method",
                                   help="linkage (average-linkage seeds + spherical k-means) "
                                   "| leiden (Leiden communities of a kNN graph as seeds; "
                                   "needs the [leiden] extra) | cw (Chinese Whispers) "
                                   "| dbscan."),
        clusters: int | None = typer.Option(None, "--clusters", help="linkage/leiden: about "
                                            "how many groups you want (a hint; default: "
                                            "read off the data)."),
        resolution: float | None = typer.Option(None, "--resolution", help="leiden: "
                                                "modularity resolution (higher: more, "
                                                "smaller clusters; default: 6.4 "
                                                "(n/1000)^0.4)."),
        neighbours: int | None = typer.Option(None, "--neighbours", help="leiden: neighbours "
                                              "per word in its graph (default: 1.5 ln n)."),
        cut: float | None = typer.Option(None, "--cut", help="linkage: cosine distance at "
                                         "which the tree is cut (default: from the data)."),
        min_seed: int | None = typer.Option(None, "--min-seed", help="linkage: fewest words "
                                            "of a cut group that seeds a cluster "
                                            "(default: 0.15 sqrt(n), at least 2)."),
        sample: int = typer.Option(4000, "--sample",
                                   help="linkage: at most this many words build the tree."),
        explain: bool = typer.Option(False, "--explain", help="Per cluster, its likely name and "
                                     "most central words (--json: 'name', 'central')."),
        k: int = typer.Option(10, "--k", help="Neighbours per word in the graph."),
        mutual: bool = typer.Option(True, "--mutual/--no-mutual",
                                    help="Keep an edge only if both words list each other."),
        threshold: float | None = typer.Option(None, "--threshold",
                                               help="Drop edges with cosine below this."),
        weighting: str = typer.Option("top", "--weighting", help="CW: top | linear | log."),
        max_passes: int = typer.Option(30, "--max-passes", help="CW: at most this many passes."),
        seed: int = typer.Option(0, "--seed", help="CW: random seed of the visiting order."),
        eps: float | None = typer.Option(None, "--eps",
                                         help="DBSCAN: cosine distance (default: suggested)."),
        eps_rule: str = typer.Option("most-clusters", "--eps-rule",
                                     help="DBSCAN eps suggestion: most-clusters | knee."),
        min_samples: int = typer.Option(4, "--min-samples", help="DBSCAN: core point size."),
        min_size: int = typer.Option(1, "--min-size",
                                     help="Words in smaller clusters are noise (-1)."),
        device: str | None = typer.Option(None, "--device", help="Torch device for the kNN "
                                          "graph (default: textseq --device)."),
        store: bool = typer.Option(True, "--store/--no-store", help="Save the run."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per word."),
    ) -> None:
        """Cluster words; prints each word's cluster (0 = largest, -1 = noise)."""
        from textseq_plugins.clusterer.model import ClusterSettings

        settings = ClusterSettings(method=method, k=k, mutual=mutual, threshold=threshold,
                                   weighting=weighting, max_passes=max_passes, seed=seed,
                                   eps=eps, eps_rule=eps_rule, min_samples=min_samples,
                                   min_size=min_size, cut=cut, min_seed=min_seed,
                                   sample=sample, clusters=clusters,
                                   resolution=resolution, neighbours=neighbours).check()
        t0 = time.perf_counter()
        line_numbers = None
        line_of: dict[str, int] = {}  # --words: each word's input line
        if texts is not None:
            if words or vocab is not None or vectors:
                raise BadInput("--texts goes alone (not with --words, --vocab or --vectors)")
            from textseq_plugins.clusterer.vectors import load_glove_texts

            data, line_numbers = load_glove_texts(cli_io.iter_input(texts))
        else:
            data = load_input(words, vocab, vectors, words_file, line_of)
        if data.missing:
            shown = ", ".join(data.missing[:20]) + (" ..." if len(data.missing) > 20 else "")
            what = "words have no vector" if line_numbers is None else "lines have no known word"
            cli_io.echo(f"{len(data.missing)} {what}: {shown}", err=True)
        clustering, run_id = run_clustering(ctx, data, settings, store=store,
                                            device=ctx.resolve_device(device))
        labels = clustering.labels.tolist()
        json_out = cli_io.want_json(as_json)
        if json_out and line_numbers is not None:
            for number, text, cluster in zip(line_numbers, data.words, labels, strict=True):
                cli_io.emit({"line": number, "text": text, "cluster": cluster}, True)
            for text in data.missing:
                cli_io.emit({"text": text, "cluster": None, "missing": True}, True)
        elif json_out:
            central = _central(data.words, clustering) if explain else {}
            for word, cluster in zip(data.words, labels, strict=True):
                row = {"word": word, "cluster": cluster}
                if cluster in central:
                    row["central"] = central[cluster]
                    row["name"] = clustering.info["names"].get(cluster)
                cli_io.emit(row, True, line=line_of.get(word))
            # Missing words are listed in the output too, never silently dropped.
            for word in data.missing:
                cli_io.emit({"word": word, "cluster": None, "missing": True}, True,
                            line=line_of.get(word))
        else:
            _print_clusters(data.words, clustering.labels, data.missing,
                            sep=" " if line_numbers is None else " | ",
                            central=_central(data.words, clustering) if explain else None,
                            names=clustering.info["names"])
        info = clustering.info
        if info.get("note"):
            sys.stderr.write(info["note"] + "\n")
        how = (f" (tree cut at cosine distance {info['cut']:.3f}, {info['seeds']} seeds)"
               if "cut" in info else "")
        if "hint" in info:
            how = f" (about {info['hint']} wanted: {info['seeds']} seeds)"
        elif "resolution" in info:
            how = (f" (Leiden at resolution {info['resolution']:g}, {info['graph_k']} "
                   f"neighbours: {info['communities']} communities, {info['seeds']} seeds)")
        sys.stderr.write(
            f"{info['clusters']} clusters{how}, {info['noise']} noise, {len(data)} words in "
            f"{time.perf_counter() - t0:.2f} s"
            + (f"; saved as run {run_id}" if run_id is not None else "") + "\n")

    @app.command("runs")
    def runs_cmd(
        limit: int = typer.Option(20, "--limit", help="How many of the newest runs."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per run."),
    ) -> None:
        """List stored clustering runs, newest first."""
        from textseq_plugins.clusterer.runs import list_runs

        rows = list_runs(ctx.store, limit)
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

    @app.command("show")
    def show_cmd(
        run: int | None = typer.Option(None, "--run", help="Run id (default: the newest)."),
        cluster: int | None = typer.Option(None, "--cluster", help="All words of a cluster."),
        word: str | None = typer.Option(None, "--word", help="A word's cluster and neighbours."),
        top: int = typer.Option(20, "--top", help="How many clusters to list."),
        as_json: bool = typer.Option(False, "--json", help="JSON lines."),
    ) -> None:
        """Show a stored run: its biggest clusters, one cluster, or one word."""
        from textseq_plugins.clusterer import runs

        info = runs.get_run(ctx.store, run)
        json_out = cli_io.want_json(as_json)
        if word is not None:
            found = runs.lookup_word(ctx.store, info["id"], word)
            members = runs.cluster_words(ctx.store, info["id"], found["cluster"])
            found["cluster_words"] = members[:50]
            text = (f"{found['word']}: cluster {found['cluster']} ({len(members)} words): "
                    f"{' '.join(members[:30])}\nneighbours: "
                    + ", ".join(f"{w} {s:.2f}" for w, s in found["neighbours"]))
            cli_io.emit(found, json_out, text=text)
            return
        if cluster is not None:
            members = runs.cluster_words(ctx.store, info["id"], cluster)
            if not members:
                raise BadInput(f"run {info['id']} has no cluster {cluster}")
            cli_io.emit({"run": info["id"], "cluster": cluster, "words": members}, json_out,
                        text=f"cluster {cluster} ({len(members)} words): {' '.join(members)}")
            return
        for summary in runs.cluster_summaries(ctx.store, info["id"], limit=top):
            cli_io.emit({"cluster": summary.cluster, "size": summary.size,
                         "preview": summary.preview, "name": summary.name}, json_out,
                        text=f"{summary.cluster:>5} {summary.size:>6}  "
                        + (f"[{summary.name}] " if summary.name else "")
                        + " ".join(summary.preview))

    @app.command("suggest-eps")
    def suggest_eps_cmd(
        words: str | None = typer.Option(None, "--words", "--input", help="Words, one a line."),
        vocab: int | None = typer.Option(None, "--vocab", help="The N most frequent words."),
        vectors: str | None = typer.Option(None, "--vectors", help="A vectors file."),
        words_file: str | None = typer.Option(None, "--words-file", help="Words of a .npy."),
        min_samples: int = typer.Option(4, "--min-samples", help="DBSCAN min_samples."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object."),
    ) -> None:
        """Suggest DBSCAN's eps from the k-distance curve (both rules, with quantiles)."""
        import numpy as np
        from textseq_plugins.clusterer.graph import KnnGraph
        from textseq_plugins.clusterer.model import k_distances, suggest_eps

        data = load_input(words, vocab, vectors, words_file)
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

    return app


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
