"""Reads of the circulars (通报) for the units' portal: a unit sees the circulars addressed to it (its receipts),
never another unit's; each read runs a fixed number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from safetyportal.scoping import officer_unit

from .circular_models import CircularReceipt

if TYPE_CHECKING:
    from safetyportal.types import UserOrAnonymous


def receipts_for(user: UserOrAnonymous | None) -> QuerySet[CircularReceipt]:
    """The receipts of the officer's own unit (scoped, then narrowed to the unit itself: an office does not receive
    its communities' circulars); none for anyone else (staff read circulars in the admin)."""
    unit = officer_unit(user)
    if unit is None:
        return CircularReceipt.objects.none()
    own = (
        Q(member_unit=unit.member_unit)
        if unit.member_unit is not None
        else Q(jurisdiction=unit.jurisdiction, member_unit__isnull=True)
    )
    return CircularReceipt.objects.for_user(user).filter(own).exclude(circular__status="draft")


def circulars_for(user: UserOrAnonymous | None) -> QuerySet[CircularReceipt]:
    """The unit's circulars, newest first (one query per page)."""
    return receipts_for(user).select_related("circular", "circular__authority").order_by("-circular__issued_at", "-pk")


def circular_counts(user: UserOrAnonymous | None) -> dict[str, int]:
    """How many circulars the unit received and how many it has not opened (one query)."""
    return receipts_for(user).aggregate(total=Count("pk"), unread=Count("pk", filter=Q(first_opened_at__isnull=True)))


def receipt_for(user: UserOrAnonymous | None, circular_id: int) -> CircularReceipt:
    """The unit's receipt of one circular, or 404 (not addressed to the unit, a draft, or none at all)."""
    receipt = (
        receipts_for(user)
        .select_related("circular", "circular__authority", "circular__document", "first_opened_by")
        .filter(circular_id=circular_id)
        .first()
    )
    if receipt is None:
        raise Http404
    return receipt
