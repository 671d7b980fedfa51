"""The sentiment meter screen, driven by Textual's Pilot at 80x24."""

from textseq_plugins.sentiment.screen import SentimentScreen, meter_text
from textual.app import App
from textual.widgets import Input, Static


class MeterApp(App):
    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx

    def on_mount(self) -> None:
        self.push_screen(SentimentScreen(self.ctx))


async def _settle(app, pilot):
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        if not app.workers._workers:
            return


def test_meter_marker_moves_with_the_score():
    left, right = meter_text(-1.0).plain, meter_text(1.0).plain
    assert left.index("█") < right.index("█")
    assert "positive 0.50" in meter_text(0.5).plain  # in words (#24)


async def test_typing_moves_the_meter_and_a_correction_flips_it(host):
    ctx = host.plugin("sentiment").context
    app = MeterApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SentimentScreen)
        await pilot.click("#text")
        for ch in "I love it":
            await pilot.press(ch if ch != " " else "space")
        await _settle(app, pilot)
        assert screen.query_one("#text", Input).value == "I love it"
        assert screen.last_score is not None and screen.last_score > 0
        words = str(screen.query_one("#words", Static).render())
        assert "love" in words
        await pilot.click("#neg")
        await _settle(app, pilot)
        assert screen.last_score < 0
        assert "learned" in str(screen.query_one("#status", Static).render())
        await pilot.click("#reset")
        await _settle(app, pilot)
        assert screen.last_score > 0
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SentimentScreen)


async def test_the_meter_draws_the_last_messages_and_the_typed_text(host):
    from textseq_plugins.sentiment.trend import SentimentTrend, recent_scores

    ctx = host.plugin("sentiment").context
    for k, score in enumerate([0.5, -0.2, 0.1]):
        ctx.store.insert("scores", {"text": f"m{k}", "score": score, "model": "m",
                                    "version": "1", "personal": 0, "source": "annotator",
                                    "at": float(k)})
    ctx.store.insert("scores", {"text": "fix", "score": 0.9, "model": "m", "version": "1",
                                "personal": 0, "source": "correction", "at": 9.0})
    assert recent_scores(ctx.store, 2) == [-0.2, 0.1]  # oldest first, corrections left out
    app = MeterApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        trend = app.screen.query_one(SentimentTrend)
        assert trend.history == [0.5, -0.2, 0.1]
        await pilot.click("#text")
        await pilot.press("g", "o", "o", "d")
        await _settle(app, pilot)
        assert trend.current == app.screen.last_score
        drawn = str(trend.render())
        assert "last 3 messages" in drawn and "+1" in drawn and "-1" in drawn
        assert trend.region.right <= 80
