"""The morning reminders: tasks due within three days and overdue ones, in the portal and by e-mail, once per
officer, task and day."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from campaigns import services
from campaigns.models import Recurrence, Reminder, ReminderKind, ReturnStatus
from tests.campaigns.factories import ActivityReturnFactory, CampaignTaskFactory, ReminderFactory
from tests.core.factories import OfficerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(unit_a, unit_b):
    a = OfficerProfileFactory(jurisdiction=unit_a, user__email="a@example.org").user
    a2 = OfficerProfileFactory(jurisdiction=unit_a, user__email="").user  # no e-mail: portal only
    b = OfficerProfileFactory(jurisdiction=unit_b, user__email="b@example.org").user
    return {"a": a, "a2": a2, "b": b}


def test_due_soon_and_overdue_tasks_are_reminded_once_per_task_and_day(campaign, unit_a, unit_b, officers, today):
    soon = CampaignTaskFactory(campaign=campaign, title="活动方案", due_on=today + dt.timedelta(days=3), units=[unit_a])
    late = CampaignTaskFactory(
        campaign=campaign, title="阶段情况", due_on=today - dt.timedelta(days=2), units=[unit_a, unit_b]
    )
    CampaignTaskFactory(campaign=campaign, title="还早", due_on=today + dt.timedelta(days=4), units=[unit_a])

    first = services.send_reminders(today=today)

    reminders = {(r.officer.username, r.task.title, r.kind) for r in Reminder.objects.select_related("officer", "task")}
    assert reminders == {
        (officers["a"].username, "活动方案", ReminderKind.DUE_SOON),
        (officers["a2"].username, "活动方案", ReminderKind.DUE_SOON),
        (officers["a"].username, "阶段情况", ReminderKind.OVERDUE),
        (officers["a2"].username, "阶段情况", ReminderKind.OVERDUE),
        (officers["b"].username, "阶段情况", ReminderKind.OVERDUE),
    }
    assert (first.created, first.emailed) == (5, 3)
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.org", "b@example.org"]
    to_a = next(message for message in mail.outbox if message.to == ["a@example.org"])
    assert "活动报送提醒（2项）" in to_a.subject
    assert f"【已逾期】{campaign.name}“阶段情况”尚未报送，已逾期2天，请尽快报送。" in to_a.body
    assert "“活动方案”将于3天后" in to_a.body
    assert settings.SITE_URL + "/portal/" in to_a.body
    assert soon.reminders.count() == 2 and late.reminders.count() == 3

    # The job runs again the same morning (beat restarted, a retry): nothing new, no second e-mail.
    again = services.send_reminders(today=today)
    assert (again.created, again.emailed) == (0, 0)
    assert Reminder.objects.count() == 5 and len(mail.outbox) == 2

    # The next day it reminds again (and "还早" is now due within three days).
    services.send_reminders(today=today + dt.timedelta(days=1))
    assert Reminder.objects.filter(date=today + dt.timedelta(days=1)).count() == 7
    assert len(mail.outbox) == 4


def test_a_reported_period_is_not_reminded(campaign, unit_a, officers, today):
    task = CampaignTaskFactory(campaign=campaign, due_on=today + dt.timedelta(days=1), units=[unit_a])
    ActivityReturnFactory(
        task=task, jurisdiction=unit_a, status=ReturnStatus.SUBMITTED, first_submitted_at=timezone.now()
    )
    assert services.send_reminders(today=today).created == 0


def test_a_draft_does_not_count_as_reported(campaign, unit_a, officers, today):
    task = CampaignTaskFactory(campaign=campaign, due_on=today, units=[unit_a])
    ActivityReturnFactory(task=task, jurisdiction=unit_a)
    assert services.send_reminders(today=today).created == 2
    assert "今天" in Reminder.objects.first().message


def test_weekly_task_lists_its_overdue_weeks_in_one_reminder(campaign, unit_a, officers, today):
    CampaignTaskFactory(campaign=campaign, recurrence=Recurrence.WEEKLY, due_on=None, units=[unit_a])
    services.send_reminders(today=today)
    assert Reminder.objects.filter(officer=officers["a"]).count() == 1
    assert Reminder.objects.get(officer=officers["a"]).kind == ReminderKind.OVERDUE


def test_closed_campaigns_and_inactive_officers_get_nothing(campaign, unit_a, officers, today):
    CampaignTaskFactory(campaign=campaign, due_on=today, units=[unit_a])
    officers["a2"].is_active = False
    officers["a2"].save()
    campaign.status = "closed"
    campaign.save()
    assert services.send_reminders(today=today).created == 0
    campaign.status = "running"
    campaign.save()
    services.send_reminders(today=today)
    assert list(Reminder.objects.values_list("officer", flat=True)) == [officers["a"].pk]


def test_the_database_refuses_a_second_reminder_for_the_same_day(officers, task, today):
    ReminderFactory(officer=officers["a"], task=task, date=today)
    with pytest.raises(IntegrityError):
        ReminderFactory(officer=officers["a"], task=task, date=today)


def test_a_failed_e_mail_is_sent_on_the_next_run_and_only_then(campaign, unit_a, officers, today, monkeypatch):
    CampaignTaskFactory(campaign=campaign, due_on=today, units=[unit_a])

    def smtp_down(*args: object, **kwargs: object) -> None:
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(services, "send_mail", smtp_down)
    run = services.send_reminders(today=today)
    assert (run.created, run.emailed, run.failed_emails) == (2, 0, 1)
    assert Reminder.objects.filter(emailed_at__isnull=True).count() == 2

    monkeypatch.undo()
    run = services.send_reminders(today=today)
    assert (run.created, run.emailed) == (0, 1)
    assert len(mail.outbox) == 1
    assert services.send_reminders(today=today).emailed == 0


def test_the_beat_schedule_runs_the_job_each_morning():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "campaigns.send_reminders")
    schedule = entry["schedule"]
    assert schedule.hour == {8} and schedule.minute == {0}


def test_member_units_are_reminded_of_their_own_tasks(campaign, unit_a, officers, today):
    """Issue 12: a member unit's officers get the reminder of a task assigned to their unit until it reports; a
    subdistrict's return does not count for the member unit, nor the other way round."""
    from tests.core.factories import MemberUnitFactory

    member = MemberUnitFactory(jurisdiction=unit_a)
    member_officer = OfficerProfileFactory(jurisdiction=None, member_unit=member).user
    task = CampaignTaskFactory(campaign=campaign, due_on=today + dt.timedelta(days=1), units=[unit_a], members=[member])
    ActivityReturnFactory(task=task, jurisdiction=unit_a, period_due=task.due_on, first_submitted_at=timezone.now())
    created = services.create_reminders(today=today)
    assert {(r.officer, r.task) for r in created} == {(member_officer, task)}
    ActivityReturnFactory(
        task=task,
        jurisdiction=unit_a,
        member_unit=member,
        period_due=task.due_on,
        first_submitted_at=timezone.now(),
    )
    Reminder.objects.all().delete()
    assert services.create_reminders(today=today) == []
