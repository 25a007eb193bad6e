"""How a rectification order (责令限期整改指令书) becomes a document: the builder the documents engine calls.

The order goes to the enterprise, so it never carries the reporter's identity or the citizen's photos (SECURITY.md
T26): the builder reads only the order's own fields and the hazards' text, with every reporter's name and phone
removed and any other ID or phone number masked, and it embeds no image at all."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from safetyportal.documents.context import chinese_date
from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder

from .masking import redact_for_enterprise, redact_identity
from .models import RectificationOrder, ReporterIdentity


def order_text(order: RectificationOrder, hazards: list | None = None) -> Callable[[str], str]:
    """A function making any text of the order safe to send to the enterprise: every reporter's name and phone
    removed, other numbers and names masked."""
    if hazards is None:
        hazards = list(order.hazards.order_by("pk"))
    identities = list(ReporterIdentity.objects.filter(report__hazard__in=hazards).values_list("name", "phone"))

    def clean(text: str) -> str:
        for name, phone in identities:  # every reporter removed before anything is masked
            text = redact_identity(text, name=name, phone=phone)
        return redact_for_enterprise(text)

    return clean


def order_findings(order: RectificationOrder) -> list[str]:
    """The numbered problems of an order, safe to send to the enterprise."""
    hazards = list(order.hazards.select_related("public_report").order_by("pk"))
    clean = order_text(order, hazards)
    lines = [line.strip() for line in order.findings.splitlines() if line.strip()]
    if not lines:
        lines = [
            f"{hazard.get_category_display()}：{' '.join(hazard.description.split())}（地点：{hazard.address}）"
            for hazard in hazards
        ]
    return [clean(line) for line in lines]


@register_builder(RectificationOrder.DOCUMENT_KIND, "责令限期整改指令书")
def build_order(document: GeneratedDocument) -> RenderSpec:
    order = RectificationOrder.objects.select_related("enterprise", "authority").get(pk=document.source_id)
    issued_on = document.issued_on or timezone.localdate()
    return RenderSpec(
        "inspections/rectification_order_pdf.html",
        {
            "order": order,
            "enterprise_name": order.enterprise.name,
            "enterprise_address": order.enterprise.address,
            "findings": order_findings(order),
            "requirements": order_text(order)(order.requirements),
            "deadline_text": chinese_date(order.deadline),
            "date_text": chinese_date(issued_on),
            "city": settings.CITY_NAME,
        },
    )
