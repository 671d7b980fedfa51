"""The cluster browser: clusters of a stored run by size, word search, one cluster's words.

Layout (fits 80x24): a status line, a search box, the cluster table (id, size, preview:
the cluster's most central words when the run stored them)
and a detail pane showing the opened cluster or the searched word's cluster and nearest
neighbours. Database reads and clustering run in thread workers, never on the UI loop.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from textseq_tui.plugin import PluginContext, TextseqError, escape

#: Clusters listed in the table (the rest are reachable by word search).
TABLE_LIMIT = 2000


class ClusterBrowser(Screen):
    """Browse a clustering run. ``run_id``: which run (default: the newest); ``word``: a
    word to search on opening."""

    DEFAULT_CSS = """
    ClusterBrowser { layout: vertical; }
    ClusterBrowser #status { height: auto; padding: 0 1; background: $boost; }
    ClusterBrowser #search { height: 3; }
    ClusterBrowser #clusters { height: 1fr; min-height: 5; }
    ClusterBrowser #detail-box { height: 7; border-top: solid $accent; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("slash", "focus_search", "Search"),
        Binding("c", "cluster_default", "Cluster top words"),
    ]

    def __init__(self, ctx: PluginContext, run_id: int | None = None,
                 word: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.run_id = run_id
        self.initial_word = word
        self.summaries: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("loading runs...", id="status")
        yield Input(placeholder="search a word (Enter) - Enter on a row opens the cluster",
                    id="search")
        table: DataTable = DataTable(id="clusters", cursor_type="row", zebra_stripes=True)
        table.add_columns("cluster", "size", "preview")
        yield table
        with VerticalScroll(id="detail-box"):
            yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.load_run(self.run_id)

    # -- workers (threads: the store and numpy work stay off the UI loop) -------------------

    @work(thread=True, exclusive=True, group="load")
    def load_run(self, run_id: int | None) -> None:
        from textseq_plugins.clusterer import clusterings

        try:
            if run_id is None and not clusterings.list_clusterings(self.ctx.store, 1):
                self.app.call_from_thread(self._no_runs, clusterings.DEFAULT_VOCAB)
                return
            info = clusterings.get_clustering(self.ctx.store, run_id)
            summaries = clusterings.cluster_summaries(self.ctx.store, info["id"], preview=10,
                                               limit=TABLE_LIMIT)
        except TextseqError as err:
            self.app.call_from_thread(self._set_status, f"[red]{escape(str(err))}[/]")
            return
        self.app.call_from_thread(self._show_run, info, summaries)

    @work(thread=True, exclusive=True, group="load")
    def cluster_default(self) -> None:
        from textseq_plugins.clusterer import clusterings

        try:
            run_id = clusterings.default_clustering(self.ctx.store, self.ctx.registry, device="cpu")
        except TextseqError as err:
            self.app.call_from_thread(self._set_status, f"[red]{escape(str(err))}[/]")
            return
        self.run_id = run_id
        self.load_run(run_id)

    @work(thread=True, exclusive=True, group="detail")
    def search_word(self, word: str) -> None:
        from textseq_plugins.clusterer import clusterings

        if self.run_id is None:
            return
        try:
            found = clusterings.lookup_word(self.ctx.store, self.run_id, word)
            members = clusterings.cluster_words(self.ctx.store, self.run_id, found["cluster"])
        except TextseqError as err:
            self.app.call_from_thread(self._set_detail, f"[red]{escape(str(err))}[/]")
            return
        label = "noise" if found["cluster"] < 0 else f"cluster {found['cluster']}"
        nbrs = ", ".join(f"{escape(w)} {s:.2f}" for w, s in found["neighbours"])
        text = (f"[b]{escape(found['word'])}[/b]: {label} ({len(members)} words)\n"
                f"[dim]nearest:[/] {nbrs}\n" + escape(" ".join(members[:300])))
        self.app.call_from_thread(self._set_detail, text, found["cluster"])

    @work(thread=True, exclusive=True, group="detail")
    def open_cluster(self, cluster: int) -> None:
        from textseq_plugins.clusterer import clusterings

        if self.run_id is None:
            return
        members = clusterings.cluster_words(self.ctx.store, self.run_id, cluster)
        label = "noise" if cluster < 0 else f"cluster {cluster}"
        self.app.call_from_thread(
            self._set_detail, f"[b]{label}[/b] ({len(members)} words)\n"
            + escape(" ".join(members[:1000])))

    # -- UI-thread updates -------------------------------------------------------------------

    def _set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def _set_detail(self, text: str, cluster: int | None = None) -> None:
        self.query_one("#detail", Static).update(text)
        if cluster is not None:
            for row, summary in enumerate(self.summaries):
                if summary.cluster == cluster:
                    self.query_one("#clusters", DataTable).move_cursor(row=row)
                    break

    def _show_run(self, info: dict[str, Any], summaries: list[Any]) -> None:
        self.run_id = int(info["id"])
        self.summaries = summaries
        settings = info["settings"]
        if info["method"] == "cw":
            knob = f"k={settings.get('k')} {'mutual' if settings.get('mutual') else 'plain'}"
        elif info["method"] == "linkage":
            knob = f"cut={info['info'].get('cut')}"
        else:
            knob = f"eps={info['info'].get('eps')}"
        self._set_status(f"run {info['id']}: {escape(info['source'])} - {info['method']} "
                         f"{knob} - {info['n_clusters']:,} clusters, {info['noise']} noise")
        table = self.query_one("#clusters", DataTable)
        table.clear()
        for summary in summaries:
            name = "noise" if summary.cluster < 0 else str(summary.cluster)
            preview = " ".join(summary.preview)
            if getattr(summary, "name", None):
                preview = f"[{summary.name}] {preview}"
            table.add_row(name, str(summary.size), escape(preview),
                          key=str(summary.cluster))
        if self.initial_word:
            word, self.initial_word = self.initial_word, None
            self.search_word(word)

    # -- events ------------------------------------------------------------------------------

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        word = event.value.strip()
        if word:
            self.search_word(word)

    @on(DataTable.RowSelected, "#clusters")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_cluster(int(event.row_key.value))

    def _no_runs(self, vocab: int) -> None:
        # Nothing to search yet: the focus leaves the search box, so that the c the status
        # asks for clusters instead of being typed there.
        self._set_status(f"no clustering runs yet: press c to cluster the {vocab:,} most "
                         "frequent GloVe words")
        self.query_one("#clusters", DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_cluster_default(self) -> None:
        self._set_status("clustering the most frequent GloVe words (a few seconds)...")
        self.cluster_default()
