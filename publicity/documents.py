"""The yearly publicity report as a PDF: the builder the documents engine calls in the worker."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from safetyportal.charts import svg_bar_chart
from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder

from .models import PublicityReport
from .selectors import MEASURE_LABELS, MEASURE_UNITS, MEASURES, publicity_figures
from .services import REPORT_KIND

MONTH_COLUMNS = ("pushes", "articles", "reads", "videos", "plays", "screens_on_air", "visit_batches", "visitors")
CAMPAIGN_COLUMNS = ("articles", "reads", "videos", "plays", "screen_days", "visitors", "news_reports")


@register_builder(REPORT_KIND, "宣传工作统计报告")
def build_publicity_report(document: GeneratedDocument) -> RenderSpec:
    report = PublicityReport.objects.select_related("campaign").get(pk=document.source_id)
    figures = publicity_figures(year=report.year, campaign_id=report.campaign_id)
    months = figures.month_labels
    charts = [
        svg_bar_chart(
            "各月微信推文",
            months,
            {"推送（期）": figures.series("pushes"), "推文（篇次）": figures.series("articles")},
        ),
        svg_bar_chart("各月阅读量（次）", months, {"阅读量": figures.series("reads")}),
        svg_bar_chart("各月在播屏数（部）", months, {"在播屏数": figures.series("screens_on_air")}),
        svg_bar_chart("各月参观人次", months, {"参观人次": figures.series("visitors")}),
    ]
    if figures.is_empty:
        charts = [svg_bar_chart("宣传工作统计", [], {})]
    totals = [{"label": label, "value": figures.totals[key], "unit": unit} for key, label, unit in MEASURES]
    month_rows = [
        {"label": label, "values": [month[key] for key in MONTH_COLUMNS]}
        for label, month in zip(months, figures.months, strict=True)
    ]
    return RenderSpec(
        "publicity/report_pdf.html",
        {
            "report": report,
            "figures": figures,
            "office_name": settings.OFFICE_NAME,
            "generated_on": timezone.localdate(),
            "totals": totals,
            "month_headers": [f"{MEASURE_LABELS[k]}（{MEASURE_UNITS[k]}）" for k in MONTH_COLUMNS],
            "month_rows": month_rows,
            "month_totals": [figures.totals[key] for key in MONTH_COLUMNS],
            "campaign_headers": [f"{MEASURE_LABELS[k]}（{MEASURE_UNITS[k]}）" for k in CAMPAIGN_COLUMNS],
            "campaign_rows": [
                {"name": row.name, "values": [row.values[key] for key in CAMPAIGN_COLUMNS]} for row in figures.campaigns
            ],
            "charts": charts,
        },
    )
