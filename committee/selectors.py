"""Reads of the committee app (one select_related/prefetch chosen here for every list)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from safetyportal.scoping import get_scoped_object_or_404

from .models import Accident, Commitment, CommitmentStatus, Interview

if TYPE_CHECKING:
    from safetyportal.types import UserOrAnonymous


def interviews_for(user: UserOrAnonymous) -> QuerySet[Interview]:
    """The interviews a unit may see (its own; an office also its subtree's), newest first, with their commitments
    (two queries whatever the number)."""
    return (
        Interview.objects.for_user(user)
        .filter(record_status="active")
        .select_related("jurisdiction", "member_unit", "enterprise")
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("due_on", "pk")))
        .order_by("-held_on", "-pk")
    )


def commitment_for(user: UserOrAnonymous, pk: int) -> Commitment:
    """A commitment of an interview the user may see, or 404."""
    return get_scoped_object_or_404(
        Commitment.objects.select_related("interview__enterprise").filter(interview__record_status="active"),
        user,
        pk=pk,
    )


def commitment_counts(user: UserOrAnonymous, today: dt.date | None = None) -> dict[str, int]:
    """Open, overdue and done commitments of the user's interviews (one query)."""
    from django.db.models import Count, Q

    today = today or timezone.localdate()
    open_ = Q(status=CommitmentStatus.OPEN)
    return (
        Commitment.objects.for_user(user)
        .filter(interview__record_status="active")
        .aggregate(
            open=Count("pk", filter=open_ & Q(due_on__gte=today)),
            overdue=Count("pk", filter=open_ & Q(due_on__lt=today)),
            done=Count("pk", filter=Q(status=CommitmentStatus.DONE)),
        )
    )


def overdue_commitments(today: dt.date | None = None) -> QuerySet[Commitment]:
    today = today or timezone.localdate()
    return Commitment.objects.filter(
        status=CommitmentStatus.OPEN, due_on__lt=today, interview__record_status="active"
    ).select_related("interview__jurisdiction", "interview__member_unit", "interview__enterprise")


def meetings_due(today: dt.date | None = None) -> QuerySet[Accident]:
    """Accidents whose 现场警示教育会议 has not been held (the admin's filter and the reminder job read the same)."""
    return Accident.objects.filter(record_status="active", meeting_held_on__isnull=True).select_related(
        "jurisdiction", "enterprise"
    )
