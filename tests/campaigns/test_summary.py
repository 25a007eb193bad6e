"""The campaign summary: totals in the database equal the sum of the accepted returns; exposure cases of the table's
units in their rows and the others in a separate line; drills and training a category of their own; a June summary
counts June; units that never reported named; the narrative skeleton; the PDF and the workbook through the documents
engine (a preview says its figures are live); issuing as a numbered document."""

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
from campaigns.documents import build_campaign_summary
from campaigns.figures import SummaryFigures, summary_figures, summary_snapshot
from campaigns.models import (
    FIGURE_FIELDS,
    ActivityReturn,
    CampaignSummary,
    Recurrence,
    ReturnStatus,
    SummaryStatus,
)
from campaigns.summaries import draft_narrative, stale_figures
from inspections.models import CaseStatus
from safetyportal.documents import services as document_services
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from safetyportal.figures import (
    CAMPAIGN_PUBLICITY,
    EXPOSURE_CASES,
    FigureProviderMissing,
    FigureScope,
    Measure,
    ProvidedFigures,
    override_figure_provider,
)
from tests.campaigns.factories import (
    ActivityReturnFactory,
    CampaignFactory,
    CampaignSummaryFactory,
    CampaignTaskFactory,
    ReturnPhotoFactory,
)
from tests.core.documents_support import make_authority, pdf_text
from tests.core.factories import CountyFactory, JurisdictionFactory, MemberUnitFactory
from tests.inspections.factories import ExposureCaseFactory
from tests.publicity.factories import PublicityItemFactory, VideoFactory

pytestmark = pytest.mark.django_db

JUNE = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(document_services, "enqueue", lambda pk: ids.append(pk) or True)
    return ids


@pytest.fixture
def county(db):
    return CountyFactory()


@pytest.fixture
def june(county):
    """The city's June 2024 安全生产月 (run by the county-level city)."""
    return CampaignFactory(starts_on=JUNE[0], ends_on=JUNE[1], jurisdiction=county)


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


def accepted(task, unit, **figures) -> ActivityReturn:
    return ActivityReturnFactory(task=task, jurisdiction=unit, status=ReturnStatus.ACCEPTED, **figures)


def published(jurisdiction, day: dt.date, **fields):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return ExposureCaseFactory(jurisdiction=jurisdiction, published_at=at, **fields)


# --- Totals, units, types ---------------------------------------------------------------------------------------------


def test_summary_totals_equal_the_sum_of_the_accepted_returns(campaign):
    units = [JurisdictionFactory(name=f"{name}街道") for name in ("青阳", "梅岭", "灵源")]
    returns = fill(campaign, units)
    child = CampaignFactory(parent=campaign, name="灵源街道“安全生产月”")  # a subdistrict's campaign derived from it
    returns += fill(child, units[2:], per_unit=5, seed=2)
    CampaignFactory(name="另一个活动")  # unrelated campaigns do not count
    fill(CampaignFactory(), units, per_unit=3, seed=3)

    figures = selectors.summary_figures(campaign)  # still importable from the selectors

    counted = [r for r in returns if r.status == ReturnStatus.ACCEPTED]
    assert figures.totals["returns"] == len(counted)
    for name in FIGURE_FIELDS:
        assert figures.totals[name] == sum(getattr(r, name) for r in counted), name
    by_name = {unit.name: unit for unit in units}
    for row in figures.units:
        mine = [r for r in counted if r.jurisdiction_id == by_name[row.unit].pk]
        assert row.returns == len(mine)
        assert row.sessions == sum(r.sessions for r in mine)
        assert row.materials == sum(r.materials_total for r in mine)
    assert sum(row.returns for row in figures.types) == len(counted)
    assert {row.label for row in figures.types} <= {"宣传咨询", "应急演练", "培训", "隐患曝光", "五进·进学校"}
    assert [row.unit for row in figures.units] == ["青阳街道", "梅岭街道", "灵源街道"]  # by code


def test_member_units_get_their_own_row(campaign, county):
    unit = MemberUnitFactory(name="市消防救援大队", short_name="消防大队", jurisdiction=county)
    task = CampaignTaskFactory(campaign=campaign, members=[unit])
    ActivityReturnFactory(task=task, jurisdiction=county, member_unit=unit, status=ReturnStatus.ACCEPTED, sessions=7)
    figures = selectors.summary_figures(campaign)
    assert [(row.unit, row.short, row.sessions) for row in figures.units] == [("市消防救援大队", "消防大队", 7)]


def test_units_that_never_reported_are_in_the_tables_and_named_in_the_problems(june, county):
    reported, silent, returned_only = (JurisdictionFactory(name=name) for name in ("青阳街道", "梅岭街道", "安海镇"))
    member = MemberUnitFactory(name="市消防救援大队", jurisdiction=county)
    task = CampaignTaskFactory(campaign=june, units=[reported, silent, returned_only], members=[member])
    accepted(task, reported, sessions=4)
    ActivityReturnFactory(task=task, jurisdiction=returned_only, status=ReturnStatus.RETURNED, sessions=9)

    figures = summary_figures(june)

    assert [(row.unit, row.returns) for row in figures.units] == [
        ("青阳街道", 1),
        ("梅岭街道", 0),
        ("安海镇", 0),
        ("市消防救援大队", 0),
    ]
    assert figures.unreported_units == ["梅岭街道", "安海镇", "市消防救援大队"]
    assert figures.totals["sessions"] == 4
    text = draft_narrative(figures)
    assert "梅岭街道、安海镇、市消防救援大队等3个单位未报送活动信息。" in text
    assert text.index("四、存在问题") < text.index("未报送活动信息") < text.index("五、下一步打算")


def test_summary_aggregation_runs_a_constant_number_of_queries(campaign):
    units = [JurisdictionFactory() for _ in range(3)]
    fill(campaign, units, per_unit=2)
    with CaptureQueriesContext(connection) as small:
        selectors.summary_figures(campaign)
    fill(campaign, units + [JurisdictionFactory() for _ in range(3)], per_unit=15, seed=5)
    with CaptureQueriesContext(connection) as large:
        selectors.summary_figures(campaign)
    # Tasks, two for their units, one GROUP BY for figures and one for late returns, the photos, the exposure
    # provider's one and the publicity provider's four, and the campaign's jurisdiction.
    assert len(small) == len(large) <= 14


# --- Categories kept apart ------------------------------------------------------------------------------------------


def test_drills_and_training_are_a_category_of_their_own(june, unit_a):
    task = CampaignTaskFactory(campaign=june, units=[unit_a])
    accepted(task, unit_a, activity_type="drill", sessions=300, participants=50000)
    accepted(task, unit_a, activity_type="training", sessions=269, participants=47696)
    accepted(task, unit_a, activity_type="consultation", sessions=40, participants=9000)

    figures = summary_figures(june)

    assert (figures.drill_training.sessions, figures.drill_training.participants) == (569, 97696)
    assert (figures.totals["sessions"], figures.totals["participants"]) == (609, 106696)
    assert [(row.label, row.group) for row in figures.types] == [
        ("应急演练", "drill_training"),
        ("培训", "drill_training"),
        ("宣传咨询", "other"),
    ]
    text = draft_narrative(figures)
    assert "全市共开展各类活动609场次，参与106,696人次，其中应急救援演练和知识技能培训569场，参与97,696人次；" in text


def test_a_june_summary_counts_junes_exposures(june, unit_a):
    """The monthly "典型案例曝光" task runs June to December; the June summary counts June's period only."""
    monthly = CampaignTaskFactory(
        campaign=june,
        units=[unit_a],
        recurrence=Recurrence.MONTHLY,
        due_on=None,
        starts_on=dt.date(2024, 6, 1),
        ends_on=dt.date(2024, 12, 31),
        activity_type="exposure",
    )
    plan = CampaignTaskFactory(campaign=june, units=[unit_a], due_on=dt.date(2024, 5, 31))  # due before June
    for period in monthly.periods():
        ActivityReturnFactory(
            task=monthly,
            jurisdiction=unit_a,
            period_due=period.due,
            activity_date=period.due,
            status=ReturnStatus.ACCEPTED,
            activity_type="exposure",
            exposures=2,
            sessions=0,
        )
    accepted(plan, unit_a, period_due=dt.date(2024, 5, 31), activity_type="other", sessions=0, exposures=0)
    published(unit_a, dt.date(2024, 6, 30))
    published(unit_a, dt.date(2024, 7, 1))  # July's case: not June's

    figures = summary_figures(june)

    assert len(monthly.periods()) == 7
    assert figures.totals["exposures"] == 2 and figures.totals["returns"] == 2  # June's exposure return and the plan
    assert figures.exposure_cases == 1

    # The reporting-completeness sheet follows the same rule: the plan and June's period, not July to December.
    from campaigns.summaries import summary_workbook

    board = summary_figures(june, with_board=True).board
    assert board is not None and len(board.columns) == 2
    assert sum(board.rows[0].counts.values()) == 2
    sheet = openpyxl.load_workbook(io.BytesIO(summary_workbook(summary_figures(june, with_board=True))))["报送完成情况"]
    headings = [cell.value for cell in next(row for row in sheet.iter_rows() if row[0].value == "单位")]
    assert len([h for h in headings if h and str(h).startswith(monthly.title)]) == 1


# --- Exposure cases: the table's units in their rows, the others apart ------------------------------------------------


def test_exposure_cases_outside_the_tables_units_stand_in_a_separate_line(june, county, unit_a, unit_b):
    """The defect of 晋安办〔2026〕2号: every return reported 0 exposures, the table showed one unit with 1 case and a
    合计 of 16, the text said "曝光典型案例16个". Now the column's 合计 is its rows' sum, the 15 others stand apart and
    the text names the platform's figure separately."""
    stranger = JurisdictionFactory(name="紫帽镇")  # published cases, but no task of the campaign
    task = CampaignTaskFactory(campaign=june, units=[unit_a, unit_b])
    accepted(task, unit_a, exposures=0)
    accepted(task, unit_b, exposures=0)
    published(unit_a, dt.date(2024, 6, 12))
    for day in range(1, 13):
        published(county, dt.date(2024, 6, day))  # city-wide cases
    for day in (3, 4, 5):
        published(stranger, dt.date(2024, 6, day))
    published(unit_b, dt.date(2024, 6, 20), status=CaseStatus.WITHDRAWN)  # withdrawn: not counted
    published(unit_b, dt.date(2024, 5, 31))  # before the campaign

    figures = summary_figures(june)

    assert [(row.unit, row.exposures, row.exposure_cases) for row in figures.units] == [
        (unit_a.name, 0, 1),
        (unit_b.name, 0, 0),
    ]
    assert figures.totals["exposures"] == 0 and figures.unit_exposure_cases == 1
    assert figures.exposure_cases_outside == 15 and figures.exposure_cases == 16
    assert figures.exposure_outside_text() == "另：市曝光台同期公开市级及未列入本表单位的典型案例15个，未计入上表。"
    text = draft_narrative(figures)
    assert "各单位报送曝光典型案例0个。同期，市曝光台公开典型案例16个。" in text
    assert "曝光典型案例16个" not in text


def test_exposure_figures_come_from_the_registered_provider_for_the_campaigns_period(june, unit_a):
    CampaignTaskFactory(campaign=june, units=[unit_a])
    scopes: list[FigureScope] = []
    cases = Measure("cases", "曝光台公开典型案例", "个")

    def provider(scope: FigureScope) -> ProvidedFigures:
        scopes.append(scope)
        per_unit = {unit_a.pk: {"cases": 4}, 999_999: {"cases": 2}}  # 999999: a unit outside the table
        return ProvidedFigures(measures=(cases,), totals={"cases": 6}, by_jurisdiction=per_unit)

    with override_figure_provider(EXPOSURE_CASES, provider):
        figures = summary_figures(june)
    assert scopes == [FigureScope(starts_on=JUNE[0], ends_on=JUNE[1], campaign_id=june.pk)]
    assert figures.units[0].exposure_cases == 4 and figures.exposure_cases_outside == 2


@pytest.mark.parametrize("name", [EXPOSURE_CASES, CAMPAIGN_PUBLICITY])
def test_a_provider_nobody_registered_is_an_error_not_a_zero(june, name):
    with override_figure_provider(name, None), pytest.raises(FigureProviderMissing, match=name):
        summary_figures(june)


def test_publicity_figures_come_with_the_providers_labels(june):
    PublicityItemFactory(campaign=june, reads=120000)
    VideoFactory(campaign=june, plays=6000)
    VideoFactory(campaign=None, plays=1)  # not the campaign's
    figures = summary_figures(june)
    assert [(row.heading, row.value) for row in figures.publicity] == [
        ("微信推送（期）", 1),
        ("微信推文（篇次）", 1),
        ("阅读量（次）", 120000),
        ("短视频（条）", 1),
        ("播放量（次）", 6000),
    ]


# --- Snapshot -------------------------------------------------------------------------------------------------------


def test_the_snapshot_is_json_with_the_query_time_and_the_period_and_reads_back(june, unit_a, unit_b):
    task = CampaignTaskFactory(campaign=june, units=[unit_a, unit_b])
    accepted(task, unit_a, activity_type="drill", sessions=5, participants=80)
    ReturnPhotoFactory(activity_return=accepted(task, unit_a), selected_for_summary=True)
    published(unit_b, dt.date(2024, 6, 2))
    now = timezone.make_aware(dt.datetime(2024, 7, 5, 10, 30))

    snapshot = summary_snapshot(june, now=now)

    assert snapshot["taken_at"] == now.isoformat() and snapshot["query_date"] == "2024-07-05"
    period = {"starts_on": "2024-06-01", "ends_on": "2024-06-30"}
    assert snapshot["campaign"] == {"id": june.pk, "name": str(june), **period}
    assert snapshot["totals"]["sessions"] == 7 and snapshot["drill_training"]["sessions"] == 5
    assert snapshot["exposure_cases"] == {"in_units": 1, "outside": 0, "total": 1}
    assert snapshot["board"]["day"] == "2024-07-05" and len(snapshot["board"]["rows"]) == 2
    assert snapshot["photos"][0]["image"].startswith("derived/")
    figures = SummaryFigures.from_snapshot(snapshot)
    assert figures.frozen and figures.totals == summary_figures(june).totals
    assert figures.status_note() == "本文统计数据截至2024年7月5日10时30分（印发时）。"

    tampered = {**snapshot, "totals": {**snapshot["totals"], "sessions": 8}}
    with pytest.raises(ValueError, match="does not add up"):
        SummaryFigures.from_snapshot(tampered)
    with pytest.raises(ValueError, match="version"):
        SummaryFigures.from_snapshot({**snapshot, "version": 99})


# --- Narrative, PDF, workbook, issue --------------------------------------------------------------------------------


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
    dt_sessions = figures.drill_training.sessions
    assert f"其中应急救援演练和知识技能培训{dt_sessions:,}场，参与{figures.drill_training.participants:,}人次" in text


def test_a_preview_warns_when_the_drafted_figures_are_no_longer_the_tables(june, unit_a, staff_user, enqueued):
    task = CampaignTaskFactory(campaign=june, units=[unit_a])
    accepted(task, unit_a, activity_type="drill", sessions=10, participants=100, media_reports=1)
    summary = services.create_summary(campaign=june, authority=make_authority(), by=staff_user)
    assert stale_figures(summary.narrative, summary_figures(june)) == []
    accepted(task, unit_a, activity_type="consultation", sessions=5, participants=50, media_reports=0, leaflets=0,
             booklets=0, wall_charts=0, boards=0, banners=0, giveaways=0)  # fmt: skip

    stale = ["开展各类活动（场次）：正文10，统计表15", "参与（人次）：正文100，统计表150"]
    assert stale_figures(summary.narrative, summary_figures(june)) == stale
    assert build_campaign_summary(document_services.preview(summary, by=staff_user)).context["stale_figures"] == stale
    summary = services.redraft_narrative(summary=summary)
    assert build_campaign_summary(document_services.preview(summary, by=staff_user)).context["stale_figures"] == []


def test_a_summary_whose_text_no_longer_matches_the_tables_is_not_issued(
    client, june, unit_a, admin_user_office, enqueued
):
    from django.urls import reverse

    from safetyportal.documents.models import RegisterEntry

    task = CampaignTaskFactory(campaign=june, units=[unit_a])
    accepted(task, unit_a, activity_type="drill", sessions=10, participants=100, media_reports=1)
    summary = services.create_summary(campaign=june, authority=make_authority(), by=admin_user_office)
    accepted(task, unit_a, activity_type="consultation", sessions=5, participants=50, media_reports=0, leaflets=0,
             booklets=0, wall_charts=0, boards=0, banners=0, giveaways=0)  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        document_services.issue(summary, by=admin_user_office, issued_on=dt.date(2024, 7, 5))
    message = refused.value.messages[0]
    assert "开展各类活动（场次）：正文10，统计表15" in message and "参与（人次）：正文100，统计表150" in message
    assert "重新生成草稿" in message and "修改正文" in message

    # The confirmation page says so and offers no issue button; posting anyway numbers nothing.
    client.force_login(admin_user_office)
    url = reverse("admin:campaigns_campaignsummary_issue", args=[summary.pk])
    page = client.get(url).content.decode()
    assert 'id="issue-refusal"' in page and "开展各类活动（场次）：正文10，统计表15" in page
    assert 'name="_confirm"' not in page
    response = client.post(url, {"expected_number": "晋安办〔2024〕1号"})
    assert response.status_code == 200 and "正文10，统计表15" in response.content.decode()
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.DRAFT and summary.number == "" and summary.snapshot is None
    assert not RegisterEntry.objects.exists() and not GeneratedDocument.objects.filter(is_preview=False).exists()

    # Redrafted from the tables, it issues.
    summary = services.redraft_narrative(summary=summary)
    assert 'name="_confirm"' in client.get(url).content.decode()
    issued = document_services.issue(summary, by=admin_user_office, issued_on=dt.date(2024, 7, 5))
    assert issued.status == SummaryStatus.ISSUED and issued.snapshot["totals"]["sessions"] == 15


def test_a_heading_paragraphs_body_text_is_not_set_in_the_heading_face(campaign, staff_user, enqueued):
    """As in the notice: the heading of a 一、 or （一） paragraph in its own span, the text run in after it apart."""
    from django.template.loader import render_to_string

    from safetyportal.documents.context import engine_context

    summary = CampaignSummaryFactory(
        campaign=campaign, narrative="一、基本情况\n（一）领导高度重视。市安委办及时部署。\n正文段落。"
    )
    preview = document_services.preview(summary, by=staff_user)
    spec = build_campaign_summary(preview)
    html = render_to_string(spec.template_name, {**engine_context(preview), **spec.context})
    assert '<p class="l1"><span class="head">一、基本情况</span></p>' in html
    assert (
        '<p class="l2"><span class="head">（一）领导高度重视。</span><span class="run-in">市安委办及时部署。</span></p>'
    ) in html


def test_summary_pdf_has_the_narrative_tables_charts_and_photos(
    campaign, unit_a, unit_b, staff_user, enqueued, django_capture_on_commit_callbacks, tmp_path
):
    returns = fill(campaign, [unit_a, unit_b], per_unit=5)
    counted = [r for r in returns if r.status == ReturnStatus.ACCEPTED]
    ReturnPhotoFactory(activity_return=counted[0], selected_for_summary=True)
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
    total = sum(r.participants for r in counted)
    assert "一、基本情况" in text and "附件1" in text and "各单位活动开展情况统计表" in text
    assert unit_a.name in text and unit_b.name in text
    assert f"{total:,}" in text
    assert "各单位开展活动场次" in text  # the SVG chart's title, kept as text
    assert "其中应急救援演练和知识技能培训" in text and "未报送单位" in text
    assert text.count("预览稿：数据截至") == 2  # on the first page and above the tables
    assert document.is_preview and not document.number


def test_summary_workbook_is_built_by_the_engine(campaign, unit_a, staff_user, enqueued, media_root):
    unit_a.name = "=cmd|' /C calc'!A0"
    unit_a.save()
    returns = fill(campaign, [unit_a], per_unit=6)
    summary = CampaignSummaryFactory(campaign=campaign)
    document_services.preview(summary, by=staff_user)
    workbook = GeneratedDocument.objects.get(kind="campaign_summary_workbook")

    built = document_services.render(document_id=workbook.pk)

    assert built.status == DocumentStatus.DONE and built.progress == 100, built.error
    assert built.file.name.endswith(".xlsx") and built.page_count is None and built.size_bytes > 0
    book = openpyxl.load_workbook(io.BytesIO(built.file.read()))
    assert book.sheetnames == ["汇总", "各单位统计", "按活动类型", "报送完成情况", "逾期报送单位", "未报送单位"]
    assert all(str(sheet["A1"].value).startswith("预览稿：数据截至") for sheet in book)
    totals = dict(book["汇总"].iter_rows(min_row=3, values_only=True))
    counted = [r for r in returns if r.status == ReturnStatus.ACCEPTED]
    assert totals["参与人数（人次）"] == sum(r.participants for r in counted)
    assert totals["宣传单（份）"] == sum(r.leaflets for r in counted)
    units = [row[1] for row in book["各单位统计"].iter_rows(min_row=3, values_only=True)]
    assert units[0] == "'=cmd|' /C calc'!A0"
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_issuing_allocates_the_next_number_freezes_the_figures_and_locks_the_summary(
    campaign, unit_a, admin_user_office, enqueued, django_capture_on_commit_callbacks
):
    task = CampaignTaskFactory(campaign=campaign, units=[unit_a])
    accepted(task, unit_a, sessions=12)
    summary = CampaignSummaryFactory(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        issued = document_services.issue(summary, by=admin_user_office, issued_on=dt.date(2024, 7, 5))
    assert issued.number == "晋安办〔2024〕1号" and issued.status == SummaryStatus.ISSUED
    assert issued.document.number == issued.number and not issued.document.is_preview
    assert issued.workbook.number == issued.number and not issued.workbook.is_preview
    assert enqueued == [issued.document_id, issued.workbook_id]
    assert issued.snapshot["totals"]["sessions"] == 12 and issued.snapshot_taken_at is not None
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
