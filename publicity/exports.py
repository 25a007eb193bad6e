"""The staff figures as an .xlsx workbook. Every cell passes through ``neutralise()`` (a campaign or channel named
"=HYPERLINK(…)" stays text)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from safetyportal.spreadsheets import neutralise

from .models import ChannelKind
from .selectors import MEASURE_KEYS, MEASURES, Figures

CHANNEL_KIND_LABELS = dict(ChannelKind.choices)


def _row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in values]


def figures_workbook(figures: Figures, *, campaign_name: str = "") -> bytes:
    workbook = Workbook(write_only=True)
    headers = [f"{label}（{unit}）" for _key, label, unit in MEASURES]

    totals = workbook.create_sheet("年度合计")
    scope = f"{figures.year}年" + (f" · {campaign_name}" if campaign_name else "")
    totals.append(_row(["统计范围", scope]))
    totals.append(_row(["项目", "数值", "单位"]))
    for key, label, unit in MEASURES:
        totals.append(_row([label, figures.totals[key], unit]))
    totals.append(_row([]))
    totals.append(_row(["年度表述", figures.wording]))

    months = workbook.create_sheet("月度统计")
    months.append(_row(["月份", *headers]))
    for label, month in zip(figures.month_labels, figures.months, strict=True):
        months.append(_row([label, *(month[key] for key in MEASURE_KEYS)]))
    months.append(_row(["合计", *(figures.totals[key] for key in MEASURE_KEYS)]))

    if figures.campaigns:
        campaigns = workbook.create_sheet("按活动统计")
        campaigns.append(_row(["活动", *headers]))
        for row in figures.campaigns:
            campaigns.append(_row([row.name, *(row.values[key] for key in MEASURE_KEYS)]))

    channels = workbook.create_sheet("按载体统计")
    channels.append(_row(["载体", "类型", "条目数", "阅读量（次）", "播放量（次）", "在播屏数峰值（部）"]))
    for row in figures.channels:
        channels.append(
            _row([row.name, CHANNEL_KIND_LABELS.get(row.kind, ""), row.items, row.reads, row.plays, row.screens])
        )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
