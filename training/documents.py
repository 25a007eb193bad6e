"""The published list (公示名单) as a PDF: the builder the documents engine calls in the worker.

The list is compact: landscape A4 (static/training/certificate_list.css), one table per operation item (its name
repeated with the column headings on every page), two people side by side in each table row, 9 pt type, names and
masked numbers never broken across lines. 1,280 people take 21 pages (87 or more before), 5,000 take 76;
tests/training/test_list_pdf.py holds the limit of 30 pages for 1,280. The heading and the end carry the 公示期 and
where objections go (training/templates/training/_list_publicity.html, shared with the public page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from safetyportal.documents.context import chinese_date
from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder
from safetyportal.documents.rendering import static_file_url
from safetyportal.validators import mask_id_number, mask_name

from .models import PublicationBatch
from .selectors import batch_entries

PEOPLE_PER_ROW = 2
LIST_STYLESHEET = "training/certificate_list.css"


@dataclass
class ListGroup:
    """One operation item's people, in list order, laid out ``PEOPLE_PER_ROW`` to a table row."""

    item: str
    category: str
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def table_rows(self) -> list[list[dict[str, str] | None]]:
        """The people in reading order (left to right, then down); the last row padded with None."""
        lines: list[list[dict[str, str] | None]] = []
        for start in range(0, len(self.rows), PEOPLE_PER_ROW):
            line: list[dict[str, str] | None] = list(self.rows[start : start + PEOPLE_PER_ROW])
            line += [None] * (PEOPLE_PER_ROW - len(line))
            lines.append(line)
        return lines


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


def list_groups(rows: list[dict[str, str]]) -> list[ListGroup]:
    """Consecutive rows of the same operation item form a group (lists are ordered by item, then name); the
    numbering (序号) runs on through the groups."""
    groups: list[ListGroup] = []
    for row in rows:
        if not groups or groups[-1].item != row["item"] or groups[-1].category != row["category"]:
            groups.append(ListGroup(item=row["item"], category=row["category"]))
        groups[-1].rows.append(row)
    return groups


def list_context(batch: PublicationBatch, rows: list[dict[str, str]]) -> dict[str, Any]:
    """The template's context, apart from what the engine adds (title, verification, official stylesheet)."""
    return {
        "batch": batch,
        "rows": rows,
        "groups": list_groups(rows),
        "people_per_row": range(PEOPLE_PER_ROW),
        "date_text": chinese_date(batch.issued_on),
        "office_name": settings.OFFICE_NAME,
        "list_stylesheet_url": static_file_url(LIST_STYLESHEET),
    }


@register_builder("certificate_list", "特种作业人员公示名单")
def build_certificate_list(document: GeneratedDocument) -> RenderSpec:
    batch = PublicationBatch.objects.get(pk=document.source_id)
    return RenderSpec("training/certificate_list_pdf.html", list_context(batch, list_rows(batch)))
