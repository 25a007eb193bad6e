"""Reporting periods cover the whole campaign, and deadlines carry a time of day judged to the minute in
Asia/Shanghai (issue 15; docs/workdays.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns import services
from campaigns.models import Recurrence, Weekday
from campaigns.selectors import SlotState, slot_state
from safetyportal.workdays import SHANGHAI
from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory

D = dt.date


def june(year: int):
    return CampaignFactory.build(year=year, starts_on=D(year, 6, 1), ends_on=D(year, 6, 30))


def task_of(campaign, **kwargs):
    kwargs.setdefault("due_on", None)
    return CampaignTaskFactory.build(campaign=campaign, **kwargs)


def covered_days(periods) -> list[dt.date]:
    days = []
    for period in periods:
        day = period.start
        while day <= period.due:
            days.append(day)
            day += dt.timedelta(days=1)
    return days


def every_day(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# --- Periods --------------------------------------------------------------------------------------------------------


def test_weekly_periods_of_june_2024_end_with_a_partial_period_on_30_june():
    # 1 June 2024 is a Saturday, 30 June a Sunday: Fridays 7, 14, 21, 28, then 29-30 June.
    periods = task_of(june(2024), recurrence=Recurrence.WEEKLY, due_weekday=Weekday.FRIDAY).periods()
    assert [(p.start, p.due) for p in periods] == [
        (D(2024, 6, 1), D(2024, 6, 7)),
        (D(2024, 6, 8), D(2024, 6, 14)),
        (D(2024, 6, 15), D(2024, 6, 21)),
        (D(2024, 6, 22), D(2024, 6, 28)),
        (D(2024, 6, 29), D(2024, 6, 30)),
    ]
    assert periods[-1].label == "第5期（6月29日—6月30日）"
    assert covered_days(periods) == every_day(D(2024, 6, 1), D(2024, 6, 30))


def test_weekly_periods_of_june_2026_cover_every_day_once():
    # 1 June 2026 is a Monday, 30 June a Tuesday: Fridays 5, 12, 19, 26, then 27-30 June.
    periods = task_of(june(2026), recurrence=Recurrence.WEEKLY, due_weekday=Weekday.FRIDAY).periods()
    assert [p.due for p in periods] == [D(2026, 6, 5), D(2026, 6, 12), D(2026, 6, 19), D(2026, 6, 26), D(2026, 6, 30)]
    assert periods[-1].start == D(2026, 6, 27)
    assert covered_days(periods) == every_day(D(2026, 6, 1), D(2026, 6, 30))


@pytest.mark.parametrize("weekday", list(Weekday))
@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_weekly_periods_cover_june_whatever_the_due_weekday(year, weekday):
    periods = task_of(june(year), recurrence=Recurrence.WEEKLY, due_weekday=weekday).periods()
    assert covered_days(periods) == every_day(D(year, 6, 1), D(year, 6, 30))
    assert all(p.due.weekday() == weekday for p in periods[:-1])
    assert periods[-1].due == D(year, 6, 30)


def test_a_campaign_shorter_than_a_week_still_has_its_period():
    campaign = CampaignFactory.build(starts_on=D(2024, 6, 1), ends_on=D(2024, 6, 5))  # Saturday to Wednesday
    periods = task_of(campaign, recurrence=Recurrence.WEEKLY, due_weekday=Weekday.FRIDAY).periods()
    assert [(p.start, p.due) for p in periods] == [(D(2024, 6, 1), D(2024, 6, 5))]


@pytest.mark.parametrize("year", [2024, 2026])
def test_monthly_periods_of_june_are_one_period(year):
    periods = task_of(june(year), recurrence=Recurrence.MONTHLY).periods()
    assert [(p.start, p.due, p.label) for p in periods] == [(D(year, 6, 1), D(year, 6, 30), f"{year}年6月")]


def test_monthly_periods_of_a_campaign_across_months_end_at_its_end():
    campaign = CampaignFactory.build(starts_on=D(2026, 6, 15), ends_on=D(2026, 8, 10))
    periods = task_of(campaign, recurrence=Recurrence.MONTHLY).periods()
    assert [(p.start, p.due) for p in periods] == [
        (D(2026, 6, 15), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 7, 31)),
        (D(2026, 8, 1), D(2026, 8, 10)),
    ]
    assert covered_days(periods) == every_day(D(2026, 6, 15), D(2026, 8, 10))


def test_periods_carry_the_tasks_due_time():
    task = task_of(june(2024), recurrence=Recurrence.WEEKLY, due_weekday=Weekday.FRIDAY, due_time=dt.time(16, 0))
    first = task.periods()[0]
    assert first.due_time == dt.time(16, 0)
    assert first.deadline == dt.datetime(2024, 6, 7, 16, 0, tzinfo=SHANGHAI)
    assert first.deadline_label == "6月7日（周五）16:00前"
    assert task_of(june(2024), due_on=D(2024, 6, 14)).periods()[0].deadline_label == "6月14日（周五）24:00前"


# --- Lateness to the minute -----------------------------------------------------------------------------------------


@pytest.fixture
def friday_task(db, unit_a):
    campaign = CampaignFactory(starts_on=D(2024, 6, 1), ends_on=D(2024, 6, 30))
    return CampaignTaskFactory(
        campaign=campaign, recurrence=Recurrence.ONCE, due_on=D(2024, 6, 14), due_time=dt.time(16, 0), units=[unit_a]
    )


def shanghai(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "submitted,late_days",
    [
        (shanghai(2024, 6, 14, 15, 59), 0),
        (shanghai(2024, 6, 14, 16, 0, 40), 0),  # the deadline minute itself is on time
        (shanghai(2024, 6, 14, 16, 1), 1),
        (shanghai(2024, 6, 15, 16, 0), 1),
        (shanghai(2024, 6, 15, 16, 1), 2),
        (dt.datetime(2024, 6, 14, 8, 1, tzinfo=dt.UTC), 1),  # 16:01 in Shanghai
        (dt.datetime(2024, 6, 14, 7, 59, tzinfo=dt.UTC), 0),
    ],
)
def test_submit_judges_lateness_to_the_minute_in_shanghai(friday_task, unit_a, officer_a, submitted, late_days):
    activity_return = ActivityReturnFactory(task=friday_task, jurisdiction=unit_a, period_due=D(2024, 6, 14))
    result = services.submit_return(activity_return=activity_return, by=officer_a, now=submitted)
    assert (result.is_late, result.late_days) == (late_days > 0, late_days)


def test_without_a_time_the_whole_due_day_is_on_time(db, unit_a, officer_a):
    task = CampaignTaskFactory(due_on=D(2024, 6, 14), due_time=None, units=[unit_a])
    on_time = ActivityReturnFactory(task=task, jurisdiction=unit_a, period_due=D(2024, 6, 14))
    late = ActivityReturnFactory(task=task, jurisdiction=unit_a, period_due=D(2024, 6, 14))
    assert not services.submit_return(activity_return=on_time, by=officer_a, now=shanghai(2024, 6, 14, 23, 59)).is_late
    result = services.submit_return(activity_return=late, by=officer_a, now=shanghai(2024, 6, 15, 0, 0))
    assert (result.is_late, result.late_days) == (True, 1)


def test_the_board_judges_late_by_the_due_time():
    due, today = D(2024, 6, 14), D(2024, 6, 20)
    assert slot_state(due, shanghai(2024, 6, 14, 16, 0), today, dt.time(16, 0)) == SlotState.ON_TIME
    assert slot_state(due, shanghai(2024, 6, 14, 16, 1), today, dt.time(16, 0)) == SlotState.LATE
    assert slot_state(due, shanghai(2024, 6, 14, 23, 0), today) == SlotState.ON_TIME
    assert slot_state(due, None, today) == SlotState.MISSING


def test_due_soon_reminder_names_the_time(db, unit_a, officer_a):
    from campaigns.models import Reminder

    today = timezone.localdate()
    campaign = CampaignFactory(starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=20))
    CampaignTaskFactory(campaign=campaign, due_on=today + dt.timedelta(days=1), due_time=dt.time(12, 0), units=[unit_a])
    services.create_reminders(today=today)
    message = Reminder.objects.get(officer=officer_a).message
    due = today + dt.timedelta(days=1)
    assert f"（{due.month}月{due.day}日12:00）截止" in message


def test_the_task_spreadsheet_carries_the_due_time(db, staff_user):
    from campaigns.resources import CampaignTaskResource

    task = CampaignTaskFactory(due_on=D(2024, 6, 14), due_time=dt.time(16, 0))
    dataset = CampaignTaskResource(user=staff_user).export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["截止时间"] == "16:00:00"
    dataset = CampaignTaskResource(user=staff_user).export(type(task).objects.filter(pk=task.pk))
    dataset[0] = tuple(
        "12:00:00" if header == "截止时间" else value for header, value in zip(dataset.headers, dataset[0], strict=True)
    )
    result = CampaignTaskResource(user=staff_user).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    task.refresh_from_db()
    assert task.due_time == dt.time(12, 0)
