"""The officer portal (/portal/hazards/): officers file hazards in their own jurisdiction and see only those; another
unit's hazard, photo or transition answers 404 and changes nothing (T11/T13/T14)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from inspections import services
from inspections.models import Hazard, HazardEvent, HazardPhoto, HazardStatus
from safetyportal.images import process_image
from tests.core.factories import CommunityFactory, EnterpriseFactory
from tests.inspections.factories import HazardFactory, InspectionFactory, PublicReportFactory
from tests.security.crawl import checksum_diff, db_checksum

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(officer_a) -> Client:
    client = Client()
    client.force_login(officer_a)
    return client


def jpeg(color: str = "blue") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), color).save(buffer, "JPEG")
    return buffer.getvalue()


def photo_of(hazard: Hazard, staff) -> HazardPhoto:  # type: ignore[no-untyped-def]
    return services.add_photos(hazard=hazard, stage="before", photos=[process_image(io.BytesIO(jpeg()))], by=staff)[0]


def test_officer_sees_only_own_units_hazards(officer_client, unit_a, unit_b):
    community = CommunityFactory(parent=unit_a)
    mine = [
        HazardFactory(jurisdiction=unit_a, address="本辖区甲"),
        HazardFactory(jurisdiction=community, address="本辖区社区"),
    ]
    HazardFactory(jurisdiction=unit_b, address="外辖区乙")
    html = officer_client.get("/portal/hazards/").content.decode()
    assert all(h.address in html for h in mine) and "外辖区乙" not in html
    assert "隐患排查治理" in html and "登记隐患" in html


def test_officer_cannot_reach_another_units_hazard(officer_client, unit_b, staff):
    """The IDOR probe for every portal route taking a hazard (detail, transition, photo): 404, nothing changed."""
    foreign = HazardFactory(jurisdiction=unit_b)
    photo = photo_of(foreign, staff)
    before = db_checksum()
    probes = [
        ("get", f"/portal/hazards/{foreign.pk}/", {}),
        ("post", f"/portal/hazards/{foreign.pk}/transition/", {"to_status": "verifying", "reason": "越权"}),
        ("get", f"/portal/hazards/{foreign.pk}/photos/{photo.pk}/", {}),
        ("get", f"/portal/hazards/{foreign.pk}/photos/{photo.pk}/?size=thumb", {}),
        ("get", f"/portal/hazards/{foreign.pk + 1000}/", {}),
    ]
    for method, url, data in probes:
        response = getattr(officer_client, method)(url, data)
        assert response.status_code == 404, (url, response.status_code)
    assert checksum_diff(before, db_checksum()) == {}


def test_a_photo_url_must_name_its_own_hazard(officer_client, unit_a, staff):
    one, two = HazardFactory(jurisdiction=unit_a), HazardFactory(jurisdiction=unit_a)
    photo = photo_of(one, staff)
    assert officer_client.get(f"/portal/hazards/{one.pk}/photos/{photo.pk}/").status_code == 200
    assert officer_client.get(f"/portal/hazards/{two.pk}/photos/{photo.pk}/").status_code == 404


def test_officer_files_a_hazard_with_photos(officer_client, officer_a, unit_a):
    enterprise = EnterpriseFactory(jurisdiction=unit_a)
    response = officer_client.post(
        "/portal/hazards/new/",
        {
            "source": "routine",
            "category": "fire",
            "level": "general",
            "jurisdiction": unit_a.pk,
            "enterprise": enterprise.pk,
            "address": "甲街道工业区8号",
            "description": "车间安全出口上锁。",
            "deadline": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
            "photos": [SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")],
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/hazards/{hazard.pk}/"
    assert hazard.created_by == officer_a and hazard.jurisdiction == unit_a and hazard.status == HazardStatus.ACCEPTED
    assert hazard.photos.get().stage == "before"
    assert HazardEvent.objects.get(hazard=hazard).actor == officer_a
    page = officer_client.get(response["Location"]).content.decode()
    assert "隐患已登记" in page and hazard.number in page


def test_officer_cannot_file_into_another_unit_or_for_its_enterprise(officer_client, unit_b):
    """T13: the foreign unit or enterprise is not a valid choice; nothing is saved."""
    foreign_enterprise = EnterpriseFactory(jurisdiction=unit_b)
    base = {
        "source": "routine",
        "category": "fire",
        "level": "general",
        "address": "x",
        "description": "越权登记测试。",
    }
    for data in (
        {**base, "jurisdiction": unit_b.pk},
        {**base, "jurisdiction": "", "enterprise": foreign_enterprise.pk},
    ):
        response = officer_client.post("/portal/hazards/new/", data)
        assert response.status_code == 400
        assert "选择一个有效的选项" in response.content.decode()
    response = officer_client.post("/portal/hazards/new/", {**base, "jurisdiction": "", "status": "closed"})
    assert response.status_code == 400
    assert not Hazard.objects.exists()


def test_status_and_author_cannot_be_posted(officer_client, unit_a, staff):
    response = officer_client.post(
        "/portal/hazards/new/",
        {
            "source": "routine",
            "category": "fire",
            "level": "general",
            "jurisdiction": unit_a.pk,
            "address": "x",
            "description": "字段越权测试。",
            "status": "closed",
            "created_by": staff.pk,
            "closed_at": "2020-01-01",
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.status == HazardStatus.ACCEPTED and hazard.created_by != staff and hazard.closed_at is None


def test_officer_handles_a_hazard_through_the_portal(officer_client, unit_a):
    hazard = HazardFactory(jurisdiction=unit_a)
    url = f"/portal/hazards/{hazard.pk}/transition/"
    assert officer_client.post(url, {"to_status": "verifying", "reason": "到场核查"}).status_code == 302
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    assert (
        officer_client.post(url, {"to_status": "rectifying", "reason": "属实", "deadline": deadline}).status_code == 302
    )
    missing = officer_client.post(url, {"to_status": "pending_review", "reason": "已整改"})
    assert missing.status_code == 400 and "整改后照片" in missing.content.decode()
    done = officer_client.post(
        url,
        {
            "to_status": "pending_review",
            "reason": "已整改",
            "rectification_note": "已清理通道",
            "photos": [SimpleUploadedFile("after.jpg", jpeg("green"), content_type="image/jpeg")],
        },
    )
    assert done.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_REVIEW and hazard.photos.filter(stage="after").count() == 1
    closing = officer_client.post(url, {"to_status": "closed", "reason": "自行销号"})
    assert closing.status_code == 400  # not among the officer's choices: the final review is the office's
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_REVIEW


def test_a_public_reports_page_in_the_portal_says_the_reporter_is_confidential(officer_client, unit_a):
    report = PublicReportFactory(hazard__jurisdiction=unit_a)
    html = officer_client.get(f"/portal/hazards/{report.hazard.pk}/").content.decode()
    assert "举报人信息依法保密" in html


@pytest.mark.parametrize("count", [3, 45])
def test_portal_lists_run_a_constant_number_of_queries(officer_client, unit_a, count, django_assert_max_num_queries):
    for n in range(count):
        HazardFactory(
            jurisdiction=unit_a,
            enterprise=EnterpriseFactory(jurisdiction=unit_a) if n % 2 else None,
            status=HazardStatus.RECTIFYING,
            rectification_deadline=timezone.localdate() - dt.timedelta(days=1),
        )
        InspectionFactory(enterprise=EnterpriseFactory(jurisdiction=unit_a))
    with django_assert_max_num_queries(12):
        assert officer_client.get("/portal/hazards/").status_code == 200
    with django_assert_max_num_queries(12):
        assert officer_client.get("/portal/hazards/?status=overdue&sort=deadline").status_code == 200
    with django_assert_max_num_queries(10):
        assert officer_client.get("/portal/hazards/inspections-due/").status_code == 200


def test_hostile_list_parameters_are_ignored(officer_client, unit_a):
    HazardFactory(jurisdiction=unit_a)
    for value in ("'--", "reporter__phone", "-public_report__identity__name", "\x00", "9" * 50, "closed' OR 1=1"):
        for name in ("status", "category", "sort", "page", "o"):
            assert officer_client.get("/portal/hazards/", {name: value}).status_code == 200


def test_due_inspections_follow_the_risk_grade(officer_client, unit_a):
    today = timezone.localdate()
    never = EnterpriseFactory(jurisdiction=unit_a, name="从未检查的A级企业", risk_grade="A")
    a_late = EnterpriseFactory(jurisdiction=unit_a, name="A级逾期企业", risk_grade="A")
    InspectionFactory(enterprise=a_late, inspected_on=today - dt.timedelta(days=120))
    d_fine = EnterpriseFactory(jurisdiction=unit_a, name="D级未到期企业", risk_grade="D")
    InspectionFactory(enterprise=d_fine, inspected_on=today - dt.timedelta(days=400))
    html = officer_client.get("/portal/hazards/inspections-due/").content.decode()
    assert never.name in html and a_late.name in html and d_fine.name not in html
    assert html.index(never.name) < html.index(a_late.name)


def test_due_soon_filter_lists_deadlines_within_seven_days(officer_client, unit_a, django_assert_max_num_queries):
    """The 7日内到期 filter: rectifying hazards whose deadline is today up to today + 7 (both included); the count on
    the list page agrees; overdue and closed hazards are not in it."""
    today = timezone.localdate()
    rows = {
        "今天到期": (HazardStatus.RECTIFYING, today),
        "第七天到期": (HazardStatus.RECTIFYING, today + dt.timedelta(days=7)),
        "第八天到期": (HazardStatus.RECTIFYING, today + dt.timedelta(days=8)),
        "昨天已逾期": (HazardStatus.RECTIFYING, today - dt.timedelta(days=1)),
        "办结地点": (HazardStatus.CLOSED, today + dt.timedelta(days=2)),
    }
    for address, (status, deadline) in rows.items():
        HazardFactory(jurisdiction=unit_a, address=address, status=status, rectification_deadline=deadline)
    with django_assert_max_num_queries(12):
        html = officer_client.get("/portal/hazards/?status=due_soon&sort=deadline").content.decode()
    listed = {address for address in rows if address in html}
    assert listed == {"今天到期", "第七天到期"}
    page = officer_client.get("/portal/hazards/").content.decode()
    assert "7日内到期" in page and 'href="?status=due_soon"' in page
