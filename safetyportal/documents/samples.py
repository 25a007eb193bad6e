"""A built-in report kind: the engine's own example of a long report with tables and an SVG chart.

Used by the benchmarks, by the reliability tests (it takes several seconds, long enough to kill a worker mid-render)
and as the model for the apps' statistical reports."""

from __future__ import annotations

import random

from safetyportal.charts import svg_bar_chart

from .models import GeneratedDocument
from .registry import RenderSpec, register_builder

UNITS = ["青阳街道", "梅岭街道", "西园街道", "罗山街道", "灵源街道", "新塘街道", "安海镇", "磁灶镇", "陈埭镇", "池店镇",
         "东石镇", "金井镇", "龙湖镇", "内坑镇", "深沪镇", "西滨镇", "永和镇", "英林镇", "紫帽镇"]  # fmt: skip
ACTIVITIES = ["宣传咨询", "培训", "应急演练", "进企业", "进社区", "进学校", "知识竞赛", "警示教育"]


@register_builder("sample_report", "示例统计报告")
def build_sample_report(document: GeneratedDocument) -> RenderSpec:
    rng = random.Random(document.pk or 1)  # noqa: S311 - sample figures, not security
    rows_per_section = 60
    sections = []
    for index in range(1, 9):
        rows = [
            {
                "unit": UNITS[(index + i) % len(UNITS)],
                "activity": ACTIVITIES[(index * 3 + i) % len(ACTIVITIES)],
                "sessions": rng.randint(1, 40),
                "participants": rng.randint(20, 4000),
                "materials": rng.randint(50, 9000),
                "note": "按计划完成，资料齐全" if i % 3 else "补报一次，已审核",
            }
            for i in range(rows_per_section)
        ]
        sections.append({"index": index, "rows": rows})
    totals = {unit: rng.randint(30, 600) for unit in UNITS}
    chart = svg_bar_chart("各单位开展活动场次", list(totals), {"场次": list(totals.values())})
    return RenderSpec("documents/sample_report.html", {"sections": sections, "chart_svg": chart})
