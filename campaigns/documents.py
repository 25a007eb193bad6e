"""How notices and campaign summaries become documents: the builders the documents engine calls in the worker."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from safetyportal.charts import svg_bar_chart
from safetyportal.documents.context import chinese_date
from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder
from safetyportal.documents.rendering import static_file_url

from .models import MATERIALS, CampaignSummary, Notice

_LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
_LEVEL2 = re.compile(r"^（[一二三四五六七八九十]+）")


@dataclass(frozen=True)
class Paragraph:
    level: int  # 0 body text, 1 "一、" heading, 2 "（一）" heading
    text: str


def paragraphs(body: str) -> list[Paragraph]:
    result = []
    for line in body.splitlines():
        text = line.strip()
        if not text:
            continue
        level = 1 if _LEVEL1.match(text) else 2 if _LEVEL2.match(text) else 0
        result.append(Paragraph(level, text))
    return result


def recipients_line(notice: Notice) -> str:
    text = "、".join(notice.addressees())
    return text.rstrip("：:") + "：" if text else ""


@register_builder("notice", "通知")
def build_notice(document: GeneratedDocument) -> RenderSpec:
    notice = Notice.objects.select_related("authority").get(pk=document.source_id)
    issued_on = document.issued_on or timezone.localdate()
    attachments = [line.strip() for line in notice.attachments_text.splitlines() if line.strip()]
    return RenderSpec(
        "campaigns/notice_pdf.html",
        {
            "notice": notice,
            "recipients": recipients_line(notice),
            "paragraphs": paragraphs(notice.body),
            "attachments": attachments,
            "date_text": chinese_date(issued_on),
            "print_date_text": chinese_date(issued_on) + "印发",
        },
    )


# --- Campaign summary (活动总结) ----------------------------------------------------------------------------------


def photo_url(name: str) -> str | None:
    """A file:// URL of a re-encoded photo under MEDIA_ROOT/derived/ (the only media the renderer may read)."""
    if not name.startswith("derived/"):
        return None
    path = (Path(settings.MEDIA_ROOT) / name).resolve()
    return path.as_uri() if path.is_file() else None


def _summary(document: GeneratedDocument) -> CampaignSummary:
    if document.source_id is None:
        raise CampaignSummary.DoesNotExist(f"document {document.pk} has no summary")
    return CampaignSummary.objects.select_related("campaign", "authority").get(pk=document.source_id)


@register_builder("campaign_summary", "活动总结")
def build_campaign_summary(document: GeneratedDocument) -> RenderSpec:
    """The summary's PDF. An issued summary shows the figures frozen in its snapshot (re-rendering never changes
    them); a draft's preview reads the figures now and says so on its first page and in its annex."""
    from .figures import figures_for_summary
    from .summaries import figure_headers, stale_figures, type_table

    summary = _summary(document)
    figures = figures_for_summary(summary)
    # A preview warns when the drafted text's figures are no longer the tables' (returns accepted since).
    stale = stale_figures(summary.narrative, figures) if figures.is_preview else []
    names, series = figures.chart_data()
    chart = svg_bar_chart("各单位开展活动场次", names, series) if names else ""
    type_chart = (
        svg_bar_chart("按活动类型统计开展场次", [row.label for row in figures.types],
                      {"开展场次": [row.sessions for row in figures.types]}, height_cm=7)
        if figures.types else ""
    )  # fmt: skip
    photos = [{"url": url, "caption": photo.caption} for photo in figures.photos if (url := photo_url(photo.image))]
    type_header, type_rows, type_footer = type_table(figures)
    issued_on = document.issued_on or timezone.localdate()
    return RenderSpec(
        "campaigns/summary_pdf.html",
        {
            "summary": summary,
            "summary_stylesheet_url": static_file_url("campaigns/summary.css"),
            "campaign": summary.campaign,
            "paragraphs": paragraphs(summary.narrative),
            "figures": figures,
            "figures_note": figures.status_note(),
            "stale_figures": stale,
            "exposure_outside": figures.exposure_outside_text(),
            "headers": figure_headers(),
            "materials": MATERIALS,
            "type_header": type_header,
            "type_rows": type_rows,
            "type_footer": type_footer,
            "chart_svg": chart,
            "type_chart_svg": type_chart,
            "photos": photos,
            "date_text": chinese_date(issued_on),
            "print_date_text": chinese_date(issued_on) + "印发",
        },
    )


@register_builder("campaign_summary_workbook", "活动总结统计表", output="xlsx")
def build_summary_workbook(document: GeneratedDocument) -> bytes:
    """The summary's statistics workbook (xlsx), the engine's second output of a summary: the snapshot's figures
    and board once issued, the live ones (said so on every sheet) for a draft."""
    from .figures import figures_for_summary
    from .summaries import summary_workbook

    summary = _summary(document)
    return summary_workbook(figures_for_summary(summary, photo_limit=0, with_board=True))
