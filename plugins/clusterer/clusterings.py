"""Stored clusterings: write one (in a transaction) and read it back for the app.

A *clustering* is one clustering of a word list with its settings, assignments and each
word's neighbours. (It is not a training run: those are the host's. The CLI still calls
them runs — ``clusterer runs``, ``show --run N`` — and so do the tables, ``runs`` and
``assignments.run_id``.) All functions take the plugin's store (``ctx.store``); tables
come from ``migrations.py``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from textseq_tui.plugin import BadInput

#: Neighbours stored per word (shown by the app's word search).
STORED_NEIGHBOURS = 8
#: A cluster is named from this many of its words, its most central first: the name is about
#: the cluster's core, which the browser shows (a big cluster of a vocabulary drifts from
#: one topic to the next at its edges)
NAME_WORDS = 20


@dataclass
class ClusterSummary:
    """One cluster of a run: its id, size, first words (most central first) and likely
    name (a WordNet category; None when none fits)."""

    cluster: int
    size: int
    preview: list[str]
    name: str | None = None


def save_clustering(store: Any, words: list[str], clustering: Any, source: str,
             missing: list[str] | None = None) -> int:
    """Store a :class:`~.model.Clustering` of ``words``; returns the new run id.

    Each word's nearest neighbours (from the run's kNN graph) are stored with it so the
    app can show them later without the original vectors.
    """
    labels = clustering.labels
    graph = clustering.graph
    info = dict(clustering.info)
    # Rows of each cluster's most central words become the words themselves (previews).
    info["central"] = {str(c): [words[i] for i in rows]
                       for c, rows in info.get("central", {}).items()}
    info["names"] = {str(c): name for c, name in info.get("names", {}).items()}
    if missing:
        info["missing"] = list(missing)
    run = {
        "created": time.time(),
        "method": clustering.settings.method,
        "source": source,
        "n_words": len(words),
        "n_clusters": int(labels.max()) + 1 if len(words) else 0,
        "noise": int((labels < 0).sum()),
        "settings": json.dumps(clustering.settings.as_dict()),
        "info": json.dumps(info, default=str),
    }
    count = min(STORED_NEIGHBOURS, graph.k) if graph is not None else 0

    def rows(run_id: int):
        for i, word in enumerate(words):
            nbrs = ""
            if count:
                nbrs = " ".join(f"{words[j]}:{s:.3f}" for j, s in
                                zip(graph.indices[i, :count].tolist(),
                                    graph.sims[i, :count].tolist(), strict=True))
            yield {"run_id": run_id, "row": i, "word": word, "cluster": int(labels[i]),
                   "neighbours": nbrs}

    with store.transaction() as tx:
        runs = tx.table("runs")
        runs.insert(run)
        run_id = int(runs.last_pk)
        tx.table("assignments").insert_all(rows(run_id), batch_size=5000)
    return run_id


def list_clusterings(store: Any, limit: int = 20) -> list[dict[str, Any]]:
    """The newest clusterings first: id, created, method, source, n_words, n_clusters,
    noise."""
    return store.rows("runs", order_by="id desc", limit=limit,
                      select="id, created, method, source, n_words, n_clusters, noise, settings")


def get_clustering(store: Any, run_id: int | None = None) -> dict[str, Any]:
    """One clustering (the newest when ``run_id`` is None); BadInput when there is none."""
    if run_id is None:
        rows = store.rows("runs", order_by="id desc", limit=1)
        if not rows:
            raise BadInput("no clustering runs yet: run `textseq clusterer cluster --vocab "
                           "20000` (or open the cluster browser and press c)")
    else:
        rows = store.rows("runs", "id = ?", [run_id])
        if not rows:
            raise BadInput(f"no clustering run {run_id}: see `textseq clusterer runs`")
    run = dict(rows[0])
    run["settings"] = json.loads(run["settings"] or "{}")
    run["info"] = json.loads(run["info"] or "{}")
    return run


def cluster_summaries(store: Any, run_id: int, preview: int = 8,
                      limit: int | None = None) -> list[ClusterSummary]:
    """Clusters of a run by decreasing size (noise, -1, last) with ``preview`` words each.

    The preview is the cluster's most central words (closest to its mean direction) when
    the run stored them; otherwise input order (for GloVe: the most common words first).
    """
    table = store.table_name("assignments")
    sql = (f"select cluster, count(*) as size from [{table}] where run_id = ? "
           "group by cluster order by (cluster < 0), size desc, cluster")
    if limit:
        sql += f" limit {int(limit)}"
    out = []
    row = store.execute(f"select info from [{store.table_name('runs')}] where id = ?",
                        [run_id]).fetchone()
    stored = json.loads(row[0] or "{}") if row else {}
    central, names = stored.get("central", {}), stored.get("names", {})
    for cluster, size in store.execute(sql, [run_id]).fetchall():
        if str(cluster) in central:
            out.append(ClusterSummary(int(cluster), int(size), central[str(cluster)][:preview],
                                      names.get(str(cluster))))
            continue
        words = [r[0] for r in store.execute(
            f"select word from [{table}] where run_id = ? and cluster = ? order by row limit ?",
            [run_id, cluster, preview]).fetchall()]
        out.append(ClusterSummary(int(cluster), int(size), words))
    return out


def cluster_name(store: Any, run_id: int, cluster: int) -> str | None:
    """The likely name stored with a run's cluster (None: the cluster has none)."""
    row = store.execute(f"select info from [{store.table_name('runs')}] where id = ?",
                        [run_id]).fetchone()
    names = json.loads(row[0] or "{}").get("names", {}) if row else {}
    return names.get(str(cluster))


def cluster_words(store: Any, run_id: int, cluster: int) -> list[str]:
    """Every word of one cluster of a run, in input order."""
    table = store.table_name("assignments")
    return [r[0] for r in store.execute(
        f"select word from [{table}] where run_id = ? and cluster = ? order by row",
        [run_id, cluster]).fetchall()]


def lookup_word(store: Any, run_id: int, word: str) -> dict[str, Any]:
    """A word's cluster and stored neighbours in a run: ``{"word", "cluster",
    "neighbours": [(word, cosine), ...]}``. Tries the word as typed, then lower case."""
    for candidate in dict.fromkeys((word, word.lower())):
        rows = store.rows("assignments", "run_id = ? and word = ?", [run_id, candidate])
        if rows:
            row = rows[0]
            nbrs = []
            for item in (row["neighbours"] or "").split(" "):
                if item:
                    w, _, s = item.rpartition(":")
                    nbrs.append((w, float(s)))
            return {"word": row["word"], "cluster": row["cluster"], "neighbours": nbrs}
    raise BadInput(f"{word!r} is not in clustering run {run_id}")


#: The vocabulary the app and /cluster cluster when the user has no run yet.
DEFAULT_VOCAB = 20_000


def default_clustering(store: Any, registry: Any, device: str = "cpu") -> int:
    """The newest run of the GloVe top-:data:`DEFAULT_VOCAB` vocabulary with default
    settings, clustering and storing it first if there is none (a few seconds); its
    vectors and its clusters' likely names come from the model ``registry``."""
    from textseq_plugins.clusterer.model import ClusterSettings, cluster_vectors
    from textseq_plugins.clusterer.vectors import load_glove_vocab

    from textseq_tui.ml import GLOVE_KIND, GLOVE_MODEL

    source = f"glove-6b-50d top {DEFAULT_VOCAB}"
    settings = json.dumps(ClusterSettings().as_dict())
    rows = store.rows("runs", "source = ? and settings = ?", [source, settings],
                      order_by="id desc", limit=1)
    if rows:
        return int(rows[0]["id"])
    data = load_glove_vocab(registry.load(GLOVE_MODEL, kind=GLOVE_KIND), DEFAULT_VOCAB)
    clustering = cluster_vectors(data.matrix, ClusterSettings(), device=device)
    clustering.info["names"] = name_clusters(registry, data.words, clustering.labels,
                                             clustering.info.get("central", {}))
    return save_clustering(store, data.words, clustering, data.source)


def load_wordnet(registry: Any) -> Any:
    """The host's shared WordNet (``textseq_tui.ml.WordNet``), or None when it cannot be
    loaded: a missing optional model must not stop a clustering."""
    from textseq_tui.plugin import TextseqError

    try:
        return registry.load_default("wordnet")
    except TextseqError:
        return None


def name_clusters(registry: Any, words: list[str], labels: Any,
                  central: dict[int, Any]) -> dict[int, str]:
    """Likely names of the clusters listed in ``central`` (cluster -> rows of its most central
    words), from the one WordNet namer (``textseq_tui.ml.name_group``) reading each cluster's
    central words first, then the rest in input order (:data:`NAME_WORDS` in all):
    ``{cluster: "fruit"}``. A cluster
    with no specific name is left out (its central words stand for it); {} when the WordNet
    model cannot be loaded (a missing optional model must not stop a clustering)."""
    from textseq_tui.ml import name_group

    wordnet = load_wordnet(registry)
    if wordnet is None:
        return {}
    groups: dict[int, list[str]] = {int(c): [words[i] for i in rows] for c, rows in central.items()}
    for word, label in zip(words, labels.tolist(), strict=True):
        if label in groups:
            groups[label].append(word)
    names = {}
    for cluster, members in groups.items():
        named = name_group(wordnet, members, max_words=NAME_WORDS)
        if named is not None:
            names[cluster] = named.name
    return names


def find_word(store: Any, word: str) -> dict[str, Any] | None:
    """The word's entry in the newest run that has it (see :func:`lookup_word`) plus
    ``run``, ``cluster_words`` (up to 40) and the cluster's likely ``name`` (None when it
    has none), or None when no run has it."""
    table = store.table_name("assignments")
    if not store.table("assignments").exists():
        return None
    for candidate in dict.fromkeys((word, word.lower())):
        row = store.execute(
            f"select run_id from [{table}] where word = ? order by run_id desc limit 1",
            [candidate]).fetchone()
        if row:
            found = lookup_word(store, int(row[0]), candidate)
            members = cluster_words(store, int(row[0]), found["cluster"])
            return {**found, "run": int(row[0]), "size": len(members),
                    "cluster_words": members[:40],
                    "name": cluster_name(store, int(row[0]), found["cluster"])}
    return None
