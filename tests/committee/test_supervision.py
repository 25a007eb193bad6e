"""挂牌督办 (issue 15, package A): working-day deadlines on the holiday calendar (an uncovered year is a clear error),
any hazard or unit under supervision with the hazard's marker kept consistent, progress reports and extension
requests by the responsible unit only (another unit: 404 and nothing changes), the office's decision, 销号 with
evidence, escalation (idempotent), the public listing (masking, day counts, constant queries) and the numbered
督办通知."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from committee import supervision_selectors as selectors
from committee import supervision_services as services
from committee.supervision_models import (
    ExtensionStatus,
    ProgressReport,
    Supervision,
    SupervisionEvent,
    SupervisionNotice,
    SupervisionStatus,
)
from safetyportal.documents import services as document_services
from safetyportal.documents.context import chinese_date
from safetyportal.roles import STAFF_GROUP
from safetyportal.uploads import check_attachment
from safetyportal.workdays import add_working_days, latest_extension_request, subtract_working_days
from tests.campaigns.factories import jpeg_bytes
from tests.committee.factories_supervision import (
    ProgressAttachmentFactory,
    SupervisionEvidenceFactory,
    SupervisionFactory,
    SupervisionNoticeFactory,
)
from tests.core.factories import (
    CountyFactory,
    JurisdictionFactory,
    MemberUnitFactory,
    OfficerProfileFactory,
    StaffUserFactory,
    WorkdayYearFactory,
    make_id_number,
)
from tests.inspections.factories import HazardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _unit_supervision(staff, town, **values) -> Supervision:
    data = {
        "target": "unit",
        "jurisdiction": town,
        "level": "street",
        "title": "安全生产月活动报送长期滞后",
        "problem": "连续三个月未按时报送。",
        "listed_on": dt.date(2026, 9, 30),
        "working_days": 3,
        "public_name": "某某镇",
        "public_text": "报送长期滞后。",
        **values,
    }
    return services.create_supervision(by=staff, **data)


def _jpeg(name: str = "现场.jpg"):
    return check_attachment(SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg"))


# --- Deadlines on the holiday calendar ----------


def test_deadline_counts_working_days_over_the_national_day_holiday(staff):
    supervision = _unit_supervision(staff, JurisdictionFactory())
    # 30 Sep 2026 (Wed) + 3 working days: 1-7 October is 国庆, then 8 and 9 October, then Saturday 10 October (调休).
    assert supervision.deadline == dt.date(2026, 10, 10) == add_working_days(dt.date(2026, 9, 30), 3)
    assert supervision.initial_deadline == supervision.deadline
    assert services.listing_publication_due(dt.date(2026, 9, 30)) == add_working_days(dt.date(2026, 9, 30), 5)
    assert services.extension_decision_due(dt.date(2026, 9, 30)) == add_working_days(dt.date(2026, 9, 30), 10)
    assert SupervisionEvent.objects.filter(supervision=supervision, kind="listed").count() == 1


def test_a_year_the_calendar_does_not_cover_is_a_clear_error_never_natural_days(staff):
    with pytest.raises(ValidationError) as error:
        _unit_supervision(staff, JurisdictionFactory(), listed_on=dt.date(2026, 12, 20), working_days=20)
    assert "日历未覆盖2027年" in str(error.value)
    assert not Supervision.objects.exists()
    with pytest.raises(ValidationError, match="日历未覆盖2031年"):
        services.removal_publication_due(dt.date(2031, 3, 3))
    WorkdayYearFactory(year=2027, complete=True)  # staff entered 2027: now it counts
    supervision = _unit_supervision(staff, JurisdictionFactory(), listed_on=dt.date(2026, 12, 20), working_days=20)
    assert supervision.deadline.year == 2027


def test_a_county_is_not_a_supervised_unit_and_exactly_one_target(staff):
    with pytest.raises(ValidationError):
        _unit_supervision(staff, CountyFactory())
    with pytest.raises(ValidationError):
        _unit_supervision(staff, JurisdictionFactory(), member_unit=MemberUnitFactory())
    supervision = _unit_supervision(staff, None, jurisdiction=None, member_unit=MemberUnitFactory(name="市住建局"))
    assert supervision.scope_member_unit_id == supervision.member_unit_id and supervision.scope_jurisdiction_id is None


# --- Hazards: any level, marker consistent ----------


def test_any_hazard_level_can_be_supervised_and_the_marker_follows(staff):
    unit = MemberUnitFactory(name="市消防救援大队")
    hazard = HazardFactory(level="general", responsible_unit=unit)
    supervision = services.create_supervision(
        by=staff,
        target="hazard",
        hazard=hazard,
        level="county",
        title="某鞋业公司消防通道堵塞",
        problem="安全出口被货物堵塞。",
        listed_on=dt.date(2026, 9, 30),
        working_days=3,
    )
    hazard.refresh_from_db()
    assert hazard.supervision_level == "county" and hazard.supervised_on == dt.date(2026, 9, 30)
    assert supervision.scope_jurisdiction_id == hazard.jurisdiction_id
    assert supervision.scope_member_unit_id == unit.pk
    with pytest.raises(ValidationError, match="已在挂牌督办中"):
        services.create_supervision(
            by=staff, target="hazard", hazard=hazard, level="city", title="x", problem="x", working_days=3
        )


def test_a_closed_hazard_cannot_be_supervised(staff):
    hazard = HazardFactory(status="closed")
    with pytest.raises(ValidationError, match="已办结"):
        services.create_supervision(by=staff, target="hazard", hazard=hazard, level="county", title="x", problem="x")


def test_the_hazards_own_admin_supervision_stays_for_major_hazards(staff):
    from inspections import services as hazard_services

    general = HazardFactory()
    with pytest.raises(ValidationError, match="重大事故隐患"):
        hazard_services.set_supervision(hazard=general, level="street", by=staff, reason="x")
    hazard_services.set_supervision(hazard=general, level="street", by=staff, reason="x", for_committee=True)
    general.refresh_from_db()
    assert general.supervision_level == "street"


def test_hazard_closure_needs_the_hazard_closed_or_its_evidence(staff):
    from inspections.models import Hazard

    hazard = HazardFactory(level="general")
    supervision = services.create_supervision(
        by=staff,
        target="hazard",
        hazard=hazard,
        level="county",
        title="x",
        problem="x",
        listed_on=dt.date(2026, 9, 30),
        working_days=3,
    )
    with pytest.raises(ValidationError, match="隐患尚未销号"):
        services.close_supervision(supervision=supervision, by=staff, note="已验收", on=dt.date(2026, 10, 12))
    supervision.refresh_from_db()
    assert supervision.status == SupervisionStatus.OPEN
    Hazard.objects.filter(pk=hazard.pk).update(status="closed", closed_at=timezone.now())
    closed = services.close_supervision(supervision=supervision, by=staff, note="隐患已销号", on=dt.date(2026, 10, 12))
    assert closed.status == SupervisionStatus.CLOSED and closed.closed_on == dt.date(2026, 10, 12)
    hazard.refresh_from_db()
    assert hazard.supervision_level == ""  # 摘牌
    event = SupervisionEvent.objects.get(supervision=supervision, kind="closed")
    assert event.changes["hazard_status"] == "closed"


def test_unit_closure_needs_evidence(staff, media_root):
    supervision = _unit_supervision(staff, JurisdictionFactory())
    with pytest.raises(ValidationError, match="销号证据"):
        services.close_supervision(supervision=supervision, by=staff, note="已整改", on=dt.date(2026, 10, 12))
    closed = services.close_supervision(
        supervision=supervision, by=staff, note="已整改", files=[_jpeg()], on=dt.date(2026, 10, 12)
    )
    assert closed.evidence.count() == 1
    with pytest.raises(Http404):
        services.file_progress(supervision=closed, by=staff, text="x")  # staff never file a unit's progress


# --- Progress and extension by the responsible unit ----------


def test_the_responsible_unit_files_progress_with_photos(staff, media_root):
    town = JurisdictionFactory(name="青阳街道")
    officer = OfficerProfileFactory(jurisdiction=town).user
    supervision = _unit_supervision(staff, town)
    report = services.file_progress(
        supervision=supervision, by=officer, text="已召开专题会议部署整改。", files=[_jpeg()]
    )
    assert report.unit_name == "青阳街道" and report.attachments.count() == 1
    attachment = report.attachments.get()
    response = _client(officer).get(reverse("committee:supervision_attachment", args=[supervision.pk, attachment.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_extension_only_up_to_20_working_days_before_the_deadline_and_decision_moves_it(staff):
    town = JurisdictionFactory()
    officer = OfficerProfileFactory(jurisdiction=town).user
    supervision = _unit_supervision(staff, town, listed_on=dt.date(2026, 3, 2), working_days=60)
    last_day = latest_extension_request(supervision.deadline)
    assert last_day == subtract_working_days(supervision.deadline, 20)
    too_late = add_working_days(last_day, 1)
    with pytest.raises(ValidationError, match="前20个工作日"):
        services.request_extension(
            supervision=supervision, by=officer, reason="设备采购", requested_deadline=dt.date(2026, 8, 31), on=too_late
        )
    request = services.request_extension(
        supervision=supervision,
        by=officer,
        reason="设备采购周期长",
        requested_deadline=dt.date(2026, 8, 31),
        on=last_day,
    )
    assert request.decision_due == add_working_days(last_day, 10)
    with pytest.raises(ValidationError, match="待批复"):
        services.request_extension(
            supervision=supervision, by=officer, reason="再申请", requested_deadline=dt.date(2026, 9, 30), on=last_day
        )
    decided = services.decide_extension(request=request, by=staff, approve=True, note="同意", on=last_day)
    supervision.refresh_from_db()
    assert decided.status == ExtensionStatus.APPROVED and supervision.deadline == dt.date(2026, 8, 31)
    assert supervision.initial_deadline != supervision.deadline
    counts = selectors.desk_counts(last_day)
    assert counts["extension_pending"] == 0 and counts["open"] == 1


def test_a_rejection_needs_a_reason_and_keeps_the_deadline(staff):
    town = JurisdictionFactory()
    officer = OfficerProfileFactory(jurisdiction=town).user
    supervision = _unit_supervision(staff, town, listed_on=dt.date(2026, 3, 2), working_days=60)
    request = services.request_extension(
        supervision=supervision, by=officer, reason="x", requested_deadline=dt.date(2026, 8, 31), on=dt.date(2026, 3, 3)
    )
    with pytest.raises(ValidationError):
        services.decide_extension(request=request, by=staff, approve=False, note="", on=dt.date(2026, 3, 4))
    services.decide_extension(request=request, by=staff, approve=False, note="理由不充分", on=dt.date(2026, 3, 4))
    before = supervision.deadline
    supervision.refresh_from_db()
    assert supervision.deadline == before


# --- IDOR: another unit gets 404 and nothing changes ----------


def test_another_unit_gets_404_and_nothing_changes(staff, media_root):
    town_a, town_b = JurisdictionFactory(name="甲镇"), JurisdictionFactory(name="乙镇")
    officer_b = OfficerProfileFactory(jurisdiction=town_b).user
    member_officer = OfficerProfileFactory(jurisdiction=None, member_unit=MemberUnitFactory()).user
    supervision = _unit_supervision(staff, town_a)
    attachment = ProgressAttachmentFactory(report__supervision=supervision)
    evidence = SupervisionEvidenceFactory(supervision=supervision)
    before = (ProgressReport.objects.count(), supervision.extension_requests.count(), SupervisionEvent.objects.count())
    for user in (officer_b, member_officer):
        client = _client(user)
        assert client.get(reverse("committee:supervision_detail", args=[supervision.pk])).status_code == 404
        assert client.get(reverse("committee:supervision_extension", args=[supervision.pk])).status_code == 404
        assert (
            client.post(reverse("committee:supervision_progress", args=[supervision.pk]), {"text": "冒名"}).status_code
            == 404
        )
        assert (
            client.post(
                reverse("committee:supervision_extension", args=[supervision.pk]),
                {"reason": "冒名", "requested_deadline": "2026-12-31"},
            ).status_code
            == 404
        )
        assert (
            client.get(reverse("committee:supervision_attachment", args=[supervision.pk, attachment.pk])).status_code
            == 404
        )
        evidence_url = reverse("committee:supervision_evidence", args=[supervision.pk, evidence.pk])
        assert client.get(evidence_url).status_code == 404
        page = client.get(reverse("committee:supervision_list")).content.decode()
        assert supervision.title not in page
    after = (ProgressReport.objects.count(), supervision.extension_requests.count(), SupervisionEvent.objects.count())
    assert before == after
    with pytest.raises(Http404):
        services.file_progress(supervision=supervision, by=officer_b, text="x")


def test_the_office_above_reads_but_does_not_write(staff):
    town = JurisdictionFactory()
    county_officer = OfficerProfileFactory(jurisdiction=town.parent).user
    supervision = _unit_supervision(staff, town)
    client = _client(county_officer)
    assert client.get(reverse("committee:supervision_detail", args=[supervision.pk])).status_code == 200
    response = client.post(reverse("committee:supervision_progress", args=[supervision.pk]), {"text": "代报"})
    assert response.status_code == 404 and not ProgressReport.objects.exists()


def test_portal_pages_progress_and_extension_forms(staff, media_root):
    WorkdayYearFactory(year=2027, complete=True)
    town = JurisdictionFactory()
    officer = OfficerProfileFactory(jurisdiction=town).user
    today = timezone.localdate()
    supervision = _unit_supervision(staff, town, listed_on=today, working_days=60)
    client = _client(officer)
    page = client.get(reverse("committee:supervision_detail", args=[supervision.pk])).content.decode()
    assert "报送整改进展" in page and "申请延期" in page
    upload = SimpleUploadedFile("现场照片.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(
        reverse("committee:supervision_progress", args=[supervision.pk]), {"text": "已整改一半", "photos": [upload]}
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get().attachments.count() == 1
    assert client.get(reverse("committee:supervision_extension", args=[supervision.pk])).status_code == 200
    new_deadline = supervision.deadline + dt.timedelta(days=30)
    response = client.post(
        reverse("committee:supervision_extension", args=[supervision.pk]),
        {"reason": "需采购设备", "requested_deadline": new_deadline.isoformat()},
    )
    assert response.status_code == 302 and supervision.extension_requests.get().status == "pending"


def test_portal_list_runs_constant_queries(staff, django_assert_max_num_queries):
    town = JurisdictionFactory()
    officer = OfficerProfileFactory(jurisdiction=town).user
    client = _client(officer)
    hazard = HazardFactory(jurisdiction=town)
    services.create_supervision(
        by=staff,
        target="hazard",
        hazard=hazard,
        level="county",
        title="x",
        problem="x",
        listed_on=dt.date(2026, 3, 2),
        working_days=10,
    )
    client.get(reverse("committee:supervision_list"))
    with django_assert_max_num_queries(12) as one:
        assert client.get(reverse("committee:supervision_list")).status_code == 200
    for _ in range(15):
        SupervisionFactory(jurisdiction=town)
        services.create_supervision(
            by=staff,
            target="hazard",
            hazard=HazardFactory(jurisdiction=town),
            level="street",
            title="y",
            problem="y",
            listed_on=dt.date(2026, 3, 2),
            working_days=10,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("committee:supervision_list")).status_code == 200


# --- Escalation ----------


def test_escalation_moves_one_level_up_once_per_deadline(staff):
    town = JurisdictionFactory()
    OfficerProfileFactory(jurisdiction=town)
    hazard = HazardFactory(jurisdiction=town)
    supervision = services.create_supervision(
        by=staff,
        target="hazard",
        hazard=hazard,
        level="street",
        title="x",
        problem="x",
        listed_on=dt.date(2026, 9, 30),
        working_days=3,
    )
    day_after = dt.date(2026, 10, 11)
    assert services.escalate_overdue(today=dt.date(2026, 10, 10)) == []  # the deadline day itself is not overdue
    assert services.escalate_overdue(today=day_after) == [supervision.pk]
    assert services.escalate_overdue(today=day_after) == []  # idempotent
    assert services.escalate_overdue(today=dt.date(2026, 10, 20)) == []  # once per deadline
    supervision.refresh_from_db()
    hazard.refresh_from_db()
    assert supervision.level == "county" and hazard.supervision_level == "county"
    assert SupervisionEvent.objects.filter(supervision=supervision, kind="escalated").count() == 1
    assert selectors.overdue_by_unit(day_after) == {("jurisdiction", town.pk): 1}
    assert selectors.desk_counts(day_after)["overdue"] == 1


def test_the_top_level_stays_and_is_recorded(staff):
    supervision = _unit_supervision(staff, JurisdictionFactory(), level="province")
    assert services.escalate_overdue(today=dt.date(2026, 10, 12)) == [supervision.pk]
    supervision.refresh_from_db()
    assert supervision.level == "province"
    assert "最高督办级别" in SupervisionEvent.objects.get(supervision=supervision, kind="escalated").text


def test_overdue_by_unit_counts_member_units_and_past_days():
    member = MemberUnitFactory()
    SupervisionFactory(jurisdiction=None, scope_jurisdiction=None, member_unit=member, scope_member_unit=member)
    SupervisionFactory(status="closed", closed_on=dt.date(2026, 4, 10))
    figures = selectors.overdue_by_unit(dt.date(2026, 4, 1))
    assert figures[("member_unit", member.pk)] == 1
    assert sum(figures.values()) == 2  # the closed one was still open and overdue on 1 April
    assert sum(selectors.overdue_by_unit(dt.date(2026, 4, 11)).values()) == 1


# --- Public listing ----------


def test_publication_day_counts(staff):
    supervision = _unit_supervision(staff, JurisdictionFactory())  # listed 30 Sep 2026
    due = add_working_days(dt.date(2026, 9, 30), 5)
    assert selectors.desk_counts(dt.date(2026, 10, 1))["listing_due"] == 1
    with pytest.raises(ValidationError, match="早于挂牌日期"):
        services.publish_listing(supervision=supervision, by=staff, on=dt.date(2026, 9, 29))
    published = services.publish_listing(supervision=supervision, by=staff, on=add_working_days(due, 1))
    assert "已超期" in SupervisionEvent.objects.get(supervision=published, kind="published").text
    with pytest.raises(ValidationError, match="已销号"):
        services.publish_removal(supervision=published, by=staff, on=dt.date(2026, 10, 20))
    ProgressAttachmentFactory(report__supervision=published)
    closed = services.close_supervision(supervision=published, by=staff, note="已整改", on=dt.date(2026, 10, 20))
    assert selectors.desk_counts(dt.date(2026, 10, 21))["removal_due"] == 1
    removal_due = add_working_days(dt.date(2026, 10, 20), 5)
    removed = services.publish_removal(supervision=closed, by=staff, on=removal_due)
    assert "已超期" not in SupervisionEvent.objects.get(supervision=removed, kind="removal").text


def test_public_listing_masks_personal_data_and_shows_removal_only_once_published(client, staff):
    id_number = make_id_number(4321)
    supervision = _unit_supervision(
        staff,
        JurisdictionFactory(name="磁灶镇"),
        public_name="晋江市某某陶瓷有限公司",
        public_text=f"负责人张三（身份证{id_number}，电话13912345678）未落实整改。",
        problem="内部：举报人李四反映",
    )
    unpublished = _unit_supervision(staff, JurisdictionFactory(), public_name="未公示的单位")
    services.publish_listing(supervision=supervision, by=staff, on=dt.date(2026, 10, 8))
    page = client.get(reverse("supervision_public:list")).content.decode()
    assert "晋江市某某陶瓷有限公司" in page and "磁灶镇" in page
    assert id_number not in page and "13912345678" not in page and "内部" not in page and "李四" not in page
    assert unpublished.public_name not in page
    assert "摘牌日期" not in page
    ProgressAttachmentFactory(report__supervision=supervision)
    closed = services.close_supervision(supervision=supervision, by=staff, note="已整改", on=dt.date(2026, 10, 20))
    assert "摘牌日期" not in client.get(reverse("supervision_public:list")).content.decode()
    services.publish_removal(supervision=closed, by=staff, on=dt.date(2026, 10, 21))
    page = client.get(reverse("supervision_public:list")).content.decode()
    assert "摘牌日期" in page and "2026年10月20日" in page and "2026年10月21日" in page


def test_public_listing_is_paginated_with_constant_queries(client, django_assert_max_num_queries):
    SupervisionFactory(published_on=dt.date(2026, 3, 3))
    with django_assert_max_num_queries(6) as one:
        assert client.get(reverse("supervision_public:list")).status_code == 200
    for _ in range(30):
        SupervisionFactory(published_on=dt.date(2026, 3, 3))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("supervision_public:list"))
    assert response.status_code == 200 and "第1页，共2页" in response.content.decode()
    assert client.get(reverse("supervision_public:list") + "?page=2").status_code == 200


# --- 督办通知 ----------


def test_supervision_notice_is_issued_with_a_number_and_renders(admin_user_office, no_broker, media_root):
    from django.template.loader import render_to_string

    from committee.supervision_documents import build_supervision_notice
    from safetyportal.documents.context import engine_context
    from safetyportal.documents.models import GeneratedDocument

    supervision = _unit_supervision(admin_user_office, JurisdictionFactory(name="安海镇"))
    notice = SupervisionNoticeFactory(supervision=supervision)
    issued = document_services.issue(notice, by=admin_user_office)
    issued = SupervisionNotice.objects.get(pk=issued.pk)
    assert issued.status == "issued" and issued.number and issued.document_id
    assert issued.addressees() == ["安海镇"] and issued.snapshot["deadline"] == "2026-10-10"
    assert SupervisionEvent.objects.filter(supervision=supervision, kind="notice").exists()
    issued.body = "changed"
    with pytest.raises(ValidationError):
        issued.save()
    spec = build_supervision_notice(GeneratedDocument.objects.get(pk=issued.document_id))
    html = render_to_string(spec.template_name, {**engine_context(issued.document), **spec.context})
    assert "安海镇：" in html and "街道（镇）级挂牌督办" in html and "3个工作日" in html


def test_admin_pages(client, admin_user_office, media_root):
    supervision = _unit_supervision(admin_user_office, JurisdictionFactory())
    ProgressAttachmentFactory(report__supervision=supervision)
    client.force_login(admin_user_office)
    for url in (
        "/admin/committee/supervision/",
        "/admin/committee/supervision/add/",
        f"/admin/committee/supervision/{supervision.pk}/change/",
        f"/admin/committee/supervision/{supervision.pk}/close/",
        f"/admin/committee/supervision/{supervision.pk}/publish/",
        f"/admin/committee/supervision/{supervision.pk}/void/",
        "/admin/committee/supervisionnotice/",
        f"/admin/committee/supervisionnotice/add/?supervision={supervision.pk}",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(f"/admin/committee/supervision/{supervision.pk}/void/", {"reason": "挂错对象"})
    assert response.status_code == 302
    supervision.refresh_from_db()
    assert supervision.is_voided and Supervision.objects.filter(pk=supervision.pk).exists()
    with pytest.raises(Exception):  # noqa: B017  (never hard-deleted)
        supervision.delete()


# --- Demo data ----------


def test_demo_loader_is_idempotent():
    from committee.supervision_demo import TOWN_TITLE, load_demo_supervision

    StaffUserFactory(username="admin", is_superuser=True)
    town = JurisdictionFactory(name="磁灶镇")
    OfficerProfileFactory(jurisdiction=town)
    hazard = HazardFactory(jurisdiction=town, status="rectifying")
    first = load_demo_supervision()
    assert first["挂牌督办"] == 2
    assert load_demo_supervision() == first
    hazard.refresh_from_db()
    assert hazard.supervision_level == "county"
    town_supervision = Supervision.objects.get(title=TOWN_TITLE)
    assert town_supervision.level == "street" and town_supervision.is_overdue()
    on_hazard = Supervision.objects.get(target="hazard")
    assert on_hazard.published_on is not None
    # The demo's words come from the hazard itself: its number, its town, its category (no invented place or kind).
    assert hazard.number in on_hazard.title and hazard.get_category_display() in on_hazard.title
    assert "磁灶镇" in on_hazard.requirements and "陈埭" not in on_hazard.title + on_hazard.problem
    assert ProgressReport.objects.count() == 2


def test_admin_decides_an_extension_and_closes_with_evidence(client, admin_user_office, media_root):
    town = JurisdictionFactory()
    officer = OfficerProfileFactory(jurisdiction=town).user
    supervision = _unit_supervision(admin_user_office, town, listed_on=dt.date(2026, 3, 2), working_days=60)
    request = services.request_extension(
        supervision=supervision,
        by=officer,
        reason="设备采购",
        requested_deadline=dt.date(2026, 8, 31),
        on=dt.date(2026, 3, 3),
    )
    client.force_login(admin_user_office)
    url = f"/admin/committee/supervision/{supervision.pk}/extension/{request.pk}/"
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"decision": "approve", "approved_deadline": "2026-08-14", "note": "同意"}).status_code == 302
    )
    supervision.refresh_from_db()
    assert supervision.deadline == dt.date(2026, 8, 14)
    upload = SimpleUploadedFile("验收照片.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(
        f"/admin/committee/supervision/{supervision.pk}/close/",
        {"note": "经镇安监站验收合格", "files": [upload], "closed_on": "2026-08-10"},
    )
    assert response.status_code == 302
    supervision.refresh_from_db()
    assert supervision.status == "closed" and supervision.evidence.count() == 1
    evidence = supervision.evidence.get()
    download = client.get(reverse("committee:supervision_evidence", args=[supervision.pk, evidence.pk]))
    assert download.status_code == 200
    page = client.get(f"/admin/committee/supervision/{supervision.pk}/change/").content.decode()
    assert "摘牌公示" in page and 'name="title"' not in page  # closed: read-only


def test_escalation_of_a_supervision_whose_hazard_is_already_closed_does_not_fail(staff):
    from inspections.models import Hazard

    hazard = HazardFactory()
    supervision = services.create_supervision(
        by=staff, target="hazard", hazard=hazard, level="street", title="x", problem="x",
        listed_on=dt.date(2026, 9, 30), working_days=3,
    )  # fmt: skip
    Hazard.objects.filter(pk=hazard.pk).update(status="closed", supervision_level="")
    assert services.escalate_overdue(today=dt.date(2026, 10, 12)) == [supervision.pk]
    hazard.refresh_from_db()
    assert hazard.supervision_level == ""


# --- Review 15: scope follows the hazard, issued notices are frozen, records are never deleted ----------


def _hazard_supervision(staff, hazard) -> Supervision:
    return services.create_supervision(
        by=staff,
        target="hazard",
        hazard=hazard,
        level="county",
        title="某鞋业公司消防通道堵塞",
        problem="安全出口被货物堵塞。",
        listed_on=dt.date(2026, 9, 30),
        working_days=3,
    )


def test_reassigning_the_hazards_unit_moves_the_supervision_to_the_new_unit(staff, django_capture_on_commit_callbacks):
    from inspections import services as inspection_services
    from safetyportal.messaging.models import MessageDelivery

    old_unit, new_unit = MemberUnitFactory(name="市住建局"), MemberUnitFactory(name="市应急局")
    old_officer = OfficerProfileFactory(jurisdiction=None, member_unit=old_unit).user
    new_officer = OfficerProfileFactory(jurisdiction=None, member_unit=new_unit).user
    hazard = HazardFactory(level="general", responsible_unit=old_unit)
    supervision = _hazard_supervision(staff, hazard)
    detail = reverse("committee:supervision_detail", args=[supervision.pk])
    progress = reverse("committee:supervision_progress", args=[supervision.pk])
    assert _client(old_officer).get(detail).status_code == 200
    assert _client(new_officer).get(detail).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        inspection_services.update_hazard(hazard=hazard, by=staff, values={"responsible_unit": new_unit})

    supervision.refresh_from_db()
    assert supervision.scope_member_unit_id == new_unit.pk
    assert MessageDelivery.objects.filter(user=new_officer, key__startswith=f"committee.supervision:{supervision.pk}:")
    assert supervision.scope_jurisdiction_id == hazard.jurisdiction_id
    event = supervision.events.filter(kind="changed").latest("pk")
    assert event.changes["scope_member_unit"] == [old_unit.pk, new_unit.pk]
    old_client = _client(old_officer)
    assert old_client.get(detail).status_code == 404
    assert old_client.post(progress, {"text": "原单位报送"}).status_code == 404
    assert supervision.title not in old_client.get(reverse("committee:supervision_list")).content.decode()
    assert not ProgressReport.objects.exists()
    assert not services.may_report(old_officer, supervision)
    new_client = _client(new_officer)
    assert new_client.get(detail).status_code == 200
    assert services.may_report(new_officer, supervision)
    assert new_officer.pk in services.unit_users(supervision)
    assert old_officer.pk not in services.unit_users(supervision)
    events = supervision.events.count()
    # A save that does not touch the unit or the jurisdiction changes nothing.
    inspection_services.update_hazard(hazard=hazard, by=staff, values={"address": "新地址1号"})
    assert supervision.events.count() == events


def test_a_closed_supervision_keeps_its_scope_when_the_hazard_moves(staff):
    from inspections import services as inspection_services

    old_unit, new_unit = MemberUnitFactory(), MemberUnitFactory()
    hazard = HazardFactory(level="general", responsible_unit=old_unit)
    supervision = _hazard_supervision(staff, hazard)
    Supervision.objects.filter(pk=supervision.pk).update(status=SupervisionStatus.CLOSED)
    inspection_services.update_hazard(hazard=hazard, by=staff, values={"responsible_unit": new_unit})
    supervision.refresh_from_db()
    assert supervision.scope_member_unit_id == old_unit.pk


def test_an_issued_notice_freezes_listing_date_working_days_and_level(admin_user_office, no_broker, media_root):
    from django.template.loader import render_to_string

    from committee.supervision_documents import build_supervision_notice
    from safetyportal.documents.context import engine_context
    from safetyportal.documents.models import GeneratedDocument

    supervision = _unit_supervision(admin_user_office, JurisdictionFactory(name="安海镇"))
    # Before a notice is issued the listing can still be corrected.
    supervision.working_days = 4
    services.save_supervision(supervision=supervision, by=admin_user_office)
    supervision.working_days = 3
    services.save_supervision(supervision=supervision, by=admin_user_office)
    notice = document_services.issue(SupervisionNoticeFactory(supervision=supervision), by=admin_user_office)
    notice = SupervisionNotice.objects.get(pk=notice.pk)
    assert notice.snapshot["listed_on"] == "2026-09-30"
    for field, value in (("listed_on", dt.date(2026, 10, 8)), ("working_days", 10), ("level", "county")):
        fresh = Supervision.objects.get(pk=supervision.pk)
        setattr(fresh, field, value)
        with pytest.raises(ValidationError, match="督办通知已印发"):
            services.save_supervision(supervision=fresh, by=admin_user_office)
    fresh = Supervision.objects.get(pk=supervision.pk)
    assert (fresh.listed_on, fresh.working_days, fresh.level) == (dt.date(2026, 9, 30), 3, "street")
    # Other content can still be corrected.
    fresh.requirements = "按期书面报告。"
    services.save_supervision(supervision=fresh, by=admin_user_office)
    # The issued paper prints its frozen listing date, whatever the live row says.
    Supervision.objects.filter(pk=supervision.pk).update(listed_on=dt.date(2026, 10, 9))
    spec = build_supervision_notice(GeneratedDocument.objects.get(pk=notice.document_id))
    assert spec.context["listed_text"] == chinese_date(dt.date(2026, 9, 30))
    html = render_to_string(spec.template_name, {**engine_context(notice.document), **spec.context})
    assert chinese_date(dt.date(2026, 9, 30)) in html and chinese_date(dt.date(2026, 10, 9)) not in html


def test_extension_requests_are_never_deleted_and_decided_ones_not_changed_in_bulk(staff):
    from django.db.models.deletion import ProtectedError

    from committee.supervision_models import ExtensionRequest
    from tests.committee.factories_supervision import ExtensionRequestFactory

    pending = ExtensionRequestFactory()
    decided = ExtensionRequestFactory(status=ExtensionStatus.REJECTED, decision_note="理由不充分。")
    with pytest.raises(ProtectedError):
        ExtensionRequest.objects.filter(pk=pending.pk).delete()
    with pytest.raises(ProtectedError):
        pending.delete()
    with pytest.raises(ValidationError, match="已批复的延期申请不能修改"):
        ExtensionRequest.objects.filter(pk=decided.pk).update(status=ExtensionStatus.APPROVED)
    with pytest.raises(ValidationError, match="已批复的延期申请不能修改"):
        ExtensionRequest.objects.all().update(decision_note="改写")
    decided.decision_note = "改写"
    with pytest.raises(ValidationError):
        ExtensionRequest.objects.bulk_update([decided], ["decision_note"])
    assert ExtensionRequest.objects.filter(pk=pending.pk).update(reason="补充理由。") == 1
    decided.refresh_from_db()
    assert (
        ExtensionRequest.objects.count() == 2
        and decided.status == "rejected"
        and decided.decision_note == "理由不充分。"
    )


def test_progress_attachments_and_closure_evidence_are_never_deleted(staff):
    from django.db.models.deletion import ProtectedError

    from committee.supervision_models import ProgressAttachment, SupervisionEvidence

    attachment = ProgressAttachmentFactory()
    evidence = SupervisionEvidenceFactory()
    for row in (attachment, evidence):
        with pytest.raises(ProtectedError):
            row.delete()
        with pytest.raises(ProtectedError):
            type(row).objects.filter(pk=row.pk).delete()
    assert ProgressAttachment.objects.filter(pk=attachment.pk).exists()
    assert SupervisionEvidence.objects.filter(pk=evidence.pk).exists()
