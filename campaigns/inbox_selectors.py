"""Reads of the notice inbox (收文) and the office's 签收 board. Each runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safetyportal.scoping import PortalUnit, officer_unit

from .models import Notice, NoticeReceipt
from .selectors import HOME_DUE_DAYS, unsigned_receipt_count  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from safetyportal.types import User

INBOX_FILTERS = {"unread": Q(first_opened_at__isnull=True), "unsigned": Q(signed_at__isnull=True)}


def own_unit_condition(unit: PortalUnit) -> Q:
    """The receipts addressed to the unit itself (a subdistrict's inbox does not hold its communities' notices)."""
    return unit.own_condition()


def inbox_receipts(user: User) -> QuerySet[NoticeReceipt]:
    """The receipts of the officer's own unit (scoped, then narrowed to the unit itself); none for anyone else."""
    unit = officer_unit(user)
    if unit is None or (unit.member_unit is None and unit.jurisdiction is None):
        return NoticeReceipt.objects.none()
    return NoticeReceipt.objects.for_user(user).filter(own_unit_condition(unit))


def inbox(user: User, *, q: str = "", show: str = "") -> QuerySet[NoticeReceipt]:
    """The unit's inbox, newest notice first, searched by title or number and filtered (unread/unsigned)."""
    receipts = inbox_receipts(user).select_related("notice", "notice__authority")
    if show in INBOX_FILTERS:
        receipts = receipts.filter(INBOX_FILTERS[show])
    q = q.strip()[:50]
    if q:
        receipts = receipts.filter(Q(notice__title__icontains=q) | Q(notice__number__icontains=q))
    return receipts.order_by("-notice__issued_at", "-pk")


def inbox_counts(user: User) -> dict[str, int]:
    """Totals of the unit's inbox, one query."""
    return inbox_receipts(user).aggregate(
        total=Count("pk"),
        unread=Count("pk", filter=Q(first_opened_at__isnull=True)),
        unsigned=Count("pk", filter=Q(signed_at__isnull=True)),
    )


def inbox_receipt(user: User, pk: int) -> NoticeReceipt:
    """One receipt of the officer's own unit with what its page shows, or 404 (another unit's, or none)."""
    receipt = (
        inbox_receipts(user)
        .select_related("notice", "notice__authority", "notice__document", "first_opened_by", "signed_by")
        .filter(pk=pk)
        .first()
    )
    if receipt is None:
        raise Http404
    return receipt


def notice_attachments(notice: Notice) -> list[Any]:
    """The notice's attachments (campaigns.NoticeAttachment, related_name ``attachments``), one query; an empty
    list while the model does not exist."""
    manager = getattr(notice, "attachments", None)
    return list(manager.all()) if manager is not None else []


# --- The office's 签收 board -----------------------------------------------------------------------------------


@dataclass
class SignBoard:
    notice: Notice
    signed: list[NoticeReceipt]
    opened: list[NoticeReceipt]  # opened, not signed
    unopened: list[NoticeReceipt]
    today: dt.date

    @property
    def total(self) -> int:
        return len(self.signed) + len(self.opened) + len(self.unopened)

    @property
    def unsigned(self) -> int:
        return len(self.opened) + len(self.unopened)


BOARD_FIELDS = (
    "notice_id",
    "jurisdiction_id",
    "member_unit_id",
    "first_opened_at",
    "first_opened_by_id",
    "signed_at",
    "signer_name",
    "signed_by",
    "last_reminded_at",
    "reminder_count",
)


def sign_board(notice: Notice) -> SignBoard:
    """Who signed (who, when), who opened but has not signed, who has not opened: one query whatever the number
    of addressees."""
    rows = notice.receipts.select_related("jurisdiction", "member_unit", "first_opened_by").only(
        *BOARD_FIELDS,
        "jurisdiction__name",
        "jurisdiction__code",
        "member_unit__name",
        "first_opened_by__username",
        "first_opened_by__first_name",
        "first_opened_by__last_name",
    )
    receipts = sorted(
        rows,
        key=lambda r: (1, r.member_unit.name, r.pk) if r.member_unit_id else (0, r.jurisdiction.code, r.pk),
    )
    return SignBoard(
        notice=notice,
        signed=sorted((r for r in receipts if r.signed_at), key=lambda r: (r.signed_at, r.pk)),
        opened=[r for r in receipts if not r.signed_at and r.first_opened_at],
        unopened=[r for r in receipts if not r.first_opened_at],
        today=timezone.localdate(),
    )


def sign_totals(notice: Notice) -> dict[str, int]:
    """How many addressees a notice has and how many have opened and signed, one query."""
    return notice.receipts.aggregate(
        total=Count("pk"),
        opened=Count("pk", filter=Q(first_opened_at__isnull=False)),
        signed=Count("pk", filter=Q(signed_at__isnull=False)),
    )


# --- The unit's home page -------------------------------------------------------------------------------------


def inbox_home(user: User, limit: int = 5) -> dict[str, Any]:
    """The home page's 收文 block: counts and the latest unread notices (the list only when there is one)."""
    counts = inbox_counts(user)
    return {"counts": counts, "latest": list(inbox(user, show="unread")[:limit]) if counts["unread"] else []}


def home_section(user: User) -> dict[str, Any]:
    """What stands at the top of the unit's home page: unread notices (收文 counts and the latest five; the tasks due
    within a week come from the campaigns section, selectors.officer_dashboard ``due_soon``). One query, two when
    something is unread."""
    if officer_unit(user) is None:
        return {}
    return {**inbox_home(user), "due_days": HOME_DUE_DAYS}
