"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import post_save
from django.test.client import ClientMixin

from safetyportal.roles import ADMIN_GROUP, STAFF_GROUP
from tests.core.factories import (
    TEST_PASSWORD,
    JurisdictionFactory,
    OfficerProfileFactory,
    StaffUserFactory,
)
from tests.otp import device_for, verify_session

_plain_login = ClientMixin._login


@pytest.fixture(autouse=True)
def _logins_pass_the_second_factor(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``Client.force_login()``/``login()`` gives a session verified by a real TOTP device of that user, as the
    code step would, so that tests about something else need not log in twice. Every user a test creates gets its
    device at once, so that a login inside a test's "nothing changed" window writes no device row. Tests proving
    that the second factor is required opt out with ``@pytest.mark.unverified_login`` (then a forced login is
    password-only and users start without a device)."""
    if request.node.get_closest_marker("unverified_login"):
        return

    def login_and_verify(client, user, backend=None):  # type: ignore[no-untyped-def]
        _plain_login(client, user, backend)
        verify_session(client, user)

    def enrol_new_user(sender, instance, created, raw=False, **kwargs):  # type: ignore[no-untyped-def]
        if created and not raw:
            device_for(instance)

    monkeypatch.setattr(ClientMixin, "_login", login_and_verify)
    user_model = get_user_model()
    post_save.connect(enrol_new_user, sender=user_model, weak=False, dispatch_uid="tests-otp-enrol")
    request.addfinalizer(lambda: post_save.disconnect(sender=user_model, dispatch_uid="tests-otp-enrol"))


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])


@pytest.fixture
def admin_user_office(db):
    return StaffUserFactory(groups=[Group.objects.get(name=ADMIN_GROUP)])


@pytest.fixture
def unit_a(db):
    return JurisdictionFactory(name="甲街道")


@pytest.fixture
def unit_b(db):
    return JurisdictionFactory(name="乙街道")


@pytest.fixture
def officer_a(unit_a):
    return OfficerProfileFactory(jurisdiction=unit_a).user


@pytest.fixture
def officer_b(unit_b):
    return OfficerProfileFactory(jurisdiction=unit_b).user
