"""An issued summary's figures are frozen: after the issue, returns are changed, accepted and added, exposure cases
and publicity items published, and the re-rendered PDF and workbook show exactly what they showed at issue."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from campaigns import services
from campaigns.figures import summary_figures
from campaigns.models import ActivityReturn, ReturnStatus
from safetyportal.documents import services as document_services
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory
from tests.core.documents_support import make_authority, pdf_text
from tests.core.factories import CountyFactory, JurisdictionFactory
from tests.inspections.factories import ExposureCaseFactory
from tests.publicity.factories import PublicityItemFactory

pytestmark = pytest.mark.django_db


def published(jurisdiction, day: dt.date) -> None:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    ExposureCaseFactory(jurisdiction=jurisdiction, published_at=at)


def render_again(document: GeneratedDocument) -> GeneratedDocument:
    """Render a finished document once more, as the engine does after a lost file or a worker that died."""
    GeneratedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.QUEUED)
    rendered = document_services.render(document_id=document.pk)
    assert rendered.status == DocumentStatus.DONE, rendered.error
    return rendered


def pdf_words(document: GeneratedDocument, tmp_path) -> str:
    path = tmp_path / f"{document.pk}-{document.attempts}.pdf"
    with document.file.open("rb") as handle:
        path.write_bytes(handle.read())
    return re.sub(r"\s+", "", pdf_text(path))


def workbook_cells(document: GeneratedDocument) -> dict[str, list[tuple]]:
    with document.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def test_the_reissued_pdf_and_workbook_show_the_figures_frozen_at_issue(
    admin_user_office, monkeypatch, django_capture_on_commit_callbacks, tmp_path
):
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    county = CountyFactory()
    june = CampaignFactory(starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 6, 30), jurisdiction=county)
    qingyang, meiling, anhai = (JurisdictionFactory(name=name) for name in ("青阳街道", "梅岭街道", "安海镇"))
    task = CampaignTaskFactory(campaign=june, units=[qingyang, meiling, anhai])
    drill = ActivityReturnFactory(
        task=task, jurisdiction=qingyang, status=ReturnStatus.ACCEPTED, activity_type="drill", sessions=37,
        participants=4321, exposures=2,
    )  # fmt: skip
    ActivityReturnFactory(task=task, jurisdiction=meiling, status=ReturnStatus.ACCEPTED, sessions=5, participants=654)
    waiting = ActivityReturnFactory(
        task=task, jurisdiction=meiling, status=ReturnStatus.SUBMITTED, first_submitted_at=timezone.now(),
        activity_type="training", sessions=900, participants=90000,
    )  # fmt: skip
    published(qingyang, dt.date(2024, 6, 10))
    published(county, dt.date(2024, 6, 11))
    PublicityItemFactory(campaign=june, reads=24680)
    summary = services.create_summary(campaign=june, authority=make_authority(), by=admin_user_office)
    with django_capture_on_commit_callbacks(execute=True):
        issued = document_services.issue(summary, by=admin_user_office, issued_on=dt.date(2024, 7, 5))
    pdf = document_services.render(document_id=issued.document_id)
    workbook = document_services.render(document_id=issued.workbook_id)
    before_pdf, before_book = pdf_words(pdf, tmp_path), workbook_cells(workbook)

    # What the issued papers say.
    assert issued.snapshot["totals"]["sessions"] == 42 and issued.snapshot["drill_training"]["sessions"] == 37
    assert "全市共开展各类活动42场次，参与4,975人次，其中应急救援演练和知识技能培训37场，参与4,321人次" in before_pdf
    assert "安海镇未报送活动信息" in before_pdf
    assert "另：市曝光台同期公开市级及未列入本表单位的典型案例1个" in before_pdf
    assert "本文统计数据截至" in before_pdf and "预览稿" not in before_pdf
    assert ("开展场次（场）", 42) in before_book["汇总"] and ("阅读量（次）", 24680) in before_book["汇总"]
    assert before_book["汇总"][0][0].startswith("本文统计数据截至")

    # Everything underneath changes.
    ActivityReturn.objects.filter(pk=drill.pk).update(sessions=99, participants=9999, exposures=7)
    ActivityReturn.objects.filter(pk=waiting.pk).update(status=ReturnStatus.ACCEPTED)
    ActivityReturnFactory(task=task, jurisdiction=anhai, status=ReturnStatus.ACCEPTED, sessions=11, participants=111)
    published(qingyang, dt.date(2024, 6, 20))
    published(county, dt.date(2024, 6, 21))
    PublicityItemFactory(campaign=june, reads=1)
    live = summary_figures(june)
    assert live.totals["sessions"] == 99 + 5 + 900 + 11 and live.unreported_units == []

    # The papers rendered again say what they said at issue, word for word and cell for cell.
    assert pdf_words(render_again(pdf), tmp_path) == before_pdf
    assert workbook_cells(render_again(workbook)) == before_book


def test_a_summary_issued_before_snapshots_existed_is_not_called_a_preview(admin_user_office, monkeypatch):
    """Summaries issued before this change have no snapshot: their papers show the figures of the moment they are
    generated and say so, never "预览稿"."""
    from campaigns.documents import build_campaign_summary, build_summary_workbook
    from campaigns.models import CampaignSummary

    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    june = CampaignFactory(starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 6, 30), jurisdiction=CountyFactory())
    summary = services.create_summary(campaign=june, authority=make_authority(), by=admin_user_office)
    issued = document_services.issue(summary, by=admin_user_office, issued_on=dt.date(2024, 7, 5))
    CampaignSummary.objects.filter(pk=issued.pk).update(snapshot=None)

    context = build_campaign_summary(issued.document).context
    assert not context["figures"].is_preview and context["stale_figures"] == []
    assert "本文印发时未保存统计数据" in context["figures_note"] and "预览稿" not in context["figures_note"]
    book = openpyxl.load_workbook(io.BytesIO(build_summary_workbook(issued.workbook)))
    assert "本文印发时未保存统计数据" in book["汇总"]["A1"].value
