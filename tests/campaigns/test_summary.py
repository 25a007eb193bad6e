"""The campaign summary: totals in the database equal the sum of the accepted returns; the narrative skeleton; the
PDF through the documents engine (tables, charts, photos); the xlsx; issuing as a numbered document."""

from __future__ import annotations

import datetime as dt
import io
import random
import re

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import selectors, services
from campaigns.models import FIGURE_FIELDS, ActivityReturn, CampaignSummary, ReturnStatus, SummaryStatus
from safetyportal.documents import services as document_services
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from tests.campaigns.factories import (
    ActivityReturnFactory,
    CampaignFactory,
    CampaignSummaryFactory,
    CampaignTaskFactory,
    ReturnPhotoFactory,
)
from tests.core.documents_support import make_authority, pdf_text
from tests.core.factories import JurisdictionFactory, MemberUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(document_services, "enqueue", lambda pk: ids.append(pk) or True)
    return ids


def fill(campaign, units, *, per_unit: int = 12, seed: int = 1) -> list[ActivityReturn]:
    rng = random.Random(seed)
    task = CampaignTaskFactory(campaign=campaign, units=units)
    statuses = [ReturnStatus.ACCEPTED] * 3 + [ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.RETURNED]
    returns = []
    for unit in units:
        for _ in range(per_unit):
            status = rng.choice(statuses)
            returns.append(
                ActivityReturnFactory(
                    task=task,
                    jurisdiction=unit,
                    status=status,
                    first_submitted_at=None if status == ReturnStatus.DRAFT else timezone.now(),
                    activity_type=rng.choice(["consultation", "drill", "training", "exposure", "into_schools"]),
                    **{name: rng.randint(0, 3000) for name in FIGURE_FIELDS},
                )
            )
    return returns


def test_summary_totals_equal_the_sum_of_the_accepted_returns(campaign):
    units = [JurisdictionFactory(name=f"{name}街道") for name in ("青阳", "梅岭", "灵源")]
    returns = fill(campaign, units)
    child = CampaignFactory(parent=campaign, name="灵源街道“安全生产月”")  # a subdistrict's campaign derived from it
    returns += fill(child, units[2:], per_unit=5, seed=2)
    CampaignFactory(name="另一个活动")  # unrelated campaigns do not count
    fill(CampaignFactory(), units, per_unit=3, seed=3)

    figures = selectors.summary_figures(campaign)

    accepted = [r for r in returns if r.status == ReturnStatus.ACCEPTED]
    assert figures.totals["returns"] == len(accepted)
    for name in FIGURE_FIELDS:
        assert figures.totals[name] == sum(getattr(r, name) for r in accepted), name
    for row in figures.units:
        mine = [r for r in accepted if r.jurisdiction_id == row["jurisdiction_id"]]
        assert row["returns"] == len(mine)
        assert row["sessions"] == sum(r.sessions for r in mine)
        assert row["materials"] == sum(r.materials_total for r in mine)
    assert sum(row["returns"] for row in figures.types) == len(accepted)
    assert {row["label"] for row in figures.types} <= {"宣传咨询", "应急演练", "培训", "隐患曝光", "五进·进学校"}


def test_member_units_get_their_own_row(campaign):
    county = JurisdictionFactory(code="350582", name="晋江市", level="county", kind="市", parent=None)
    unit = MemberUnitFactory(name="市消防救援大队", jurisdiction=county)
    task = CampaignTaskFactory(campaign=campaign, members=[unit])
    ActivityReturnFactory(task=task, jurisdiction=county, member_unit=unit, status=ReturnStatus.ACCEPTED, sessions=7)
    figures = selectors.summary_figures(campaign)
    assert [(row["unit"], row["sessions"]) for row in figures.units] == [("市消防救援大队", 7)]


def test_summary_aggregation_runs_a_constant_number_of_queries(campaign):
    units = [JurisdictionFactory() for _ in range(3)]
    fill(campaign, units, per_unit=2)
    with CaptureQueriesContext(connection) as small:
        selectors.summary_figures(campaign)
    fill(campaign, units + [JurisdictionFactory() for _ in range(3)], per_unit=15, seed=5)
    with CaptureQueriesContext(connection) as large:
        selectors.summary_figures(campaign)
    assert len(small) == len(large) <= 14  # six of ours, the rest the inspections and publicity selectors'


def test_exposures_come_from_the_inspections_selector_when_it_exists(campaign, unit_a, monkeypatch):
    task = CampaignTaskFactory(campaign=campaign, units=[unit_a])
    ActivityReturnFactory(task=task, jurisdiction=unit_a, status=ReturnStatus.ACCEPTED, exposures=1)
    calls = []

    def published_case_counts(*, start: dt.date, end: dt.date) -> dict[int, int]:
        calls.append((start, end))
        return {unit_a.pk: 4}

    import inspections.selectors

    monkeypatch.setattr(inspections.selectors, "published_case_counts", published_case_counts, raising=False)
    figures = selectors.summary_figures(campaign)
    assert calls == [(campaign.starts_on, campaign.ends_on)]
    assert figures.exposure_cases == 4 and figures.units[0]["exposure_cases"] == 4

    monkeypatch.delattr(inspections.selectors, "published_case_counts")
    figures = selectors.summary_figures(campaign)
    assert figures.exposure_cases == 0  # the selector is missing (not written yet): the summary still works


def test_publicity_totals_are_shown_in_chinese(campaign, monkeypatch):
    import publicity.selectors

    monkeypatch.setattr(
        publicity.selectors,
        "campaign_publicity_totals",
        lambda *, campaign_id: {"reads": 120000, "videos": 6},
        raising=False,
    )
    assert selectors.summary_figures(campaign).publicity == {"阅读量（次）": 120000, "短视频（条）": 6}


def test_create_summary_drafts_the_narrative_from_the_figures(campaign, unit_a, staff_user):
    fill(campaign, [unit_a], per_unit=6)
    figures = selectors.summary_figures(campaign)
    summary = services.create_summary(campaign=campaign, authority=make_authority(), by=staff_user)
    text = summary.narrative
    assert summary.title == f"{campaign.year}年{campaign.name}活动总结" and summary.status == SummaryStatus.DRAFT
    for heading in ("一、基本情况", "二、主要做法", "三、特色亮点", "四、存在问题", "五、下一步打算"):
        assert heading in text
    assert "今年6月是第23个全国“安全生产月”，主题是“人人讲安全、个个会应急——畅通生命通道”" in text
    assert f"共开展各类活动{figures.totals['sessions']:,}场次，参与{figures.totals['participants']:,}人次" in text


def test_summary_pdf_has_the_narrative_tables_charts_and_photos(
    campaign, unit_a, unit_b, staff_user, enqueued, django_capture_on_commit_callbacks, tmp_path
):
    returns = fill(campaign, [unit_a, unit_b], per_unit=5)
    accepted = [r for r in returns if r.status == ReturnStatus.ACCEPTED]
    ReturnPhotoFactory(activity_return=accepted[0], selected_for_summary=True)
    summary = services.create_summary(campaign=campaign, authority=make_authority(), by=staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        preview = document_services.preview(summary, by=staff_user)
    workbook = GeneratedDocument.objects.get(kind="campaign_summary_workbook")
    assert enqueued == [preview.pk, workbook.pk]  # the PDF and the workbook, both through the engine
    assert workbook.is_preview and workbook.source == summary and workbook.verify_token is None

    document = document_services.render(document_id=preview.pk)
    assert document.status == DocumentStatus.DONE, document.error
    data = document.file.read()
    assert b"/Subtype /Image" in data  # the selected photo is embedded
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    text = re.sub(r"\s+", "", pdf_text(path))
    total = sum(r.participants for r in accepted)
    assert "一、基本情况" in text and "附件1" in text and "各单位活动开展情况统计表" in text
    assert unit_a.name in text and unit_b.name in text
    assert f"{total:,}" in text
    assert "各单位开展活动场次" in text  # the SVG chart's title, kept as text
    assert document.is_preview and not document.number


def test_summary_workbook_is_built_by_the_engine(campaign, unit_a, staff_user, enqueued, media_root):
    unit_a.name = "=cmd|' /C calc'!A0"
    unit_a.save()
    fill(campaign, [unit_a], per_unit=6)
    summary = CampaignSummaryFactory(campaign=campaign)
    document_services.preview(summary, by=staff_user)
    workbook = GeneratedDocument.objects.get(kind="campaign_summary_workbook")

    built = document_services.render(document_id=workbook.pk)

    assert built.status == DocumentStatus.DONE and built.progress == 100, built.error
    assert built.file.name.endswith(".xlsx") and built.page_count is None and built.size_bytes > 0
    book = openpyxl.load_workbook(io.BytesIO(built.file.read()))
    assert "汇总" in book.sheetnames and "各单位统计" in book.sheetnames  # the figures: tests of campaigns.figures
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_issuing_allocates_the_next_number_and_locks_the_summary(campaign, admin_user_office, enqueued,
                                                                django_capture_on_commit_callbacks):  # fmt: skip
    summary = CampaignSummaryFactory(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        issued = document_services.issue(summary, by=admin_user_office, issued_on=dt.date(2024, 7, 5))
    assert issued.number == "晋安办〔2024〕1号" and issued.status == SummaryStatus.ISSUED
    assert issued.document.number == issued.number and not issued.document.is_preview
    assert issued.workbook.number == issued.number and not issued.workbook.is_preview
    assert enqueued == [issued.document_id, issued.workbook_id]
    with pytest.raises(ValidationError, match="不能重复印发"):
        document_services.issue(issued, by=admin_user_office)
    with pytest.raises(ValidationError, match="不能修改"):
        services.redraft_narrative(summary=issued)
    assert GeneratedDocument.objects.filter(is_preview=False).count() == 2


def test_issuing_needs_the_permission(campaign, officer_a):
    summary = CampaignSummaryFactory(campaign=campaign)
    with pytest.raises(PermissionDenied):
        document_services.issue(summary, by=officer_a)
    assert CampaignSummary.objects.get(pk=summary.pk).number == ""
