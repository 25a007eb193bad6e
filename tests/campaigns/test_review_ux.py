"""Review screens (issue 13): 审核通过/退回修改 in a sticky bar, one 待审核 filter for submitted and resubmitted
returns, and a resubmission showing what changed since it was sent back (the 退回 event keeps a snapshot)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from campaigns import cascade, services
from campaigns.models import ActivityReturn, ReturnEvent, ReturnEventKind, ReturnStatus
from campaigns.review_changes import changes_since_returned, snapshot_of
from tests.campaigns.factories import ActivityReturnFactory, ReturnEventFactory
from tests.campaigns.test_cascade import client_for, network  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def resubmitted(task, unit, officer, reviewer, **changes) -> ActivityReturn:
    """A return submitted, sent back by ``reviewer``, changed by ``officer`` and submitted again."""
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit)
    services.submit_return(activity_return=activity_return, by=officer)
    services.send_back_return(activity_return=activity_return, by=reviewer, reason="参与人数与照片不符")
    services.update_return(activity_return=activity_return, fields=changes, by=officer)
    return services.submit_return(activity_return=activity_return, by=officer)


def test_sending_back_keeps_what_the_reviewer_saw(task, unit_a, officer_a, staff_user):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a, participants=300, spending=Decimal("10"))
    services.submit_return(activity_return=activity_return, by=officer_a)
    services.send_back_return(activity_return=activity_return, by=staff_user, reason="请补充")
    event = ReturnEvent.objects.get(activity_return=activity_return, kind=ReturnEventKind.RETURNED)
    assert event.snapshot["participants"] == 300 and event.snapshot["spending"] == "10.00"
    assert event.snapshot["activity_date"] == "2024-06-16"
    assert event.snapshot["_photos"] == 0 and event.snapshot["_attachments"] == []
    with pytest.raises(PermissionDenied):  # the event (and its snapshot) is append-only
        ReturnEvent.objects.filter(pk=event.pk).update(snapshot={})


def test_a_resubmission_lists_each_changed_field_with_before_and_after(task, unit_a, officer_a, staff_user):
    activity_return = resubmitted(
        task, unit_a, officer_a, staff_user, participants=320, activity_type="drill", drill_sessions=1,
        drill_participants=80, description="补充了照片和签到表。",
    )  # fmt: skip
    changes = {change.label: (change.before, change.after) for change in changes_since_returned(activity_return)}
    assert changes["参与人数（人次）"] == ("300", "320")
    assert changes["活动类型"] == ("宣传咨询", "应急演练")
    assert changes["主要做法和成效"] == ("现场宣传咨询，发放资料，解答群众咨询。", "补充了照片和签到表。")
    assert changes["演练场次（场）"] == ("0", "1")
    assert "活动名称" not in changes and "宣传单（份）" not in changes  # unchanged fields are not listed


def test_labels_come_from_the_model(task, unit_a, officer_a, staff_user):
    activity_return = resubmitted(task, unit_a, officer_a, staff_user, place="社区广场")
    [change] = changes_since_returned(activity_return)
    assert (change.label, change.before, change.after) == ("活动地点", "文化广场", "社区广场")


def test_unchanged_resubmission_lists_nothing_and_other_states_compare_nothing(task, unit_a, officer_a, staff_user):
    activity_return = resubmitted(task, unit_a, officer_a, staff_user)
    assert changes_since_returned(activity_return) == []
    submitted = ActivityReturnFactory(task=task, jurisdiction=unit_a, status=ReturnStatus.SUBMITTED)
    assert changes_since_returned(submitted) is None


def test_returns_sent_back_before_snapshots_say_so(task, unit_a):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a, status=ReturnStatus.RESUBMITTED)
    ReturnEventFactory(activity_return=activity_return, kind=ReturnEventKind.RETURNED, reason="旧的退回")
    assert changes_since_returned(activity_return) is None


def test_the_latest_send_back_is_the_reference(task, unit_a, officer_a, staff_user):
    activity_return = resubmitted(task, unit_a, officer_a, staff_user, participants=310)
    services.send_back_return(activity_return=activity_return, by=staff_user, reason="再核实")
    services.update_return(activity_return=activity_return, fields={"participants": 330}, by=officer_a)
    activity_return = services.submit_return(activity_return=activity_return, by=officer_a)
    [change] = changes_since_returned(activity_return)
    assert (change.before, change.after) == ("310", "330")


def test_snapshot_counts_photos(task, unit_a):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a)
    assert snapshot_of(activity_return)["_photos"] == 0


# --- Admin --------------------------------------------------------------------------------------------------------


def change_url(activity_return: ActivityReturn) -> str:
    return reverse("admin:campaigns_activityreturn_change", args=[activity_return.pk])


def test_admin_review_screen_shows_the_changes_and_a_sticky_review_bar(
    staff_client, task, unit_a, officer_a, staff_user
):
    activity_return = resubmitted(task, unit_a, officer_a, staff_user, participants=320)
    page = staff_client.get(change_url(activity_return)).content.decode()
    assert "修改内容（与退回时相比）" in page
    assert '<th scope="row">参与人数（人次）</th><td class="before">300</td><td class="after">320</td>' in page
    assert '<div class="review-bar" role="region" aria-label="审核操作">' in page
    bar = page[page.index('class="review-bar"') :]
    assert 'name="_accept"' in bar and "<summary>退回修改</summary>" in bar and 'name="_send_back"' in bar
    assert "campaigns/admin.css" in page


def test_admin_send_back_from_the_bar_still_needs_a_reason(staff_client, task, unit_a, officer_a, staff_user):
    activity_return = resubmitted(task, unit_a, officer_a, staff_user)
    staff_client.post(change_url(activity_return), {"_send_back": "1", "return_reason": ""})
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.RESUBMITTED
    staff_client.post(change_url(activity_return), {"_send_back": "1", "return_reason": "照片不清"})
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.RETURNED


def test_admin_has_no_review_bar_once_accepted(staff_client, task, unit_a, officer_a, staff_user):
    activity_return = resubmitted(task, unit_a, officer_a, staff_user)
    services.accept_return(activity_return=activity_return, by=staff_user)
    page = staff_client.get(change_url(activity_return)).content.decode()
    assert "review-bar" not in page and "修改内容" not in page


def test_admin_waiting_filter_covers_submitted_and_resubmitted(
    staff_client, task, unit_a, unit_b, officer_a, staff_user
):
    again = resubmitted(task, unit_a, officer_a, staff_user)
    first = ActivityReturnFactory(task=task, jurisdiction=unit_b, status=ReturnStatus.SUBMITTED)
    returned = ActivityReturnFactory(task=task, jurisdiction=unit_b, status=ReturnStatus.RETURNED)
    accepted = ActivityReturnFactory(task=task, jurisdiction=unit_b, status=ReturnStatus.ACCEPTED)
    response = staff_client.get(reverse("admin:campaigns_activityreturn_changelist"), {"review": "waiting"})
    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == {again.pk, first.pk} and not shown & {returned.pk, accepted.pk}
    assert "待审核（已报送和已重新报送）" in response.content.decode()


# --- Portal (an office reviewing its communities' returns) ----------------------------------------------------------


def _portal_resubmission(network):  # type: ignore[no-untyped-def]  # noqa: F811
    campaign = cascade.derive_campaign(parent=network["city"], by=network["office"])
    task = campaign.tasks.get()
    community = network["communities"][0]
    from tests.core.factories import OfficerProfileFactory

    officer = OfficerProfileFactory(jurisdiction=community).user
    return resubmitted(task, community, officer, network["office"], place="联系人13812345678家门口", participants=9)


def test_portal_review_shows_the_changes_masked_and_the_sticky_bar(network):  # noqa: F811
    activity_return = _portal_resubmission(network)
    url = reverse("portal:campaign_review_detail", args=[activity_return.pk])
    page = client_for(network["office"]).get(url).content.decode()
    assert "修改内容（与退回时相比）" in page
    assert '<td class="before">300</td><td class="after">9</td>' in page
    assert "13812345678" not in page  # personal data masked, as the rest of the portal page
    bar = page[page.index('<div class="review-bar"') :]
    assert 'role="region" aria-label="审核操作"' in bar
    assert 'name="_accept"' in bar and '<summary class="button secondary">退回修改</summary>' in bar
    assert "campaigns/cascade.css" in page
    assert "{#" not in page and "{%" not in page  # no template comment leaks onto the page


def test_portal_send_back_without_reason_reopens_the_bar_with_the_error(network):  # noqa: F811
    activity_return = _portal_resubmission(network)
    url = reverse("portal:campaign_review_detail", args=[activity_return.pk])
    response = client_for(network["office"]).post(url, {"_send_back": "1", "reason": ""})
    assert response.status_code == 400
    assert '<details class="send-back" open>' in response.content.decode()


def test_portal_waiting_filter_covers_submitted_and_resubmitted(network):  # noqa: F811
    again = _portal_resubmission(network)
    first = ActivityReturnFactory(task=again.task, jurisdiction=network["communities"][1], status="submitted")
    returned = ActivityReturnFactory(task=again.task, jurisdiction=network["communities"][2], status="returned")
    url = reverse("portal:campaign_review", args=[again.task.campaign_id])
    response = client_for(network["office"]).get(url, {"status": "waiting"})
    shown = {item.pk for item in response.context["returns"]}
    assert shown == {again.pk, first.pk} and returned.pk not in shown
    assert client_for(network["office"]).get(url).context["status"] == "waiting"  # the default
