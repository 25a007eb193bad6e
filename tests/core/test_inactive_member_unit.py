"""Review 12 §8: the accounts of a member unit no longer in use (dissolved, merged: ``MemberUnit.is_active`` False)
reach nothing in the portal (fail closed): no login, no page, no scoped row."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safetyportal.models import MemberUnit
from safetyportal.scoping import in_scope, is_officer, officer_unit
from tests.core.factories import MemberUnitFactory, OfficerProfileFactory


@pytest.fixture
def member_officer(db, password):
    profile = OfficerProfileFactory(jurisdiction=None, member_unit=MemberUnitFactory(name="市交通运输局"))
    profile.user.set_password(password)
    profile.user.save()
    return profile.user


def _deactivate(user) -> None:  # type: ignore[no-untyped-def]
    MemberUnit.objects.filter(pk=user.officer_profile.member_unit_id).update(is_active=False)
    user.refresh_from_db()  # the cached profile and unit are read again


def test_an_inactive_member_units_account_is_no_officer(member_officer):
    unit = member_officer.officer_profile.member_unit
    assert officer_unit(member_officer) is not None
    _deactivate(member_officer)
    assert officer_unit(member_officer) is None and not is_officer(member_officer)
    assert not in_scope(member_officer, member_unit=unit)
    assert not MemberUnit.objects.for_user(member_officer).exists()


def test_an_inactive_member_units_account_gets_no_portal_page(member_officer):
    client = Client()
    client.force_login(member_officer)
    assert client.get(reverse("portal:home")).status_code == 200
    _deactivate(member_officer)
    for name in ("portal:home", "portal:inbox"):
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.unverified_login
def test_an_inactive_member_units_account_cannot_sign_in(member_officer, password):
    _deactivate(member_officer)
    client = Client()
    response = client.post(reverse("portal:login"), {"username": member_officer.username, "password": password})
    assert response.status_code == 200 and "不是门户单位工作人员账号" in response.content.decode()
    assert "_auth_user_id" not in client.session
