"""The anomaly browser (Textual Pilot) and the /anomaly slash command."""

from __future__ import annotations

from pathlib import Path

from textseq_plugins.anomaly.screen import AnomalyScreen
from textseq_plugins.anomaly.train import save_model
from textual.app import App
from textual.widgets import DataTable, Static


def _browser(host, tiny_outcome, path: Path) -> App:
    """An app whose only screen is the anomaly browser on ``path`` with a tiny model."""
    save_model(None, host.registry, tiny_outcome, name="tiny", data="synthetic", rebuild="-")
    ctx = host.plugin("anomaly").context

    class Harness(App):
        def on_mount(self) -> None:
            self.push_screen(AnomalyScreen(ctx, path=str(path), model="tiny"))

    return Harness()


async def test_browser_lists_the_most_anomalous_first_and_explains_it(host, tiny_outcome,
                                                                      tmp_path: Path):
    data = tmp_path / "seqs.txt"
    data.write_text("open read close\nopen hack close\nping pong\n")
    app = _browser(host, tiny_outcome, data)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, AnomalyScreen)
        table = screen.query_one("#table", DataTable)
        for _ in range(150):  # 0.2 s polls: faster polling (forced refreshes) starved the worker
            await pilot.pause(0.2)
            detail = str(screen.query_one("#detail", Static).render())
            if table.row_count == 3 and "step" in detail:
                break
        assert table.row_count == 3
        assert table.get_row_at(0)[0] == "2"  # line 2 (the unseen token) ranks first
        assert "step 1: got hack" in detail and "expected" in detail
        assert "new to" not in str(screen.query_one("#status", Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, AnomalyScreen)


def test_a_file_of_tokens_the_model_never_saw_gets_a_hint():
    from textseq_plugins.anomaly.model import Vocabulary
    from textseq_plugins.anomaly.screen import unknown_note

    class Detector:
        vocab = Vocabulary(["E5", "E22", "E11", "E9"])

    note = unknown_note([["the", "cat", "sat"], ["E5", "on"]], Detector(), "hdfs")
    assert "4 of 5 tokens are new to hdfs" in note and "E5 E22 E11" in note
    assert "/anomaly text" in note
    assert unknown_note([["E5", "E22", "cat"]], Detector(), "hdfs") == ""
    assert unknown_note([[]], Detector(), "hdfs") == ""


async def test_browser_reports_a_missing_file(host, tiny_outcome, tmp_path: Path):
    app = _browser(host, tiny_outcome, tmp_path / "nope.txt")
    async with app.run_test(size=(80, 24)) as pilot:
        status = app.screen.query_one("#status", Static)
        for _ in range(100):
            await pilot.pause(0.2)
            if "no such file" in str(status.render()):
                break
        assert "no such file" in str(status.render())


def test_slash_command_scores_with_the_shipped_hdfs_model(host):
    # "5 22" is a block that was allocated and never written: cut short.
    result = host.run_command("/anomaly 5 22")
    assert result.data["anomalous"] is True and result.data["end_surprising"] is True
    assert "<end>" in result.text
    normal = host.run_command("/anomaly 5 5 5 22 11 9 11 9 11 9 26 26 26 23 23 23 21 21 21")
    assert normal.data["anomalous"] is False


def test_slash_open_asks_for_the_screen_and_bare_command_shows_usage(host):
    assert host.run_command("/anomaly open x.txt").open_screen.kwargs == {"path": "x.txt"}
    assert "usage" in host.run_command("/anomaly").text


def test_scores_capability_lists_recorded_scans(host, cli):
    res = cli("anomaly", "score", "5", "22", "--json")
    assert res.exit_code == 0, res.stderr
    rows = host.plugin("anomaly").scores(host.plugin("anomaly").context.store)
    assert rows[0]["sequences"] == 1 and rows[0]["anomalous"] == 1


async def test_slash_open_in_the_app_pushes_the_browser_on_the_shipped_model(host, tmp_path):
    from textseq_tui.app.main import TextseqApp

    data = tmp_path / "hdfs.txt"
    data.write_text("5 5 5 22 11 9 11 9 11 9 26 26 26 23 23 23 21 21 21\n5 22\n")
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*f"/anomaly open {data}", "enter")
        for _ in range(150):  # 0.2 s polls: faster polling (forced refreshes) starved the worker
            if isinstance(app.screen, AnomalyScreen):
                table = app.screen.query_one("#table", DataTable)
                if table.row_count == 2:
                    break
            await pilot.pause(0.2)
        assert isinstance(app.screen, AnomalyScreen)
        assert table.get_row_at(0)[0] == "2" and table.get_row_at(0)[3] == "anomalous"
        assert table.get_row_at(0)[4] == "end"


def test_bar_window_keeps_the_peak_in_view():
    from textseq_plugins.anomaly.surprisal_chart import bar_window

    assert bar_window(5, 2, 10) == range(5)
    assert bar_window(100, 90, 20) == range(80, 100)
    assert bar_window(100, 3, 20) == range(0, 20)
    assert 50 in bar_window(100, 50, 20)


async def test_browser_draws_surprisal_bars_with_the_threshold(host, tiny_outcome,
                                                               tmp_path: Path):
    from textseq_plugins.anomaly.surprisal_chart import SurprisalBars

    data = tmp_path / "seqs.txt"
    data.write_text("open read close\nopen hack close\n")
    app = _browser(host, tiny_outcome, data)
    async with app.run_test(size=(80, 24)) as pilot:
        bars = app.screen.query_one(SurprisalBars)
        for _ in range(150):
            await pilot.pause(0.2)
            if len(bars.shown):
                break
        assert list(bars.shown) == [0, 1, 2, 3]  # three tokens and the end
        drawn = str(bars.render())
        assert "surprisal, nats" in drawn and "hack" in drawn
        assert bars.region.right <= 80
