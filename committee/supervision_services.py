"""Every write of the committee's supervision (挂牌督办, issue 15).

Deadlines are working days (``safetyportal.workdays``): the rectification deadline (``working_days`` after 挂牌),
the listing's publication (``LISTING_PUBLICATION``: 5 working days after 挂牌), the removal's publication
(``REMOVAL_PUBLICATION``: 5 working days after 销号), the last day to request an extension
(``latest_extension_request``: 20 working days before the deadline) and the decision (``EXTENSION_DECISION``: 10
working days after the request). A year the calendar does not cover is a ``ValidationError`` naming the year, never a
natural-day count. The hazard side is read and marked only through ``inspections.supervision_bridge``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal import workdays
from safetyportal.documents.issuing import IssueStatus
from safetyportal.messaging import notify
from safetyportal.scoping import is_office_staff, officer_unit
from safetyportal.services import diff, record_history, snapshot, void_record
from safetyportal.uploads import CheckedAttachment, delete_private, store_private

from .supervision_models import (
    LEVEL_ORDER,
    ExtensionRequest,
    ExtensionStatus,
    ProgressAttachment,
    ProgressReport,
    Supervision,
    SupervisionEvent,
    SupervisionEventKind,
    SupervisionEvidence,
    SupervisionStatus,
    SupervisionTarget,
)

if TYPE_CHECKING:
    from safetyportal.types import User

FOLDER = "supervision"
MAX_PROGRESS_FILES = 10
MAX_EVIDENCE_FILES = 10
STAFF_PERMISSION = "change_supervision"


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _calendar_error(error: workdays.CalendarNotCovered, field: str | None = None) -> ValidationError:
    return ValidationError({field: str(error)}) if field else ValidationError(str(error))


# --- Deadlines ----------


def rectification_deadline(listed_on: dt.date, working_days: int) -> dt.date:
    """N working days after 挂牌 (``listed_on`` not counted)."""
    try:
        return workdays.add_working_days(listed_on, working_days)
    except workdays.CalendarNotCovered as error:
        raise _calendar_error(error, "working_days") from error


def listing_publication_due(listed_on: dt.date) -> dt.date:
    """The last day to publish the listing: 5 working days after 挂牌."""
    try:
        return workdays.LISTING_PUBLICATION.due(listed_on)
    except workdays.CalendarNotCovered as error:
        raise _calendar_error(error) from error


def removal_publication_due(closed_on: dt.date) -> dt.date:
    """The last day to publish the removal (摘牌): 5 working days after 销号."""
    try:
        return workdays.REMOVAL_PUBLICATION.due(closed_on)
    except workdays.CalendarNotCovered as error:
        raise _calendar_error(error) from error


def extension_request_last_day(deadline: dt.date) -> dt.date:
    try:
        return workdays.latest_extension_request(deadline)
    except workdays.CalendarNotCovered as error:
        raise _calendar_error(error) from error


def extension_decision_due(requested_on: dt.date) -> dt.date:
    try:
        return workdays.EXTENSION_DECISION.due(requested_on)
    except workdays.CalendarNotCovered as error:
        raise _calendar_error(error) from error


def level_above(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


# --- Who ----------


def may_report(user: Any, supervision: Supervision) -> bool:
    """Only the responsible unit itself files progress and requests an extension (an office above it reads only)."""
    unit = officer_unit(user)
    if unit is None:
        return False
    if unit.member_unit is not None:
        return supervision.scope_member_unit_id == unit.member_unit.pk
    return unit.jurisdiction is not None and supervision.scope_jurisdiction_id == unit.jurisdiction.pk


def _check_staff(by: Any) -> None:
    if not (is_office_staff(by) and by.has_perm(f"committee.{STAFF_PERMISSION}")):
        raise PermissionDenied


def unit_users(supervision: Supervision) -> list[int]:
    """Active officer accounts of the responsible unit(s)."""
    condition = Q()
    if supervision.scope_jurisdiction_id is not None:
        condition |= Q(officer_profile__jurisdiction_id=supervision.scope_jurisdiction_id)
    if supervision.scope_member_unit_id is not None:
        condition |= Q(officer_profile__member_unit_id=supervision.scope_member_unit_id)
    if not condition:
        return []
    return list(get_user_model().objects.filter(condition, is_active=True).values_list("pk", flat=True))


def staff_users() -> list[int]:
    """Active staff accounts allowed to handle supervisions (superusers, or the model permission directly or by
    group)."""
    perm = Q(user_permissions__codename=STAFF_PERMISSION, user_permissions__content_type__app_label="committee")
    group_perm = Q(
        groups__permissions__codename=STAFF_PERMISSION, groups__permissions__content_type__app_label="committee"
    )
    return list(
        get_user_model()
        .objects.filter(Q(is_superuser=True) | perm | group_perm, is_active=True, is_staff=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def _event(supervision: Supervision, kind: str, by: Any, text: str = "", changes: dict | None = None) -> None:
    SupervisionEvent.objects.create(
        supervision=supervision, kind=kind, actor=_user(by), text=text[:4000], changes=changes or {}
    )


def _locked(supervision: Supervision) -> Supervision:
    return Supervision.objects.select_for_update(of=("self",)).get(pk=supervision.pk)


# --- Listing (挂牌) ----------


def _scope_from_target(supervision: Supervision) -> None:
    from inspections.supervision_bridge import hazard_info

    if supervision.target == SupervisionTarget.HAZARD:
        info = hazard_info(supervision.hazard_id)  # type: ignore[arg-type]
        if info is None:
            raise ValidationError({"hazard": _("隐患不存在。")})
        supervision.scope_jurisdiction_id = info.jurisdiction_id
        supervision.scope_member_unit_id = info.responsible_unit_id
    else:
        supervision.scope_jurisdiction_id = supervision.jurisdiction_id
        supervision.scope_member_unit_id = supervision.member_unit_id


# What an issued 督办通知 prints and serves on the unit: fixed once a notice is issued. The deadline moves only through
# an approved extension (decide_extension); other corrections need a superseding notice.
NOTICE_FROZEN_FIELDS: tuple[str, ...] = ("listed_on", "working_days", "level")


def has_issued_notice(supervision: Supervision) -> bool:
    return supervision.notices.exclude(status=IssueStatus.DRAFT).exists()


def _check_frozen_by_notice(current: Supervision, supervision: Supervision) -> None:
    changed = [name for name in NOTICE_FROZEN_FIELDS if getattr(current, name) != getattr(supervision, name)]
    if not changed or not has_issued_notice(current):
        return
    labels = "、".join(str(Supervision._meta.get_field(name).verbose_name) for name in changed)
    raise ValidationError(
        _("督办通知已印发，不能再修改%(fields)s；如需延长整改期限，请通过延期申请办理，其他更正请印发新的督办通知。")
        % {"fields": labels}
    )


def rescope_for_hazard(hazard_id: int, *, jurisdiction_id: int, responsible_unit_id: int | None) -> list[int]:
    """The hazard's jurisdiction or responsible unit changed: its open supervisions follow, so that the unit now
    responsible sees them, files progress and gets the messages, and the former unit no longer does (called by the
    hazard's ``post_save``, ``supervision_signals``). Returns the pks re-scoped."""
    changed: list[int] = []
    with transaction.atomic():
        rows = Supervision.objects.select_for_update(of=("self",)).filter(
            target=SupervisionTarget.HAZARD,
            hazard_id=hazard_id,
            status=SupervisionStatus.OPEN,
            record_status="active",
        )
        for current in rows:
            old = (current.scope_jurisdiction_id, current.scope_member_unit_id)
            new = (jurisdiction_id, responsible_unit_id)
            if old == new:
                continue
            current.scope_jurisdiction_id, current.scope_member_unit_id = new
            current.save(update_fields=["scope_jurisdiction", "scope_member_unit", "updated_at"])
            changes = {
                "scope_jurisdiction": [old[0], new[0]],
                "scope_member_unit": [old[1], new[1]],
            }
            record_history(current, action="change", by=None, changes=changes, note=_("隐患整改责任单位或辖区变更"))
            _event(
                current,
                SupervisionEventKind.CHANGED,
                None,
                _("隐患的辖区或整改责任单位已变更，督办随之转由%(unit)s办理") % {"unit": current.unit_name or "—"},
                changes,
            )
            changed.append(current.pk)
            if old[1] != new[1] and new[1] is not None:
                users = unit_users(current)
                if users:
                    text = _(
                        "隐患整改责任已转交你单位，原挂牌督办随之转由你单位办理：%(title)s（%(level)s），整改期限"
                        "%(deadline)s。请在“安委会 › 挂牌督办”中按期报送整改进展。"
                    ) % {
                        "title": current.title,
                        "level": current.get_level_display(),
                        "deadline": f"{current.deadline:%Y-%m-%d}",
                    }
                    key = f"committee.supervision:{current.pk}:unit:{new[1]}"
                    transaction.on_commit(lambda u=users, k=key, t=text: _notify_quietly(u, k, t))
    return changed


def check_target(supervision: Supervision) -> None:
    """A new hazard supervision needs an open hazard not already under an open supervision (also called by the
    admin's form, so the message shows on the form)."""
    from inspections.supervision_bridge import hazard_info

    if supervision.target != SupervisionTarget.HAZARD or not supervision._state.adding or not supervision.hazard_id:
        return
    info = hazard_info(supervision.hazard_id)
    if info is None or not info.is_open:
        raise ValidationError({"hazard": _("已办结的隐患不能挂牌督办。")})
    if Supervision.objects.filter(
        hazard_id=supervision.hazard_id, status=SupervisionStatus.OPEN, record_status="active"
    ).exists():
        raise ValidationError({"hazard": _("该隐患已在挂牌督办中。")})


def save_supervision(*, supervision: Supervision, by: User | None) -> Supervision:
    """Put something under supervision (挂牌), or change an open one's content. The deadline follows the listing date
    and the working days until an extension is approved; the hazard's marker follows the level."""
    from inspections.supervision_bridge import mark_supervised

    if by is not None:
        _check_staff(by)
    with transaction.atomic():
        adding = supervision._state.adding
        before: dict[str, Any] = {}
        if not adding:
            current = _locked(supervision)
            if current.is_voided or current.status != SupervisionStatus.OPEN:
                raise ValidationError(_("已销号或已作废的督办不能修改。"))
            if (current.target, current.hazard_id, current.jurisdiction_id, current.member_unit_id) != (
                supervision.target,
                supervision.hazard_id,
                supervision.jurisdiction_id,
                supervision.member_unit_id,
            ):
                raise ValidationError(_("督办对象不能修改；如挂错对象，请作废后重新挂牌。"))
            before = snapshot(current)
            _check_frozen_by_notice(current, supervision)
        supervision.full_clean(exclude=["deadline"])
        check_target(supervision)
        _scope_from_target(supervision)
        extended = not adding and current.initial_deadline is not None and current.deadline != current.initial_deadline
        if adding or not extended:
            supervision.deadline = rectification_deadline(supervision.listed_on, supervision.working_days)
            supervision.initial_deadline = supervision.deadline
        if adding:
            supervision.initial_level = supervision.level
            if by is not None:
                supervision.created_by = by
        elif extended and (supervision.listed_on, supervision.working_days) != (
            current.listed_on,
            current.working_days,
        ):
            raise ValidationError(_("已批准延期的督办不能再修改挂牌日期或整改时限。"))
        supervision.save()
        changes = diff(before, snapshot(supervision))
        if adding:
            record_history(supervision, action="create", by=by)
            _event(
                supervision,
                SupervisionEventKind.LISTED,
                by,
                _("%(level)s，整改期限%(deadline)s（%(rule)s）")
                % {
                    "level": supervision.get_level_display(),
                    "deadline": f"{supervision.deadline:%Y-%m-%d}",
                    "rule": workdays.rule_label(supervision.working_days),
                },
            )
        elif changes:
            record_history(supervision, action="change", by=by, changes=changes)
            _event(supervision, SupervisionEventKind.CHANGED, by, changes=changes)
        if supervision.hazard_id is not None:
            mark_supervised(
                hazard_id=supervision.hazard_id,
                level=supervision.level,
                by=by,
                reason=_("安委会挂牌督办：%(title)s") % {"title": supervision.title},
                on=supervision.listed_on,
            )
    if adding:
        users = unit_users(supervision)
        if users:
            notify(
                users=users,
                key=f"committee.supervision:{supervision.pk}",
                text=_(
                    "你单位被%(level)s：%(title)s，整改期限%(deadline)s。请在“安委会 › 挂牌督办”中按期报送整改进展。"
                )
                % {
                    "level": supervision.get_level_display(),
                    "title": supervision.title,
                    "deadline": f"{supervision.deadline:%Y-%m-%d}",
                },
            )
    return supervision


def create_supervision(*, by: User | None, **values: Any) -> Supervision:
    """Keyword arguments are the model's fields (target, hazard/jurisdiction/member_unit, level, title, problem, …)."""
    return save_supervision(supervision=Supervision(**values), by=by)


def publish_listing(*, supervision: Supervision, by: User, on: dt.date | None = None) -> Supervision:
    """挂牌公示: the supervision appears on /supervision/ (due within 5 working days of 挂牌)."""
    _check_staff(by)
    on = on or timezone.localdate()
    with transaction.atomic():
        current = _locked(supervision)
        if current.is_voided:
            raise ValidationError(_("已作废的督办不能公示。"))
        if not current.is_public:
            raise ValidationError(_("该督办未设为向社会公示。"))
        if current.published_on is not None:
            raise ValidationError(_("该督办已公示。"))
        if on < current.listed_on:
            raise ValidationError(_("公示日期不能早于挂牌日期。"))
        if not (current.public_name.strip() and current.public_text.strip()):
            raise ValidationError(_("请先填写公示名称和公示内容。"))
        due = listing_publication_due(current.listed_on)
        current.published_on = on
        current.save(update_fields=["published_on", "updated_at"])
        late = on > due
        record_history(current, action="publish", by=by, changes={"published_on": [None, on.isoformat()]})
        _event(
            current,
            SupervisionEventKind.PUBLISHED,
            by,
            _("挂牌公示（应于%(due)s前公示%(late)s）")
            % {"due": f"{due:%Y-%m-%d}", "late": _("，已超期") if late else ""},
        )
    return current


# --- Progress and extension (the responsible unit) ----------


def _store(files: Sequence[CheckedAttachment]) -> list[tuple[CheckedAttachment, str]]:
    return [(checked, store_private(checked, FOLDER)) for checked in files]


def file_progress(
    *, supervision: Supervision, by: User, text: str, files: Sequence[CheckedAttachment] = ()
) -> ProgressReport:
    """A progress report of the responsible unit (text; photos and documents already checked by
    safetyportal.uploads). Another unit's supervision is "not found"; a refusal stores nothing."""
    text = (text or "").strip()
    if not may_report(by, supervision):
        raise Http404
    if not text:
        raise ValidationError({"text": _("请填写整改进展。")})
    if len(files) > MAX_PROGRESS_FILES:
        raise ValidationError({"files": _("一次最多上传%(n)s个附件。") % {"n": MAX_PROGRESS_FILES}})
    unit = officer_unit(by)
    stored = _store(files)
    try:
        with transaction.atomic():
            current = _locked(supervision)
            if not current.is_open:
                raise ValidationError(_("该督办已销号或已作废，不能再报送进展。"))
            report = ProgressReport.objects.create(
                supervision=current, text=text[:5000], filed_by=by, unit_name=unit.name if unit else ""
            )
            rows = []
            for checked, name in stored:
                row = ProgressAttachment(report=report, uploaded_by=by)
                row.set_file(checked, name)
                rows.append(row)
            ProgressAttachment.objects.bulk_create(rows)
            _event(
                current,
                SupervisionEventKind.PROGRESS,
                by,
                _("%(unit)s报送整改进展（附件%(n)s个）") % {"unit": report.unit_name, "n": len(rows)},
            )
    except BaseException:
        delete_private([name for _checked, name in stored])
        raise
    return report


def request_extension(
    *, supervision: Supervision, by: User, reason: str, requested_deadline: dt.date, on: dt.date | None = None
) -> ExtensionRequest:
    """延期申请: no later than 20 working days before the deadline (``latest_extension_request``); one pending at a
    time; the decision is due 10 working days after the request."""
    reason = (reason or "").strip()
    if not may_report(by, supervision):
        raise Http404
    if not reason:
        raise ValidationError({"reason": _("请填写延期理由。")})
    on = on or timezone.localdate()
    with transaction.atomic():
        current = _locked(supervision)
        if not current.is_open:
            raise ValidationError(_("该督办已销号或已作废，不能申请延期。"))
        last_day = extension_request_last_day(current.deadline)
        if on > last_day:
            raise ValidationError(
                _("延期申请须不迟于整改期限前20个工作日提出（本督办最迟%(last)s），已超过申请期限。")
                % {"last": f"{last_day:%Y-%m-%d}"}
            )
        if requested_deadline <= current.deadline:
            raise ValidationError({"requested_deadline": _("申请延期至的日期须晚于当前整改期限。")})
        if current.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
            raise ValidationError(_("已有待批复的延期申请。"))
        request = ExtensionRequest.objects.create(
            supervision=current,
            requested_on=on,
            requested_by=by,
            deadline_before=current.deadline,
            requested_deadline=requested_deadline,
            reason=reason[:4000],
            decision_due=extension_decision_due(on),
        )
        _event(
            current,
            SupervisionEventKind.EXTENSION_REQUESTED,
            by,
            _("申请延期至%(to)s，批复期限%(due)s")
            % {"to": f"{requested_deadline:%Y-%m-%d}", "due": request.decision_due},
        )
    users = staff_users()
    if users:
        notify(
            users=users,
            key=f"committee.supervision.extension:{request.pk}",
            text=_("%(unit)s申请“%(title)s”延期至%(to)s，请于%(due)s前批复。")
            % {
                "unit": current.unit_name,
                "title": current.title,
                "to": f"{requested_deadline:%Y-%m-%d}",
                "due": f"{request.decision_due:%Y-%m-%d}",
            },
        )
    return request


def decide_extension(
    *,
    request: ExtensionRequest,
    by: User,
    approve: bool,
    note: str,
    approved_deadline: dt.date | None = None,
    on: dt.date | None = None,
) -> ExtensionRequest:
    """The office's decision: approval moves the supervision's deadline (to the requested day unless another is
    given); a decision after the 10 working days is recorded as late."""
    _check_staff(by)
    note = (note or "").strip()
    on = on or timezone.localdate()
    with transaction.atomic():
        current = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != ExtensionStatus.PENDING:
            raise ValidationError(_("该延期申请已批复。"))
        supervision = _locked(current.supervision)
        if not supervision.is_open:
            raise ValidationError(_("该督办已销号或已作废。"))
        if not approve and not note:
            raise ValidationError({"note": _("不同意延期时请填写批复意见。")})
        if on < current.requested_on:
            raise ValidationError(_("批复日期不能早于申请日期。"))
        current.decided_on = on
        current.decided_by = by
        current.decision_note = note[:4000]
        changes: dict[str, list[Any]] = {}
        if approve:
            new_deadline = approved_deadline or current.requested_deadline
            if new_deadline <= supervision.deadline:
                raise ValidationError({"approved_deadline": _("批准延期至的日期须晚于当前整改期限。")})
            current.status = ExtensionStatus.APPROVED
            current.approved_deadline = new_deadline
            changes["deadline"] = [supervision.deadline.isoformat(), new_deadline.isoformat()]
            supervision.deadline = new_deadline
            supervision.save(update_fields=["deadline", "updated_at"])
            record_history(supervision, action="change", by=by, changes=changes, note=_("批准延期"))
        else:
            current.status = ExtensionStatus.REJECTED
        current.save()
        late = on > current.decision_due
        _event(
            supervision,
            SupervisionEventKind.EXTENSION_DECIDED,
            by,
            _("%(decision)s%(late)s%(note)s")
            % {
                "decision": current.get_status_display(),
                "late": _("（超过批复期限%(due)s）") % {"due": f"{current.decision_due:%Y-%m-%d}"} if late else "",
                "note": f"：{note}" if note else "",
            },
            changes,
        )
    users = unit_users(supervision)
    if users:
        notify(
            users=users,
            key=f"committee.supervision.extension:{current.pk}",
            text=_("“%(title)s”的延期申请%(decision)s%(deadline)s。")
            % {
                "title": supervision.title,
                "decision": current.get_status_display(),
                "deadline": _("，整改期限调整为%(d)s") % {"d": f"{supervision.deadline:%Y-%m-%d}"} if approve else "",
            },
        )
    return current


# --- Closure (销号) and removal (摘牌) ----------


def close_supervision(
    *,
    supervision: Supervision,
    by: User,
    note: str,
    files: Sequence[CheckedAttachment] = (),
    on: dt.date | None = None,
) -> Supervision:
    """销号 with evidence. A hazard's supervision closes only once the hazard is 已销号, or is rectified awaiting
    review (待复核) with photos after rectification (its evidence); a unit's needs evidence files here or attached to a
    progress report. The hazard's marker is removed (摘牌) when no other open supervision holds it."""
    from inspections.supervision_bridge import clear_supervision_marker, hazard_info

    _check_staff(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写销号说明（整改完成情况、验收意见）。")})
    on = on or timezone.localdate()
    stored = _store(files)
    try:
        with transaction.atomic():
            current = _locked(supervision)
            if not current.is_open:
                raise ValidationError(_("该督办已销号或已作废。"))
            if on < current.listed_on:
                raise ValidationError(_("销号日期不能早于挂牌日期。"))
            evidence: dict[str, Any] = {}
            if current.target == SupervisionTarget.HAZARD:
                info = hazard_info(current.hazard_id)  # type: ignore[arg-type]
                if info is None or not (info.is_closed or info.has_rectification_evidence):
                    raise ValidationError(
                        _("隐患尚未销号，也没有整改后照片等整改证据（待复核），不能销号。当前隐患状态：%(status)s。")
                        % {"status": info.status_label if info else "—"}
                    )
                evidence = {
                    "hazard_status": info.status,
                    "hazard_closed_on": info.closed_on.isoformat() if info.closed_on else None,
                    "after_photos": info.after_photos,
                }
            elif not stored and not ProgressAttachment.objects.filter(report__supervision=current).exists():
                raise ValidationError({"files": _("请上传销号证据（验收意见、整改后照片等）。")})
            for checked, name in stored:
                row = SupervisionEvidence(supervision=current, uploaded_by=by)
                row.set_file(checked, name)
                row.save()
            current.status = SupervisionStatus.CLOSED
            current.closed_on = on
            current.closed_by = by
            current.closure_note = note[:5000]
            current.save(update_fields=["status", "closed_on", "closed_by", "closure_note", "updated_at"])
            record_history(current, action="change", by=by, changes={"status": ["open", "closed"]}, note=_("销号"))
            _event(
                current,
                SupervisionEventKind.CLOSED,
                by,
                _("销号：%(note)s（摘牌公示期限%(due)s）") % {"note": note[:500], "due": _removal_due_text(on)},
                {**evidence, "evidence_files": len(stored)},
            )
            if current.hazard_id is not None and not _other_open(current):
                clear_supervision_marker(hazard_id=current.hazard_id, by=by, reason=_("挂牌督办销号"))
    except BaseException:
        delete_private([name for _checked, name in stored])
        raise
    users = unit_users(current)
    if users:
        notify(
            users=users,
            key=f"committee.supervision:{current.pk}",
            text=_("“%(title)s”已销号。") % {"title": current.title},
        )
    return current


def _removal_due_text(closed_on: dt.date) -> str:
    try:
        return f"{removal_publication_due(closed_on):%Y-%m-%d}"
    except ValidationError:
        return _("无法计算：日历未覆盖%(year)s年") % {"year": closed_on.year}


def _other_open(supervision: Supervision) -> bool:
    return (
        Supervision.objects.filter(
            hazard_id=supervision.hazard_id, status=SupervisionStatus.OPEN, record_status="active"
        )
        .exclude(pk=supervision.pk)
        .exists()
    )


def publish_removal(*, supervision: Supervision, by: User, on: dt.date | None = None) -> Supervision:
    """摘牌公示 (due within 5 working days of 销号)."""
    _check_staff(by)
    on = on or timezone.localdate()
    with transaction.atomic():
        current = _locked(supervision)
        if current.is_voided or current.status != SupervisionStatus.CLOSED or current.closed_on is None:
            raise ValidationError(_("只有已销号的督办可以摘牌公示。"))
        if current.removal_published_on is not None:
            raise ValidationError(_("已摘牌公示。"))
        if on < current.closed_on:
            raise ValidationError(_("摘牌公示日期不能早于销号日期。"))
        due = removal_publication_due(current.closed_on)
        current.removal_published_on = on
        current.save(update_fields=["removal_published_on", "updated_at"])
        record_history(current, action="publish", by=by, changes={"removal_published_on": [None, on.isoformat()]})
        _event(
            current,
            SupervisionEventKind.REMOVAL_PUBLISHED,
            by,
            _("摘牌公示（应于%(due)s前公示%(late)s）")
            % {"due": f"{due:%Y-%m-%d}", "late": _("，已超期") if on > due else ""},
        )
    return current


def void_supervision(*, supervision: Supervision, by: User, reason: str) -> Supervision:
    """作废 (never deleted): the history row by ``void_record``, an event, and the hazard's marker removed."""
    from inspections.supervision_bridge import clear_supervision_marker

    _check_staff(by)
    with transaction.atomic():
        current = _locked(supervision)
        void_record(record=current, by=by, reason=reason)
        current.refresh_from_db()
        _event(current, SupervisionEventKind.VOIDED, by, reason)
        if current.hazard_id is not None and current.status == SupervisionStatus.OPEN and not _other_open(current):
            clear_supervision_marker(hazard_id=current.hazard_id, by=by, reason=_("挂牌督办作废"))
    return current


# --- Escalation (the daily beat job) ----------


def escalate_overdue(*, today: dt.date | None = None) -> list[int]:
    """Every open supervision past its deadline moves to the level above once per deadline (the top level stays and
    is recorded all the same), with an event, the hazard's marker, and messages to the unit and the office's staff.
    Running it again the same day (or any later day before a new deadline) changes nothing."""
    from inspections.supervision_bridge import mark_supervised

    today = today or timezone.localdate()
    candidates = list(
        Supervision.objects.filter(record_status="active", status=SupervisionStatus.OPEN, deadline__lt=today)
        .filter(Q(escalated_for_deadline__isnull=True) | ~Q(escalated_for_deadline=F("deadline")))
        .values_list("pk", flat=True)
    )
    done: list[int] = []
    staff = staff_users()
    for pk in candidates:
        with transaction.atomic():
            current = Supervision.objects.select_for_update(of=("self",)).filter(pk=pk).first()
            if (
                current is None
                or not current.is_open
                or current.deadline >= today
                or current.escalated_for_deadline == current.deadline
            ):
                continue
            before = current.level
            above = level_above(before)
            current.level = above or before
            current.escalated_for_deadline = current.deadline
            current.escalated_on = today
            current.save(update_fields=["level", "escalated_for_deadline", "escalated_on", "updated_at"])
            text = (
                _("逾期未完成整改（期限%(deadline)s），由%(from)s升级为%(to)s")
                % {
                    "deadline": f"{current.deadline:%Y-%m-%d}",
                    "from": dict(current._meta.get_field("level").choices)[before],
                    "to": current.get_level_display(),
                }
                if above
                else _("逾期未完成整改（期限%(deadline)s），已为最高督办级别（%(level)s）")
                % {"deadline": f"{current.deadline:%Y-%m-%d}", "level": current.get_level_display()}
            )
            _event(current, SupervisionEventKind.ESCALATED, None, text, {"level": [before, current.level]})
            if above:
                record_history(
                    current, action="change", by=None, changes={"level": [before, above]}, note=_("逾期升级")
                )
                if current.hazard_id is not None:
                    mark_supervised(hazard_id=current.hazard_id, level=above, by=None, reason=text)
            done.append(pk)
            users = unit_users(current) + staff
            message = _("“%(title)s”（%(unit)s）%(text)s。") % {
                "title": current.title,
                "unit": current.unit_name,
                "text": text,
            }
            key = f"committee.supervision.escalated:{current.pk}:{current.deadline:%Y%m%d}"
            transaction.on_commit(lambda users=users, key=key, message=message: _notify_quietly(users, key, message))
    return done


def _notify_quietly(users: list[int], key: str, text: str) -> None:
    if users:
        notify(users=users, key=key, text=text)
