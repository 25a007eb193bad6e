"""The return workflow in the services: draft → submitted → returned with a reason → resubmitted → accepted, and
nothing else; lateness; the task's requirements; only one's own unit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns import services
from campaigns.models import ActivityReturn, ReturnEvent, ReturnStatus
from safetyportal.images import process_image
from tests.campaigns.factories import ActivityReturnFactory, ReturnPhotoFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

CONTENT = {
    "activity_type": "drill",
    "title": "“畅通生命通道”疏散逃生演练",
    "activity_date": dt.date(2024, 6, 12),
    "place": "灵水社区",
    "sessions": 1,
    "participants": 260,
    "leaflets": 300,
    "description": "组织辖区企业员工开展疏散逃生演练。",
}


def new_return(task, unit, officer, **overrides) -> ActivityReturn:
    return services.create_return(
        task=task,
        jurisdiction=unit,
        period_due=task.periods()[0].due,
        fields={**CONTENT, **overrides},
        by=officer,
    )


def in_status(task, unit, status: str) -> ActivityReturn:
    submitted = status != ReturnStatus.DRAFT
    return ActivityReturnFactory(
        task=task,
        jurisdiction=unit,
        status=status,
        first_submitted_at=timezone.now() if submitted else None,
        submitted_at=timezone.now() if submitted else None,
    )


def test_officer_creates_a_draft_for_their_unit(task, unit_a, officer_a):
    activity_return = new_return(task, unit_a, officer_a)
    assert activity_return.status == ReturnStatus.DRAFT
    assert activity_return.jurisdiction == unit_a and activity_return.created_by == officer_a
    assert list(activity_return.events.values_list("kind", flat=True)) == ["created"]


def test_officer_cannot_create_a_return_for_another_unit(task, unit_b, officer_a):
    with pytest.raises(PermissionDenied):
        new_return(task, unit_b, officer_a)
    assert not ActivityReturn.objects.exists()


def test_officer_cannot_report_on_a_task_not_assigned_to_them(campaign, unit_a, officer_a):
    from tests.campaigns.factories import CampaignTaskFactory

    other_task = CampaignTaskFactory(campaign=campaign, units=[])
    with pytest.raises(PermissionDenied):
        new_return(other_task, unit_a, officer_a)
    assert not ActivityReturn.objects.exists()


def test_a_period_outside_the_task_is_refused(task, unit_a, officer_a):
    with pytest.raises(ValidationError):
        services.create_return(
            task=task, jurisdiction=unit_a, period_due=dt.date(2000, 1, 1), fields=CONTENT, by=officer_a
        )
    assert not ActivityReturn.objects.exists()


def test_full_cycle_with_a_reason_and_lateness_from_the_first_submission(task, unit_a, officer_a, staff_user):
    activity_return = new_return(task, unit_a, officer_a)
    due = activity_return.period_due
    late = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=3), dt.time(10)))

    submitted = services.submit_return(activity_return=activity_return, by=officer_a, now=late)
    assert (submitted.status, submitted.is_late, submitted.late_days) == (ReturnStatus.SUBMITTED, True, 3)

    returned = services.send_back_return(activity_return=submitted, by=staff_user, reason="请补充现场照片。")
    assert returned.status == ReturnStatus.RETURNED and returned.return_reason == "请补充现场照片。"

    services.update_return(activity_return=returned, fields={"participants": 300}, by=officer_a)
    resubmitted = services.submit_return(activity_return=returned, by=officer_a, now=late + dt.timedelta(days=5))
    assert resubmitted.status == ReturnStatus.RESUBMITTED
    assert resubmitted.late_days == 3 and resubmitted.first_submitted_at == late  # lateness fixed at first submission

    accepted = services.accept_return(activity_return=resubmitted, by=staff_user)
    assert accepted.status == ReturnStatus.ACCEPTED and accepted.reviewed_by == staff_user
    assert accepted.participants == 300
    kinds = list(ReturnEvent.objects.filter(activity_return=accepted).values_list("kind", "reason"))
    assert kinds == [
        ("created", ""),
        ("submitted", ""),
        ("returned", "请补充现场照片。"),
        ("resubmitted", ""),
        ("accepted", ""),
    ]


def test_submission_on_the_due_date_is_on_time(task, unit_a, officer_a):
    activity_return = new_return(task, unit_a, officer_a)
    on_due = timezone.make_aware(dt.datetime.combine(activity_return.period_due, dt.time(23, 30)))
    submitted = services.submit_return(activity_return=activity_return, by=officer_a, now=on_due)
    assert (submitted.is_late, submitted.late_days) == (False, 0)


ACTIONS = ("submit", "accept", "send_back", "edit", "delete")
ALLOWED = {
    ReturnStatus.DRAFT: {"submit": ReturnStatus.SUBMITTED, "edit": ReturnStatus.DRAFT, "delete": None},
    ReturnStatus.SUBMITTED: {"accept": ReturnStatus.ACCEPTED, "send_back": ReturnStatus.RETURNED},
    ReturnStatus.RETURNED: {"submit": ReturnStatus.RESUBMITTED, "edit": ReturnStatus.RETURNED},
    ReturnStatus.RESUBMITTED: {"accept": ReturnStatus.ACCEPTED, "send_back": ReturnStatus.RETURNED},
    ReturnStatus.ACCEPTED: {},
}


def act(action: str, activity_return: ActivityReturn, officer, staff) -> None:
    if action == "submit":
        services.submit_return(activity_return=activity_return, by=officer)
    elif action == "accept":
        services.accept_return(activity_return=activity_return, by=staff)
    elif action == "send_back":
        services.send_back_return(activity_return=activity_return, by=staff, reason="数据有误")
    elif action == "edit":
        services.update_return(activity_return=activity_return, fields={"title": "改过"}, by=officer)
    else:
        services.delete_return(activity_return=activity_return, by=officer)


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("action", ACTIONS)
def test_returns_move_only_along_the_workflow(task, unit_a, officer_a, staff_user, status, action):
    activity_return = in_status(task, unit_a, status)
    before = ActivityReturn.objects.filter(pk=activity_return.pk).values().get()
    if action in ALLOWED[status]:
        act(action, activity_return, officer_a, staff_user)
        expected = ALLOWED[status][action]
        if expected is None:
            assert not ActivityReturn.objects.filter(pk=activity_return.pk).exists()
        else:
            assert ActivityReturn.objects.get(pk=activity_return.pk).status == expected
    else:
        with pytest.raises(ValidationError):
            act(action, activity_return, officer_a, staff_user)
        assert ActivityReturn.objects.filter(pk=activity_return.pk).values().get() == before


def test_sending_back_needs_a_reason(task, unit_a, staff_user):
    activity_return = in_status(task, unit_a, ReturnStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        services.send_back_return(activity_return=activity_return, by=staff_user, reason="  ")
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.SUBMITTED


def test_officers_cannot_review(task, unit_a, officer_a):
    activity_return = in_status(task, unit_a, ReturnStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.accept_return(activity_return=activity_return, by=officer_a)
    with pytest.raises(PermissionDenied):
        services.send_back_return(activity_return=activity_return, by=officer_a, reason="x")
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.SUBMITTED


@pytest.mark.parametrize("action", ["submit", "edit", "delete"])
def test_officer_of_another_unit_cannot_act_on_a_return(task, unit_a, officer_b, staff_user, action):
    activity_return = in_status(task, unit_a, ReturnStatus.DRAFT)
    before = ActivityReturn.objects.filter(pk=activity_return.pk).values().get()
    with pytest.raises(PermissionDenied):
        act(action, activity_return, officer_b, staff_user)
    assert ActivityReturn.objects.filter(pk=activity_return.pk).values().get() == before


def test_the_tasks_requirements_must_be_met_to_submit(task, unit_a, officer_a):
    task.min_photos = 1
    task.min_exposures = 1
    task.save()
    activity_return = new_return(task, unit_a, officer_a)
    with pytest.raises(ValidationError) as caught:
        services.submit_return(activity_return=activity_return, by=officer_a)
    assert caught.value.messages == ["该任务要求至少上传1张照片，目前0张。", "该任务要求至少曝光1个典型案例。"]
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.DRAFT

    services.update_return(
        activity_return=activity_return,
        fields={"exposures": 1},
        photos=[process_image(io.BytesIO(jpeg_bytes()))],
        by=officer_a,
    )
    assert services.submit_return(activity_return=activity_return, by=officer_a).status == ReturnStatus.SUBMITTED


def test_bulk_review_moves_what_it_can_and_names_the_rest(task, unit_a, staff_user):
    waiting = [in_status(task, unit_a, ReturnStatus.SUBMITTED) for _ in range(3)]
    draft = in_status(task, unit_a, ReturnStatus.DRAFT)
    result = services.review_returns(ids=[r.pk for r in [*waiting, draft]], by=staff_user, accept=True)
    assert sorted(result.done) == sorted(r.pk for r in waiting)
    assert [pk for pk, _reason in result.skipped] == [draft.pk]
    assert "草稿" in result.skipped[0][1]
    assert ActivityReturn.objects.filter(status=ReturnStatus.ACCEPTED).count() == 3


def test_deleting_a_draft_removes_its_photo_files(
    task, unit_a, officer_a, media_root, django_capture_on_commit_callbacks
):
    activity_return = new_return(task, unit_a, officer_a)
    photo = ReturnPhotoFactory(activity_return=activity_return)
    files = [media_root / photo.image, media_root / photo.thumbnail]
    assert all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_return(activity_return=activity_return, by=officer_a)
    assert not ActivityReturn.objects.exists()
    assert not any(path.exists() for path in files)
