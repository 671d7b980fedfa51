"""The shared history chart (``textseq_tui.charts``) that plugin screens draw on."""

from __future__ import annotations

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
