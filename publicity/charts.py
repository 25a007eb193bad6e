"""ECharts options of the staff figures page (drawn by static/js/charts.js through {% echart %}).

Built with ``safetyportal.charts`` and adjusted here: the legend goes under the plot (at the top it overlaps the
title), lines are not smoothed (a smoothed line dips below zero next to an empty month), and measures of different
size share a chart on two value axes (a bar for the large one, a line for the small one)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from safetyportal.charts import bar_chart, line_chart

from .selectors import Figures

Option = dict[str, Any]


def _legend_below(option: Option) -> Option:
    if "legend" in option:
        option["legend"] = {"bottom": 0, "data": option["legend"]["data"], "show": option["legend"].get("show", True)}
        option["grid"] = {**option.get("grid", {}), "top": 56, "bottom": 36}
    for series in option.get("series", []):
        if series.get("type") == "line":
            series["smooth"] = False
    return option


def _two_axes(
    title: str, categories: Sequence[str], bar: tuple[str, str, list[int]], line: tuple[str, str, list[int]]
) -> Option:
    """A bar (left axis) and a line (right axis) of different magnitudes. Each tuple: (name, unit, values)."""
    bar_name, bar_unit, bar_values = bar
    line_name, line_unit, line_values = line
    option = bar_chart(title, categories, {bar_name: bar_values, line_name: line_values})
    option["yAxis"] = [
        {"type": "value", "name": bar_unit},
        {"type": "value", "name": line_unit, "splitLine": {"show": False}, "minInterval": 1},
    ]
    option["series"][0]["yAxisIndex"] = 0
    option["series"][1].update(type="line", yAxisIndex=1)
    return option


def figures_charts(figures: Figures) -> list[Option]:
    months = figures.month_labels
    charts = [
        bar_chart(
            "各月微信推文", months, {"推送（期）": figures.series("pushes"), "推文（篇次）": figures.series("articles")}
        ),
        line_chart("各月阅读量（次）", months, {"阅读量": figures.series("reads")}),
        _two_axes(
            "各月短视频与播放量",
            months,
            ("播放量", "次", figures.series("plays")),
            ("短视频", "条", figures.series("videos")),
        ),
        bar_chart("各月在播屏数峰值（部）", months, {"在播屏数": figures.series("screens_on_air")}),
        _two_axes(
            "各月参观接待",
            months,
            ("参观人次", "人次", figures.series("visitors")),
            ("参观批次", "批次", figures.series("visit_batches")),
        ),
    ]
    if figures.campaigns:
        names = [row.name for row in figures.campaigns]
        charts.append(
            bar_chart(
                "各活动宣传情况",
                names,
                {
                    "推文（篇次）": [row.values["articles"] for row in figures.campaigns],
                    "短视频（条）": [row.values["videos"] for row in figures.campaigns],
                    "参观（批次）": [row.values["visit_batches"] for row in figures.campaigns],
                },
                horizontal=True,
            )
        )
    return [_legend_below(option) for option in charts]
