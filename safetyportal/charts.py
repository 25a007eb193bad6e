"""The one chart module every app uses.

- Pages: ``bar_chart()`` / ``line_chart()`` / ``pie_chart()`` build an ECharts option (a plain dict); the template
  tag ``{% echart option %}`` renders it as a ``<div>`` plus a JSON data block that ``static/js/charts.js``
  draws with the ECharts build installed from the npm registry (no inline script, no CDN).
- PDFs: ``svg_bar_chart()`` draws the same data with matplotlib as SVG whose labels are real text
  (``svg.fonttype = "none"``), in an explicitly named CJK font, so the PDF's text stays extractable.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

Number = int | float
CHART_FONT = "Noto Sans CJK SC"
PALETTE = ["#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622", "#bda29a"]

_matplotlib_lock = threading.Lock()


def _base(title: str, empty: bool) -> dict[str, Any]:
    option: dict[str, Any] = {
        "color": PALETTE,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "textStyle": {"fontFamily": f"'{CHART_FONT}', 'PingFang SC', 'Microsoft YaHei', sans-serif"},
    }
    if empty:
        # "No data" in the middle of the plot, never a subtitle that a legend placed under the title would cover.
        option["graphic"] = [
            {
                "type": "text",
                "left": "center",
                "top": "middle",
                "silent": True,
                "style": {"text": _("暂无数据"), "fontSize": 14, "fill": "#888"},
            }
        ]
    return option


def is_empty(option: Mapping[str, Any]) -> bool:
    """Whether ``option`` was built without data (it then carries the centred "暂无数据" and no legend)."""
    return bool(option.get("graphic"))


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    *,
    horizontal: bool = False,
    integer: bool = True,
) -> dict[str, Any]:
    """``integer``: the values are counts, so the value axis ticks whole numbers only (no 0.2, 0.4 … of a return)."""
    empty = not categories or not any(any(values) for values in series.values())
    option = _base(title, empty)
    category_axis = {"type": "category", "data": [str(c) for c in categories], "axisLabel": {"interval": 0}}
    value_axis: dict[str, Any] = {"type": "value"}
    if integer:
        value_axis["minInterval"] = 1
    option["xAxis"], option["yAxis"] = (value_axis, category_axis) if horizontal else (category_axis, value_axis)
    # Legend under the plot, so it never collides with the title; hidden when there is nothing to tell apart.
    option["legend"] = {"bottom": 0, "data": list(series), "show": not empty}
    option["grid"] = {"top": 56, "left": 48, "right": 24, "bottom": 40, "containLabel": True}
    option["series"] = [{"name": name, "type": "bar", "data": list(values)} for name, values in series.items()]
    return option


def line_chart(
    title: str, categories: Sequence[str], series: Mapping[str, Sequence[Number]], *, integer: bool = True
) -> dict[str, Any]:
    option = bar_chart(title, categories, series, integer=integer)
    for item in option["series"]:
        item["type"] = "line"
        item["smooth"] = True
    return option


def pie_chart(title: str, parts: Mapping[str, Number]) -> dict[str, Any]:
    option = _base(title, not any(parts.values()))
    option["tooltip"] = {"trigger": "item"}
    option["series"] = [
        {"type": "pie", "radius": "60%", "data": [{"name": str(k), "value": v} for k, v in parts.items()]}
    ]
    return option


def svg_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    *,
    width_cm: float = 16,
    height_cm: float = 8,
) -> str:
    """An SVG bar chart for PDFs, text kept as text in the named CJK font."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with (
        _matplotlib_lock,
        matplotlib.rc_context(
            {
                "svg.fonttype": "none",
                "font.family": "sans-serif",
                "font.sans-serif": [CHART_FONT],
                "axes.unicode_minus": False,
            }
        ),
    ):
        fig, ax = plt.subplots(figsize=(width_cm / 2.54, height_cm / 2.54))
        try:
            ax.set_title(title)
            if not categories or not series:
                ax.text(0.5, 0.5, _("暂无数据"), ha="center", va="center", transform=ax.transAxes)
                ax.set_xticks([])
                ax.set_yticks([])
            else:
                count = len(series)
                width = 0.8 / count
                positions = range(len(categories))
                for index, (name, values) in enumerate(series.items()):
                    offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
                    ax.bar(offsets, list(values), width=width, label=name, color=PALETTE[index % len(PALETTE)])
                ax.set_xticks(list(positions))
                ax.set_xticklabels(
                    [str(c) for c in categories],
                    rotation=30 if len(categories) > 6 else 0,
                    ha="right" if len(categories) > 6 else "center",
                )
                if count > 1:
                    ax.legend()
                ax.spines[["top", "right"]].set_visible(False)
            fig.tight_layout()
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg")
        finally:
            plt.close(fig)
    svg = buffer.getvalue()
    # Name the font family explicitly in the SVG text so the PDF renderer does not substitute another CJK face.
    return svg.replace("font-family:'Noto Sans CJK SC'", f"font-family:'{CHART_FONT}'")
