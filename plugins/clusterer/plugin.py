"""The clusterer plugin object: its capabilities, wired to the host's plugin API."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from textseq_plugins import BuiltinPlugin, imported_on_call

from textseq_tui.plugin import (
    BadInput,
    CommandResult,
    PluginContext,
    ScreenSpec,
    SlashCommand,
)


def _cluster_command(args: str, ctx: PluginContext) -> CommandResult:
    """``/cluster WORD``: the word's cluster, its likely name and the word's nearest
    neighbours (runs in a worker)."""
    from textseq_plugins.clusterer import clusterings

    from textseq_tui.plugin import escape

    word = args.strip()
    if not word or len(word.split()) != 1:
        raise BadInput("usage: /cluster WORD (one word), e.g. /cluster guitar")
    found = clusterings.find_word(ctx.store, word)
    if found is None:
        clusterings.default_clustering(ctx.store, ctx.registry)
        found = clusterings.find_word(ctx.store, word)
    if found is None:
        raise BadInput(f"{word!r} is not in any clustering run (the default run holds the "
                       f"{clusterings.DEFAULT_VOCAB:,} most frequent words); cluster it with "
                       f"`textseq clusterer cluster --vocab 400000` or --words FILE")
    label = "noise" if found["cluster"] < 0 else f"cluster {found['cluster']}"
    if found.get("name"):
        label += f" ({escape(found['name'])})"
    members = " ".join(w for w in found["cluster_words"] if w != found["word"])
    more = found["size"] - len(found["cluster_words"])
    neighbours = ", ".join(f"{w} {s:.2f}" for w, s in found["neighbours"])
    text = (f"[b]{escape(found['word'])}[/b]: {label} of run {found['run']} "
            f"({found['size']} words): {escape(members)}"
            + (f" (+{more} more)" if more > 0 else "")
            + f"\nnearest: {escape(neighbours)}")
    return CommandResult(text=text, data=found)


class ClustererPlugin(BuiltinPlugin):
    name = "clusterer"
    title = "Clusterer"
    description = "Cluster a vocabulary or embedding matrix without choosing k."
    train_command = None  # clustering fits nothing to keep

    def slash_commands(self) -> Sequence[SlashCommand]:
        return (SlashCommand("cluster", "a word's cluster, its name and nearest neighbours",
                             _cluster_command, usage="/cluster WORD"),)

    def screens(self) -> Sequence[ScreenSpec]:
        factory = imported_on_call("textseq_plugins.clusterer.screen", "ClusterBrowser")
        return (ScreenSpec("browser", "Cluster browser", factory,
                           help="Browse clusters by size, search a word, open a cluster"),)

    def cli(self) -> Any:
        from textseq_plugins.clusterer.cli import build_cli

        return build_cli(self)

    def migrations(self) -> Any:
        from textseq_plugins.clusterer.migrations import migrations

        return migrations

    def scores(self, store: Any) -> list[dict[str, Any]]:
        """Recent clustering runs (``textseq scores clusterer``)."""
        from textseq_plugins.clusterer.clusterings import list_clusterings

        out = []
        for row in list_clusterings(store, 20):
            info = {k: row[k] for k in ("id", "method", "source", "n_words", "n_clusters",
                                        "noise")}
            info["k"] = json.loads(row["settings"] or "{}").get("k")
            out.append(info)
        return out
