"""The officer portal's returns: dashboard, list with search and pagination, export, form, constant queries."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ActivityReturn, Recurrence, ReturnStatus
from tests.campaigns.factories import ActivityReturnFactory, CampaignTaskFactory, ReminderFactory, ReturnPhotoFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides: object) -> dict[str, object]:
    data = {
        "period_due": "",
        "activity_type": "consultation",
        "title": "“安全宣传咨询日”现场宣传咨询活动",
        "activity_date": "2024-06-16",
        "place": "灵源街道中心广场",
        "sessions": "2",
        "participants": "860",
        "leaflets": "1200",
        "booklets": "300",
        "wall_charts": "20",
        "boards": "12",
        "banners": "4",
        "giveaways": "400",
        "media_reports": "1",
        "media_links": "晋江经济报",
        "exposures": "0",
        "description": "设置咨询台，发放宣传资料，解答群众咨询。",
    }
    data.update(overrides)
    return data


def submitted(task, unit, **fields) -> ActivityReturn:
    now = timezone.now()
    return ActivityReturnFactory(
        task=task, jurisdiction=unit, status=ReturnStatus.SUBMITTED, first_submitted_at=now, submitted_at=now, **fields
    )


# --- Dashboard ---------------------------------------------------------------------------------------------------


def test_dashboard_lists_open_tasks_with_due_dates_and_overdue_warnings(
    officer_client, campaign, task, unit_a, unit_b, today
):
    overdue = CampaignTaskFactory(
        campaign=campaign, title="排查整治阶段情况", due_on=today - dt.timedelta(days=3), units=[unit_a]
    )
    CampaignTaskFactory(campaign=campaign, title="只给乙街道的任务", due_on=today, units=[unit_b])
    filed = CampaignTaskFactory(
        campaign=campaign, title="已报送的任务", due_on=today + dt.timedelta(days=1), units=[unit_a]
    )
    submitted(filed, unit_a)

    response = officer_client.get(reverse("portal:home"))

    data = response.context["sections"]["campaigns"]
    assert [(slot.task.title, slot.state, slot.days) for slot in data["slots"]] == [
        ("排查整治阶段情况", "overdue", 3),
        (task.title, "due_soon", 2),
    ]
    assert data["overdue_count"] == 1
    page = response.content.decode()
    assert "已逾期3天" in page and "2天后截止" in page and "1项已逾期" in page
    assert "只给乙街道的任务" not in page and "已报送的任务" not in page
    assert reverse("portal:return_create", args=[overdue.pk]) in page


def test_weekly_task_shows_unfiled_past_weeks_and_only_the_next_one(officer_client, campaign, unit_a, today):
    weekly = CampaignTaskFactory(campaign=campaign, recurrence=Recurrence.WEEKLY, due_on=None, units=[unit_a])
    periods = weekly.periods()
    past = [p for p in periods if p.due < today]
    submitted(weekly, unit_a, period_due=past[0].due)
    slots = officer_client.get(reverse("portal:home")).context["sections"]["campaigns"]["slots"]
    dues = [slot.period.due for slot in slots]
    upcoming = [p.due for p in periods if p.due >= today]
    assert dues == [p.due for p in past[1:]] + upcoming[:1]


def test_closed_campaigns_ask_for_nothing(officer_client, campaign, task):
    campaign.status = "closed"
    campaign.save()
    assert officer_client.get(reverse("portal:home")).context["sections"]["campaigns"]["slots"] == []


def test_dashboard_shows_returns_sent_back_and_unread_reminders(officer_client, officer_a, task, unit_a):
    ActivityReturnFactory(task=task, jurisdiction=unit_a, status=ReturnStatus.RETURNED, return_reason="请补充照片")
    ReminderFactory(officer=officer_a, task=task, message="【即将到期】请按时报送")
    page = officer_client.get(reverse("portal:home")).content.decode()
    assert "退回修改的报送" in page and "请补充照片" in page and "【即将到期】请按时报送" in page

    response = officer_client.post(reverse("portal:reminders_read"))
    assert response.status_code == 302
    assert "【即将到期】请按时报送" not in officer_client.get(reverse("portal:home")).content.decode()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def make_returns(task, unit, count: int) -> None:
    statuses = [ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED, ReturnStatus.RETURNED]
    for index in range(count):
        status = statuses[index % 4]
        first = timezone.now() if status != ReturnStatus.DRAFT else None
        ActivityReturnFactory(task=task, jurisdiction=unit, status=status, first_submitted_at=first)


def test_dashboard_runs_a_constant_number_of_queries(officer_client, officer_a, campaign, task, unit_a, today):
    weekly = CampaignTaskFactory(campaign=campaign, recurrence=Recurrence.WEEKLY, due_on=None, units=[unit_a])
    make_returns(task, unit_a, 4)  # one in each status, a returned one included
    ReminderFactory(officer=officer_a, task=task)
    small = count_queries(officer_client, reverse("portal:home"))
    make_returns(task, unit_a, 60)
    make_returns(weekly, unit_a, 40)
    ReminderFactory(officer=officer_a, task=weekly)
    CampaignTaskFactory.create_batch(5, campaign=campaign, units=[unit_a])
    large = count_queries(officer_client, reverse("portal:home"))
    assert small == large
    assert large <= 20


# --- List, search, pagination, export ------------------------------------------------------------------------------


def test_list_searches_filters_and_paginates_own_returns(officer_client, task, unit_a, unit_b):
    for index in range(23):
        ActivityReturnFactory(task=task, jurisdiction=unit_a, title=f"演练{index}")
    ActivityReturnFactory(task=task, jurisdiction=unit_a, title="知识竞赛决赛", status=ReturnStatus.ACCEPTED,
                          first_submitted_at=timezone.now())  # fmt: skip
    ActivityReturnFactory(task=task, jurisdiction=unit_b, title="知识竞赛乙")

    first = officer_client.get(reverse("portal:return_list"))
    assert first.context["page"].paginator.count == 24 and len(first.context["page"].object_list) == 20
    second = officer_client.get(reverse("portal:return_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 4

    found = officer_client.get(reverse("portal:return_list"), {"q": "知识竞赛"})
    assert [r.title for r in found.context["page"].object_list] == ["知识竞赛决赛"]
    accepted = officer_client.get(reverse("portal:return_list"), {"status": "accepted"})
    assert [r.title for r in accepted.context["page"].object_list] == ["知识竞赛决赛"]
    by_task = officer_client.get(reverse("portal:return_list"), {"task": task.pk})
    assert by_task.context["page"].paginator.count == 24


def test_list_runs_a_constant_number_of_queries(officer_client, task, unit_a):
    make_returns(task, unit_a, 3)
    small = count_queries(officer_client, reverse("portal:return_list"))
    make_returns(task, unit_a, 60)
    for activity_return in ActivityReturn.objects.all()[:5]:
        ReturnPhotoFactory(activity_return=activity_return)
    assert count_queries(officer_client, reverse("portal:return_list")) == small


def test_export_is_an_xlsx_of_own_returns_with_inert_cells(officer_client, task, unit_a, unit_b):
    ActivityReturnFactory(task=task, jurisdiction=unit_a, title='=HYPERLINK("http://x")')
    ActivityReturnFactory(task=task, jurisdiction=unit_a, title="普通活动")
    ActivityReturnFactory(task=task, jurisdiction=unit_b, title="乙街道活动")
    response = officer_client.get(reverse("portal:return_export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert "活动名称" in header and "报送单位" in header
    titles = [row[header.index("活动名称")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == sorted(['\'=HYPERLINK("http://x")', "普通活动"])
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- Form ------------------------------------------------------------------------------------------------------------


def test_form_is_chinese_and_offers_the_tasks_periods(officer_client, task):
    response = officer_client.get(reverse("portal:return_create", args=[task.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for label in (
        "报送周期",
        "活动类型",
        "开展场次（场）",
        "参与人数（人次）",
        "宣传单（份）",
        "展板（块）",
        "活动照片",
        "保存并报送",
    ):
        assert label in page
    assert response.context["form"].fields["period_due"].choices == [
        (task.due_on.isoformat(), f"{task.due_on.month}月{task.due_on.day}日前报送")
    ]


def test_officer_files_and_submits_a_return(officer_client, officer_a, task, unit_a):
    response = officer_client.post(
        reverse("portal:return_create", args=[task.pk]),
        {**form_data(period_due=task.due_on.isoformat(), giveaways="", exposures=""), "_submit": "1"},
    )
    activity_return = ActivityReturn.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:return_detail", args=[activity_return.pk]
    )
    assert activity_return.status == ReturnStatus.SUBMITTED and activity_return.jurisdiction == unit_a
    assert (activity_return.participants, activity_return.boards) == (860, 12)
    assert (activity_return.giveaways, activity_return.exposures) == (0, 0)  # left empty: none
    page = officer_client.get(response["Location"]).content.decode()
    assert "已报送，等待安委办审核。" in page and "已报送" in page


def test_invalid_form_is_a_400_with_messages_and_saves_nothing(officer_client, task):
    response = officer_client.post(
        reverse("portal:return_create", args=[task.pk]),
        form_data(period_due=task.due_on.isoformat(), title="", participants="-5", activity_date="2999-01-01"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "这个字段是必填项。" in page and "活动日期不能晚于今天。" in page
    assert not ActivityReturn.objects.exists()


def test_submit_without_the_required_photos_keeps_the_draft_and_says_why(officer_client, task):
    task.min_photos = 2
    task.save()
    response = officer_client.post(
        reverse("portal:return_create", args=[task.pk]),
        {**form_data(period_due=task.due_on.isoformat()), "_submit": "1"},
    )
    activity_return = ActivityReturn.objects.get()
    assert response["Location"] == reverse("portal:return_edit", args=[activity_return.pk])
    assert activity_return.status == ReturnStatus.DRAFT
    page = officer_client.get(response["Location"]).content.decode()
    assert "该任务要求至少上传2张照片，目前0张。" in page


def test_accepted_return_cannot_be_edited(officer_client, task, unit_a):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a, status=ReturnStatus.ACCEPTED,
                                            first_submitted_at=timezone.now())  # fmt: skip
    url = reverse("portal:return_edit", args=[activity_return.pk])
    response = officer_client.post(url, form_data(period_due=task.due_on.isoformat(), title="改过"))
    assert response.status_code == 302
    assert ActivityReturn.objects.get(pk=activity_return.pk).title == activity_return.title


def test_returned_return_is_edited_and_resubmitted(officer_client, task, unit_a):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a, status=ReturnStatus.RETURNED,
                                            first_submitted_at=timezone.now(), return_reason="人数有误")  # fmt: skip
    page = officer_client.get(reverse("portal:return_edit", args=[activity_return.pk])).content.decode()
    assert "退回原因：人数有误" in page
    response = officer_client.post(
        reverse("portal:return_edit", args=[activity_return.pk]),
        {**form_data(period_due=task.due_on.isoformat(), participants="420"), "_submit": "1"},
    )
    assert response.status_code == 302
    activity_return.refresh_from_db()
    assert activity_return.status == ReturnStatus.RESUBMITTED and activity_return.participants == 420


def test_staff_and_anonymous_users_are_kept_out(client, staff_user, task):
    url = reverse("portal:return_list")
    assert client.get(url).status_code == 302
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
