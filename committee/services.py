"""Every write of the committee app: accidents and their 现场警示教育会议, interviews and their commitments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.messaging import notify
from safetyportal.models import JurisdictionLevel
from safetyportal.scoping import is_office_staff, officer_unit
from safetyportal.services import diff, record_history, snapshot
from safetyportal.uploads import CheckedAttachment, delete_private, store_private
from safetyportal.workdays import CalendarNotCovered, add_working_days

from .models import (
    Accident,
    AccidentAttachment,
    Commitment,
    CommitmentStatus,
    Interview,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from safetyportal.types import User

# Units are reminded from this many days before the meeting's last day, and every day once it is overdue.
MEETING_REMIND_DAYS_BEFORE = 5


# --- Accidents -------------------------------------------------------------------------------------------------------


def save_accident(*, accident: Accident, by: User | None) -> Accident:
    """Register or change an accident (the level is computed from the counts on save), with its history row."""
    with transaction.atomic():
        adding = accident._state.adding
        before: dict[str, Any] = {}
        if not adding:
            current = Accident.objects.select_for_update().get(pk=accident.pk)
            if current.is_voided:
                raise ValidationError(_("已作废的事故记录不能修改。"))
            before = snapshot(current)
        elif by is not None and accident.created_by_id is None:
            accident.created_by = by
        if accident.enterprise is not None and not accident.unit_name:
            accident.unit_name = accident.enterprise.name
        accident.full_clean()
        accident.save()
        changes = diff(before, snapshot(accident))
        if adding or changes:
            record_history(accident, action="create" if adding else "change", by=by, changes=changes)
    return accident


def record_meeting(
    *, accident: Accident, by: User | None, held_on: dt.date, place: str, attendance: int | None, record: str
) -> Accident:
    """The evidence of the 现场警示教育会议: date held, place, attendance and a text record."""
    accident.meeting_held_on = held_on
    accident.meeting_place = place
    accident.meeting_attendance = attendance
    accident.meeting_record = record
    return save_accident(accident=accident, by=by)


# The meeting's evidence as files: below MEDIA_ROOT/private/<ACCIDENT_FOLDER>/ under random names.
ACCIDENT_FOLDER = "accidents"
MAX_ACCIDENT_ATTACHMENTS = 30


def may_add_evidence(user: User | None) -> bool:
    return bool(user is not None and is_office_staff(user) and user.has_perm("committee.change_accident"))


def add_accident_attachments(
    *, accident: Accident, files: Sequence[CheckedAttachment], kind: str, by: User
) -> list[AccidentAttachment]:
    """Attach checked files (``safetyportal.uploads.check_attachment``) to an accident as evidence of its meeting
    (staff allowed to change accidents; not on a voided accident). The files are written under random names first; if
    anything is then refused, they are removed again, so a refusal leaves nothing behind. Never deleted later."""
    from .models import EvidenceKind

    if not may_add_evidence(by):
        raise PermissionDenied
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("请选择材料类别。")})
    if not files:
        return []
    stored = [(checked, store_private(checked, ACCIDENT_FOLDER)) for checked in files]
    try:
        with transaction.atomic():
            current = Accident.objects.select_for_update().get(pk=accident.pk)
            if current.is_voided:
                raise ValidationError(_("已作废的事故记录不能添加材料。"))
            existing = AccidentAttachment.objects.filter(accident=current).count()
            if existing + len(stored) > MAX_ACCIDENT_ATTACHMENTS:
                raise ValidationError(
                    _("每起事故最多%(max)s个材料文件（已有%(existing)s个）。")
                    % {"max": MAX_ACCIDENT_ATTACHMENTS, "existing": existing}
                )
            rows = []
            for checked, name in stored:
                row = AccidentAttachment(accident=current, kind=kind, uploaded_by=by)
                row.set_file(checked, name)
                row.save()
                rows.append(row)
            record_history(
                current,
                action="change",
                by=by,
                changes={"attachments": [None, [row.display_name for row in rows]]},
                note=_("添加警示教育会议材料%(n)s个") % {"n": len(rows)},
            )
            return rows
    except BaseException:
        delete_private([name for _checked, name in stored])
        raise


def _unit_officers(accident: Accident) -> list[int]:
    """The active officers of the accident's own unit and, for a community (社区/村), also of the office above it
    (the subdistrict's or town's, which organises the meeting with it)."""
    units = [accident.jurisdiction_id]
    jurisdiction = accident.jurisdiction
    if jurisdiction.level == JurisdictionLevel.COMMUNITY and jurisdiction.parent_id is not None:
        units.append(jurisdiction.parent_id)
    return list(
        get_user_model()
        .objects.filter(is_active=True, officer_profile__jurisdiction_id__in=units)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def meeting_reminder_text(accident: Accident, today: dt.date) -> str:
    due = accident.meeting_due_on
    if today > due:
        return _("%(accident)s的现场警示教育会议已逾期（应于%(due)s前召开，事故发生后15日内），请尽快召开并登记。") % {
            "accident": accident,
            "due": f"{due.month}月{due.day}日",
        }
    return _("%(accident)s的现场警示教育会议须于%(due)s前召开（事故发生后15日内），还剩%(days)s天。") % {
        "accident": accident,
        "due": f"{due.month}月{due.day}日",
        "days": (due - today).days,
    }


def send_meeting_reminders(*, today: dt.date | None = None) -> int:
    """The beat job (queue messages): every accident without its meeting held, from ``MEETING_REMIND_DAYS_BEFORE``
    days before its last day (and every day once overdue), reminds its unit's officers (and, for a community, the
    office above it) once a day: the accident's
    ``meeting_reminded_on`` is set under a row lock, and notify() itself never sends one key twice a day."""
    today = today or timezone.localdate()
    sent = 0
    window_start = today - dt.timedelta(days=30 * 12)  # reminders stop a year after an accident
    candidates = Accident.objects.filter(
        record_status="active", meeting_held_on__isnull=True, occurred_at__date__gte=window_start
    ).exclude(meeting_reminded_on=today)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            accident = (
                Accident.objects.select_for_update(of=("self",))
                .select_related("jurisdiction")
                .filter(pk=pk, meeting_held_on__isnull=True)
                .first()
            )
            if accident is None or accident.is_voided or accident.meeting_reminded_on == today:
                continue
            if (accident.meeting_due_on - today).days > MEETING_REMIND_DAYS_BEFORE:
                continue
            Accident.objects.filter(pk=pk).update(meeting_reminded_on=today)
            users = _unit_officers(accident)
            if users:
                sent += notify(
                    users=users,
                    key=f"committee.meeting:{accident.pk}",
                    text=meeting_reminder_text(accident, today),
                )
    return sent


def _accident_case_text(accident: Accident) -> dict[str, str]:
    """The draft's text from the accident's structured fields only (never its free-text description, never a
    victim): date, place's unit, type, counts, loss, level."""
    day = accident.occurred_on
    unit = accident.unit_name or (accident.enterprise.name if accident.enterprise else "")
    counts = []
    if accident.deaths:
        counts.append(_("%(n)s人死亡") % {"n": accident.deaths})
    if accident.serious_injuries:
        counts.append(_("%(n)s人重伤") % {"n": accident.serious_injuries})
    if accident.minor_injuries:
        counts.append(_("%(n)s人轻伤") % {"n": accident.minor_injuries})
    consequence = "、".join(counts) or _("无人员伤亡")
    loss = accident.direct_loss
    loss_text = _("，直接经济损失约%(loss)s万元") % {"loss": f"{loss / 10000:,.2f}"} if loss else ""
    kind = accident.get_accident_type_display()
    body = _(
        "%(year)s年%(month)s月%(day)s日，%(jurisdiction)s%(unit)s发生一起%(kind)s事故，造成%(consequence)s%(loss)s，"
        "属%(level)s。"
    ) % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
        "jurisdiction": accident.jurisdiction.name,
        "unit": unit,
        "kind": kind,
        "consequence": consequence,
        "loss": loss_text,
        "level": accident.get_level_display(),
    }
    return {
        "title": _("%(unit)s“%(date)s”%(kind)s事故") % {"unit": unit, "date": f"{day.month}·{day.day}", "kind": kind},
        "display_name": unit,
        "summary": _("%(kind)s事故，%(consequence)s") % {"kind": kind, "consequence": consequence},
        "body": body,
        "warning": _("各单位要深刻汲取事故教训，举一反三，全面排查同类风险隐患，严防类似事故发生。"),
    }


def draft_exposure_case(*, accident: Accident, by: User) -> Any:
    """One step from an accident to a draft 事故典型案例 on the exposure pages (through inspections' own service;
    staff review, edit and publish it there, where the text is masked again)."""
    from inspections.services import draft_accident_case  # the owning app's service, never its models

    if not is_office_staff(by):
        raise PermissionDenied
    with transaction.atomic():
        accident = (
            Accident.objects.select_for_update(of=("self",))
            .select_related("jurisdiction", "enterprise")
            .get(pk=accident.pk)
        )
        if accident.is_voided:
            raise ValidationError(_("已作废的事故记录不能生成案例。"))
        if accident.exposure_case_id is not None:
            raise ValidationError(_("该事故已生成过典型案例草稿。"))
        case = draft_accident_case(
            by=by,
            jurisdiction=accident.jurisdiction,
            enterprise=accident.enterprise,
            case_date=accident.occurred_on,
            **_accident_case_text(accident),
        )
        Accident.objects.filter(pk=accident.pk).update(exposure_case=case)
        accident.exposure_case = case
        record_history(accident, action="change", by=by, changes={"exposure_case": [None, case.pk]})
    return case


# --- Interviews ------------------------------------------------------------------------------------------------------


def save_interview(*, interview: Interview, by: User | None) -> Interview:
    """Record or change an interview; its scope follows the interviewed unit."""
    with transaction.atomic():
        adding = interview._state.adding
        before: dict[str, Any] = {}
        if not adding:
            before = snapshot(Interview.objects.select_for_update().get(pk=interview.pk))
        elif by is not None and interview.created_by_id is None:
            interview.created_by = by
        interview.full_clean()
        interview.scope_jurisdiction = interview.scope_of()
        interview.save()
        changes = diff(before, snapshot(interview))
        if adding or changes:
            record_history(interview, action="create" if adding else "change", by=by, changes=changes)
    return interview


def commitment_due(held_on: dt.date, working_days: int) -> dt.date:
    """N working days after the interview (the calendar's ``add_working_days``); an uncovered year is an error."""
    try:
        return add_working_days(held_on, working_days)
    except CalendarNotCovered as error:
        raise ValidationError({"working_days": str(error)}) from error


def add_commitment(*, interview: Interview, text: str, working_days: int) -> Commitment:
    if not text.strip():
        raise ValidationError({"text": _("请填写承诺事项。")})
    if working_days < 1:
        raise ValidationError({"working_days": _("完成时限至少为1个工作日。")})
    with transaction.atomic():
        commitment = Commitment(
            interview=interview,
            text=text.strip(),
            working_days=working_days,
            due_on=commitment_due(interview.held_on, working_days),
        )
        commitment.save()
    return commitment


def may_report_commitment(user: User, commitment: Commitment) -> bool:
    """Only the interviewed unit reports its commitments done (for an enterprise: the office of its jurisdiction)."""
    unit = officer_unit(user)
    if unit is None:
        return False
    interview = commitment.interview
    if unit.member_unit is not None:
        return interview.member_unit_id == unit.member_unit.pk
    if unit.jurisdiction is None:
        return False
    own = interview.jurisdiction_id or (interview.enterprise.jurisdiction_id if interview.enterprise else None)
    return own == unit.jurisdiction.pk


def report_commitment_done(*, commitment: Commitment, by: User, note: str) -> Commitment:
    """The interviewed unit reports a commitment done, with a note (who and when are recorded)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写完成情况说明。")})
    with transaction.atomic():
        commitment = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("interview__enterprise")
            .get(pk=commitment.pk)
        )
        if not may_report_commitment(by, commitment) or commitment.interview.is_voided:
            raise Http404
        if commitment.status == CommitmentStatus.DONE:
            raise ValidationError(_("该承诺事项已报告完成。"))
        commitment.status = CommitmentStatus.DONE
        commitment.done_at = timezone.now()
        commitment.done_by = by
        commitment.done_note = note[:2000]
        commitment.save(update_fields=["status", "done_at", "done_by", "done_note"])
        record_history(
            commitment.interview,
            action="change",
            by=by,
            changes={f"commitment:{commitment.pk}": ["open", "done"]},
            note=note[:255],
        )
    return commitment
