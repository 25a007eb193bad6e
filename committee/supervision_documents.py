"""How a 督办通知 becomes a document: the builder the documents engine calls in the worker (GB/T 9704 layout of
templates/documents/official.html, like the 约谈通知书)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safetyportal.documents.context import chinese_date
from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder
from safetyportal.workdays import rule_label

from .supervision_models import SupervisionNotice


@register_builder(SupervisionNotice.DOCUMENT_KIND, "挂牌督办通知")
def build_supervision_notice(document: GeneratedDocument) -> RenderSpec:
    notice = SupervisionNotice.objects.select_related(
        "authority",
        "supervision__jurisdiction",
        "supervision__member_unit",
        "supervision__scope_jurisdiction",
        "supervision__scope_member_unit",
    ).get(pk=document.source_id)
    issued_on = document.issued_on or timezone.localdate()
    supervision = notice.supervision
    frozen = notice.snapshot or {}
    deadline = supervision.deadline
    if frozen.get("deadline"):
        deadline = dt.date.fromisoformat(frozen["deadline"])
    listed_on = supervision.listed_on
    if frozen.get("listed_on"):
        listed_on = dt.date.fromisoformat(frozen["listed_on"])
    return RenderSpec(
        "documents/supervision_notice.html",
        {
            "notice": notice,
            "recipients": f"{frozen.get('unit') or supervision.unit_name}：",
            "level_label": frozen.get("level_label") or supervision.get_level_display(),
            "title": frozen.get("title") or supervision.title,
            "listed_text": chinese_date(listed_on),
            "deadline_text": chinese_date(deadline),
            "rule_text": rule_label(int(frozen.get("working_days") or supervision.working_days)),
            "supervisor": frozen.get("supervisor") or supervision.supervisor,
            "paragraphs": [line.strip() for line in notice.body.splitlines() if line.strip()],
            "date_text": chinese_date(issued_on),
            "print_date_text": chinese_date(issued_on) + "印发",
        },
    )
