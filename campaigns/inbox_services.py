"""Writes of the notice inbox (收文) and its signatures (签收): receipts created at issue, opened, signed, reminded.

Receipts are created for every addressee in the issuing transaction (``Notice.after_issue``); a unit records its
first opening and signs once (idempotent, never undone by the unit); units that have not signed are reminded after
``NOTICE_SIGN_REMIND_AFTER_WORKING_DAYS`` working days (holiday calendar, ``safetyportal.workdays``), at most
``NOTICE_SIGN_REMIND_MAX`` times and only while the notice is at most ``NOTICE_SIGN_REMIND_WITHIN_DAYS`` working days
old; the office may remind them at any time, never twice a day for one unit and notice. Receipts of notices issued
before 收文 existed are historical records (migration 0005: signed off at the issue, no signer account), never
reminded."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.models import OfficerProfile
from safetyportal.scoping import officer_unit

from .inbox_selectors import own_unit_condition
from .models import Notice, NoticeReceipt, NoticeStatus

if TYPE_CHECKING:
    from safetyportal.types import User

logger = logging.getLogger(__name__)


def create_receipts(*, notice: Notice) -> int:
    """A receipt for every addressee of an issued notice that has none yet (idempotent); how many were created."""
    existing = set(NoticeReceipt.objects.filter(notice=notice).values_list("jurisdiction_id", "member_unit_id"))
    rows = [
        NoticeReceipt(notice=notice, jurisdiction_id=jurisdiction_id, member_unit_id=member_unit_id)
        for jurisdiction_id, member_unit_id in notice.recipient_keys()
        if (jurisdiction_id, member_unit_id) not in existing
    ]
    NoticeReceipt.objects.bulk_create(rows)
    return len(rows)


def signer_display_name(user: User) -> str:
    """The name frozen on a signature: 姓 then 名 without a space (陈明), else the account name."""
    return (f"{user.last_name}{user.first_name}".strip() or user.get_username())[:150]


def _own_receipts(by: User) -> QuerySet[NoticeReceipt]:
    """The receipts addressed to the account's own unit: the services check it themselves (not only the views), so
    no caller can open or sign another unit's notice."""
    unit = officer_unit(by)
    if unit is None or (unit.member_unit is None and unit.jurisdiction is None):
        raise PermissionDenied
    return NoticeReceipt.objects.filter(own_unit_condition(unit))


def open_receipt(*, receipt: NoticeReceipt, by: User, now: dt.datetime | None = None) -> NoticeReceipt:
    """Record the unit's first opening (who, when); later openings change nothing. One conditional UPDATE, so two
    officers opening at once record only the first. Only an officer of the addressed unit opens it."""
    if not _own_receipts(by).filter(pk=receipt.pk).exists():
        raise PermissionDenied
    if receipt.first_opened_at is not None:
        return receipt
    now = now or timezone.now()
    if NoticeReceipt.objects.filter(pk=receipt.pk, first_opened_at__isnull=True).update(
        first_opened_at=now, first_opened_by=by
    ):
        receipt.first_opened_at, receipt.first_opened_by = now, by
    else:
        receipt.refresh_from_db(fields=["first_opened_at", "first_opened_by"])
    return receipt


def sign_receipt(*, receipt: NoticeReceipt, by: User, now: dt.datetime | None = None) -> NoticeReceipt:
    """签收: record who signed for the unit and when (the signer's name frozen), and the opening if none was recorded.
    Idempotent: a receipt already signed keeps its first signature. No service undoes it."""
    if by.is_staff:  # the office does not sign for a unit
        raise PermissionDenied
    own = _own_receipts(by)
    now = now or timezone.now()
    with transaction.atomic():
        try:
            current = own.select_for_update().get(pk=receipt.pk)
        except NoticeReceipt.DoesNotExist:
            raise PermissionDenied from None
        if current.signed_at is None:
            if current.first_opened_at is None:
                current.first_opened_at, current.first_opened_by = now, by
            current.signed_at, current.signed_by, current.signer_name = now, by, signer_display_name(by)
            current.save(update_fields=["first_opened_at", "first_opened_by", "signed_at", "signed_by", "signer_name"])
    for name in ("first_opened_at", "first_opened_by_id", "signed_at", "signed_by_id", "signer_name"):
        setattr(receipt, name, getattr(current, name))
    return receipt


# --- Reminders ------------------------------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    reminded: list[NoticeReceipt] = field(default_factory=list)  # receipts whose unit was reminded now
    skipped_notices: list[int] = field(default_factory=list)  # notices whose year the holiday calendar lacks

    @property
    def count(self) -> int:
        return len(self.reminded)


def _notify(*, users: list[User], key: str, text: str, url: str) -> int:
    """The portal's one delivery path (safetyportal.messaging: portal message + each user's channels, on the
    ``messages`` queue, never twice a day for the same user and key)."""
    from safetyportal.messaging import notify

    return notify(users=users, key=key, text=text, url=url)


UnitKey = tuple[str, int | None]  # ("j", jurisdiction id) or ("m", member unit id)


def _unit_officers(receipts: Iterable[NoticeReceipt]) -> dict[UnitKey, list[User]]:
    """The active officer accounts of the receipts' units, in one query."""
    receipts = list(receipts)
    jurisdictions = {r.jurisdiction_id for r in receipts if r.jurisdiction_id}
    members = {r.member_unit_id for r in receipts if r.member_unit_id}
    officers: dict[UnitKey, list[User]] = defaultdict(list)
    if not (jurisdictions or members):
        return officers
    profiles = (
        OfficerProfile.objects.filter(Q(jurisdiction_id__in=jurisdictions) | Q(member_unit_id__in=members))
        .filter(user__is_active=True, user__is_staff=False)
        .select_related("user")
        .order_by("pk")
    )
    for profile in profiles:
        key: UnitKey = ("m", profile.member_unit_id) if profile.member_unit_id else ("j", profile.jurisdiction_id)
        officers[key].append(profile.user)
    return officers


def _receipt_key(receipt: NoticeReceipt) -> UnitKey:
    return ("m", receipt.member_unit_id) if receipt.member_unit_id else ("j", receipt.jurisdiction_id)


def reminder_text(notice: Notice) -> str:
    return _("请签收通知《%(title)s》（%(number)s），该通知于%(date)s印发，贵单位尚未签收。") % {
        "title": notice.title,
        "number": notice.number,
        "date": f"{notice.issued_on:%Y年%-m月%-d日}" if notice.issued_on else "",
    }


def _remind(receipts: list[NoticeReceipt], now: dt.datetime, run: ReminderRun) -> None:
    """Remind each receipt's unit once today: the row is claimed by a conditional UPDATE first, so two runs (the
    morning job and the office's button) never both send."""
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    officers = _unit_officers(receipts)
    for receipt in receipts:
        claimed = (
            NoticeReceipt.objects.filter(pk=receipt.pk, signed_at__isnull=True)
            .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=today_start))
            .update(last_reminded_at=now, reminder_count=F("reminder_count") + 1)
        )
        if not claimed:
            continue
        notice = receipt.notice
        users = officers.get(_receipt_key(receipt), [])
        if users:
            _notify(
                users=users,
                key=f"notice-sign:{notice.pk}",
                text=reminder_text(notice),
                url=reverse("portal:inbox_detail", args=[receipt.pk]),
            )
        else:
            logger.info("notice receipt %s: no active officer account to remind", receipt.pk)
        receipt.last_reminded_at = now
        receipt.reminder_count += 1
        run.reminded.append(receipt)


def _due_receipts(now: dt.datetime) -> Q:
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return Q(signed_at__isnull=True, notice__status=NoticeStatus.ISSUED) & (
        Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=today_start)
    )


def send_sign_reminders(*, now: dt.datetime | None = None) -> ReminderRun:
    """The periodic job: a unit that has not signed a notice in force within ``NOTICE_SIGN_REMIND_AFTER_WORKING_DAYS``
    working days of its issue (the issue day not counted) is reminded on each working day after that, once a day, at
    most ``NOTICE_SIGN_REMIND_MAX`` times (reminders from the office's button count) and never once the notice is more
    than ``NOTICE_SIGN_REMIND_WITHIN_DAYS`` working days old.
    The days follow the holiday calendar (``safetyportal.workdays``); a notice whose deadline the calendar does not
    cover is skipped and logged, never counted in natural days, and nothing is sent on a day off."""
    from safetyportal.workdays import CalendarNotCovered, add_working_days, is_working_day

    now = now or timezone.now()
    today = timezone.localdate(now)
    after = settings.NOTICE_SIGN_REMIND_AFTER_WORKING_DAYS
    within = settings.NOTICE_SIGN_REMIND_WITHIN_DAYS
    run = ReminderRun()
    try:
        if not is_working_day(today):
            return run
    except CalendarNotCovered:
        logger.warning("notice sign-for reminders: the holiday calendar does not cover %s", today.year)
        return run
    # ``within`` working days never span more than 2 × within + 30 natural days (weekends, the longest holidays), so
    # this bound only spares loading years of old receipts; the exact working-day limit is checked below.
    receipts = list(
        NoticeReceipt.objects.filter(
            _due_receipts(now),
            notice__issued_on__lt=today,
            notice__issued_on__gte=today - dt.timedelta(days=2 * within + 30),
            reminder_count__lt=settings.NOTICE_SIGN_REMIND_MAX,
        )
        .select_related("notice")
        .order_by("notice_id", "pk")
    )
    window_by_notice: dict[int, tuple[dt.date, dt.date] | None] = {}
    due: list[NoticeReceipt] = []
    for receipt in receipts:
        notice = receipt.notice
        if notice.pk not in window_by_notice:
            try:
                window_by_notice[notice.pk] = (
                    add_working_days(notice.issued_on, after),
                    add_working_days(notice.issued_on, within),
                )
            except CalendarNotCovered:
                logger.warning("notice %s: the holiday calendar does not cover its sign-for deadline", notice.pk)
                window_by_notice[notice.pk] = None
                run.skipped_notices.append(notice.pk)
        window = window_by_notice[notice.pk]
        if window is not None and window[0] < today <= window[1]:
            due.append(receipt)
    _remind(due, now, run)
    return run


def may_remind(by: User, notice: Notice) -> bool:
    """Who chases the 签收 of a notice: staff who may change notices (the admin), or an officer of the county's or
    subdistrict's office that wrote and issued it under its own authority (``cascade.office_notices``)."""
    if by.is_staff:
        return by.has_perm("campaigns.change_notice")
    from .cascade import office_jurisdiction, office_notices

    office = office_jurisdiction(by)
    return office is not None and office_notices(office).filter(pk=notice.pk).exists()


def remind_unsigned(*, notice: Notice, by: User, now: dt.datetime | None = None) -> ReminderRun:
    """The office's 提醒未签收单位 on one notice: every unit that has not signed, at once, not twice a day (not capped
    by ``NOTICE_SIGN_REMIND_MAX``: a deliberate act of the office; the reminders it sends count towards the cap)."""
    if not may_remind(by, notice):
        raise PermissionDenied
    now = now or timezone.now()
    run = ReminderRun()
    if notice.status != NoticeStatus.ISSUED:
        return run
    receipts = list(notice.receipts.filter(_due_receipts(now)).select_related("notice").order_by("pk"))
    _remind(receipts, now, run)
    return run
