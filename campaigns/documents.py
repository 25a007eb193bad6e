"""How a notice becomes a document: the builder the documents engine calls in the worker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder

from .models import Notice

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
    if notice.recipients_text.strip():
        text = notice.recipients_text.strip()
    else:
        names = [j.name for j in notice.recipient_jurisdictions.all()] + [u.name for u in notice.recipient_units.all()]
        text = "、".join(names)
    return text.rstrip("：:") + "：" if text else ""


def chinese_date(value) -> str:  # type: ignore[no-untyped-def]
    return f"{value.year}年{value.month}月{value.day}日"


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
