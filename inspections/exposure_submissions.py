"""Exposure case drafts submitted by towns and subdistricts (镇街报送), and the office's review of them.

An office officer of a county or subdistrict/town submits a draft from the portal (``submit``); the office accepts it
into a normal draft ``ExposureCase`` (``accept``: staff then edit, mask and publish it with the existing flow) or
returns it with a reason (``return_submission``); the officer revises a returned draft and submits it again
(``resubmit``). Nothing is ever deleted; every step leaves a ``RecordHistory`` row. See
docs/exposure_submissions.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.messaging import notify
from safetyportal.scoping import is_office_staff, officer_unit
from safetyportal.services import diff, record_history, snapshot

from .models import CaseStatus, ExposureCase, ExposureSubmission, SubmissionStatus

if TYPE_CHECKING:
    from safetyportal.models import Jurisdiction

TEXT_LIMITS = {
    name: getattr(ExposureSubmission._meta.get_field(name), "max_length", None)
    for name in ExposureSubmission.FORM_FIELDS
}


def submitting_jurisdiction(user: Any) -> Jurisdiction | None:
    """The unit an officer submits for: the office of a county or subdistrict/town; None for a community (社区/村)
    officer, a member unit, staff and anyone else (they cannot submit)."""
    unit = officer_unit(user)
    if unit is None or unit.kind != "office" or unit.jurisdiction is None:
        return None
    return unit.jurisdiction


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in ExposureSubmission.FORM_FIELDS if name in data}
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = value.strip()
    if not values.get("title") or not values.get("body"):
        raise ValidationError(_("案件名称和基本案情不能为空。"))
    return values


def submit(*, by: Any, data: dict[str, Any]) -> ExposureSubmission:
    """A new draft from the officer's own unit (never another unit: the unit is the officer's, not a form field)."""
    jurisdiction = submitting_jurisdiction(by)
    if jurisdiction is None:
        raise PermissionDenied
    values = _clean(data)
    with transaction.atomic():
        submission = ExposureSubmission.objects.create(jurisdiction=jurisdiction, submitted_by=by, **values)
        record_history(submission, action="create", by=by, changes=snapshot(submission), note=_("镇街报送"))
    return submission


def resubmit(*, submission: ExposureSubmission, by: Any, data: dict[str, Any]) -> ExposureSubmission:
    """Revise a returned draft and submit it again (待审核). Only a returned draft of the officer's own unit."""
    jurisdiction = submitting_jurisdiction(by)
    if jurisdiction is None or submission.jurisdiction_id != jurisdiction.pk:
        raise PermissionDenied
    values = _clean(data)
    with transaction.atomic():
        submission = ExposureSubmission.objects.select_for_update().get(pk=submission.pk)
        if submission.status != SubmissionStatus.RETURNED:
            raise ValidationError(_("只有退回修改的报送可以修改后重新报送。"))
        before = snapshot(submission)
        for name, value in values.items():
            setattr(submission, name, value)
        submission.status = SubmissionStatus.PENDING
        submission.submitted_at = timezone.now()
        submission.submitted_by = by
        submission.times_submitted += 1
        submission.save()
        record_history(
            submission, action="change", by=by, changes=diff(before, snapshot(submission)), note=_("重新报送")
        )
    return submission


def _check_reviewer(by: Any) -> None:
    if not (is_office_staff(by) and by.has_perm("inspections.review_exposuresubmission")):
        raise PermissionDenied


def _pending(submission: ExposureSubmission) -> ExposureSubmission:
    locked = ExposureSubmission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != SubmissionStatus.PENDING:
        raise ValidationError(_("该报送不是待审核状态。"))
    return locked


def _notify_unit(submission: ExposureSubmission, text: str) -> None:
    from safetyportal.models import OfficerProfile

    users = OfficerProfile.objects.filter(jurisdiction_id=submission.jurisdiction_id).values_list("user_id", flat=True)
    recipients = {submission.submitted_by_id, *users} - {None}
    notify(
        users=recipients,
        key=f"exposure-submission:{submission.pk}:{submission.status}:{submission.times_submitted}",
        text=text,
        url=reverse("hazards:exposure_submission_detail", args=[submission.pk]),
    )


def accept(*, submission: ExposureSubmission, by: Any) -> ExposureCase:
    """Make a draft ExposureCase (草稿) of the submission; staff then edit, mask and publish it as any case."""
    _check_reviewer(by)
    with transaction.atomic():
        submission = _pending(submission)
        fields = {name: getattr(submission, name) for name in ExposureSubmission.FORM_FIELDS}
        case = ExposureCase.objects.create(
            jurisdiction_id=submission.jurisdiction_id, status=CaseStatus.DRAFT, created_by=by, **fields
        )
        record_history(
            case, action="create", by=by, changes=snapshot(case), note=_("采用镇街报送 #%(pk)s") % {"pk": submission.pk}
        )
        before = snapshot(submission)
        submission.status = SubmissionStatus.ACCEPTED
        submission.case = case
        submission.return_reason = ""
        submission.reviewed_by = by
        submission.reviewed_at = timezone.now()
        submission.save()
        record_history(submission, action="change", by=by, changes=diff(before, snapshot(submission)), note=_("采用"))
        _notify_unit(submission, _("你单位报送的曝光案例“%(title)s”已采用，待审核发布。") % {"title": submission.title})
    return case


def return_submission(*, submission: ExposureSubmission, by: Any, reason: str) -> ExposureSubmission:
    """Send the draft back to its unit with a reason (退回修改); the unit revises and resubmits it."""
    _check_reviewer(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回理由。")})
    with transaction.atomic():
        submission = _pending(submission)
        before = snapshot(submission)
        submission.status = SubmissionStatus.RETURNED
        submission.return_reason = reason[:255]
        submission.reviewed_by = by
        submission.reviewed_at = timezone.now()
        submission.save()
        record_history(
            submission,
            action="change",
            by=by,
            changes=diff(before, snapshot(submission)),
            note=_("退回修改：%(reason)s") % {"reason": reason},
        )
        _notify_unit(
            submission,
            _("你单位报送的曝光案例“%(title)s”被退回修改：%(reason)s") % {"title": submission.title, "reason": reason},
        )
    return submission
