"""How a circular (通报) becomes a document: the builder the documents engine calls in the worker. An issued circular
shows the tables frozen in its snapshot (re-rendering never changes them); a draft's preview computes them now from
the data and says so on its first page and under every table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.documents.context import chinese_date
from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder

from .circular_models import Circular

NUMERALS = "一二三四五六七八九十"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _numeral(index: int) -> str:
    return NUMERALS[index] if index < len(NUMERALS) else str(index + 1)


def circular_context(circular: Circular, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the paper (and the portal's page) shows: the sections with their tables, the status of the figures.
    Tables: the snapshot's once issued, the live ones for a draft."""
    from .circular_services import live_tables

    frozen = circular.snapshot is not None and "tables" in circular.snapshot
    tables = circular.snapshot["tables"] if frozen else live_tables(circular)  # type: ignore[index]
    as_of = chinese_date(circular.as_of)
    if frozen:
        note = _("本通报统计数据截至%(as_of)s，于印发时取数并冻结。") % {"as_of": as_of}
    else:
        taken = timezone.localtime(now or timezone.now())
        note = _("预览稿：统计数据为实时数据（截至%(as_of)s，%(taken)s取数），印发时以印发时数据为准。") % {
            "as_of": as_of,
            "taken": f"{chinese_date(taken.date())}{taken:%H:%M}",
        }
    sections = []
    for index, section in enumerate(circular.sections):
        table = tables.get(section["key"])
        sections.append(
            {
                "heading": f"{_numeral(index)}、{section.get('heading', '')}",
                "paragraphs": section.get("paragraphs", []),
                "table": table,
                "table_title": _("表%(n)s %(heading)s") % {"n": index + 1, "heading": section.get("heading", "")},
            }
        )
    closing = _lines(circular.closing)
    closing_heading = f"{_numeral(len(sections))}、{_('工作要求')}" if closing else ""
    return {
        "circular": circular,
        "frozen": frozen,
        "figures_note": note,
        "opening": _lines(circular.opening),
        "sections": sections,
        "closing_heading": closing_heading,
        "closing": closing,
    }


@register_builder(Circular.DOCUMENT_KIND, "通报")
def build_circular(document: GeneratedDocument) -> RenderSpec:
    if document.source_id is None:
        raise Circular.DoesNotExist(f"document {document.pk} has no circular")
    circular = Circular.objects.select_related("authority").get(pk=document.source_id)
    issued_on = document.issued_on or timezone.localdate()
    # Issued: the names frozen in the snapshot (a town renamed later must not change the 主送 line); a draft (or a
    # snapshot from before the names were frozen): the live names.
    snapshot = circular.snapshot or {}
    names = snapshot["addressees"] if "addressees" in snapshot else circular.addressees()
    recipients = "、".join(names)
    return RenderSpec(
        "documents/circular.html",
        {
            **circular_context(circular),
            "recipients": recipients.rstrip("：:") + "：" if recipients else "",
            "date_text": chinese_date(issued_on),
            "print_date_text": chinese_date(issued_on) + "印发",
        },
    )
