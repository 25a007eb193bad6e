"""举报人信息保密: the identity is read on one screen only, by custodians with the restricted permission, each time
with a reason that leaves one row in a log nobody can edit (T25)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from inspections import services
from inspections.models import IdentityAccessLog, ReporterIdentity
from safetyportal.roles import ADMIN_GROUP, STAFF_GROUP
from tests.core.factories import StaffUserFactory
from tests.inspections.conftest import grant
from tests.inspections.factories import PublicReportFactory, ReporterIdentityFactory
from tests.otp import as_verified

pytestmark = pytest.mark.django_db


def reveal_url(report) -> str:  # type: ignore[no-untyped-def]
    return f"/admin/inspections/publicreport/{report.pk}/reveal/"


def test_no_role_gets_the_identity_permission_automatically():
    for name in (ADMIN_GROUP, STAFF_GROUP):
        assert not Group.objects.get(name=name).permissions.filter(codename="view_reporter_identity").exists()
    assert (
        not Permission.objects.filter(content_type__model="reporteridentity")
        .exclude(codename="view_reporter_identity")
        .exists()
    )  # no add/change/delete/view model permissions: no admin page can exist for it
    assert ReporterIdentity not in admin.site._registry


def test_each_reveal_writes_one_log_row_with_who_when_which_and_why(client, custodian):
    identity = ReporterIdentityFactory(name="甄金丝", phone="13900000001")
    client.force_login(custodian)

    form = client.get(reveal_url(identity.report))
    assert form.status_code == 200 and "甄金丝" not in form.content.decode()
    assert not IdentityAccessLog.objects.exists()  # opening the form reveals and logs nothing

    response = client.post(reveal_url(identity.report), {"reason": "核实举报奖励发放对象"})
    html = response.content.decode()
    assert "甄金丝" in html and "13900000001" in html
    assert "no-store" in response.headers["Cache-Control"]
    log = IdentityAccessLog.objects.get()
    assert (log.user, log.report, log.reason) == (custodian, identity.report, "核实举报奖励发放对象")
    assert log.viewed_at is not None

    client.post(reveal_url(identity.report), {"reason": "第二次查看：电话回访"})
    assert IdentityAccessLog.objects.count() == 2


def test_fifty_views_by_five_custodians_leave_fifty_rows(custodian):
    custodians = [custodian] + [grant(StaffUserFactory(), "view_reporter_identity") for _ in range(4)]
    reports = [ReporterIdentityFactory().report for _ in range(10)]
    for n in range(50):
        clerk = custodians[n % 5]
        assert services.reveal_identity(report=reports[n % 10], by=as_verified(clerk), reason=f"核查第{n}号").name
    assert IdentityAccessLog.objects.count() == 50
    assert {row.user_id for row in IdentityAccessLog.objects.all()} == {c.pk for c in custodians}


def test_a_reason_is_required_and_nothing_is_shown_without_one(client, custodian):
    identity = ReporterIdentityFactory(name="卞雀鸣")
    client.force_login(custodian)
    response = client.post(reveal_url(identity.report), {"reason": ""})
    assert "卞雀鸣" not in response.content.decode()
    with pytest.raises(ValidationError):
        services.reveal_identity(report=identity.report, by=as_verified(custodian), reason=" ")
    assert not IdentityAccessLog.objects.exists()


def test_without_the_permission_nobody_reveals_anything(client, staff, admin_user_office, officer_a):
    identity = ReporterIdentityFactory(name="岑哨兵")
    for user in (staff, admin_user_office):
        client.force_login(user)
        assert client.get(reveal_url(identity.report)).status_code == 403
        assert client.post(reveal_url(identity.report), {"reason": "好奇"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.reveal_identity(report=identity.report, by=user, reason="好奇想看看")
    client.force_login(officer_a)
    response = client.post(reveal_url(identity.report), {"reason": "好奇"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]  # officers never enter the admin
    assert "岑哨兵" not in Client().post(reveal_url(identity.report), {"reason": "x"}).content.decode()
    assert not IdentityAccessLog.objects.exists()


def test_the_access_log_cannot_be_changed_or_deleted_by_anyone(client, custodian):
    services.reveal_identity(report=ReporterIdentityFactory().report, by=as_verified(custodian), reason="核实奖励对象")
    log = IdentityAccessLog.objects.get()
    log.reason = "改写"
    with pytest.raises(PermissionDenied):
        log.save()
    with pytest.raises(PermissionDenied):
        log.delete()
    with pytest.raises(PermissionDenied):
        IdentityAccessLog.objects.update(reason="改写")
    with pytest.raises(PermissionDenied):
        IdentityAccessLog.objects.all().delete()
    codenames = set(
        Permission.objects.filter(content_type__model="identityaccesslog").values_list("codename", flat=True)
    )
    assert codenames == {"view_identityaccesslog"}
    superuser = StaffUserFactory(is_superuser=True)
    client.force_login(superuser)
    model_admin = admin.site._registry[IdentityAccessLog]
    request = client.get("/admin/").wsgi_request
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, log)
    assert not model_admin.has_delete_permission(request, log)
    assert client.post(f"/admin/inspections/identityaccesslog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    assert IdentityAccessLog.objects.get().reason == "核实奖励对象"


def test_the_report_admin_shows_no_identity_anywhere(client, staff):
    identity = ReporterIdentityFactory(name="隗探针", phone="13900000004")
    client.force_login(staff)
    pages = [
        "/admin/inspections/publicreport/",
        "/admin/inspections/publicreport/?q=隗",
        f"/admin/inspections/publicreport/{identity.report.pk}/change/",
        f"/admin/inspections/hazard/{identity.report.hazard.pk}/change/",
        "/admin/inspections/hazard/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "隗探针" not in html.replace("q=隗", "") and "13900000004" not in html, url
    # Searching by the reporter finds nothing: identity fields are not searchable (no oracle).
    page = client.get("/admin/inspections/publicreport/", {"q": "13900000004"}).content.decode()
    assert "0 条结果" in page or "0 个" in page or str(identity.report.hazard.number) not in page


def test_anonymous_reports_have_no_identity_row():
    report = PublicReportFactory()
    assert report.is_anonymous and not ReporterIdentity.objects.filter(report=report).exists()
