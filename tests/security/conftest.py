"""Fixtures of the security suite: signed-in clients for each role and a little data for crawls to render."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.core.factories import EnterpriseFactory, PersonFactory


@pytest.fixture
def fast_password_hasher(settings):
    """Login-heavy tests (lockout, sessions) hash many passwords: MD5 keeps them fast. Use it only where the hasher
    is not what the test is about (T07 checks the production hasher)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer_client(officer_a) -> Client:
    client = Client()
    client.force_login(officer_a)
    return client


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def crawl_data(unit_a, unit_b):
    """An enterprise and a person in each unit, so that dashboards, changelists and change forms have rows."""
    enterprises = [EnterpriseFactory(jurisdiction=unit) for unit in (unit_a, unit_b)]
    people = [
        PersonFactory(jurisdiction=unit, enterprise=enterprise)
        for unit, enterprise in zip((unit_a, unit_b), enterprises, strict=True)
    ]
    return {"enterprises": enterprises, "people": people}
