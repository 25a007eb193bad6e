"""The office desk on the admin index (issue 13): what needs doing today, each with a count and a link that opens
the filtered changelist; a chart of the month; a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.models import ReminderKind, ReturnStatus
from inspections.models import HazardSource, HazardStatus
from safetyportal.desk import desk_items, month_chart
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from tests.campaigns import factories as campaign_factories
from tests.campaigns.factories import ActivityReturnFactory, ReminderFactory
from tests.core.factories import OfficerProfileFactory
from tests.inspections.factories import HazardFactory
from tests.training.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def make_work(n: int) -> None:
    """``n`` of each thing the desk counts (and one of each it must not count)."""
    today = timezone.localdate()
    for i in range(n):
        ActivityReturnFactory(
            status=ReturnStatus.SUBMITTED if i % 2 else ReturnStatus.RESUBMITTED, first_submitted_at=timezone.now()
        )
        HazardFactory(status=HazardStatus.RECTIFYING, rectification_deadline=today - dt.timedelta(days=1))
        HazardFactory(status=HazardStatus.RECTIFYING, rectification_deadline=today + dt.timedelta(days=3))
        HazardFactory(source=HazardSource.PUBLIC, status=HazardStatus.ACCEPTED)
        officer = OfficerProfileFactory().user
        ReminderFactory(officer=officer, kind=ReminderKind.OVERDUE, date=today)
        CertificateFactory(review_due_on=today + dt.timedelta(days=10))
        GeneratedDocument.objects.create(kind="notice", title=f"通知{i}", status=DocumentStatus.FAILED)
        if hasattr(campaign_factories, "NoticeReceiptFactory"):
            campaign_factories.NoticeReceiptFactory()
    ActivityReturnFactory(status=ReturnStatus.ACCEPTED)
    HazardFactory(status=HazardStatus.RECTIFYING, rectification_deadline=today + dt.timedelta(days=30))
    ReminderFactory(kind=ReminderKind.OVERDUE, date=today - dt.timedelta(days=1))


def counts(user) -> dict[str, int]:
    return {item.key: item.count for item in desk_items(user)}


def test_the_desk_counts_what_needs_doing_today(staff_user):
    make_work(3)
    found = counts(staff_user)
    assert found["returns_waiting"] == 3
    assert found["returns_overdue"] == 3
    assert found["hazards_due"] == 6
    assert found["reports_triage"] == 3
    assert found["certificates_review"] == 3
    assert found["documents_failed"] == 3
    if hasattr(campaign_factories, "NoticeReceiptFactory"):
        assert found["notices_unsigned"] == 3


def test_every_desk_link_opens_its_filtered_changelist(client, staff_user):
    make_work(1)
    client.force_login(staff_user)
    page = client.get("/admin/")
    assert page.status_code == 200
    items = page.context["desk"]["items"]
    assert len(items) >= 6
    for item in items:
        assert item.url, item.key
        assert item.url in page.content.decode().replace("&amp;", "&"), item.key
        response = client.get(item.url)
        assert response.status_code == 200, (item.key, item.url)
        assert "?e=1" not in response.get("Location", ""), item.key
        # Links the changelists' own filters cannot narrow exactly: the reminders of today (per officer), every hazard
        # being rectified ordered by its deadline.
        loose = {"returns_overdue", "hazards_due"}
        assert response.context["cl"].result_count == item.count or item.key in loose, item.key


def test_a_user_without_permission_sees_no_item():
    user = OfficerProfileFactory().user
    assert desk_items(user) == []
    assert month_chart(user) is None


def test_the_month_chart_counts_each_day():
    from tests.core.factories import StaffUserFactory

    user = StaffUserFactory(is_superuser=True)
    today = timezone.localdate()
    ActivityReturnFactory(status=ReturnStatus.SUBMITTED, first_submitted_at=timezone.now())
    HazardFactory()
    option = month_chart(user, today)
    assert [series["data"][today.day - 1] for series in option["series"]] == [1, 1]
    assert option["yAxis"]["minInterval"] == 1


@pytest.mark.parametrize("n", [1, 6])
def test_the_desk_runs_a_constant_number_of_queries(client, staff_user, django_assert_max_num_queries, n):
    make_work(n)
    client.force_login(staff_user)
    client.get("/admin/")  # the calendar warms up
    # 25: session, user, device, profile, permissions (2), the desk (14: returns 2, hazards, notices, certificates,
    # documents, the chart 2, committee 2, supervision 2, rewards 2), the admin log, the session save (3)
    with django_assert_max_num_queries(26):
        response = client.get("/admin/")
    assert response.status_code == 200
    assert 'data-desk="returns_waiting"' in response.content.decode()
