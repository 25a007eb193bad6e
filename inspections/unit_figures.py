"""Hazard figures per unit for the committee (circulars, assessment): ``hazard_figures(period, *, as_of=None)``.

One GROUP BY query over the hazards (by town and responsible member unit; the pairs are added up per unit in Python),
whatever the number of hazards; closing on time is judged in SQL by the Asia/Shanghai day of ``closed_at`` against
the deadline day. Definitions: ``safetyportal.unit_figures.HazardFigures`` and docs/unit_figures.md."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import BigIntegerField, Count, ExpressionWrapper, Q, Value
from django.utils import timezone

from safetyportal.unit_figures import (
    JURISDICTION,
    MEMBER_UNIT,
    MINUTES_PER_DAY,
    SHANGHAI_OFFSET_MINUTES,
    EpochDays,
    EpochMinutes,
    HazardFigures,
    Period,
    UnitKey,
)

from .models import Hazard, HazardStatus

# Reports found not to be hazards (or counted under another) have nothing to rectify.
NOT_HAZARDS = (HazardStatus.REJECTED, HazardStatus.DUPLICATE, HazardStatus.UNFOUNDED)


def _closed_in_time_margin() -> ExpressionWrapper:
    """Minutes from ``closed_at`` to the end of the deadline day (00:00 of the next day, Asia/Shanghai): > 0 is
    closed on or before the deadline day."""
    day_after = (EpochDays("rectification_deadline") + Value(1)) * Value(MINUTES_PER_DAY) - Value(
        SHANGHAI_OFFSET_MINUTES
    )
    return ExpressionWrapper(day_after - EpochMinutes("closed_at"), output_field=BigIntegerField())


def hazard_figures(period: Period, *, as_of: dt.date | None = None) -> dict[UnitKey, HazardFigures]:
    """Hazards whose rectification deadline falls in ``period``, judged at the end of ``as_of`` (default today), per
    jurisdiction (the hazard's town) and per responsible member unit (under its own key; a hazard counts for both).
    Only units with at least one such hazard appear. One query."""
    as_of = as_of or timezone.localdate()
    end_of_as_of = Period(as_of, as_of).end_instant()
    closed = Q(status=HazardStatus.CLOSED) & (Q(closed_at__isnull=True) | Q(closed_at__lt=end_of_as_of))
    # closed_at unknown (rows from before it was kept): counted closed on time.
    on_time = closed & (Q(closed_at__isnull=True) | Q(closed_margin__gt=0))
    late = closed & Q(closed_at__isnull=False, closed_margin__lte=0)
    overdue = Q(rectification_deadline__lt=as_of) & (
        Q(status=HazardStatus.RECTIFYING) | Q(status=HazardStatus.CLOSED, closed_at__gte=end_of_as_of)
    )
    hazards = (
        Hazard.objects.filter(rectification_deadline__range=(period.starts_on, period.ends_on))
        .exclude(status__in=NOT_HAZARDS)
        .alias(closed_margin=_closed_in_time_margin())
    )
    rows = (
        hazards.values("jurisdiction_id", "responsible_unit_id")
        .annotate(
            due=Count("pk"),
            closed_on_time=Count("pk", filter=on_time),
            closed_late=Count("pk", filter=late),
            open_overdue=Count("pk", filter=overdue),
        )
        .order_by()
    )
    sums: dict[UnitKey, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:  # one row per (town, responsible unit) pair: added up for each of the two
        values = (row["due"], row["closed_on_time"], row["closed_late"], row["open_overdue"])
        keys = [(JURISDICTION, row["jurisdiction_id"])]
        if row["responsible_unit_id"] is not None:
            keys.append((MEMBER_UNIT, row["responsible_unit_id"]))
        for key in keys:
            total = sums[key]
            for index, value in enumerate(values):
                total[index] += value
    figures = {key: HazardFigures(*values) for key, values in sums.items()}
    return figures


__all__ = ["NOT_HAZARDS", "hazard_figures"]
