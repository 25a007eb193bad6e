"""The overdue beat job: a hazard past its rectification deadline is flagged once, its unit and officers told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from inspections import services, tasks
from inspections.models import EventKind, HazardEvent, HazardNotification, HazardStatus
from tests.core.factories import MemberUnitFactory
from tests.inspections.factories import HazardFactory, ReporterIdentityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(unit_a):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return HazardFactory(
        jurisdiction=unit_a,
        status=HazardStatus.RECTIFYING,
        rectification_deadline=yesterday,
        responsible_unit=MemberUnitFactory(name="市消防救援大队"),
    )


def test_an_overdue_hazard_is_flagged_once(overdue, officer_a, django_capture_on_commit_callbacks):
    officer_a.email = "lingyuan@example.cn"
    officer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_overdue_hazards() == [overdue.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_overdue_hazards() == []
        assert tasks.flag_overdue_hazards() == 0

    overdue.refresh_from_db()
    assert overdue.overdue_flagged_at is not None
    assert HazardEvent.objects.filter(hazard=overdue, kind=EventKind.OVERDUE).count() == 1
    notification = HazardNotification.objects.get()
    assert notification.unit.name == "市消防救援大队" and notification.jurisdiction_id == overdue.jurisdiction_id
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lingyuan@example.cn"]
    assert overdue.number in mail.outbox[0].subject and "超过整改期限1天" in mail.outbox[0].body


def test_not_yet_due_closed_or_reviewed_hazards_are_not_flagged(unit_a):
    today = timezone.localdate()
    HazardFactory(jurisdiction=unit_a, status=HazardStatus.RECTIFYING, rectification_deadline=today)
    HazardFactory(
        jurisdiction=unit_a, status=HazardStatus.PENDING_REVIEW, rectification_deadline=today - dt.timedelta(days=3)
    )
    HazardFactory(jurisdiction=unit_a, status=HazardStatus.CLOSED, rectification_deadline=today - dt.timedelta(days=3))
    assert services.flag_overdue_hazards() == []


def test_a_new_deadline_lets_the_hazard_be_flagged_again(overdue, staff):
    services.flag_overdue_hazards()
    services.update_hazard(
        hazard=overdue, by=staff, values={"rectification_deadline": timezone.localdate() + dt.timedelta(days=5)}
    )
    overdue.refresh_from_db()
    assert overdue.overdue_flagged_at is None
    assert services.flag_overdue_hazards(today=timezone.localdate() + dt.timedelta(days=6)) == [overdue.pk]


def test_the_overdue_mail_says_nothing_about_the_reporter(unit_a, officer_a, django_capture_on_commit_callbacks):
    officer_a.email = "o@example.cn"
    officer_a.save()
    identity = ReporterIdentityFactory(
        name="隗探针",
        phone="13900000004",
        report__hazard__jurisdiction=unit_a,
        report__hazard__status=HazardStatus.RECTIFYING,
        report__hazard__rectification_deadline=timezone.localdate() - dt.timedelta(days=2),
        report__hazard__description="举报内容：隗探针家楼下的仓库堆满了易燃物。",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_overdue_hazards()
    assert len(mail.outbox) == 1
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert identity.name not in text and identity.phone not in text
    assert "易燃物" not in text  # the description is never mailed
