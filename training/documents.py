"""The published list (公示名单) as a PDF: the builder the documents engine calls in the worker."""

from __future__ import annotations

from django.conf import settings

from safetyportal.documents.context import chinese_date
from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder
from safetyportal.validators import mask_id_number, mask_name

from .models import PublicationBatch
from .selectors import batch_entries


def list_rows(batch: PublicationBatch) -> list[dict[str, str]]:
    """What a public list shows of each holder: masked name and numbers, never a birth date or an age."""
    rows = []
    for index, entry in enumerate(batch_entries(batch), 1):
        certificate = entry.certificate
        rows.append(
            {
                "index": str(index),
                "name": mask_name(certificate.holder.name),
                "gender": certificate.holder.get_gender_display(),
                "category": certificate.get_category_display(),
                "item": certificate.get_operation_item_display(),
                "number": mask_id_number(certificate.number),
                "employer": certificate.employer.name if certificate.employer else "",
            }
        )
    return rows


@register_builder("certificate_list", "特种作业人员公示名单")
def build_certificate_list(document: GeneratedDocument) -> RenderSpec:
    batch = PublicationBatch.objects.get(pk=document.source_id)
    return RenderSpec(
        "training/certificate_list_pdf.html",
        {
            "batch": batch,
            "rows": list_rows(batch),
            "date_text": chinese_date(batch.issued_on),
            "office_name": settings.OFFICE_NAME,
        },
    )
