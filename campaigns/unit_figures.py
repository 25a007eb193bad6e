"""Return figures per unit for the committee (circulars, assessment): ``return_figures(period, ...)``.

The completeness board's definitions (campaigns.selectors.slot_state / completeness_board), counted for every unit
at once over any period, in five queries whatever the number of units and returns:

1. the tasks that may have a deadline in the period (Python then walks their periods: tasks × periods, never rows);
2. and 3. the assignment tables (task ↔ jurisdiction, task ↔ member unit) grouped by unit, each assignment weighted
   by its task's number of slots in the period (``SUM(CASE ...)`` over the few distinct weights);
4. and 5. the filed returns (a first submission by ``as_of``) grouped by unit, one per slot (its first submission),
   lateness judged in integer minutes, to the minute in Asia/Shanghai against the task's due time, exactly as
   ``safetyportal.workdays.late_days`` does: the jurisdictions' returns with ``NOT EXISTS`` an earlier return in the
   slot (fast on the return_slot index), the member units' with an inner GROUP BY per slot (``MIN``) inside an
   outer GROUP BY per unit (their returns carry the member unit's jurisdiction, which that index cannot narrow).

Definitions (docs/unit_figures.md): see ``safetyportal.unit_figures.ReturnFigures``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from safetyportal.unit_figures import (
    JURISDICTION,
    MEMBER_UNIT,
    MINUTES_PER_DAY,
    EpochDays,
    EpochMinutes,
    Period,
    ReturnFigures,
    TimeMinutes,
    UnitKey,
    epoch_days,
)

from .models import ActivityReturn, CampaignStatus, CampaignTask, Recurrence

LAST_MINUTE = MINUTES_PER_DAY - 1  # no due time: 23:59 is the last on-time minute ("24:00前")


def _tasks(period: Period, campaign_id: int | None) -> QuerySet[CampaignTask]:
    """Tasks that may have a period due in ``period``: a one-off task due in it, a recurring task whose date range
    meets it. Draft campaigns are left out unless asked for by ``campaign_id``."""
    tasks = CampaignTask.objects.select_related("campaign")
    if campaign_id is not None:
        tasks = tasks.filter(campaign_id=campaign_id)
    else:
        tasks = tasks.exclude(campaign__status=CampaignStatus.DRAFT)
    return tasks.alias(
        first_day=Coalesce("starts_on", "campaign__starts_on"), last_day=Coalesce("ends_on", "campaign__ends_on")
    ).filter(
        Q(recurrence=Recurrence.ONCE, due_on__range=(period.starts_on, period.ends_on))
        | (~Q(recurrence=Recurrence.ONCE) & Q(first_day__lte=period.ends_on, last_day__gte=period.starts_on))
    )


def _weighted_sum(field: str, weights: dict[int, int]) -> Sum:
    """SUM over assignment rows of their task's weight: one WHEN per distinct weight, not per task."""
    by_weight: dict[int, list[int]] = defaultdict(list)
    for task_id, weight in weights.items():
        if weight:
            by_weight[weight].append(task_id)
    whens = [When(**{f"{field}__in": sorted(ids)}, then=Value(weight)) for weight, ids in sorted(by_weight.items())]
    return Sum(Case(*whens, default=Value(0), output_field=BigIntegerField()))


def _due_minutes() -> Coalesce:
    """The task's deadline minute of the day (``due_time``; 23:59 without one, "24:00前")."""
    return Coalesce(TimeMinutes("task__due_time"), Value(LAST_MINUTE), output_field=BigIntegerField())


# The outer GROUP BY over the filed slots (one row per slot: its unit, due day, deadline minute of the day and first
# submission in minutes since the epoch). Plain integer arithmetic, the same SQL on PostgreSQL and SQLite. The
# deadline is ``due_day * 1440 + due_minutes - 480`` (Asia/Shanghai is UTC+8); lateness as
# safetyportal.workdays.late_days: 0 up to the deadline minute, then one day for every started 24 hours (1440 min).
_BY_UNIT = """
SELECT slot.unit AS unit,
       COUNT(*) AS filed,
       SUM(CASE WHEN slot.due_day < %s THEN 1 ELSE 0 END) AS filed_past,
       SUM(CASE WHEN slot.first_minute > slot.due_day * 1440 + slot.due_minutes - 480 THEN 1 ELSE 0 END) AS late,
       SUM(CASE WHEN slot.first_minute > slot.due_day * 1440 + slot.due_minutes - 480
                THEN (slot.first_minute - (slot.due_day * 1440 + slot.due_minutes - 480) + 1439) / 1440
                ELSE 0 END) AS late_days,
       SUM(CASE WHEN slot.due_day < %s THEN slot.due_day ELSE 0 END) AS past_due_days
FROM ({slots}{fence}) slot
GROUP BY slot.unit
"""
# Keeps the database from merging the per-slot rows into the outer query, which would compute each expression once
# per use instead of once per row (SQLite cannot flatten a subquery with a LIMIT into an aggregate). PostgreSQL
# computes them cheaply and plans better without a fence.
_FENCE = {"sqlite": " LIMIT -1"}


def _filed_rows(unit_field: str, task_ids: list[int], slots: Q, period: Period, as_of: dt.date) -> list[dict]:
    """The filed slots of one kind of unit grouped by unit, in one query: the first submission (by ``as_of``) of
    each slot, then the outer GROUP BY above.

    Jurisdictions' own returns: a slot's first return is the one with no earlier one in its slot (``NOT EXISTS`` on
    the return_slot index (task, period_due, jurisdiction)). Member units' returns: an inner GROUP BY per slot
    (``MIN``), since they all carry their member unit's county, which that index cannot narrow."""
    is_jurisdiction = unit_field == "jurisdiction_id"
    through = CampaignTask.jurisdictions.through if is_jurisdiction else CampaignTask.member_units.through
    through_unit = "jurisdiction_id" if is_jurisdiction else "memberunit_id"
    assigned = Exists(
        through.objects.filter(campaigntask_id=OuterRef("task_id"), **{through_unit: OuterRef(unit_field)})
    )
    returns = ActivityReturn.objects.filter(
        slots,
        assigned,
        task_id__in=task_ids,
        period_due__range=(period.starts_on, period.ends_on),
        member_unit__isnull=is_jurisdiction,
        first_submitted_at__isnull=False,
        first_submitted_at__lt=Period(as_of, as_of).end_instant(),
    )
    if is_jurisdiction:
        earlier = ActivityReturn.objects.filter(
            Q(first_submitted_at__lt=OuterRef("first_submitted_at"))
            | Q(first_submitted_at=OuterRef("first_submitted_at"), pk__lt=OuterRef("pk")),
            task_id=OuterRef("task_id"),
            period_due=OuterRef("period_due"),
            jurisdiction_id=OuterRef("jurisdiction_id"),
            member_unit__isnull=True,
        )
        per_slot = (
            returns.exclude(Exists(earlier))
            .annotate(
                unit=F(unit_field),
                due_day=EpochDays("period_due"),
                due_minutes=_due_minutes(),
                first_minute=EpochMinutes("first_submitted_at"),
            )
            .values("unit", "due_day", "due_minutes", "first_minute")
            .order_by()
        )
    else:
        per_slot = (
            returns.annotate(unit=F(unit_field))
            .values("task_id", "period_due", "unit")
            .annotate(
                due_day=EpochDays("period_due"),
                due_minutes=_due_minutes(),
                first_minute=Min(EpochMinutes("first_submitted_at")),
            )
            .values("unit", "due_day", "due_minutes", "first_minute")
            .order_by()
        )
    connection = connections[per_slot.db]
    inner_sql, inner_params = per_slot.query.get_compiler(connection=connection).as_sql()
    sql = _BY_UNIT.format(slots=inner_sql, fence=_FENCE.get(connection.vendor, ""))  # constant SQL, values are params
    as_of_day = epoch_days(as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of_day, as_of_day, *inner_params])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def return_figures(
    period: Period, *, as_of: dt.date | None = None, campaign_id: int | None = None
) -> dict[UnitKey, ReturnFigures]:
    """Return slots per unit whose due date falls in ``period``, judged at the end of ``as_of`` (default today):
    every unit assigned a task with a slot in the period appears, also with nothing filed (never reported:
    ``due > 0 and filed == 0``); a missing slot's late days run from its due date to ``as_of``. ``campaign_id``:
    only that campaign's tasks (any status; otherwise draft campaigns are left out). Five queries whatever the
    number of units and returns."""
    as_of = as_of or timezone.localdate()
    # A missing slot accrues late days up to as_of (数据截至), not only to the period's end, as a late filing counts
    # its days up to its first submission: not filing is never cheaper than filing late.
    tasks = list(_tasks(period, campaign_id))

    slot_count: dict[int, int] = {}  # task -> slots (periods due in the period) per assigned unit
    past_count: dict[int, int] = {}  # of those, due before as_of
    accrued: dict[int, int] = {}  # days from each past due date to as_of, summed
    by_dues: dict[tuple[dt.date, ...], list[int]] = defaultdict(list)
    for task in tasks:
        dues = tuple(p.due for p in task.periods() if period.starts_on <= p.due <= period.ends_on)
        if not dues:
            continue
        past = [due for due in dues if due < as_of]
        slot_count[task.pk] = len(dues)
        past_count[task.pk] = len(past)
        accrued[task.pk] = sum((as_of - due).days for due in past)
        by_dues[dues].append(task.pk)
    if not slot_count:
        return {}
    task_ids = sorted(slot_count)
    slots = Q()
    for dues, ids in by_dues.items():  # a return counts only for a period of its task (as the board's columns)
        slots |= Q(task_id__in=ids, period_due__in=dues)

    assigned: dict[UnitKey, list[int]] = {}  # key -> [slots, past slots, accrued days]
    for kind, through, unit_field in (
        (JURISDICTION, CampaignTask.jurisdictions.through, "jurisdiction_id"),
        (MEMBER_UNIT, CampaignTask.member_units.through, "memberunit_id"),
    ):
        rows = (
            through.objects.filter(campaigntask_id__in=task_ids)
            .values(unit_field)
            .annotate(
                slots=_weighted_sum("campaigntask_id", slot_count),
                past=_weighted_sum("campaigntask_id", past_count),
                accrued=_weighted_sum("campaigntask_id", accrued),
            )
            .order_by()
        )
        for row in rows:
            assigned[(kind, row[unit_field])] = [row["slots"] or 0, row["past"] or 0, row["accrued"] or 0]

    as_of_days = epoch_days(as_of)
    figures: dict[UnitKey, ReturnFigures] = {}
    filed_by_key: dict[UnitKey, dict] = {}
    for kind, unit_field in ((JURISDICTION, "jurisdiction_id"), (MEMBER_UNIT, "member_unit_id")):
        for row in _filed_rows(unit_field, task_ids, slots, period, as_of):
            filed_by_key[(kind, row["unit"])] = row
    for key, (slot_total, past_total, accrued_total) in assigned.items():
        row = filed_by_key.get(key)
        filed = row["filed"] if row else 0
        filed_past = row["filed_past"] if row else 0
        late = row["late"] if row else 0
        filed_late_days = int(row["late_days"] or 0) if row else 0
        # Accrued days of the filed past slots come off: only the missing ones accrue.
        filed_accrued = filed_past * as_of_days - int(row["past_due_days"] or 0) if row and filed_past else 0
        missing = past_total - filed_past
        figures[key] = ReturnFigures(
            due=past_total + (filed - filed_past),
            filed=filed,
            on_time=filed - late,
            late=late,
            missing=missing,
            late_days=filed_late_days + (accrued_total - filed_accrued),
            pending=slot_total - past_total - (filed - filed_past),
        )
    return figures


__all__ = ["return_figures"]
