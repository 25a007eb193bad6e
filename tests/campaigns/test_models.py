"""Campaigns, key days and tasks: reporting periods and invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from campaigns.models import CampaignTask, Recurrence, Weekday
from tests.campaigns.factories import CampaignFactory, CampaignTaskFactory, KeyDayFactory
from tests.core.documents_support import make_notice

pytestmark = pytest.mark.django_db


def test_campaign_keeps_its_launching_notice_and_key_days():
    notice = make_notice()
    national = CampaignFactory(name="全国“安全生产月”", jurisdiction=None)
    city = CampaignFactory(parent=national, launch_notice=notice)
    KeyDayFactory(campaign=city)
    assert city.parent == national and list(national.children.all()) == [city]
    assert list(notice.launched_campaigns.all()) == [city]
    assert [str(day) for day in city.key_days.all()] == ["6月16日 安全宣传咨询日"]


def test_weekly_task_is_due_every_friday_of_june_2024():
    task = CampaignTaskFactory(recurrence=Recurrence.WEEKLY, due_on=None, due_weekday=Weekday.FRIDAY)
    periods = task.periods()
    # ... and the partial last period (29-30 June) is due on the campaign's last day
    assert [p.due for p in periods] == [dt.date(2024, 6, d) for d in (7, 14, 21, 28, 30)]
    assert periods[0].start == dt.date(2024, 6, 1) and periods[1].start == dt.date(2024, 6, 8)
    assert periods[1].label == "第2期（6月8日—6月14日）"


def test_monthly_task_runs_past_the_campaign_when_its_own_dates_say_so():
    task = CampaignTaskFactory(
        recurrence=Recurrence.MONTHLY, due_on=None, starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2024, 12, 31)
    )
    periods = task.periods()
    assert len(periods) == 7
    assert periods[0].due == dt.date(2024, 6, 30) and periods[-1].due == dt.date(2024, 12, 31)
    assert periods[1].label == "2024年7月"


def test_monthly_period_ends_with_the_task_when_it_ends_mid_month():
    task = CampaignTaskFactory(recurrence=Recurrence.MONTHLY, due_on=None, ends_on=dt.date(2024, 7, 15))
    assert [p.due for p in task.periods()] == [dt.date(2024, 6, 30), dt.date(2024, 7, 15)]


def test_one_off_task_has_one_period_and_finds_it():
    task = CampaignTaskFactory(due_on=dt.date(2024, 6, 17))
    assert [p.due for p in task.periods()] == [dt.date(2024, 6, 17)]
    assert task.period_for(dt.date(2024, 6, 17)) is not None
    assert task.period_for(dt.date(2024, 6, 18)) is None


def test_one_off_task_needs_a_due_date():
    task = CampaignTask(campaign=CampaignFactory(), title="方案", recurrence=Recurrence.ONCE)
    with pytest.raises(ValidationError) as caught:
        task.full_clean()
    assert "一次性任务必须填写截止日期。" in caught.value.message_dict["due_on"]
    with pytest.raises(IntegrityError):
        task.save()


def test_task_cannot_ask_for_more_photos_than_a_return_holds():
    task = CampaignTaskFactory.build(campaign=CampaignFactory(), min_photos=10)
    with pytest.raises(ValidationError) as caught:
        task.full_clean()
    assert "min_photos" in caught.value.message_dict
