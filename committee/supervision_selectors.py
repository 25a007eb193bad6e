"""Reads of the committee's supervision (挂牌督办): the contract of issue 15 (``overdue_by_unit``, ``desk_counts``,
``supervisions_for``) and the pages' reads. Every list runs a constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from safetyportal.masking import mask_public_text
from safetyportal.scoping import get_scoped_object_or_404
from safetyportal.unit_figures import UnitKey

from .supervision_models import (
    ExtensionRequest,
    ExtensionStatus,
    ProgressAttachment,
    ProgressReport,
    Supervision,
    SupervisionEvent,
    SupervisionEvidence,
    SupervisionStatus,
)

if TYPE_CHECKING:
    from safetyportal.types import UserOrAnonymous

ACTIVE = Q(record_status="active")
OPEN = ACTIVE & Q(status=SupervisionStatus.OPEN)


def _open_at(as_of: dt.date) -> Q:
    """Listed by ``as_of`` and not closed by then."""
    return ACTIVE & Q(listed_on__lte=as_of) & (Q(status=SupervisionStatus.OPEN) | Q(closed_on__gt=as_of))


def overdue_by_unit(as_of: dt.date) -> dict[UnitKey, int]:
    """Supervisions open on ``as_of`` and past their deadline (the deadline as it stands now, extensions included),
    per responsible unit: a unit's own supervision under its key; a hazard's under its jurisdiction and, when it has
    one, under its responsible member unit too. Two queries."""
    overdue = Supervision.objects.filter(_open_at(as_of), deadline__lt=as_of)
    result: dict[UnitKey, int] = {}
    for pk, n in (
        overdue.filter(scope_jurisdiction__isnull=False)
        .values_list("scope_jurisdiction")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        result[("jurisdiction", pk)] = n
    for pk, n in (
        overdue.filter(scope_member_unit__isnull=False)
        .values_list("scope_member_unit")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        result[("member_unit", pk)] = n
    return result


def desk_counts(today: dt.date | None = None) -> dict[str, int]:
    """The office desk: open, overdue, listing_due (to publish: public, not yet published), removal_due (closed,
    published, removal not yet published), extension_pending. Two queries."""
    today = today or timezone.localdate()
    counts = Supervision.objects.filter(ACTIVE).aggregate(
        open=Count("pk", filter=Q(status=SupervisionStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=SupervisionStatus.OPEN, deadline__lt=today)),
        listing_due=Count("pk", filter=Q(status=SupervisionStatus.OPEN, is_public=True, published_on__isnull=True)),
        removal_due=Count(
            "pk",
            filter=Q(
                status=SupervisionStatus.CLOSED,
                is_public=True,
                published_on__isnull=False,
                removal_published_on__isnull=True,
            ),
        ),
    )
    counts["extension_pending"] = ExtensionRequest.objects.filter(
        status=ExtensionStatus.PENDING, supervision__record_status="active"
    ).count()
    return {key: int(value or 0) for key, value in counts.items()}


def supervisions_for(user: UserOrAnonymous) -> QuerySet[Supervision]:
    """The supervisions a unit may see (its own; an office also its subtree's), open ones first by deadline."""
    return (
        Supervision.objects.for_user(user)
        .filter(ACTIVE)
        .select_related("jurisdiction", "member_unit", "scope_jurisdiction", "scope_member_unit")
        .annotate(
            reports=Count("progress_reports", distinct=True),
            pending_extensions=Count(
                "extension_requests", filter=Q(extension_requests__status=ExtensionStatus.PENDING), distinct=True
            ),
        )
        .order_by("status", "deadline", "-pk")
    )


def supervision_for(user: UserOrAnonymous, pk: int) -> Supervision:
    """One supervision the user may see, or 404 (another unit's is "not found")."""
    return get_scoped_object_or_404(
        Supervision.objects.filter(ACTIVE).select_related(
            "jurisdiction", "member_unit", "scope_jurisdiction", "scope_member_unit"
        ),
        user,
        pk=pk,
    )


def progress_reports(supervision: Supervision) -> list[ProgressReport]:
    """The reports with their attachments (two queries)."""
    return list(
        ProgressReport.objects.filter(supervision=supervision)
        .select_related("filed_by")
        .prefetch_related(Prefetch("attachments", queryset=ProgressAttachment.objects.order_by("pk")))
        .order_by("-filed_at", "-pk")
    )


def extension_requests(supervision: Supervision) -> list[ExtensionRequest]:
    return list(ExtensionRequest.objects.filter(supervision=supervision).order_by("-requested_on", "-pk"))


def events(supervision: Supervision) -> list[SupervisionEvent]:
    return list(SupervisionEvent.objects.filter(supervision=supervision).order_by("at", "pk"))


def attachment_for(user: UserOrAnonymous, supervision_id: int, attachment_id: int) -> ProgressAttachment:
    """A progress attachment of a supervision the user may see (staff: with the permission to view supervisions)."""
    from django.http import Http404

    from safetyportal.scoping import is_office_staff

    if is_office_staff(user) and not user.has_perm("committee.view_supervision"):  # type: ignore[union-attr]
        raise Http404
    found = (
        ProgressAttachment.objects.for_user(user)
        .filter(
            pk=attachment_id,
            report__supervision_id=supervision_id,
            report__supervision__record_status="active",
        )
        .first()
    )
    if found is None:
        raise Http404
    return found


def evidence_for(user: UserOrAnonymous, supervision_id: int, evidence_id: int) -> SupervisionEvidence:
    from django.http import Http404

    from safetyportal.scoping import is_office_staff

    if is_office_staff(user) and not user.has_perm("committee.view_supervision"):  # type: ignore[union-attr]
        raise Http404
    found = (
        SupervisionEvidence.objects.for_user(user)
        .filter(pk=evidence_id, supervision_id=supervision_id, supervision__record_status="active")
        .first()
    )
    if found is None:
        raise Http404
    return found


def unit_counts(user: UserOrAnonymous, today: dt.date | None = None) -> dict[str, int]:
    """Open, overdue and closed supervisions the user sees (one query)."""
    today = today or timezone.localdate()
    return (
        Supervision.objects.for_user(user)
        .filter(ACTIVE)
        .aggregate(
            open=Count("pk", filter=Q(status=SupervisionStatus.OPEN, deadline__gte=today)),
            overdue=Count("pk", filter=Q(status=SupervisionStatus.OPEN, deadline__lt=today)),
            closed=Count("pk", filter=Q(status=SupervisionStatus.CLOSED)),
        )
    )


# --- Public listing (/supervision/) ----------


@dataclass(frozen=True)
class PublicRow:
    pk: int
    level_label: str
    name: str
    area: str
    text: str
    listed_on: dt.date
    published_on: dt.date
    deadline: dt.date
    removed: bool
    closed_on: dt.date | None
    removal_published_on: dt.date | None


def public_supervisions() -> QuerySet[Supervision]:
    """Published listings (公示), newest first; a removal shows once it is published (摘牌公示)."""
    return (
        Supervision.objects.filter(ACTIVE, is_public=True, published_on__isnull=False)
        .select_related("scope_jurisdiction", "member_unit")
        .only(
            "pk",
            "level",
            "public_name",
            "public_text",
            "listed_on",
            "published_on",
            "deadline",
            "status",
            "closed_on",
            "removal_published_on",
            "scope_jurisdiction__name",
            "member_unit__name",
        )
        .order_by("-published_on", "-pk")
    )


def public_row(supervision: Supervision) -> PublicRow:
    """What the public sees: the name staff set, the public text with personal data masked, the dates (a removal
    only once its publication is recorded)."""
    removed = supervision.removal_published_on is not None
    area = supervision.scope_jurisdiction.name if supervision.scope_jurisdiction_id else ""
    if not area and supervision.member_unit_id:
        area = supervision.member_unit.name
    return PublicRow(
        pk=supervision.pk,
        level_label=str(supervision.get_level_display()),
        name=supervision.public_name,
        area=str(area),
        text=mask_public_text(supervision.public_text).text,
        listed_on=supervision.listed_on,
        published_on=supervision.published_on,  # type: ignore[arg-type]
        deadline=supervision.deadline,
        removed=removed,
        closed_on=supervision.closed_on if removed else None,
        removal_published_on=supervision.removal_published_on,
    )


def public_counts() -> dict[str, Any]:
    return Supervision.objects.filter(ACTIVE, is_public=True, published_on__isnull=False).aggregate(
        listed=Count("pk", filter=Q(removal_published_on__isnull=True)),
        removed=Count("pk", filter=Q(removal_published_on__isnull=False)),
    )
