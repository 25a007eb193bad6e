"""Review 12 §8: the office's review list and notice list page (with the count) instead of cutting the list, at a
constant number of queries; the office's task form sets and clears the due time (截止时间)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from campaigns import cascade, portal_campaign_views
from campaigns.models import CampaignTask, ReturnStatus
from tests.campaigns.factories import ActivityReturnFactory
from tests.campaigns.test_cascade import client_for, network  # noqa: F401


@pytest.fixture
def small_pages(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(portal_campaign_views, "REVIEW_PAGE", 2)
    monkeypatch.setattr(portal_campaign_views, "NOTICE_PAGE", 2)


def _rows(page: str) -> int:
    return page.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") if "<tbody>" in page else 0


def test_review_list_pages_every_waiting_return(network, small_pages, django_assert_max_num_queries):  # noqa: F811
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"])
    task = campaign.tasks.get()
    client = client_for(network["office"])
    url = reverse("portal:campaign_review", args=[campaign.pk])
    ActivityReturnFactory(task=task, jurisdiction=network["communities"][0], status=ReturnStatus.SUBMITTED)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(100) as small:
        client.get(url)
    for community in network["communities"][1:]:
        ActivityReturnFactory(task=task, jurisdiction=community, status=ReturnStatus.SUBMITTED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        first = client.get(url).content.decode()
    assert "共3份" in first and _rows(first) == 2 and "第1页 / 共2页" in first
    assert "status=waiting&amp;page=2" in first
    second = client.get(url, {"status": "waiting", "page": 2}).content.decode()
    assert _rows(second) == 1


def test_notice_list_pages_every_notice(network, small_pages, django_assert_max_num_queries):  # noqa: F811
    client = client_for(network["office"])
    url = reverse("portal:office_notices")

    def draft(n: int) -> None:
        cascade.save_notice(
            by=network["office"],
            fields={"title": f"第{n}号通知", "body": "正文"},
            assignment=cascade.Assignment(all_children=True),
        )

    draft(0)
    client.get(url)
    with django_assert_max_num_queries(100) as small:
        client.get(url)
    for n in range(1, 3):
        draft(n)
    with django_assert_max_num_queries(len(small.captured_queries)):
        first = client.get(url).content.decode()
    assert "共3份" in first and _rows(first) == 2 and "第2号通知" in first and "第0号通知" not in first
    assert "第0号通知" in client.get(url, {"page": 2}).content.decode()


def test_office_sets_and_clears_a_tasks_due_time(network):  # noqa: F811
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"], copy_tasks=False)
    client = client_for(network["office"])
    data = {"title": "应急演练开展情况", "recurrence": "once", "due_on": "2024-06-28", "due_weekday": "4",
            "min_photos": "1", "min_exposures": "0", "min_media_reports": "0", "order": "2",
            "all_children": "on"}  # fmt: skip
    response = client.post(reverse("portal:campaign_task_create", args=[campaign.pk]), {**data, "due_time": "16:00"})
    assert response.status_code == 302, response.content.decode()[:2000]
    task = CampaignTask.objects.get(campaign=campaign)
    assert task.due_time == dt.time(16, 0)
    edit_url = reverse("portal:campaign_task_edit", args=[campaign.pk, task.pk])
    assert 'value="16:00"' in client.get(edit_url).content.decode()
    assert client.post(edit_url, {**data, "due_time": ""}).status_code == 302
    task.refresh_from_db()
    assert task.due_time is None


def test_campaign_detail_and_list_run_constant_queries(network, django_assert_max_num_queries):  # noqa: F811
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"])
    task = campaign.tasks.get()
    client = client_for(network["office"])
    urls = (reverse("portal:campaign_detail", args=[campaign.pk]), reverse("portal:campaign_list"))
    ActivityReturnFactory(task=task, jurisdiction=network["communities"][0], status=ReturnStatus.SUBMITTED)
    client.get(urls[0])  # warm the session
    small = {}
    for url in urls:
        with django_assert_max_num_queries(100) as captured:
            client.get(url)
        small[url] = len(captured.captured_queries)
    for community in network["communities"][1:]:
        ActivityReturnFactory(task=task, jurisdiction=community, status=ReturnStatus.SUBMITTED)
    for n in range(4):
        extra = cascade.save_task(
            campaign=campaign,
            by=network["office"],
            fields={"title": f"任务{n}", "recurrence": "once", "due_on": dt.date(2024, 6, 20)},
            assignment=cascade.Assignment(all_children=True, all_members=True),
        )
        assert extra.pk
    cascade.derive_campaign(parent=network["city"], by=network["office"], fields={"name": "第二个活动"})
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            assert client.get(url).status_code == 200
