"""The summary end to end through a real Celery worker: the PDF and the xlsx workbook are both documents of the engine
(status and progress on their rows), produced by the worker after staff ask for them."""

from __future__ import annotations

import io

import openpyxl
import pytest

from campaigns.models import ReturnStatus
from safetyportal.documents import services
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from tests.campaigns.factories import (
    ActivityReturnFactory,
    CampaignSummaryFactory,
    CampaignTaskFactory,
    ReturnPhotoFactory,
)
from tests.core.factories import StaffUserFactory
from tests.worker import celery_worker, wait_for

pytestmark = pytest.mark.worker


@pytest.mark.django_db(transaction=True)
def test_worker_renders_the_summary_pdf_and_xlsx(campaign, unit_a, unit_b, media_root):
    task = CampaignTaskFactory(campaign=campaign, units=[unit_a, unit_b])
    for unit, participants in ((unit_a, 800), (unit_b, 1200)):
        accepted = ActivityReturnFactory(
            task=task, jurisdiction=unit, status=ReturnStatus.ACCEPTED, participants=participants
        )
    ReturnPhotoFactory(activity_return=accepted, selected_for_summary=True)
    summary = CampaignSummaryFactory(campaign=campaign)
    staff = StaffUserFactory()

    with celery_worker(MEDIA_ROOT=str(media_root)):
        document = services.preview(summary, by=staff)
        workbook = GeneratedDocument.objects.get(kind="campaign_summary_workbook")
        for row, what in ((document, "the summary PDF"), (workbook, "the summary workbook")):
            wait_for(
                lambda row=row: (
                    GeneratedDocument.objects.get(pk=row.pk).status in (DocumentStatus.DONE, DocumentStatus.FAILED)
                ),
                timeout=120,
                message=what,
            )

    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE, document.error
    assert document.progress == 100 and document.page_count >= 4
    workbook.refresh_from_db()
    assert workbook.status == DocumentStatus.DONE and workbook.progress == 100, workbook.error
    assert workbook.file.name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO((media_root / workbook.file.name).read_bytes()))
    assert "汇总" in book.sheetnames
