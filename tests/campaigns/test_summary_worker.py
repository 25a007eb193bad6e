"""The summary end to end through a real Celery worker: the PDF (documents engine, with progress on the row) and the
xlsx are both produced by the worker after staff ask for them."""

from __future__ import annotations

import io

import openpyxl
import pytest

from campaigns import services
from campaigns.models import CampaignSummary, FileStatus, ReturnStatus
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
        document = services.preview_summary(summary=summary, by=staff)
        wait_for(
            lambda: (
                GeneratedDocument.objects.get(pk=document.pk).status in (DocumentStatus.DONE, DocumentStatus.FAILED)
            ),
            timeout=120,
            message="the summary PDF",
        )
        wait_for(
            lambda: CampaignSummary.objects.get(pk=summary.pk).xlsx_status in (FileStatus.DONE, FileStatus.FAILED),
            timeout=60,
            message="the summary xlsx",
        )

    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE, document.error
    assert document.progress == 100 and document.page_count >= 4
    summary.refresh_from_db()
    assert summary.xlsx_status == FileStatus.DONE, summary.xlsx_error
    book = openpyxl.load_workbook(io.BytesIO((media_root / summary.xlsx_file).read_bytes()))
    totals = dict(book["汇总"].iter_rows(min_row=2, values_only=True))
    assert totals["参与人数（人次）"] == 2000
