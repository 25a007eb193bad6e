"""Every write of the inspections app: hazards and their workflow, public reports, reporter identities, inspections,
penalties, rectification orders and exposure cases. Each state change writes its audit row (``HazardEvent`` or
``RecordHistory``) in the same transaction; nothing else in the app writes these models."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.accounts.services import is_verified
from safetyportal.crypto import decrypt, encrypt
from safetyportal.images import ProcessedImage, store_image
from safetyportal.models import Enterprise, Jurisdiction, JurisdictionLevel, MemberUnit, OfficerProfile
from safetyportal.scoping import in_scope, is_office_staff, is_officer, officer_member_unit
from safetyportal.services import diff, record_history, snapshot
from safetyportal.services import void_record as void_legal_record

from . import public_cache
from .masking import mask_public_text, redact_identity
from .models import (
    VERIFIED_STATUSES,
    CaseKind,
    CaseStatus,
    EventKind,
    ExposureCase,
    Hazard,
    HazardCategory,
    HazardEvent,
    HazardLevel,
    HazardNotification,
    HazardPhoto,
    HazardSource,
    HazardStatus,
    IdentityAccessLog,
    Inspection,
    InspectionKind,
    OrderStatus,
    PenaltyCase,
    PhotoStage,
    PublicReport,
    RecordStatus,
    RectificationOrder,
    ReporterIdentity,
    SupervisionLevel,
)

if TYPE_CHECKING:
    from safetyportal.types import User, UserOrAnonymous

M = TypeVar("M", bound=models.Model)

logger = logging.getLogger(__name__)

MAX_PHOTOS_PER_STAGE = 9

# The workflow: from each status, the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    HazardStatus.ACCEPTED: (HazardStatus.VERIFYING, HazardStatus.REJECTED, HazardStatus.DUPLICATE),
    HazardStatus.VERIFYING: (HazardStatus.RECTIFYING, HazardStatus.UNFOUNDED, HazardStatus.DUPLICATE),
    HazardStatus.RECTIFYING: (HazardStatus.PENDING_REVIEW,),
    HazardStatus.PENDING_REVIEW: (HazardStatus.CLOSED, HazardStatus.RECTIFYING),
}
# Subdistrict officers verify and rectify; accepting or refusing a report and the final review (销号) are the office's.
OFFICER_TARGETS = frozenset(
    {HazardStatus.VERIFYING, HazardStatus.RECTIFYING, HazardStatus.PENDING_REVIEW, HazardStatus.UNFOUNDED}
)

# Which member unit usually supervises the rectification of a category (by short name, see the demo city).
CATEGORY_SUPERVISORS: dict[str, str] = {
    HazardCategory.FIRE: "消防大队",
    HazardCategory.EBIKE: "消防大队",
    HazardCategory.GAS: "城管局",
    HazardCategory.CONSTRUCTION: "住建局",
    HazardCategory.SELF_BUILT: "住建局",
    HazardCategory.ROAD: "交通局",
    HazardCategory.SPECIAL_EQUIPMENT: "市场监管局",
    HazardCategory.HAZCHEM: "应急局",
    HazardCategory.INDUSTRY: "应急局",
    HazardCategory.CONFINED_SPACE: "应急局",
}


# Audit -------------------------------------------------------------------------------------------------------------


# snapshot(), diff() and record_history() are the legal-record kit's (safetyportal.services, imported above).


def save_record(*, instance: M, by: User | None, m2m: dict[str, Iterable[Any]] | None = None) -> M:
    """Create or change a record (inspection, penalty, draft order, draft case) with its history row."""
    with transaction.atomic():
        adding = instance._state.adding or instance.pk is None
        before: dict[str, Any] = {}
        if not adding:
            before = snapshot(type(instance)._base_manager.select_for_update().get(pk=instance.pk))
            _ensure_editable(type(instance)._base_manager.get(pk=instance.pk))
        elif (
            hasattr(instance, "created_by_id")
            and not instance.created_by_id
            and hasattr(instance, "created_by")  # (None, without a query: the id is empty)
            and getattr(by, "pk", None)
        ):
            instance.created_by = by
        if isinstance(instance, ExposureCase):
            _remove_reporters(instance, ExposureCase.EDITABLE_TEXT, [instance.hazard_id, _penalty_hazard(instance)])
        instance.full_clean()
        instance.save()
        changes = diff(before, snapshot(instance))
        for name, values in (m2m or {}).items():
            manager = getattr(instance, name)
            old = sorted(manager.values_list("pk", flat=True))
            manager.set(list(values))
            new = sorted(manager.values_list("pk", flat=True))
            if old != new:
                changes[name] = [old, new]
        if adding or changes:
            record_history(instance, action="create" if adding else "change", by=by, changes=changes)
    return instance


def _ensure_editable(current: models.Model) -> None:
    if isinstance(current, RectificationOrder) and current.status != OrderStatus.DRAFT:
        raise ValidationError(_("已下达的指令书不能修改。"))
    if getattr(current, "record_status", RecordStatus.ACTIVE) == RecordStatus.VOIDED:
        raise ValidationError(_("已作废的记录不能修改。"))


def reporter_identities(hazard_ids: Iterable[int | None]) -> list[tuple[str, str]]:
    """(name, phone) of the reporters behind these hazards: for removing them from text, never for showing."""
    ids = [pk for pk in hazard_ids if pk]
    if not ids:
        return []
    return list(ReporterIdentity.objects.filter(report__hazard_id__in=ids).values_list("name", "phone"))


def _remove_reporters(instance: models.Model, fields: Iterable[str], hazard_ids: Iterable[int | None]) -> None:
    """Text written by staff about a reported hazard never carries the reporter (even a draft seen in the admin)."""
    for name, phone in reporter_identities(hazard_ids):
        for field in fields:
            setattr(instance, field, redact_identity(getattr(instance, field) or "", name=name, phone=phone))


def _penalty_hazard(case: ExposureCase) -> int | None:
    if not case.penalty_id:
        return None
    return PenaltyCase.objects.filter(pk=case.penalty_id).values_list("hazard_id", flat=True).first()


def void_record(
    *, record: Inspection | PenaltyCase | RectificationOrder, by: User, reason: str
) -> Inspection | PenaltyCase | RectificationOrder:
    """Legal records are voided, never deleted: who, when and why (the kit's service, with its history row)."""
    return void_legal_record(record=record, by=by, reason=reason)


# Hazards -----------------------------------------------------------------------------------------------------------


def default_responsible_unit(category: str, enterprise: Enterprise | None) -> MemberUnit | None:
    if enterprise is not None and enterprise.supervisor_id:
        return enterprise.supervisor
    short_name = CATEGORY_SUPERVISORS.get(category)
    if not short_name:
        return None
    return MemberUnit.objects.filter(short_name=short_name, is_active=True).first()


def township_of(jurisdiction: Jurisdiction) -> Jurisdiction:
    """The subdistrict or town (镇/街道) a jurisdiction lies in (itself if it is one; the county stays the county)."""
    if jurisdiction.level == JurisdictionLevel.COMMUNITY and jurisdiction.parent is not None:
        return jurisdiction.parent
    return jurisdiction


def _check_can_file(by: User | None, jurisdiction: Jurisdiction, enterprise: Enterprise | None) -> None:
    if by is None:
        return  # the public form: the jurisdiction came from a validated choice
    if not (is_office_staff(by) or is_officer(by)):
        raise PermissionDenied
    if not in_scope(by, jurisdiction):
        raise ValidationError({"jurisdiction": _("只能登记本辖区的隐患。")})
    if enterprise is not None and not in_scope(by, enterprise.jurisdiction):
        raise ValidationError({"enterprise": _("只能选择本辖区的生产经营单位。")})


def _check_responsible_unit(by: User | None, unit: MemberUnit) -> None:
    """The responsible unit reads the hazard (``Hazard.member_scope_path``), so naming one grants access: an officer
    names only a member unit of their own scope (an office or community its tree's, a member unit itself); staff any.
    The system's default (``default_responsible_unit``) is not a choice of the officer's and is not checked."""
    if by is None or is_office_staff(by) or in_scope(by, member_unit=unit):
        return
    if officer_member_unit(by) is not None:
        raise ValidationError({"responsible_unit": _("成员单位不能把隐患转交其他单位。")})
    raise ValidationError({"responsible_unit": _("只能选择本辖区的成员单位。")})


def _store_photos(hazard: Hazard, photos: Sequence[ProcessedImage], stage: str, by: User | None) -> list[HazardPhoto]:
    existing = hazard.photos.filter(stage=stage).count() if photos else 0
    if existing + len(photos) > MAX_PHOTOS_PER_STAGE:
        raise ValidationError(_("每类照片最多%(max)s张。") % {"max": MAX_PHOTOS_PER_STAGE})
    stored = []
    for processed in photos:
        image = store_image(processed, f"hazards/{stage}")
        stored.append(
            HazardPhoto.objects.create(
                hazard=hazard,
                stage=stage,
                image=image.name,
                thumbnail=image.thumbnail_name,
                width=image.width,
                height=image.height,
                uploaded_by=by if getattr(by, "pk", None) else None,
            )
        )
    return stored


def create_hazard(
    *,
    by: User | None,
    source: str,
    category: str,
    jurisdiction: Jurisdiction,
    address: str,
    description: str,
    level: str = HazardLevel.GENERAL,
    enterprise: Enterprise | None = None,
    inspection: Inspection | None = None,
    responsible_unit: MemberUnit | None = None,
    responsible_person: str = "",
    deadline: dt.date | None = None,
    external_ticket: str = "",
    photos: Sequence[ProcessedImage] = (),
    photo_stage: str = PhotoStage.BEFORE,
    created_at: dt.datetime | None = None,
) -> Hazard:
    _check_can_file(by, jurisdiction, enterprise)
    if responsible_unit is not None:
        _check_responsible_unit(by, responsible_unit)
    with transaction.atomic():
        hazard = Hazard(
            source=source,
            category=category,
            level=level,
            jurisdiction=jurisdiction,
            enterprise=enterprise,
            inspection=inspection,
            address=address.strip(),
            description=description.strip(),
            responsible_unit=responsible_unit or default_responsible_unit(category, enterprise),
            responsible_person=responsible_person,
            rectification_deadline=deadline,
            external_ticket=external_ticket,
            created_by=by if getattr(by, "pk", None) else None,
            created_at=created_at or timezone.now(),
            status_changed_at=created_at or timezone.now(),
        )
        hazard.full_clean()
        hazard.save()
        _store_photos(hazard, photos, photo_stage, by)
        HazardEvent.objects.create(
            hazard=hazard,
            kind=EventKind.CREATED,
            to_status=hazard.status,
            actor=hazard.created_by,
            at=hazard.created_at,
            reason=_("登记隐患（来源：%(source)s）") % {"source": hazard.get_source_display()},
        )
    return hazard


# A tracking code people can read aloud and copy by hand: 28 characters of an alphabet without 0/O and 1/I/L
# (31 symbols, 4.95 bits each: 138 bits), shown in groups of four, read case-insensitively with any separators.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 28
TRACKING_GROUP = 4


def new_tracking_code() -> str:
    """A fresh code from ``secrets`` (≥ 128 bits), grouped: ``K7QM-2XHD-…``."""
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return "-".join(raw[i : i + TRACKING_GROUP] for i in range(0, TRACKING_LENGTH, TRACKING_GROUP))


def normalize_tracking_code(code: str) -> str:
    """What people type back: full-width characters, lower case, spaces, hyphens or dots between groups."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in text if ch.isalnum())


def tracking_hash(code: str) -> str:
    """The stored digest of a code in its canonical form (upper case, no separators)."""
    return hashlib.sha256(normalize_tracking_code(code).encode()).hexdigest()


def legacy_tracking_hash(code: str) -> str:
    """Codes issued before the readable alphabet (22 URL-safe, case-sensitive characters) were hashed as typed."""
    return hashlib.sha256((code or "").strip().encode()).hexdigest()


def submit_public_report(
    *,
    category: str,
    jurisdiction: Jurisdiction,
    place: str,
    description: str,
    photos: Sequence[ProcessedImage] = (),
    name: str = "",
    phone: str = "",
    sms_code: bool = False,
    submitted_at: dt.datetime | None = None,
) -> tuple[PublicReport, str]:
    """A citizen's report (安全随手拍). Returns the report and the tracking code, which is shown once and stored only
    as a hash. The reporter's own name and phone are taken out of the free text they typed and kept apart. With
    ``sms_code`` (a real-name reporter's mobile), the code is also sent by SMS through the worker, sealed."""
    name, phone = (name or "").strip(), (phone or "").strip()
    place = redact_identity(place, name=name, phone=phone)
    description = redact_identity(description, name=name, phone=phone)
    code = new_tracking_code()
    with transaction.atomic():
        hazard = create_hazard(
            by=None,
            source=HazardSource.PUBLIC,
            category=category,
            jurisdiction=jurisdiction,
            address=place,
            description=description,
            photos=photos,
            photo_stage=PhotoStage.REPORT,
            created_at=submitted_at,
        )
        report = PublicReport.objects.create(
            hazard=hazard,
            tracking_hash=tracking_hash(code),
            place=place[:200],
            is_anonymous=not (name or phone),
            submitted_at=hazard.created_at,
        )
        if name or phone:
            ReporterIdentity.objects.create(report=report, name=name[:32], phone=phone[:20])
        _notify_new_report(hazard)
        if sms_code and phone:
            sealed = encrypt(json.dumps({"phone": phone, "code": code}), context=TRACKING_SMS_CONTEXT)
            transaction.on_commit(lambda: _enqueue_tracking_sms(sealed))
    return report, code


TRACKING_SMS_CONTEXT = "inspections.tracking_code_sms"


def _enqueue_tracking_sms(sealed: str) -> None:
    from .tasks import send_tracking_code_sms

    try:
        send_tracking_code_sms.delay(sealed)
    except Exception:  # the broker is down: the code was shown on the page; never fail the report for it
        logger.warning("tracking-code SMS not queued (broker unavailable)", exc_info=True)


def send_tracking_code_sms(sealed: str) -> None:
    """Worker side: open the sealed phone number and code and send them; the console backend never logs the code."""
    from safetyportal.messaging.transports import sms_backend

    data = json.loads(decrypt(sealed, context=TRACKING_SMS_CONTEXT))
    text = _(
        "您举报安全隐患的查询码：%(code)s（不区分大小写）。凭查询码可在%(office)s网站“举报查询”页面查看办理进度。"
    ) % {
        "code": data["code"],
        "office": settings.OFFICE_NAME,
    }
    sms_backend().send(phone="+86" + data["phone"], text=text, sensitive=True)


def reveal_identity(*, report: PublicReport, by: User, reason: str) -> ReporterIdentity | None:
    """A custodian reads who reported: permission checked, reason required, one log row written first."""
    if not (is_office_staff(by) and by.has_perm("inspections.view_reporter_identity") and is_verified(by)):
        raise PermissionDenied  # ``by`` is request.user: its session must have passed the second factor
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError(_("请说明查看举报人信息的理由（至少4个字）。"))
    with transaction.atomic():
        IdentityAccessLog.objects.create(report=report, user=by, reason=reason[:2000])
        return ReporterIdentity.objects.filter(report=report).first()


def allowed_targets(user: UserOrAnonymous, hazard: Hazard) -> list[str]:
    targets = list(TRANSITIONS.get(hazard.status, ()))
    if is_office_staff(user) and user.has_perm("inspections.change_hazard"):
        return targets
    if is_officer(user) and hazard_in_officer_scope(user, hazard):
        return [target for target in targets if target in OFFICER_TARGETS]
    return []


def hazard_in_officer_scope(user: UserOrAnonymous, hazard: Hazard) -> bool:
    """As ``Hazard.objects.for_user``: a member-unit officer handles the hazards assigned to their unit
    (``responsible_unit``), an office or community officer those of their tree."""
    if officer_member_unit(user) is not None:
        return in_scope(user, member_unit=hazard.responsible_unit)
    return in_scope(user, hazard.jurisdiction)


def transition_hazard(
    *,
    hazard: Hazard,
    to_status: str,
    by: User,
    reason: str,
    deadline: dt.date | None = None,
    responsible_unit: MemberUnit | None = None,
    rectification_note: str = "",
    duplicate_of: Hazard | None = None,
    photos: Sequence[ProcessedImage] = (),
    at: dt.datetime | None = None,
) -> Hazard:
    """Move a hazard one step along the workflow, under a row lock (a double submit makes one transition)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写办理意见或理由。")})
    if to_status not in HazardStatus.values:
        raise ValidationError({"to_status": _("目标状态无效。")})
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
        if to_status not in TRANSITIONS.get(hazard.status, ()):
            raise ValidationError(
                _("隐患当前状态为“%(current)s”，不能变更为“%(target)s”。")
                % {"current": hazard.get_status_display(), "target": HazardStatus(to_status).label}
            )
        if to_status not in allowed_targets(by, hazard):
            raise PermissionDenied
        before = snapshot(hazard)
        now = at or timezone.now()
        if to_status == HazardStatus.RECTIFYING:
            hazard.rectification_deadline = deadline or hazard.rectification_deadline
            if hazard.rectification_deadline is None:
                raise ValidationError({"deadline": _("进入整改须确定整改期限。")})
            if responsible_unit is not None:
                _check_responsible_unit(by, responsible_unit)
                hazard.responsible_unit = responsible_unit
            if hazard.rectification_deadline != before["rectification_deadline"]:
                hazard.overdue_flagged_at = None
        if photos:
            stage = PhotoStage.AFTER if to_status == HazardStatus.PENDING_REVIEW else PhotoStage.BEFORE
            _store_photos(hazard, photos, stage, by)
        if to_status == HazardStatus.PENDING_REVIEW:
            if not hazard.photos.filter(stage=PhotoStage.AFTER).exists():
                raise ValidationError({"photos": _("提交复核须上传至少一张整改后照片。")})
            if rectification_note:
                hazard.rectification_note = rectification_note
        if to_status == HazardStatus.DUPLICATE:
            if duplicate_of is not None and duplicate_of.pk == hazard.pk:
                raise ValidationError({"duplicate_of": _("不能标记为与自身重复。")})
            hazard.duplicate_of = duplicate_of
        if to_status == HazardStatus.CLOSED:
            hazard.closed_at = now
            if hazard.supervision_level:
                hazard.supervision_level = SupervisionLevel.NONE  # 摘牌
        from_status = hazard.status
        hazard.status = to_status
        hazard.status_changed_at = now
        hazard.save()
        HazardEvent.objects.create(
            hazard=hazard,
            kind=EventKind.TRANSITION,
            from_status=from_status,
            to_status=to_status,
            actor=by,
            at=now,
            reason=reason[:2000],
            changes=diff(before, snapshot(hazard)),
        )
    return hazard


def add_photos(*, hazard: Hazard, stage: str, photos: Sequence[ProcessedImage], by: User) -> list[HazardPhoto]:
    if stage == PhotoStage.REPORT:
        raise ValidationError(_("举报照片只能由举报人上传。"))
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
        stored = _store_photos(hazard, photos, stage, by)
        HazardEvent.objects.create(
            hazard=hazard,
            kind=EventKind.PHOTO,
            actor=by,
            reason=_("上传%(stage)s照片%(n)s张") % {"stage": PhotoStage(stage).label, "n": len(stored)},
        )
    return stored


HAZARD_EDITABLE = (
    "category",
    "level",
    "enterprise",
    "address",
    "description",
    "responsible_unit",
    "responsible_person",
    "rectification_deadline",
    "external_ticket",
)


def update_hazard(*, hazard: Hazard, by: User, values: dict[str, Any]) -> Hazard:
    """Change a hazard's details (never its status: that is ``transition_hazard``), with a history row."""
    unknown = set(values) - set(HAZARD_EDITABLE)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
        before = snapshot(hazard)
        for name, value in values.items():
            setattr(hazard, name, value)
        _remove_reporters(hazard, ("description", "address", "responsible_person"), [hazard.pk])
        if hazard.rectification_deadline != before["rectification_deadline"]:
            hazard.overdue_flagged_at = None
        hazard.full_clean()
        hazard.save()
        changes = diff(before, snapshot(hazard))
        if changes:
            HazardEvent.objects.create(
                hazard=hazard, kind=EventKind.EDITED, actor=by, reason=_("修改隐患信息"), changes=changes
            )
    return hazard


def set_supervision(
    *,
    hazard: Hazard,
    level: str,
    by: User | None,
    reason: str,
    on: dt.date | None = None,
    for_committee: bool = False,
) -> Hazard:
    """挂牌督办 marker (or removing it): major hazards only from the hazard's own admin view; any level of hazard
    when ``for_committee`` (a committee supervision, committee.Supervision through inspections.supervision_bridge)."""
    if level not in SupervisionLevel.values:
        raise ValidationError(_("督办级别无效。"))
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
        if level and not for_committee and hazard.level != HazardLevel.MAJOR:
            raise ValidationError(_("只有重大事故隐患可以挂牌督办。"))
        if level and not hazard.is_open:
            raise ValidationError(_("已办结的隐患不能挂牌督办。"))
        before = snapshot(hazard)
        hazard.supervision_level = level
        hazard.supervised_on = (on or timezone.localdate()) if level else None
        hazard.save(update_fields=["supervision_level", "supervised_on", "updated_at"])
        HazardEvent.objects.create(
            hazard=hazard, kind=EventKind.SUPERVISION, actor=by, reason=reason, changes=diff(before, snapshot(hazard))
        )
    return hazard


def _officer_emails(jurisdiction: Jurisdiction) -> list[str]:
    """E-mail addresses of the officers of the jurisdiction and of the units above it."""
    parts = jurisdiction.path.strip("/").split("/")
    paths = ["/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)]
    emails = (
        OfficerProfile.objects.filter(jurisdiction__path__in=paths, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def _send_later(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # a mail outage must not undo the work; the notification row stays
            logger.warning("hazard e-mail not sent", exc_info=True)

    transaction.on_commit(send)


def hazard_summary_lines(hazard: Hazard) -> list[str]:
    """What a notification may say about a hazard: never the description or anything about the reporter."""
    lines = [
        _("编号：%(v)s") % {"v": hazard.number},
        _("类别：%(v)s") % {"v": hazard.get_category_display()},
        _("等级：%(v)s") % {"v": hazard.get_level_display()},
        _("地点：%(v)s") % {"v": hazard.address},
    ]
    if hazard.rectification_deadline:
        lines.append(_("整改期限：%(v)s") % {"v": hazard.rectification_deadline.isoformat()})
    if hazard.responsible_unit is not None:
        lines.append(_("整改责任单位：%(v)s") % {"v": hazard.responsible_unit.name})
    return lines


def _notify_new_report(hazard: Hazard) -> None:
    body = "\n".join([_("您辖区收到一条群众举报的安全隐患，请登录报送平台及时核查。"), *hazard_summary_lines(hazard)])
    _send_later(
        _("【隐患举报】新的群众举报 %(number)s") % {"number": hazard.number}, body, _officer_emails(hazard.jurisdiction)
    )


def flag_overdue_hazards(*, today: dt.date | None = None) -> list[int]:
    """The beat job: every hazard past its rectification deadline and still being rectified is flagged once, with
    an event, a notification for the responsible unit and the jurisdiction, and an e-mail to its officers."""
    today = today or timezone.localdate()
    candidates = list(
        Hazard.objects.filter(
            status=HazardStatus.RECTIFYING, rectification_deadline__lt=today, overdue_flagged_at__isnull=True
        ).values_list("pk", flat=True)
    )
    flagged = []
    for pk in candidates:
        with transaction.atomic():
            hazard = (
                Hazard.objects.select_for_update(of=("self",))
                .select_related("jurisdiction", "responsible_unit")
                .filter(pk=pk, status=HazardStatus.RECTIFYING, overdue_flagged_at__isnull=True)
                .first()
            )
            if hazard is None or not hazard.rectification_deadline or hazard.rectification_deadline >= today:
                continue
            hazard.overdue_flagged_at = timezone.now()
            hazard.save(update_fields=["overdue_flagged_at", "updated_at"])
            days = (today - hazard.rectification_deadline).days
            message = _("隐患%(number)s已超过整改期限%(days)s天，请督促整改。") % {
                "number": hazard.number,
                "days": days,
            }
            HazardEvent.objects.create(hazard=hazard, kind=EventKind.OVERDUE, reason=message)
            HazardNotification.objects.create(
                hazard=hazard,
                jurisdiction=hazard.jurisdiction,
                unit=hazard.responsible_unit,
                kind=EventKind.OVERDUE,
                message=message[:255],
            )
            body = "\n".join([message, *hazard_summary_lines(hazard)])
            _send_later(
                _("【逾期预警】%(number)s") % {"number": hazard.number}, body, _officer_emails(hazard.jurisdiction)
            )
            flagged.append(hazard.pk)
    return flagged


def mark_report_rewarded(*, report: PublicReport, amount: Decimal, paid_on: dt.date, by: User) -> PublicReport:
    """有奖举报: staff record a reward paid for a report found to be true."""
    if not (is_office_staff(by) and by.has_perm("inspections.change_publicreport")):
        raise PermissionDenied
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError({"reward_amount": _("奖励金额须大于0。")})
    if paid_on is None or paid_on > timezone.localdate():
        raise ValidationError({"reward_paid_on": _("请填写实际发放日期（不能晚于今天）。")})
    with transaction.atomic():
        report = PublicReport.objects.select_for_update(of=("self",)).select_related("hazard").get(pk=report.pk)
        if report.hazard.status not in VERIFIED_STATUSES:
            raise ValidationError(_("只有经核查属实的举报才能给予奖励。"))
        if report.is_rewarded:
            raise ValidationError(_("该举报已登记奖励。"))
        report.reward_amount = Decimal(amount)
        report.reward_paid_on = paid_on
        report.reward_marked_by = by
        report.reward_marked_at = timezone.now()
        report.save(update_fields=["reward_amount", "reward_paid_on", "reward_marked_by", "reward_marked_at"])
        HazardEvent.objects.create(
            hazard=report.hazard,
            kind=EventKind.REWARD,
            actor=by,
            reason=_("登记举报奖励%(amount)s元，发放日期%(date)s") % {"amount": amount, "date": paid_on.isoformat()},
        )
        record_history(report, action="reward", by=by, changes={"reward_amount": [None, str(amount)]})
    return report


# Inspections -------------------------------------------------------------------------------------------------------


def record_inspection(
    *,
    by: User,
    kind: str,
    inspected_on: dt.date,
    enterprise: Enterprise,
    inspectors: Iterable[Any] = (),
    team_note: str = "",
    summary: str = "",
) -> Inspection:
    if not in_scope(by, enterprise.jurisdiction):
        raise ValidationError({"enterprise": _("只能检查本辖区的生产经营单位。")})
    inspection = Inspection(
        kind=kind, inspected_on=inspected_on, enterprise=enterprise, team_note=team_note, summary=summary
    )
    return save_record(instance=inspection, by=by, m2m={"inspectors": inspectors})


def add_finding(
    *,
    inspection: Inspection,
    by: User,
    category: str,
    description: str,
    level: str = HazardLevel.GENERAL,
    deadline: dt.date | None = None,
    photos: Sequence[ProcessedImage] = (),
) -> Hazard:
    """A problem found during an inspection becomes a hazard of the inspected enterprise."""
    source = HazardSource.COVERT if inspection.kind == InspectionKind.COVERT else HazardSource.ROUTINE
    enterprise = inspection.enterprise
    return create_hazard(
        by=by,
        source=source,
        category=category,
        level=level,
        jurisdiction=township_of(enterprise.jurisdiction),
        enterprise=enterprise,
        inspection=inspection,
        address=enterprise.address or enterprise.name,
        description=description,
        deadline=deadline,
        photos=photos,
        created_at=timezone.make_aware(dt.datetime.combine(inspection.inspected_on, dt.time(10, 0)))
        if inspection.inspected_on < timezone.localdate()
        else None,
    )


# Rectification orders: issued and previewed by safetyportal.documents.services.issue()/preview() (IssuedRecord).


# Exposure cases ----------------------------------------------------------------------------------------------------


def names_to_mask(case: ExposureCase) -> list[str]:
    """Everyone the office knows to be involved in a case, whose name must not appear in full on the public page."""
    names = [case.principal_person]
    enterprise = case.enterprise or (case.penalty.enterprise if case.penalty is not None else None)
    if case.hazard is not None:
        enterprise = enterprise or case.hazard.enterprise
        names.append(case.hazard.responsible_person)
        report = PublicReport.objects.filter(hazard=case.hazard).first()
        if report is not None:
            names.extend(ReporterIdentity.objects.filter(report=report).values_list("name", flat=True))
    if case.penalty is not None:
        names.append(case.penalty.principal_person)
    if enterprise is not None:
        names += [enterprise.legal_representative, enterprise.contact_name]
        names += list(enterprise.people.values_list("name", flat=True)[:500])
    return [name for name in names if name]


def masked_case_text(case: ExposureCase) -> dict[str, str]:
    """The public text of a case as it would be published now (the preview shows exactly this)."""
    names = names_to_mask(case)
    return {
        f"public_{field}": mask_public_text(getattr(case, field), names).text for field in ExposureCase.EDITABLE_TEXT
    }


def _case_defaults(kind: str, category: str, jurisdiction: Jurisdiction) -> dict[str, Any]:
    return {"kind": kind, "category": category, "jurisdiction": township_of(jurisdiction)}


def draft_case_from_hazard(*, hazard: Hazard, by: User) -> ExposureCase:
    kind = CaseKind.MAJOR_HAZARD if hazard.level == HazardLevel.MAJOR else CaseKind.HAZARD
    if hazard.source == HazardSource.PUBLIC:
        kind = CaseKind.REPORT
    elif hazard.source == HazardSource.COVERT:
        kind = CaseKind.COVERT
    name = hazard.enterprise.name if hazard.enterprise is not None else ""
    case = ExposureCase(
        **_case_defaults(kind, hazard.category, hazard.jurisdiction),
        enterprise=hazard.enterprise,
        hazard=hazard,
        case_date=timezone.localtime(hazard.created_at).date(),
        title=(
            _("%(name)s%(category)s安全隐患曝光")
            % {"name": name or hazard.address[:80], "category": hazard.get_category_display()}
        )[:200],
        display_name=name,
        summary=_("%(category)s领域%(level)s")
        % {"category": hazard.get_category_display(), "level": hazard.get_level_display()},
        body=redact_identity(hazard.description),
        penalty_text=_("责令限期整改"),
    )
    return save_record(instance=case, by=by)


def draft_case_from_penalty(*, penalty: PenaltyCase, by: User) -> ExposureCase:
    enterprise = penalty.enterprise
    category = penalty.hazard.category if penalty.hazard is not None else _category_of(enterprise)
    result = _("罚款人民币%(fine)s元") % {"fine": f"{penalty.fine:,.0f}"}
    if penalty.other_measures:
        result += "，" + penalty.other_measures
    case = ExposureCase(
        **_case_defaults(CaseKind.PENALTY, category, enterprise.jurisdiction),
        enterprise=enterprise,
        penalty=penalty,
        hazard=penalty.hazard,
        case_date=penalty.decided_on,
        principal_person=penalty.principal_person,
        title=_("%(name)s安全生产违法行为行政处罚案") % {"name": enterprise.name},
        display_name=enterprise.name,
        summary=(_("违反%(violated)s，%(result)s") % {"violated": penalty.violated_provision, "result": result})[:300],
        body=penalty.facts,
        legal_basis=_("违反%(violated)s，依据%(basis)s")
        % {"violated": penalty.violated_provision, "basis": penalty.legal_basis},
        penalty_text=result,
    )
    return save_record(instance=case, by=by)


_INDUSTRY_CATEGORY = {
    "hazchem": HazardCategory.HAZCHEM,
    "construction": HazardCategory.CONSTRUCTION,
    "transport": HazardCategory.ROAD,
    "gas": HazardCategory.GAS,
    "special_equipment": HazardCategory.SPECIAL_EQUIPMENT,
    "fire_key": HazardCategory.FIRE,
    "manufacturing": HazardCategory.INDUSTRY,
}


def _category_of(enterprise: Enterprise) -> str:
    return _INDUSTRY_CATEGORY.get(enterprise.industry, HazardCategory.OTHER)


def _check_publisher(by: User) -> None:
    if not (is_office_staff(by) and by.has_perm("inspections.publish_exposurecase")):
        raise PermissionDenied


def publish_case(*, case: ExposureCase, by: User, at: dt.datetime | None = None) -> ExposureCase:
    """Mask the draft text and publish it (or republish an edited case, keeping its date). The public pages change
    on the next request: the cache version is bumped when the transaction commits."""
    _check_publisher(by)
    with transaction.atomic():
        case = ExposureCase.objects.select_for_update().get(pk=case.pk)
        if not case.title.strip() or not case.body.strip():
            raise ValidationError(_("案件名称和基本案情不能为空。"))
        now = at or timezone.now()
        if case.public_until and case.public_until < timezone.localdate(now):
            raise ValidationError({"public_until": _("公开截止日期已过，不能发布。")})
        before = snapshot(case)
        for field, value in masked_case_text(case).items():
            limit = getattr(ExposureCase._meta.get_field(field), "max_length", None)
            setattr(case, field, value[:limit] if limit else value)
        if case.status != CaseStatus.PUBLISHED:
            case.published_at = now
        case.status = CaseStatus.PUBLISHED
        case.published_by = by
        case.withdrawn_at, case.withdrawn_by, case.withdraw_reason = None, None, ""
        case.save()
        record_history(case, action="publish", by=by, changes=diff(before, snapshot(case)))
        public_cache.bump_version_on_commit()
    return case


def withdraw_case(*, case: ExposureCase, by: User, reason: str) -> ExposureCase:
    """Take a case off the public pages at once (its URL then answers 410)."""
    _check_publisher(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤回理由。")})
    with transaction.atomic():
        case = ExposureCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.PUBLISHED:
            raise ValidationError(_("只有已发布的案例可以撤回。"))
        before = snapshot(case)
        case.status = CaseStatus.WITHDRAWN
        case.withdrawn_at = timezone.now()
        case.withdrawn_by = by
        case.withdraw_reason = reason[:255]
        case.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdraw_reason", "updated_at"])
        record_history(case, action="withdraw", by=by, changes=diff(before, snapshot(case)), note=reason)
        public_cache.bump_version_on_commit()
    return case


def expire_cases(*, today: dt.date | None = None) -> int:
    """The beat job: published cases past their public-until date become 公开期满 (the pages already hide them)."""
    today = today or timezone.localdate()
    expired = 0
    for pk in ExposureCase.objects.filter(status=CaseStatus.PUBLISHED, public_until__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            case = ExposureCase.objects.select_for_update().filter(pk=pk, status=CaseStatus.PUBLISHED).first()
            if case is None or case.public_until is None or case.public_until >= today:
                continue
            case.status = CaseStatus.EXPIRED
            case.save(update_fields=["status", "updated_at"])
            record_history(case, action="expire", by=None, changes={"status": ["published", "expired"]})
            expired += 1
    if expired:
        public_cache.bump_version_on_commit()
    return expired


def draft_accident_case(
    *,
    by: User,
    jurisdiction: Jurisdiction,
    enterprise: Enterprise | None,
    case_date: dt.date,
    title: str,
    display_name: str,
    summary: str,
    body: str,
    warning: str = "",
) -> ExposureCase:
    """A draft 事故通报 case from another app's accident (the committee's register), from plain values only: the
    caller passes no personal data; the text is masked again when published."""
    category = _category_of(enterprise) if enterprise is not None else HazardCategory.OTHER
    case = ExposureCase(
        **_case_defaults(CaseKind.ACCIDENT, category, jurisdiction),
        enterprise=enterprise,
        case_date=case_date,
        title=title[:200],
        display_name=display_name[:128],
        summary=summary[:300],
        body=redact_identity(body),
        warning=warning,
    )
    return save_record(instance=case, by=by)
