"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from safetyportal.roles import ADMIN_GROUP, STAFF_GROUP
from tests.core.factories import (
    TEST_PASSWORD,
    JurisdictionFactory,
    OfficerProfileFactory,
    StaffUserFactory,
)


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
