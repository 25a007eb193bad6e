"""Reads of the committee app (one select_related/prefetch chosen here for every list)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from safetyportal.scoping import get_scoped_object_or_404, is_office_staff

from .models import WARNING_MEETING_DAYS, Accident, AccidentAttachment, Commitment, CommitmentStatus, Interview

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


def meetings_due(today: dt.date | None = None, *, user: UserOrAnonymous | None = None) -> QuerySet[Accident]:
    """Accidents whose 现场警示教育会议 has not been held (the admin's filter and the reminder job read the same);
    with ``user``, only those the user may see (``for_user``)."""
    accidents = Accident.objects.for_user(user) if user is not None else Accident.objects.all()
    return accidents.filter(record_status="active", meeting_held_on__isnull=True).select_related(
        "jurisdiction", "enterprise"
    )


def meetings_due_counts(today: dt.date | None = None) -> dict[str, int]:
    """Meetings not held yet: all of them and those past their 15-day clock (one query). The clock's last day is the
    accident's day in Asia/Shanghai + 15, so overdue = occurred before the start of (today - 15 days) in Shanghai."""
    from django.db.models import Count, Q

    before = overdue_meeting_before(today or timezone.localdate())
    return meetings_due(today).aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(occurred_at__lt=before)))


def overdue_meeting_before(today: dt.date) -> dt.datetime:
    """An accident that occurred before this moment is past its meeting clock on ``today``: its last day (its day in
    Asia/Shanghai + 15) is before today."""
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=WARNING_MEETING_DAYS), dt.time.min))


def overdue_commitment_count(today: dt.date | None = None) -> int:
    return overdue_commitments(today).order_by().count()


def accident_attachment_for(user: UserOrAnonymous, accident_id: int, attachment_id: int) -> AccidentAttachment:
    """An accident's evidence file to download: office staff allowed to view accidents; anyone else 404, exactly like
    a file that does not exist."""
    allowed = is_office_staff(user) and (
        user.has_perm("committee.view_accident") or user.has_perm("committee.change_accident")
    )
    attachment = (
        AccidentAttachment.objects.filter(pk=attachment_id, accident_id=accident_id).first() if allowed else None
    )
    if attachment is None:
        raise Http404
    return attachment
