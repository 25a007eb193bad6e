"""Review 12 §2: an office officer issues only its own drafts, only to units of its own tree; the link between a unit
and its issuing authority is set by administrators only and every change is in the role audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from campaigns import cascade, services
from campaigns.models import Notice, NoticeReceipt, NoticeStatus, UnitAuthority
from safetyportal.documents import services as document_services
from safetyportal.models import RoleChange, RoleChangeKind
from tests.campaigns.conftest import media_root  # noqa: F401
from tests.campaigns.test_cascade import client_for, network  # noqa: F401
from tests.core.documents_support import make_authority
from tests.core.factories import JurisdictionFactory


def _office_draft(network, **assignment):  # type: ignore[no-untyped-def]  # noqa: F811
    return cascade.save_notice(
        by=network["office"],
        fields={"title": "灵源街道的通知", "body": "正文"},
        assignment=cascade.Assignment(**assignment),
    )


def test_office_cannot_issue_a_staff_draft_under_its_authority_to_units_outside_its_tree(network):  # noqa: F811
    notice = Notice.objects.create(authority=network["authority"], title="员工起草的通知", body="正文")
    notice.recipient_jurisdictions.set([network["other"], network["other_community"]])
    notice.recipient_units.set([network["city_member"]])
    client = client_for(network["office"])
    assert client.get(reverse("portal:office_notice_issue", args=[notice.pk])).status_code == 404
    assert client.get(reverse("portal:office_notice_edit", args=[notice.pk])).status_code == 404
    response = client.post(reverse("portal:office_notice_issue", args=[notice.pk]), {"_confirm": "1"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        document_services.issue(notice, by=network["office"])
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and not notice.number
    assert not NoticeReceipt.objects.filter(notice=notice).exists()


def test_staff_drafts_under_the_office_authority_are_not_in_the_office_list(network):  # noqa: F811
    Notice.objects.create(authority=network["authority"], title="员工起草的通知", body="正文")
    own = _office_draft(network, all_children=True)
    page = client_for(network["office"]).get(reverse("portal:office_notices")).content.decode()
    assert own.title in page and "员工起草的通知" not in page


def test_office_cannot_issue_its_own_draft_once_it_names_a_unit_outside_its_tree(network):  # noqa: F811
    notice = _office_draft(network, all_children=True, all_members=True)
    assert notice.may_issue(network["office"])
    for outside in ([network["other_community"]], [network["lingyuan"]], [network["other"]]):
        notice.recipient_jurisdictions.add(*outside)
        assert not notice.may_issue(network["office"])
        with pytest.raises(PermissionDenied):
            document_services.issue(notice, by=network["office"])
        notice.recipient_jurisdictions.remove(*outside)
    notice.recipient_units.add(network["city_member"])
    with pytest.raises(PermissionDenied):
        document_services.issue(notice, by=network["office"])
    notice.recipient_units.remove(network["city_member"])
    issued = document_services.issue(notice, by=network["office"])
    assert issued.status == NoticeStatus.ISSUED
    assert NoticeReceipt.objects.filter(notice=notice).count() == len(network["communities"]) + len(network["members"])


def test_a_correction_drafted_by_staff_is_not_the_office_to_issue(network, staff_user):  # noqa: F811
    notice = document_services.issue(_office_draft(network, all_children=True), by=network["office"])
    correction = services.draft_correction(notice=notice, by=staff_user)
    assert not correction.may_issue(network["office"])


def test_staff_still_issue_anything(network, admin_user_office):  # noqa: F811
    notice = Notice.objects.create(authority=network["authority"], title="员工起草的通知", body="正文")
    notice.recipient_jurisdictions.set([network["other"]])
    assert document_services.issue(notice, by=admin_user_office).status == NoticeStatus.ISSUED


def test_ordinary_staff_cannot_add_or_change_unit_authorities(network, staff_user, client):  # noqa: F811
    client.force_login(staff_user)
    link = UnitAuthority.objects.get(jurisdiction=network["lingyuan"])
    assert client.get(reverse("admin:campaigns_unitauthority_add")).status_code == 403
    response = client.post(
        reverse("admin:campaigns_unitauthority_change", args=[link.pk]),
        {"jurisdiction": network["lingyuan"].pk, "authority": make_authority("晋安办").pk},
    )
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.authority == network["authority"]


def test_administrator_changes_of_unit_authorities_are_audited(network, admin_user_office, client):  # noqa: F811
    client.force_login(admin_user_office)
    unit = JurisdictionFactory(parent=network["county"], name="新塘街道")
    authority = make_authority("新安办")
    response = client.post(
        reverse("admin:campaigns_unitauthority_add"), {"jurisdiction": unit.pk, "authority": authority.pk}
    )
    assert response.status_code == 302
    link = UnitAuthority.objects.get(jurisdiction=unit)
    replacement = make_authority("塘安办")
    response = client.post(
        reverse("admin:campaigns_unitauthority_change", args=[link.pk]),
        {"jurisdiction": unit.pk, "authority": replacement.pk},
    )
    assert response.status_code == 302
    rows = list(RoleChange.objects.filter(kind=RoleChangeKind.JURISDICTION).order_by("pk"))
    assert len(rows) == 2
    assert all(row.actor_id == admin_user_office.pk and "新塘街道" in row.target_name for row in rows)
    assert "新安办" in rows[0].after and "新安办" in rows[1].before and "塘安办" in rows[1].after


def test_an_authority_in_use_by_another_unit_is_not_linked(network, admin_user_office, client):  # noqa: F811
    city_authority = make_authority("晋安办")
    notice = Notice.objects.create(authority=city_authority, title="市本级通知", body="正文")
    notice.recipient_jurisdictions.set([network["lingyuan"]])
    document_services.issue(notice, by=admin_user_office)
    client.force_login(admin_user_office)
    unit = JurisdictionFactory(parent=network["county"], name="新塘街道")
    response = client.post(
        reverse("admin:campaigns_unitauthority_add"), {"jurisdiction": unit.pk, "authority": city_authority.pk}
    )
    assert response.status_code == 200 and "不能设为新塘街道的发文机关" in response.content.decode()
    assert not UnitAuthority.objects.filter(jurisdiction=unit).exists()
    assert not RoleChange.objects.filter(kind=RoleChangeKind.JURISDICTION).exists()
