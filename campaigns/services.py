"""Writes of the campaigns app: notices (通知), activity returns and their workflow, reminders, summaries.

Views, admin actions, imports and tasks call these functions; nothing else changes a return's unit, status,
lateness or reviewer."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.documents.models import IssuingAuthority
from safetyportal.images import ProcessedImage, StoredImage, store_image
from safetyportal.models import Jurisdiction, MemberUnit, OfficerProfile
from safetyportal.scoping import is_office_staff, is_officer, officer_unit
from safetyportal.uploads import CheckedAttachment

from .attachments import copy_notice_attachments
from .models import (
    COUNT_FIELDS,
    MATERIAL_FIELDS,
    MAX_PHOTOS,
    TRANSITIONS,
    ActivityReturn,
    Campaign,
    CampaignStatus,
    CampaignSummary,
    CampaignTask,
    Notice,
    NoticeStatus,
    Period,
    Recurrence,
    Reminder,
    ReminderKind,
    ReturnEvent,
    ReturnEventKind,
    ReturnPhoto,
    ReturnStatus,
)
from .selectors import summary_figures

if TYPE_CHECKING:
    from safetyportal.types import User

logger = logging.getLogger(__name__)

# Notices are previewed and issued by safetyportal.documents.services.preview()/issue() (IssuedRecord).


def draft_correction(*, notice: Notice, by: User) -> Notice:
    """A new draft copying an issued notice, which supersedes it once issued."""
    if notice.status == NoticeStatus.DRAFT:
        raise ValidationError(_("草稿可以直接修改，无需创建更正通知。"))
    with transaction.atomic():
        correction = Notice.objects.create(
            authority=notice.authority,
            title=notice.title,
            urgency=notice.urgency,
            recipients_text=notice.recipients_text,
            body=notice.body,
            attachments_text=notice.attachments_text,
            contact_note=notice.contact_note,
            copy_to=notice.copy_to,
            is_public=notice.is_public,  # the correction takes the original's place on the public site once issued
            supersedes=notice,
            created_by=by,
        )
        correction.recipient_jurisdictions.set(notice.recipient_jurisdictions.all())
        correction.recipient_units.set(notice.recipient_units.all())
        copy_notice_attachments(source=notice, target=correction, by=by)
    return correction


def set_notice_public(*, notice: Notice, public: bool, by: User | None) -> bool:
    """Publish a notice on the public site (通知公告) or withdraw it; allowed after issue (the flag is not content).

    Only an issued notice is shown publicly, whatever its flag. Records the change in the history and drops the
    cached front page. Returns False when the flag already had that value (nothing written)."""
    from safetyportal.front import invalidate_front_page
    from safetyportal.services import record_history

    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.is_public == public:
            notice.is_public = public
            return False
        # A queryset update: the flag is outside the issued-record edit guard, and nothing else may change here.
        Notice.objects.filter(pk=notice.pk).update(is_public=public, updated_at=timezone.now())
        record_history(
            locked,
            action="publish" if public else "withdraw",
            by=by,
            changes={"is_public": [locked.is_public, public]},
        )
        transaction.on_commit(invalidate_front_page)
    notice.is_public = public
    return True


# --- Activity returns ------------------------------------------------------------------------------------------------

# What an officer may write on a return (the form's fields). Unit, task, status, lateness and reviewer never come
# from a form.
RETURN_CONTENT_FIELDS = (
    "activity_type",
    "title",
    "activity_date",
    "place",
    "sessions",
    "participants",
    *COUNT_FIELDS,
    *MATERIAL_FIELDS,
    "media_reports",
    "media_links",
    "exposures",
    "description",
)
PHOTO_FOLDER = "returns"


@dataclass(frozen=True)
class AttachmentsToAdd:
    """Checked files (safetyportal.uploads) to attach to a return as it is saved, all of one kind (方案, 签到表…)."""

    files: tuple[CheckedAttachment, ...]
    kind: str = "other"


def may_write_return(user: User | None, activity_return: ActivityReturn) -> bool:
    """Whether ``user`` may write ``activity_return`` (create, edit, submit, delete, add or remove its photos and
    attachments): office staff everywhere; an officer only the returns of their own unit: an office's or
    community's own returns (its jurisdiction, no member unit), a member unit's own returns (its member unit).

    Reading is wider (an office sees its whole subtree through ``ActivityReturn.objects.for_user``) and reviewing is
    the cascade's (``_ensure_reviewer``); an office never writes a community's or its member units' returns. The one
    rule for single returns; ``writable_returns`` is the same rule as a query."""
    if is_office_staff(user):
        return True
    unit = officer_unit(user)
    if unit is None:
        return False
    if unit.member_unit is not None:
        return activity_return.member_unit_id == unit.member_unit.pk
    return (
        unit.jurisdiction is not None
        and activity_return.member_unit_id is None
        and activity_return.jurisdiction_id == unit.jurisdiction.pk
    )


def writable_returns(user: User | None) -> QuerySet[ActivityReturn]:
    """The returns ``user`` may write (``may_write_return`` as a query)."""
    if is_office_staff(user):
        return ActivityReturn.objects.all()
    unit = officer_unit(user)
    if unit is None:
        return ActivityReturn.objects.none()
    if unit.member_unit is not None:
        return ActivityReturn.objects.filter(member_unit=unit.member_unit)
    if unit.jurisdiction is None:
        return ActivityReturn.objects.none()
    return ActivityReturn.objects.filter(jurisdiction=unit.jurisdiction, member_unit__isnull=True)


def _ensure_officer_scope(by: User, activity_return: ActivityReturn) -> None:
    """Officers write only their own unit's returns (``may_write_return``), staff every one. Checked on the row as
    stored, never on the caller's copy."""
    stored = ActivityReturn.objects.filter(pk=activity_return.pk).only("pk", "jurisdiction_id", "member_unit_id")
    current = stored.first()
    if current is None or not may_write_return(by, current):
        raise PermissionDenied


def _store_photos(photos: Iterable[ProcessedImage]) -> list[StoredImage]:
    return [store_image(photo, PHOTO_FOLDER) for photo in photos]


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not delete %s", name, exc_info=True)


def _save_with_photos(
    activity_return: ActivityReturn,
    photos: list[ProcessedImage],
    event: ReturnEventKind | None,
    by: User,
    attachments: AttachmentsToAdd | None = None,
) -> ActivityReturn:
    """Validate and save the return and its new photos and attachments in one transaction; if anything fails, the
    stored photo and attachment files are removed again, so a refused return leaves nothing behind."""
    from .attachments import RETURN_FOLDER, record_return_attachments, store_files

    stored = _store_photos(photos)
    files = []
    try:
        files = store_files(attachments.files if attachments else (), RETURN_FOLDER)
        with transaction.atomic():
            activity_return.full_clean()
            activity_return.save()
            existing = activity_return.photos.count()
            if existing + len(stored) > MAX_PHOTOS:
                raise ValidationError(
                    _("每份报送最多%(max)s张照片（已有%(existing)s张）。") % {"max": MAX_PHOTOS, "existing": existing}
                )
            ReturnPhoto.objects.bulk_create(
                ReturnPhoto(
                    activity_return=activity_return,
                    image=image.name,
                    thumbnail=image.thumbnail_name,
                    width=image.width,
                    height=image.height,
                )
                for image in stored
            )
            if files and attachments:
                record_return_attachments(activity_return, files, kind=attachments.kind, by=by)
            if event:
                ReturnEvent.objects.create(activity_return=activity_return, kind=event, actor=_user_or_none(by))
    except BaseException:
        _delete_files(name for image in stored for name in (image.name, image.thumbnail_name))
        _delete_files(name for _checked, name in files)
        raise
    return activity_return


def _user_or_none(by: User) -> User | None:
    return by if getattr(by, "pk", None) else None


def _check_period(task: CampaignTask, period_due: dt.date) -> None:
    if task.period_for(period_due) is None:
        raise ValidationError({"period_due": _("所选报送周期不属于该任务。")})


def create_return(
    *,
    task: CampaignTask,
    jurisdiction: Jurisdiction,
    period_due: dt.date,
    fields: dict[str, Any],
    photos: list[ProcessedImage] | None = None,
    by: User,
    member_unit: MemberUnit | None = None,
    attachments: AttachmentsToAdd | None = None,
) -> ActivityReturn:
    """A new draft return of a unit for one period of a task. Officers create returns only for their own unit and
    for tasks assigned to it; a member unit's return has its member unit set and, as jurisdiction, the member unit's
    own (``return_unit``)."""
    if is_officer(by):
        if (jurisdiction.pk, member_unit.pk if member_unit else None) != _unit_key(return_unit(by)):
            raise PermissionDenied
        assigned = (
            task.member_units.filter(pk=member_unit.pk)
            if member_unit is not None
            else task.jurisdictions.filter(pk=jurisdiction.pk)
        )
        if not assigned.exists():
            raise PermissionDenied
    elif not is_office_staff(by):
        raise PermissionDenied
    _check_period(task, period_due)
    activity_return = ActivityReturn(
        task=task,
        jurisdiction=jurisdiction,
        member_unit=member_unit,
        period_due=period_due,
        created_by=_user_or_none(by),
    )
    for name in RETURN_CONTENT_FIELDS:
        if name in fields:
            setattr(activity_return, name, fields[name])
    return _save_with_photos(activity_return, list(photos or []), ReturnEventKind.CREATED, by, attachments)


def return_unit(by: User) -> tuple[Jurisdiction, MemberUnit | None] | None:
    """The unit an officer's new returns are filed for: (their jurisdiction, None) for an office or community
    officer, (the member unit's jurisdiction, the member unit) for a member-unit officer; None for anyone else."""
    unit = officer_unit(by)
    if unit is None:
        return None
    if unit.member_unit is not None:
        return unit.member_unit.jurisdiction, unit.member_unit
    return (unit.jurisdiction, None) if unit.jurisdiction is not None else None


def _unit_key(unit: tuple[Jurisdiction, MemberUnit | None] | None) -> tuple[int | None, int | None]:
    if unit is None:
        return (None, None)
    return (unit[0].pk, unit[1].pk if unit[1] is not None else None)


def update_return(
    *,
    activity_return: ActivityReturn,
    fields: dict[str, Any],
    photos: list[ProcessedImage] | None = None,
    period_due: dt.date | None = None,
    by: User,
    attachments: AttachmentsToAdd | None = None,
) -> ActivityReturn:
    """Change the content of a draft or a returned return (and add photos and attachments)."""
    _ensure_officer_scope(by, activity_return)
    with transaction.atomic():
        current = ActivityReturn.objects.select_for_update().get(pk=activity_return.pk)
        if not current.is_editable:
            raise ValidationError(_("只有草稿或被退回的报送可以修改。"))
        if period_due is not None and period_due != current.period_due:
            if current.first_submitted_at is not None:
                raise ValidationError({"period_due": _("已报送过的报送不能更改报送周期。")})
            _check_period(current.task, period_due)
            current.period_due = period_due
        for name in RETURN_CONTENT_FIELDS:
            if name in fields:
                setattr(current, name, fields[name])
        return _save_with_photos(current, list(photos or []), None, by, attachments)


def delete_return(*, activity_return: ActivityReturn, by: User) -> None:
    """Delete a draft that was never submitted, with its photo files."""
    _ensure_officer_scope(by, activity_return)
    with transaction.atomic():
        current = ActivityReturn.objects.select_for_update().get(pk=activity_return.pk)
        if current.status != ReturnStatus.DRAFT or current.first_submitted_at is not None:
            raise ValidationError(_("只有从未报送过的草稿可以删除。"))
        names = [name for photo in current.photos.all() for name in (photo.image, photo.thumbnail)]
        names += [attachment.stored_name for attachment in current.attachments.all()]
        current.delete()
        transaction.on_commit(lambda: _delete_files(names))


def delete_photo(*, photo: ReturnPhoto, by: User) -> None:
    activity_return = photo.activity_return
    _ensure_officer_scope(by, activity_return)
    with transaction.atomic():
        current = ActivityReturn.objects.select_for_update().get(pk=activity_return.pk)
        if not current.is_editable:
            raise ValidationError(_("只有草稿或被退回的报送可以删除照片。"))
        names = [photo.image, photo.thumbnail]
        ReturnPhoto.objects.filter(pk=photo.pk, activity_return=current).delete()
        transaction.on_commit(lambda: _delete_files(names))


def missing_requirements(activity_return: ActivityReturn) -> list[str]:
    """What the task asks of a return that this one lacks, in Chinese."""
    task = activity_return.task
    problems = []
    if task.activity_type and activity_return.activity_type != task.activity_type:
        problems.append(_("该任务要求活动类型为“%(type)s”。") % {"type": task.get_activity_type_display()})
    photos = activity_return.photos.count()
    if photos < task.min_photos:
        problems.append(_("该任务要求至少上传%(min)s张照片，目前%(n)s张。") % {"min": task.min_photos, "n": photos})
    if activity_return.exposures < task.min_exposures:
        problems.append(_("该任务要求至少曝光%(min)s个典型案例。") % {"min": task.min_exposures})
    if activity_return.media_reports < task.min_media_reports:
        problems.append(_("该任务要求至少%(min)s条媒体报道。") % {"min": task.min_media_reports})
    return problems


def _move(activity_return: ActivityReturn, target: str, reviewer: User | None = None) -> ActivityReturn:
    """Lock the row and check the workflow allows the move (and, for a review, that ``reviewer`` may review this
    return, before anything about its state is said); returns the locked, current row."""
    current = (
        ActivityReturn.objects.select_for_update()
        .select_related("task", "task__campaign", "jurisdiction")
        .get(pk=activity_return.pk)
    )
    if reviewer is not None:
        _ensure_reviewer(reviewer, current)
    if target not in TRANSITIONS[current.status]:
        raise ValidationError(
            _("报送当前状态为“%(status)s”，不能执行该操作。") % {"status": current.get_status_display()},
            code="invalid_transition",
        )
    return current


def submit_return(*, activity_return: ActivityReturn, by: User, now: dt.datetime | None = None) -> ActivityReturn:
    """Submit a draft, or resubmit a returned return. The first submission after the period's due date marks the
    return late, with the number of days."""
    _ensure_officer_scope(by, activity_return)
    now = now or timezone.now()
    with transaction.atomic():
        current = ActivityReturn.objects.select_for_update().select_related("task").get(pk=activity_return.pk)
        target = ReturnStatus.RESUBMITTED if current.status == ReturnStatus.RETURNED else ReturnStatus.SUBMITTED
        current = _move(current, target)
        current.full_clean()
        problems = missing_requirements(current)
        if problems:
            raise ValidationError(problems, code="requirements")
        if current.first_submitted_at is None:
            current.first_submitted_at = now
            # Judged to the minute in Asia/Shanghai against the task's due time (CampaignTask.late_days).
            late_days = current.task.late_days(current.period_due, now)
            current.is_late = late_days > 0
            current.late_days = late_days
        current.submitted_at = now
        current.status = target
        current.save(
            update_fields=["status", "first_submitted_at", "submitted_at", "is_late", "late_days", "updated_at"]
        )
        kind = ReturnEventKind.RESUBMITTED if target == ReturnStatus.RESUBMITTED else ReturnEventKind.SUBMITTED
        ReturnEvent.objects.create(activity_return=current, kind=kind, actor=_user_or_none(by))
    return current


def _is_staff_reviewer(by: User) -> bool:
    return is_office_staff(by) and by.has_perm("campaigns.change_activityreturn")


def _ensure_reviewer(by: User, activity_return: ActivityReturn | None = None) -> None:
    """Staff review every return; an office officer reviews the returns to their own office's campaign from the units
    below it (campaigns.cascade.may_review), never their own unit's, never another office's. Without a return: may
    ``by`` review at all."""
    from .cascade import may_review, office_jurisdiction

    if _is_staff_reviewer(by):
        return
    if activity_return is None:
        if office_jurisdiction(by) is None:
            raise PermissionDenied
    elif not may_review(by, activity_return):
        raise PermissionDenied


def accept_return(*, activity_return: ActivityReturn, by: User) -> ActivityReturn:
    _ensure_reviewer(by)
    with transaction.atomic():
        current = _move(activity_return, ReturnStatus.ACCEPTED, reviewer=by)
        current.status = ReturnStatus.ACCEPTED
        current.reviewed_at = timezone.now()
        current.reviewed_by = by
        current.return_reason = ""
        current.save(update_fields=["status", "reviewed_at", "reviewed_by", "return_reason", "updated_at"])
        ReturnEvent.objects.create(activity_return=current, kind=ReturnEventKind.ACCEPTED, actor=by)
    return current


def send_back_return(*, activity_return: ActivityReturn, by: User, reason: str) -> ActivityReturn:
    """Return a submitted return to its unit for changes, with the reason they will see."""
    _ensure_reviewer(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写退回原因。"), code="reason")
    with transaction.atomic():
        current = _move(activity_return, ReturnStatus.RETURNED, reviewer=by)
        current.status = ReturnStatus.RETURNED
        current.reviewed_at = timezone.now()
        current.reviewed_by = by
        current.return_reason = reason[:2000]
        current.save(update_fields=["status", "reviewed_at", "reviewed_by", "return_reason", "updated_at"])
        from .review_changes import snapshot_of  # imports this module

        ReturnEvent.objects.create(
            activity_return=current,
            kind=ReturnEventKind.RETURNED,
            actor=by,
            reason=current.return_reason,
            snapshot=snapshot_of(current),  # what the reviewer saw, to show what a resubmission changed
        )
    return current


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def review_returns(*, ids: Iterable[int], by: User, accept: bool, reason: str = "") -> BulkResult:
    """Accept (or send back) several returns; each is moved on its own, those that cannot move are skipped with
    the reason."""
    _ensure_reviewer(by)
    if not accept and not (reason or "").strip():
        raise ValidationError(_("请填写退回原因。"), code="reason")
    result = BulkResult()
    for pk in sorted(set(ids)):
        activity_return = ActivityReturn(pk=pk)
        try:
            if accept:
                accept_return(activity_return=activity_return, by=by)
            else:
                send_back_return(activity_return=activity_return, by=by, reason=reason)
        except (ValidationError, ActivityReturn.DoesNotExist) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
            result.skipped.append((pk, message))
        except PermissionDenied:
            result.skipped.append((pk, _("无权审核该报送。")))
        else:
            result.done.append(pk)
    return result


# --- Reminders -------------------------------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    created: int = 0
    emailed: int = 0
    failed_emails: int = 0


def _reminder_message(task: CampaignTask, overdue: list[Period], soon: list[Period], today: dt.date) -> tuple[str, str]:
    recurring = task.recurrence != Recurrence.ONCE
    if overdue:
        periods = "（" + "、".join(str(period.label) for period in overdue[:3]) + "）" if recurring else ""
        text = _("【已逾期】%(campaign)s“%(task)s”%(periods)s尚未报送，已逾期%(days)s天，请尽快报送。") % {
            "campaign": task.campaign.name,
            "task": task.title,
            "periods": periods,
            "days": (today - overdue[0].due).days,
        }
        return ReminderKind.OVERDUE, text[:500]
    period = soon[0]
    days = (period.due - today).days
    when = _("今天") if days == 0 else _("%(n)s天后") % {"n": days}
    message = _(
        "【即将到期】%(campaign)s“%(task)s”%(period)s将于%(when)s（%(month)s月%(day)s日%(time)s）截止，请按时报送。"
    )
    text = message % {
        "campaign": task.campaign.name,
        "task": task.title,
        "period": f"（{period.label}）" if recurring else "",
        "when": when,
        "month": period.due.month,
        "day": period.due.day,
        "time": f"{period.due_time:%H:%M}" if period.due_time else "",
    }
    return ReminderKind.DUE_SOON, text[:500]


def create_reminders(*, today: dt.date | None = None) -> list[Reminder]:
    """Record today's reminders: for every officer of a unit with a task due within three days or overdue and not
    yet reported. At most one per officer, task and day (a unique constraint): a re-run creates nothing."""
    from .selectors import DUE_SOON_DAYS

    today = today or timezone.localdate()
    tasks = list(
        CampaignTask.objects.filter(campaign__status=CampaignStatus.RUNNING)
        .select_related("campaign")
        .prefetch_related("jurisdictions", "member_units")
    )
    if not tasks:
        return []
    # A unit is ("j", jurisdiction id) or ("m", member unit id): member units get their reminders too (issue 12).
    filed = {
        (row["task_id"], row["period_due"], ("m", row["member_unit_id"]) if row["member_unit_id"] else
         ("j", row["jurisdiction_id"]))
        for row in ActivityReturn.objects.filter(task__in=tasks, first_submitted_at__isnull=False)
        .values("task_id", "period_due", "jurisdiction_id", "member_unit_id")
        .distinct()
    }  # fmt: skip
    officers: dict[tuple[str, int | None], list[Any]] = {}
    for profile in OfficerProfile.objects.filter(user__is_active=True, user__is_staff=False).select_related("user"):
        key = ("m", profile.member_unit_id) if profile.member_unit_id else ("j", profile.jurisdiction_id)
        officers.setdefault(key, []).append(profile.user)
    wanted: list[Reminder] = []
    for task in tasks:
        periods = [p for p in task.periods() if p.due <= today + dt.timedelta(days=DUE_SOON_DAYS)]
        if not periods:
            continue
        units = [("j", j.pk) for j in task.jurisdictions.all()] + [("m", m.pk) for m in task.member_units.all()]
        for unit in units:
            unfiled = [p for p in periods if (task.pk, p.due, unit) not in filed]
            overdue = [p for p in unfiled if p.due < today]
            soon = [p for p in unfiled if p.due >= today]
            if not (overdue or soon):
                continue
            kind, message = _reminder_message(task, overdue, soon, today)
            for user in officers.get(unit, []):
                wanted.append(Reminder(officer=user, task=task, date=today, kind=kind, message=message))
    if not wanted:
        return []
    existing = set(Reminder.objects.filter(date=today, task__in=tasks).values_list("officer_id", "task_id"))
    new = [r for r in wanted if (r.officer_id, r.task_id) not in existing]
    # ignore_conflicts: a concurrent run may have inserted the same rows; the constraint keeps one of each.
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return new


def email_reminders(*, today: dt.date | None = None) -> tuple[int, int]:
    """E-mail today's reminders not e-mailed yet, one message per officer. Each reminder is claimed with a
    conditional UPDATE before sending, so two runs never send the same one; a failed send releases the claim."""
    today = today or timezone.localdate()
    pending = list(
        Reminder.objects.filter(date=today, emailed_at__isnull=True)
        .exclude(officer__email="")
        .select_related("officer")
        .order_by("officer_id", "pk")
    )
    by_officer: dict[int, list[Reminder]] = {}
    for reminder in pending:
        by_officer.setdefault(reminder.officer_id, []).append(reminder)
    sent = failed = 0
    for reminders in by_officer.values():
        now = timezone.now()
        claimed = [
            r for r in reminders if Reminder.objects.filter(pk=r.pk, emailed_at__isnull=True).update(emailed_at=now)
        ]
        if not claimed:
            continue
        officer = claimed[0].officer
        body = render_to_string(
            "campaigns/email/reminders.txt",
            {"officer": officer, "reminders": claimed, "portal_url": settings.SITE_URL + reverse("portal:home")},
        )
        subject = _("【%(office)s】活动报送提醒（%(n)s项）") % {"office": settings.OFFICE_NAME, "n": len(claimed)}
        try:
            send_mail(subject, body, None, [officer.email])
        except Exception:  # SMTP down: release the claim so the next run tries again
            logger.warning("reminder e-mail to user %s failed", officer.pk, exc_info=True)
            Reminder.objects.filter(pk__in=[r.pk for r in claimed]).update(emailed_at=None)
            failed += len(claimed)
        else:
            sent += len(claimed)
    return sent, failed


def send_reminders(*, today: dt.date | None = None) -> ReminderRun:
    """The morning job: record the day's reminders (shown in the portal) and e-mail them."""
    today = today or timezone.localdate()
    created = create_reminders(today=today)
    notify_reminders(created)
    sent, failed = email_reminders(today=today)
    return ReminderRun(created=len(created), emailed=sent, failed_emails=failed)


def notify_reminders(reminders: Iterable[Reminder]) -> int:
    """New reminders also go to the channels each officer chose (企业微信群, SMS; safetyportal/messaging), once per
    officer, task and day. The dashboard lists them already, so no second portal message is written."""
    from safetyportal.messaging import notify

    officers: dict[tuple[int, str], list[int]] = {}
    for reminder in reminders:
        officers.setdefault((reminder.task_id, reminder.message), []).append(reminder.officer_id)
    url = reverse("portal:home")
    return sum(
        notify(users=ids, key=f"campaigns.reminder:{task_id}", text=message, url=url, portal=False)
        for (task_id, message), ids in officers.items()
    )


def mark_reminders_read(*, officer: User) -> int:
    return Reminder.objects.filter(officer=officer, read_at__isnull=True).update(read_at=timezone.now())


# --- Campaign summary ------------------------------------------------------------------------------------------------


def default_summary_title(campaign: Campaign) -> str:
    name = campaign.name if "“" in campaign.name else f"“{campaign.name}”"
    return _("%(year)s年%(name)s活动总结") % {"year": campaign.year, "name": name}


def create_summary(*, campaign: Campaign, authority: IssuingAuthority, by: User, title: str = "") -> CampaignSummary:
    """A draft summary whose narrative skeleton is written from the accepted returns."""
    from .summaries import draft_narrative

    figures = summary_figures(campaign)
    with transaction.atomic():
        return CampaignSummary.objects.create(
            campaign=campaign,
            authority=authority,
            title=title or default_summary_title(campaign),
            narrative=draft_narrative(figures),
            created_by=_user_or_none(by),
        )


def redraft_narrative(*, summary: CampaignSummary) -> CampaignSummary:
    """Write the skeleton again from the current figures (drafts only)."""
    from .summaries import draft_narrative

    with transaction.atomic():
        current = CampaignSummary.objects.select_for_update().select_related("campaign").get(pk=summary.pk)
        if not current.is_editable:
            raise ValidationError(_("已印发的活动总结不能修改。"))
        current.narrative = draft_narrative(summary_figures(current.campaign))
        current.save(update_fields=["narrative", "updated_at"])
    return current
