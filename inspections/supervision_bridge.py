"""The hazard-side functions the committee's supervision (committee.Supervision, issue 15) calls: what a supervision
may know of a hazard, and the hazard's 挂牌督办 marker kept consistent with the committee's supervision.

committee never imports inspections' models; it calls these functions (docs/supervision.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, Q, When
from django.utils import timezone

from .models import OPEN_STATUSES, Hazard, HazardStatus, PhotoStage, SupervisionLevel

if TYPE_CHECKING:
    from collections.abc import Iterable

    from safetyportal.types import User


@dataclass(frozen=True)
class HazardInfo:
    pk: int
    number: str
    category_label: str
    level: str
    level_label: str
    status: str
    status_label: str
    is_open: bool
    is_closed: bool
    closed_on: dt.date | None
    pending_review: bool
    after_photos: int
    rectification_note: str
    rectification_deadline: dt.date | None
    address: str
    jurisdiction_id: int
    responsible_unit_id: int | None
    enterprise_name: str
    supervision_level: str

    @property
    def has_rectification_evidence(self) -> bool:
        """Rectified and awaiting review with photos after rectification (待复核 + 整改后照片)."""
        return self.pending_review and self.after_photos > 0


def _info(hazard: Hazard, after_photos: int) -> HazardInfo:
    closed_on = timezone.localtime(hazard.closed_at).date() if hazard.closed_at else None
    return HazardInfo(
        pk=hazard.pk,
        number=hazard.number,
        category_label=str(hazard.get_category_display()),
        level=hazard.level,
        level_label=str(hazard.get_level_display()),
        status=hazard.status,
        status_label=str(hazard.get_status_display()),
        is_open=hazard.status in OPEN_STATUSES,
        is_closed=hazard.status == HazardStatus.CLOSED,
        closed_on=closed_on,
        pending_review=hazard.status == HazardStatus.PENDING_REVIEW,
        after_photos=after_photos,
        rectification_note=hazard.rectification_note,
        rectification_deadline=hazard.rectification_deadline,
        address=hazard.address,
        jurisdiction_id=hazard.jurisdiction_id,
        responsible_unit_id=hazard.responsible_unit_id,
        enterprise_name=hazard.enterprise.name if hazard.enterprise_id else "",
        supervision_level=hazard.supervision_level,
    )


def hazard_infos(pks: Iterable[int]) -> dict[int, HazardInfo]:
    """What a supervision may know of these hazards (one query whatever the number)."""
    ids = {pk for pk in pks if pk}
    if not ids:
        return {}
    rows = (
        Hazard.objects.filter(pk__in=ids)
        .select_related("enterprise")
        .annotate(after_photos=Count("photos", filter=Q(photos__stage=PhotoStage.AFTER)))
    )
    return {h.pk: _info(h, h.after_photos) for h in rows}


def hazard_info(pk: int) -> HazardInfo | None:
    return hazard_infos([pk]).get(pk)


def mark_supervised(*, hazard_id: int, level: str, by: User | None, reason: str, on: dt.date | None = None) -> None:
    """Set the hazard's 挂牌督办 marker to the committee supervision's level (any hazard level); an ended hazard is left
    alone."""
    from . import services

    hazard = Hazard.objects.get(pk=hazard_id)
    if hazard.status not in OPEN_STATUSES:
        return  # a hazard already 已销号 (or otherwise ended) carries no marker; the supervision awaits its 销号
    if hazard.supervision_level == level and (on is None or hazard.supervised_on == on):
        return
    services.set_supervision(hazard=hazard, level=level, by=by, reason=reason, on=on, for_committee=True)  # type: ignore[arg-type]


def clear_supervision_marker(*, hazard_id: int, by: User | None, reason: str) -> None:
    """Remove the marker (摘牌) when the hazard's last open committee supervision ends."""
    from . import services

    hazard = Hazard.objects.get(pk=hazard_id)
    if hazard.supervision_level == SupervisionLevel.NONE:
        return
    services.set_supervision(hazard=hazard, level=SupervisionLevel.NONE, by=by, reason=reason, for_committee=True)  # type: ignore[arg-type]


def open_hazard_ids(*, limit: int = 5) -> list[int]:
    """Open hazards not marked as supervised, those being rectified first (the demo data picks from these)."""
    return list(
        Hazard.objects.filter(status__in=OPEN_STATUSES, supervision_level=SupervisionLevel.NONE)
        .order_by(Case(When(status=HazardStatus.RECTIFYING, then=0), default=1), "pk")
        .values_list("pk", flat=True)[:limit]
    )
