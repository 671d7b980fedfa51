"""The shared history chart (``textseq_tui.charts``) that plugin screens draw on."""

from __future__ import annotations

import pytest

from textseq_tui.charts import ChartSeries, HistoryChart, rounded_ticks


def drawn(chart: HistoryChart, width: int = 70, height: int = 18) -> str:
    chart.plt.plotsize(width, height)
    return chart.plt.build()


def test_rounded_ticks_end_at_the_first_step_above_the_largest_value() -> None:
    assert rounded_ticks([12.0, 38.5], 10) == [0, 10, 20, 30, 40]
    assert rounded_ticks([40.0], 10) == [0, 10, 20, 30, 40, 50]
    assert rounded_ticks([], 5) == [0, 5]


def test_nothing_to_draw_shows_the_empty_message() -> None:
    chart = HistoryChart()
    chart.show([], [ChartSeries([], ticks=[0, 1])], title="t", empty="no games yet")
    assert "no games yet" in drawn(chart)


def test_two_axes_with_their_own_ticks_and_dates_under_the_x_axis() -> None:
    chart = HistoryChart()
    chart.show(["01-02", "01-03", "01-04"],
               [ChartSeries([50.0, 75.0, 100.0], ticks=[0, 25, 50, 75, 100]),
                ChartSeries([1, 4, 2], ticks=[0, 1, 2, 3, 4, 5], colour="orange",
                            side="right", marker="•", point="◆")],
               title="accuracy % (left) · best streak (right)")
    text = drawn(chart)
    assert "accuracy % (left)" in text and "01-02" in text and "01-04" in text
    assert "100┤" in text and "├5" in text  # the left axis and the right one


@pytest.mark.parametrize("n", [1, 2, 7])
def test_it_draws_the_typing_history_exactly_as_that_screen_does(n: int) -> None:
    """The typing history (autocomplete) still has its own chart class; the shared chart
    covers its use: the same sessions give the same picture, one session or many."""
    from textseq_plugins.autocomplete.sessions import Session, day
    from textseq_plugins.autocomplete.typing_history import TypingHistoryChart

    sessions = [Session(1767355200.0 + 86400 * i, 60.0, 300, 280, 20 + 5 * i, 38.0 + 9 * i)
                for i in range(n)]
    own = TypingHistoryChart()
    own.show(sessions)
    wpm = [s.wpm for s in sessions]
    savings = [100 * s.savings for s in sessions]
    shared = HistoryChart()
    shared.show([day(s.started)[5:] for s in sessions],
                [ChartSeries(wpm, ticks=rounded_ticks(wpm, 10 if max(wpm) <= 100 else 25)),
                 ChartSeries(savings, ticks=rounded_ticks(savings, 5 if max(savings) <= 30
                                                          else 10),
                             colour="orange", side="right", marker="•", point="◆")],
                title="wpm (left) · keystrokes saved % (right) per session", x_labels=4)
    assert drawn(shared) == drawn(own)
