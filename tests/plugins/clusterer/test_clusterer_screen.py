"""The cluster browser screen, driven with Textual's Pilot on a stored run."""

from __future__ import annotations

from helpers import wait_for
from textseq_plugins.clusterer.clusterings import save_clustering
from textseq_plugins.clusterer.model import ClusterSettings, cluster_vectors
from textseq_plugins.clusterer.screen import ClusterBrowser
from textseq_plugins.clusterer.vectors import load_glove_words
from textual.app import App
from textual.widgets import DataTable, Input, Static

from textseq_tui.ml import GLOVE_MODEL

WORDS = ["cat", "dog", "horse", "cow", "sheep", "apple", "banana", "pear", "grape",
         "car", "truck", "bus", "train"]


class BrowserApp(App):
    def __init__(self, ctx, **kwargs):
        super().__init__()
        self.ctx, self.kwargs = ctx, kwargs

    def on_mount(self) -> None:
        self.push_screen(ClusterBrowser(self.ctx, **self.kwargs))


def stored_run(ctx) -> int:
    data = load_glove_words(ctx.registry.load(GLOVE_MODEL), WORDS)
    return save_clustering(ctx.store, data.words, cluster_vectors(data.matrix, ClusterSettings(k=3)),
                    data.source)


async def test_browser_lists_clusters_searches_a_word_and_opens_a_cluster(host):
    ctx = host.plugin("clusterer").context
    run_id = stored_run(ctx)
    app = BrowserApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ClusterBrowser)
        table = screen.query_one("#clusters", DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        status = str(screen.query_one("#status", Static).render())
        assert f"run {run_id}" in status and "3 clusters" in status
        assert table.get_row_at(0)[1] == "5"  # biggest first: the five animals

        screen.query_one("#search").focus()
        await pilot.press(*"truck", "enter")
        detail = screen.query_one("#detail", Static)
        await wait_for(pilot, lambda: "truck" in str(detail.render()))
        text = str(detail.render())
        assert "nearest" in text and "bus" in text and "apple" not in text.split("\n")[-1]

        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "(5 words)" in str(detail.render()))
        assert "sheep" in str(detail.render())

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ClusterBrowser)


async def test_browser_without_runs_says_how_to_make_one(host):
    ctx = host.plugin("clusterer").context
    app = BrowserApp(ctx, word="cat")
    async with app.run_test(size=(80, 24)) as pilot:
        status = app.screen.query_one("#status", Static)
        await wait_for(pilot, lambda: "press c" in str(status.render()))
        # the c it asks for is a key, not a letter typed into the search box
        assert app.focused is app.screen.query_one("#clusters")
        assert app.screen.query_one("#search", Input).value == ""


def test_plugin_declares_its_screen_and_command(host):
    plugin = host.plugin("clusterer")
    assert [s.name for s in plugin.screens()] == ["browser"]
    assert "cluster" in host.commands
    screen = plugin.screens()[0].factory(plugin.context, run_id=1)
    assert isinstance(screen, ClusterBrowser) and screen.run_id == 1


async def test_browser_previews_show_likely_names_and_central_words(host):
    from textseq_plugins.clusterer.cli import run_clustering

    ctx = host.plugin("clusterer").context
    _, run_id = run_clustering(ctx, load_glove_words(ctx.registry.load(GLOVE_MODEL), WORDS),
                                ClusterSettings())
    app = BrowserApp(ctx, run_id=run_id)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("#clusters", DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        first = str(table.get_row_at(0)[2])
        assert "mammal]" in first and set(first.split()[1:]) == set(WORDS[:5])
