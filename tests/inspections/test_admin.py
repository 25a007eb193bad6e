"""The office's admin screens: every write goes through a service and leaves an audit row (T56); legal records are
voided, never deleted (T60); orders are numbered in the issuing transaction; cases are previewed, published and
withdrawn from the admin."""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.deletion import ProtectedError
from django.test import Client
from django.utils import timezone
from PIL import Image

from inspections import public_cache
from inspections.models import (
    CaseStatus,
    ExposureCase,
    Hazard,
    HazardEvent,
    HazardStatus,
    Inspection,
    PenaltyCase,
    RecordHistory,
    RectificationOrder,
)
from safetyportal.documents.models import GeneratedDocument
from tests.core.factories import EnterpriseFactory, JurisdictionFactory, StaffUserFactory
from tests.inspections.conftest import grant
from tests.inspections.factories import (
    ExposureCaseFactory,
    HazardFactory,
    InspectionFactory,
    PenaltyCaseFactory,
    PublicReportFactory,
    RectificationOrderFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(admin_user_office) -> Client:
    grant(admin_user_office, "publish_exposurecase", "issue_rectificationorder")
    client = Client()
    client.force_login(admin_user_office)
    return client


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), "orange").save(buffer, "JPEG")
    return SimpleUploadedFile("after.jpg", buffer.getvalue(), content_type="image/jpeg")


def history_count() -> int:
    return RecordHistory.objects.count() + HazardEvent.objects.count()


def test_every_inspections_admin_page_renders(office, unit_a, no_broker):
    hazard = HazardFactory(jurisdiction=unit_a, level="major")
    report = PublicReportFactory(hazard__jurisdiction=unit_a)
    penalty, inspection = PenaltyCaseFactory(), InspectionFactory()
    order, case = RectificationOrderFactory(), ExposureCaseFactory()
    urls = [
        "/admin/inspections/",
        "/admin/inspections/hazard/",
        "/admin/inspections/hazard/add/",
        f"/admin/inspections/hazard/{hazard.pk}/change/",
        f"/admin/inspections/hazard/{hazard.pk}/transition/",
        f"/admin/inspections/hazard/{hazard.pk}/supervision/",
        "/admin/inspections/publicreport/",
        f"/admin/inspections/publicreport/{report.pk}/change/",
        f"/admin/inspections/publicreport/{report.pk}/reward/",
        "/admin/inspections/inspection/",
        "/admin/inspections/inspection/add/",
        "/admin/inspections/inspection/due/",
        f"/admin/inspections/inspection/{inspection.pk}/change/",
        f"/admin/inspections/inspection/{inspection.pk}/void/",
        "/admin/inspections/penaltycase/",
        f"/admin/inspections/penaltycase/{penalty.pk}/change/",
        "/admin/inspections/rectificationorder/",
        f"/admin/inspections/rectificationorder/{order.pk}/change/",
        f"/admin/inspections/rectificationorder/{order.pk}/issue/",
        f"/admin/inspections/rectificationorder/{order.pk}/pdf-preview/",
        "/admin/inspections/exposurecase/",
        "/admin/inspections/exposurecase/add/",
        f"/admin/inspections/exposurecase/{case.pk}/change/",
        f"/admin/inspections/exposurecase/{case.pk}/preview/",
        f"/admin/inspections/exposurecase/{case.pk}/publish/",
        f"/admin/inspections/exposurecase/{case.pk}/withdraw/",
        "/admin/inspections/exposurecase/board/",
        "/admin/inspections/identityaccesslog/",
        "/admin/safetyportal/recordhistory/",
    ]
    for url in urls:
        response = office.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert "Traceback" not in response.content.decode()


def test_admin_operations_all_leave_an_audit_row(office, admin_user_office, unit_a, no_broker):
    """T56 on a sample of every kind of admin write: adds, changes, transitions, bulk actions, issues, voids."""
    enterprise = EnterpriseFactory(jurisdiction=unit_a)
    operations = 0

    def did(response, expected=(302,)):  # type: ignore[no-untyped-def]
        nonlocal operations
        assert response.status_code in expected, response.content.decode()[:3000]
        operations += 1

    start = history_count()
    for n in range(5):
        did(
            office.post(
                "/admin/inspections/hazard/add/",
                {
                    "source": "routine",
                    "category": "fire",
                    "level": "general",
                    "jurisdiction": unit_a.pk,
                    "enterprise": enterprise.pk,
                    "address": f"工业区{n}号",
                    "description": "安全出口被堵塞。",
                },
            )
        )
    hazards = list(Hazard.objects.order_by("pk"))
    for hazard in hazards:
        did(
            office.post(
                f"/admin/inspections/hazard/{hazard.pk}/change/",
                {
                    "external_ticket": "",
                    "category": "fire",
                    "level": "general",
                    "enterprise": enterprise.pk,
                    "inspection": "",
                    "address": hazard.address,
                    "description": "安全出口被堵塞，已拍照取证。",
                    "responsible_unit": "",
                    "responsible_person": "",
                    "rectification_deadline": "",
                },
            )
        )
        did(
            office.post(
                f"/admin/inspections/hazard/{hazard.pk}/transition/", {"to_status": "verifying", "reason": "核查"}
            )
        )
        did(
            office.post(
                f"/admin/inspections/hazard/{hazard.pk}/transition/",
                {
                    "to_status": "rectifying",
                    "reason": "属实",
                    "deadline": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
                },
            )
        )
    for n in range(5):
        did(
            office.post(
                "/admin/inspections/penaltycase/add/",
                {
                    "enterprise": enterprise.pk,
                    "hazard": hazards[n].pk,
                    "facts": "未消除事故隐患。",
                    "violated_provision": "《中华人民共和国安全生产法》第四十一条第二款",
                    "legal_basis": "《中华人民共和国安全生产法》第一百零二条",
                    "decision_number": f"（晋）应急罚〔2026〕{n + 1}号",
                    "fine": "30000",
                    "other_measures": "",
                    "principal_person": "",
                    "principal_fine": "",
                    "enforcing_body": "",
                    "decided_on": timezone.localdate().isoformat(),
                },
            )
        )
        did(
            office.post(
                "/admin/inspections/inspection/add/",
                {
                    "kind": "routine",
                    "inspected_on": timezone.localdate().isoformat(),
                    "enterprise": enterprise.pk,
                    "team_note": "",
                    "summary": "日常检查",
                },
            )
        )
    penalties = list(PenaltyCase.objects.all())
    did(
        office.post(
            "/admin/inspections/penaltycase/",
            {
                "action": "draft_exposure_cases",
                "_selected_action": [p.pk for p in penalties],
            },
        )
    )
    cases = list(ExposureCase.objects.all())
    assert len(cases) == 5
    did(
        office.post(
            "/admin/inspections/exposurecase/",
            {"action": "publish_selected", "_selected_action": [c.pk for c in cases]},
        )
    )
    did(office.post(f"/admin/inspections/exposurecase/{cases[0].pk}/withdraw/", {"reason": "名称有误"}))
    did(office.post(f"/admin/inspections/inspection/{Inspection.objects.first().pk}/void/", {"reason": "重复录入"}))
    did(office.post(f"/admin/inspections/penaltycase/{penalties[0].pk}/void/", {"reason": "文号录入错误"}))
    authority = RectificationOrderFactory.build().authority
    did(
        office.post(
            "/admin/inspections/rectificationorder/add/",
            {
                "enterprise": enterprise.pk,
                "authority": authority.pk,
                "inspection": "",
                "hazards": [hazards[0].pk],
                "findings": "",
                "requirements": "请立即整改。",
                "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
                "legal_basis": "《中华人民共和国安全生产法》第六十五条",
            },
        )
    )
    order = RectificationOrder.objects.get()
    did(office.post(f"/admin/inspections/rectificationorder/{order.pk}/issue/"))

    written = history_count() - start
    # Bulk actions write a row per object; hazard adds write their creation event.
    assert written >= operations
    rows = list(RecordHistory.objects.all()) + list(HazardEvent.objects.all())
    assert all(row.at.tzinfo is not None for row in rows)
    assert all(getattr(row, "actor", None) == admin_user_office for row in rows)
    bare = [row for row in rows if not (row.changes or getattr(row, "note", "") or getattr(row, "reason", ""))]
    assert not bare, [(str(row), getattr(row, "reason", "")) for row in bare]
    assert RecordHistory.objects.filter(action="publish").count() == 5
    assert RecordHistory.objects.filter(action="void").count() == 2
    assert RecordHistory.objects.filter(action="issue", object_id=order.pk).exists()


def test_legal_records_cannot_be_deleted(office, admin_user_office):
    records = [InspectionFactory(), PenaltyCaseFactory(), RectificationOrderFactory()]
    for record in records:
        opts = record._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/{record.pk}/delete/"
        assert office.post(url, {"post": "yes"}).status_code == 403
        changelist = f"/admin/{opts.app_label}/{opts.model_name}/"
        office.post(changelist, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
        with pytest.raises(ProtectedError):
            record.delete()
        with pytest.raises(ProtectedError):
            type(record).objects.filter(pk=record.pk).delete()
        assert type(record).objects.filter(pk=record.pk).exists()
    hazard = HazardFactory()
    assert office.post(f"/admin/inspections/hazard/{hazard.pk}/delete/", {"post": "yes"}).status_code == 403


def test_orders_are_numbered_in_sequence_and_locked(office, admin_user_office, no_broker):
    year = timezone.localdate().year
    first, second = (
        RectificationOrderFactory(findings="一、安全出口堵塞"),
        RectificationOrderFactory(findings="二、灭火器过期"),
    )
    late = RectificationOrderFactory(findings="期限已过", deadline=timezone.localdate() - dt.timedelta(days=1))
    office.post(f"/admin/inspections/rectificationorder/{late.pk}/issue/")
    office.post(f"/admin/inspections/rectificationorder/{first.pk}/issue/")
    office.post(f"/admin/inspections/rectificationorder/{second.pk}/issue/")
    first.refresh_from_db(), second.refresh_from_db(), late.refresh_from_db()
    assert (first.number, second.number) == (f"晋应急责改〔{year}〕1号", f"晋应急责改〔{year}〕2号")
    assert late.status == "draft" and late.number == ""  # a refused issue consumes no number
    assert GeneratedDocument.objects.filter(kind="rectification_order", is_preview=False).count() == 2
    page = office.get(f"/admin/inspections/rectificationorder/{first.pk}/change/").content.decode()
    assert 'name="findings"' not in page  # read-only once issued
    office.post(
        f"/admin/inspections/rectificationorder/{first.pk}/change/", {"findings": "改写", "deadline": "2030-01-01"}
    )
    first.refresh_from_db()
    assert first.findings == "一、安全出口堵塞"


def test_staff_without_the_right_cannot_issue_or_publish(client, no_broker):
    order, case = (
        RectificationOrderFactory(findings="问题"),
        ExposureCaseFactory(status=CaseStatus.DRAFT, published_at=None),
    )
    clerk = grant(
        StaffUserFactory(),
        "view_rectificationorder",
        "change_rectificationorder",
        "view_exposurecase",
        "change_exposurecase",
    )
    client.force_login(clerk)
    client.post(f"/admin/inspections/rectificationorder/{order.pk}/issue/")
    order.refresh_from_db()
    assert order.status == "draft"
    assert client.post(f"/admin/inspections/exposurecase/{case.pk}/publish/").status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_a_case_is_previewed_masked_published_and_withdrawn_from_the_admin(office):
    unit = JurisdictionFactory()
    office.post(
        "/admin/inspections/exposurecase/add/",
        {
            "public_until": "",
            "kind": "penalty",
            "category": "industry",
            "jurisdiction": unit.pk,
            "enterprise": "",
            "hazard": "",
            "penalty": "",
            "case_date": "",
            "principal_person": "甄金丝",
            "title": "某鞋业公司违法案",
            "display_name": "晋江市某鞋业有限公司",
            "summary": "",
            "body": "主要负责人甄金丝，手机13900000001。",
            "legal_basis": "",
            "penalty_text": "罚款2万元",
            "warning": "",
            "media_url": "",
        },
    )
    case = ExposureCase.objects.get()
    preview = office.get(f"/admin/inspections/exposurecase/{case.pk}/preview/").content.decode()
    assert "甄某" in preview and "甄金丝" not in preview and "139******01" in preview and "预览" in preview
    confirm = office.get(f"/admin/inspections/exposurecase/{case.pk}/publish/").content.decode()
    assert "甄某" in confirm
    assert office.post(f"/admin/inspections/exposurecase/{case.pk}/publish/").status_code == 302
    public_cache.bump_version()
    assert "某鞋业公司违法案" in Client().get("/exposure/").content.decode()
    office.post(f"/admin/inspections/exposurecase/{case.pk}/withdraw/", {"reason": "当事人已整改，提前撤下"})
    public_cache.bump_version()
    assert "某鞋业公司违法案" not in Client().get("/exposure/").content.decode()
    assert Client().get(f"/exposure/{case.pk}/").status_code == 410


def test_changing_the_public_until_date_of_a_published_case_takes_effect(office, django_capture_on_commit_callbacks):
    case = ExposureCaseFactory(public_title="期满即撤")
    assert "期满即撤" in Client().get("/exposure/").content.decode()
    data = {
        name: getattr(case, name) or ""
        for name in (
            "kind",
            "category",
            "title",
            "display_name",
            "summary",
            "body",
            "legal_basis",
            "penalty_text",
            "warning",
            "media_url",
        )
    }
    data.update(
        {
            "jurisdiction": case.jurisdiction_id,
            "public_until": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "enterprise": "",
            "hazard": "",
            "penalty": "",
            "case_date": "",
            "principal_person": "",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert office.post(f"/admin/inspections/exposurecase/{case.pk}/change/", data).status_code == 302
    assert "期满即撤" not in Client().get("/exposure/").content.decode()


def test_a_transition_in_the_admin_needs_an_after_photo_to_go_to_review(office, unit_a):
    hazard = HazardFactory(
        jurisdiction=unit_a, status=HazardStatus.RECTIFYING, rectification_deadline=timezone.localdate()
    )
    url = f"/admin/inspections/hazard/{hazard.pk}/transition/"
    response = office.post(url, {"to_status": "pending_review", "reason": "已整改"})
    assert response.status_code == 200 and "整改后照片" in response.content.decode()
    assert office.post(url, {"to_status": "pending_review", "reason": "已整改", "photos": [jpeg()]}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.PENDING_REVIEW
    photo = hazard.photos.get()
    image = office.get(f"/admin/inspections/hazard/{hazard.pk}/photos/{photo.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_rewards_are_for_verified_reports_only(office, unit_a):
    report = PublicReportFactory(hazard__jurisdiction=unit_a)
    url = f"/admin/inspections/publicreport/{report.pk}/reward/"
    data = {"reward_amount": "500", "reward_paid_on": timezone.localdate().isoformat()}
    assert "核查属实" in office.post(url, data).content.decode()
    report.hazard.status = HazardStatus.CLOSED
    report.hazard.save()
    assert office.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.reward_amount == 500 and report.reward_paid_on == timezone.localdate()
    assert "已登记奖励" in office.post(url, data).content.decode()


def test_admin_sort_and_filter_parameters_never_fail(office):
    HazardFactory(), ExposureCaseFactory(), PublicReportFactory()
    changelists = [
        f"/admin/inspections/{model}/" for model in ("hazard", "publicreport", "exposurecase", "identityaccesslog")
    ]
    for changelist in [*changelists, "/admin/safetyportal/recordhistory/"]:
        for query in (
            "o=99",
            "o=-1.x",
            "o='",
            "identity__name=x",
            "public_report__identity__phone__startswith=139",
            "q=%00",
            "status__in=closed'",
            "p=999999",
        ):
            response = office.get(f"{changelist}?{query}")
            # 400 is Django refusing a lookup that is not allowlisted (DisallowedModelAdminLookup): no 5xx, no oracle.
            assert response.status_code in (200, 302, 400), (changelist, query, response.status_code)


AUDITED = {
    "Hazard",
    "HazardEvent",
    "HazardPhoto",
    "PublicReport",
    "ReporterIdentity",
    "IdentityAccessLog",
    "RecordHistory",
    "Inspection",
    "PenaltyCase",
    "RectificationOrder",
    "ExposureCase",
    "HazardNotification",
}
RAW_WRITES = re.compile(r"\.(update|bulk_create|bulk_update)\(")


def test_no_raw_bulk_writes_on_audited_models_outside_the_services():
    """T56's CI grep: .update(, bulk_create(, bulk_update( on this app's models appear only in services.py."""
    offenders = []
    for path in sorted((Path(settings.BASE_DIR) / "inspections").rglob("*.py")):
        if path.name == "services.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("update", "bulk_create", "bulk_update")
            ):
                source = ast.get_source_segment(path.read_text(encoding="utf-8"), node) or ""
                if any(name in source for name in AUDITED) or ".objects" in source or "_set." in source:
                    offenders.append(f"{path.name}:{node.lineno}: {source[:80]}")
    assert not offenders, offenders
    services_source = (Path(settings.BASE_DIR) / "inspections" / "services.py").read_text(encoding="utf-8")
    assert not RAW_WRITES.search(services_source), "the services save row by row, with history"


def test_the_staff_group_may_not_reveal_or_delete(staff):
    assert not staff.has_perm("inspections.view_reporter_identity")
    assert staff.has_perm("inspections.change_hazard") and not staff.has_perm("inspections.delete_hazard")
    assert not StaffUserFactory().has_perm("inspections.view_hazard")
