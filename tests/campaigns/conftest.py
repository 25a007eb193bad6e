"""Fixtures of the campaigns tests: a running campaign around today, a task assigned to units A and B."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.campaigns.factories import CampaignFactory, CampaignTaskFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def campaign(db, today):
    return CampaignFactory(
        year=today.year, starts_on=today - dt.timedelta(days=20), ends_on=today + dt.timedelta(days=40)
    )


@pytest.fixture
def task(campaign, unit_a, unit_b, today):
    """A one-off task due in two days, assigned to both units."""
    return CampaignTaskFactory(campaign=campaign, due_on=today + dt.timedelta(days=2), units=[unit_a, unit_b])


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
