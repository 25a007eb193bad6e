"""How a 约谈通知书 becomes a document: the builder the documents engine calls in the worker."""

from __future__ import annotations

from django.utils import timezone

from safetyportal.documents.context import chinese_date
from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder

from .models import InterviewNotice


@register_builder(InterviewNotice.DOCUMENT_KIND, "约谈通知书")
def build_interview_notice(document: GeneratedDocument) -> RenderSpec:
    notice = InterviewNotice.objects.select_related(
        "authority", "interview__jurisdiction", "interview__member_unit", "interview__enterprise"
    ).get(pk=document.source_id)
    issued_on = document.issued_on or timezone.localdate()
    meet_at = timezone.localtime(notice.meet_at)
    interview = notice.interview
    return RenderSpec(
        "documents/interview_notice.html",
        {
            "notice": notice,
            "recipients": f"{interview.unit_name}：",
            "reason": interview.get_reason_display(),
            "meet_text": f"{chinese_date(meet_at.date())}{meet_at:%H:%M}",
            "paragraphs": [line.strip() for line in notice.body.splitlines() if line.strip()],
            "head_position": interview.head_position,
            "date_text": chinese_date(issued_on),
            "print_date_text": chinese_date(issued_on) + "印发",
        },
    )
