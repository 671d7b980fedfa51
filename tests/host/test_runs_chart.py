"""The /runs chart: train and validation loss against step, runs overlaid to compare."""

from __future__ import annotations

import math

from fakes import EchoPlugin, record
from helpers import wait_for

from textseq_tui.app.loss_chart import LossChart, legend_text, nice_ticks, split_curves
from textseq_tui.app.main import TextseqApp
from textseq_tui.host import Host


def test_split_curves_reads_train_and_held_out_loss_and_skips_the_rest() -> None:
    rows = [
        {"step": 1, "name": "loss", "value": 3.0},
        {"step": 1, "name": "lr", "value": 0.01},
        {"step": 2, "name": "loss", "value": float("nan")},
        {"step": 2, "name": "heldout_nats_per_token", "value": 2.5},
        {"step": 3, "name": "loss", "value": 2.0},
    ]
    curves = split_curves(7, rows)
    assert curves.train == [(1.0, 3.0), (3.0, 2.0)]
    assert curves.validation == [(2.0, 2.5)]
    assert curves.validation_name == "heldout_nats_per_token"
    assert str(legend_text([curves])) == "#7 ━ train 2 • heldout 2.5 "


def test_nice_ticks_are_round_and_cover_the_range() -> None:
    assert nice_ticks(0, 800, most=5, integer=True) == [0, 200, 400, 600, 800]
    assert nice_ticks(2.1, 4.6, most=6) == [2.5, 3.0, 3.5, 4.0, 4.5]
    assert nice_ticks(1, 2, most=5, integer=True) == [1, 2]
    assert nice_ticks(5, 5) == [5]


def _host_with_runs(home) -> Host:
    host = Host(home=home, device="cpu", records=[record(EchoPlugin())])
    ps = host.store.plugin("echo")
    for n in (2, 6):  # run 1 has two points (it once drew as a solid block), run 2 six
        run = ps.start_run(f"tiny-{n}", {}, "cpu")
        for k in range(n):
            ps.log_metrics(run, (k + 1) * 10, {"loss": 3 * math.exp(-k / 3) + 1})
            ps.log_metrics(run, (k + 1) * 10, {"val_loss": 3 * math.exp(-k / 4) + 1.2})
        ps.finish_run(run, "done", {"loss": 1.0})
    return host


async def test_runs_are_overlaid_when_marked_and_drawn_with_axes(home) -> None:
    app = TextseqApp(_host_with_runs(home))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_runs()
        assert await wait_for(pilot, lambda: app.screen.query_one(LossChart).curves)
        chart = app.screen.query_one(LossChart)
        assert [c.run_id for c in chart.curves] == [2]  # newest first, highlighted
        assert len(chart.curves[0].validation) == 6
        await pilot.press("space", "down")
        await wait_for(pilot, lambda: len(chart.curves) == 2)
        assert [c.run_id for c in chart.curves] == [1, 2]
        drawn = str(chart.render())
        assert "step" in drawn and "against step" in drawn
        assert "20" in drawn and "60" in drawn  # x tick labels
        await pilot.press("c")
        await wait_for(pilot, lambda: len(chart.curves) == 1)
        assert [c.run_id for c in chart.curves] == [1]


async def test_runs_screen_says_how_to_get_a_run_when_there_is_none(home) -> None:
    app = TextseqApp(Host(home=home, device="cpu", records=[record(EchoPlugin())]))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_runs()
        label = lambda: str(app.screen.query_one("#curve-label").render())  # noqa: E731
        await wait_for(pilot, lambda: "no training runs yet" in label())
        assert "no training runs yet" in label()


async def test_the_chart_follows_a_run_that_is_still_training(home, monkeypatch) -> None:
    from textseq_tui.app import runs_screen

    monkeypatch.setattr(runs_screen, "LIVE_REFRESH_S", 0.2)
    host = Host(home=home, device="cpu", records=[record(EchoPlugin())])
    ps = host.store.plugin("echo")
    run = ps.start_run("live", {}, "cpu")
    ps.log_metrics(run, 10, {"loss": 3.0})
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_runs()
        assert await wait_for(pilot, lambda: app.screen.query_one(LossChart).curves)
        chart = app.screen.query_one(LossChart)
        assert [len(c.train) for c in chart.curves] == [1]
        ps.log_metrics(run, 20, {"loss": 2.5})
        await wait_for(pilot, lambda: chart.curves and len(chart.curves[0].train) == 2)
        assert chart.curves[0].train == [(10.0, 3.0), (20.0, 2.5)]
