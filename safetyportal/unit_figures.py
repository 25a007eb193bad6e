"""Shared vocabulary of the per-unit figures the committee reads (circulars, assessment, hub).

A unit of the network is named by a ``UnitKey``: ``("jurisdiction", pk)`` for a county/subdistrict/town/community
(``safetyportal.models.Jurisdiction``) or ``("member_unit", pk)`` for a committee member unit (``MemberUnit``). A
``Period`` is a span of whole days, both ends included, in Asia/Shanghai (the project's TIME_ZONE).

The figures themselves are computed by the app that owns the data, each in a constant number of SQL queries:

- ``campaigns.unit_figures.return_figures(period, *, as_of=None, campaign_id=None) -> dict[UnitKey, ReturnFigures]``
- ``inspections.unit_figures.hazard_figures(period, *, as_of=None) -> dict[UnitKey, HazardFigures]``
- ``training.unit_figures.training_figures(period) -> dict[UnitKey, TrainingFigures]``

The dataclasses below are their result types; definitions are in docs/unit_figures.md. This module imports no
app's models at import time, so any app may import it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeAlias

from django.db import NotSupportedError
from django.db.models import BigIntegerField, Func
from django.utils import timezone

UnitKind: TypeAlias = Literal["jurisdiction", "member_unit"]
UnitKey: TypeAlias = tuple[str, int]
"""``("jurisdiction", pk)`` or ``("member_unit", pk)``."""

JURISDICTION = "jurisdiction"
MEMBER_UNIT = "member_unit"
UNIT_KINDS: tuple[str, str] = (JURISDICTION, MEMBER_UNIT)


@dataclass(frozen=True)
class Period:
    """Whole days from ``starts_on`` to ``ends_on``, both included, Asia/Shanghai."""

    starts_on: dt.date
    ends_on: dt.date

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise ValueError(f"Period ends ({self.ends_on}) before it starts ({self.starts_on})")

    def __contains__(self, day: object) -> bool:
        if isinstance(day, dt.datetime):
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        if not isinstance(day, dt.date):
            return False
        return self.starts_on <= day <= self.ends_on

    @property
    def days(self) -> int:
        """Number of calendar days in the period (both ends included)."""
        return (self.ends_on - self.starts_on).days + 1

    def start_instant(self) -> dt.datetime:
        """The aware instant the period starts (00:00 of ``starts_on``, local time)."""
        return _local_midnight(self.starts_on)

    def end_instant(self) -> dt.datetime:
        """The aware instant just after the period (00:00 of the day after ``ends_on``, local time): an instant
        ``t`` is in the period when ``start_instant() <= t < end_instant()``."""
        return _local_midnight(self.ends_on + dt.timedelta(days=1))


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def quarter(year: int, q: int) -> Period:
    """Quarter ``q`` (1–4) of ``year``: 1 Jan–31 Mar, 1 Apr–30 Jun, 1 Jul–30 Sep, 1 Oct–31 Dec."""
    if q not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, not {q!r}")
    first_month = 3 * (q - 1) + 1
    last_month = first_month + 2
    return Period(dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1]))


def year_period(year: int) -> Period:
    """The calendar year ``year``: 1 January to 31 December."""
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def month_period(year: int, month: int) -> Period:
    """The calendar month ``month`` (1–12) of ``year``."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, not {month!r}")
    return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def unit_key(obj: Any) -> UnitKey:
    """The key of a ``Jurisdiction`` or a ``MemberUnit`` instance. Anything else is a ``TypeError``."""
    from safetyportal.models import Jurisdiction, MemberUnit

    if isinstance(obj, Jurisdiction):
        return (JURISDICTION, obj.pk)
    if isinstance(obj, MemberUnit):
        return (MEMBER_UNIT, obj.pk)
    raise TypeError(f"not a unit of the network: {obj!r}")


def unit_names(keys: Iterable[UnitKey]) -> dict[UnitKey, str]:
    """Display names of the given units: a jurisdiction's ``name``, a member unit's ``short_name`` or ``name``.
    One query per kind present (at most two). A key whose row does not exist is left out."""
    from safetyportal.models import Jurisdiction, MemberUnit

    by_kind: dict[str, set[int]] = {JURISDICTION: set(), MEMBER_UNIT: set()}
    for kind, pk in keys:
        if kind not in by_kind:
            raise ValueError(f"unknown unit kind {kind!r}")
        by_kind[kind].add(pk)
    names: dict[UnitKey, str] = {}
    if by_kind[JURISDICTION]:
        for pk, name in Jurisdiction.objects.filter(pk__in=by_kind[JURISDICTION]).values_list("pk", "name"):
            names[(JURISDICTION, pk)] = name
    if by_kind[MEMBER_UNIT]:
        rows = MemberUnit.objects.filter(pk__in=by_kind[MEMBER_UNIT]).values_list("pk", "short_name", "name")
        for pk, short_name, name in rows:
            names[(MEMBER_UNIT, pk)] = short_name or name
    return names


@dataclass(frozen=True)
class ReturnFigures:
    """Returns (报送) of one unit in a period (``campaigns.unit_figures.return_figures``), the completeness board's
    definitions (docs/unit_figures.md).

    A slot is one period of one task for one assigned unit; it is in the period when its due date is. ``due``: slots
    filed by ``as_of`` plus unfiled slots whose due date is before ``as_of`` (the board's 按时+逾期报送+逾期未报);
    ``filed`` = ``on_time`` + ``late`` (late: first submission after the deadline minute, Asia/Shanghai);
    ``missing`` = ``due`` − ``filed`` (逾期未报); ``late_days``: whole days late summed over late-filed slots plus,
    for missing slots, days from the due date to ``as_of`` capped at the period's last day; ``pending``: unfiled
    slots not yet due at ``as_of`` (未到期, not in ``due``)."""

    due: int = 0
    filed: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    late_days: int = 0
    pending: int = 0

    @property
    def never_reported(self) -> bool:
        """Due at least once and filed nothing."""
        return self.due > 0 and self.filed == 0


@dataclass(frozen=True)
class HazardFigures:
    """Hazards of one unit whose rectification deadline falls in the period
    (``inspections.unit_figures.hazard_figures``): ``due`` == ``closed_on_time`` + ``closed_late`` +
    ``open_overdue`` + ``open_other`` (below)."""

    due: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    open_overdue: int = 0

    @property
    def open_other(self) -> int:
        """Due in the period, not closed by ``as_of`` and not counted overdue (deadline not passed yet, or not in
        整改中: awaiting review 待复核, still being verified)."""
        return self.due - self.closed_on_time - self.closed_late - self.open_overdue


@dataclass(frozen=True)
class TrainingFigures:
    """Training delivered in one jurisdiction in a period (``training.unit_figures.training_figures``).

    ``sessions``: training sessions held in the jurisdiction that ended in the period; ``trainees``: attended
    enrolments of those sessions; ``passed``: of those, enrolments assessed 合格; ``certificates``: operation
    certificates first issued in the period to people employed by enterprises of the jurisdiction (voided ones
    excluded). Details in docs/unit_figures.md."""

    sessions: int = 0
    trainees: int = 0
    passed: int = 0
    certificates: int = 0


# --- SQL helpers: instants as integers, the same on PostgreSQL and SQLite ---------------------------------------
#
# The providers judge lateness in SQL (GROUP BY, no per-row Python). Asia/Shanghai has been UTC+8 all year since 1992,
# so a local deadline minute is a fixed offset from UTC: ``epoch_days(date) * 1440 + minutes - SHANGHAI_OFFSET``.

SHANGHAI_OFFSET_MINUTES = 8 * 60
MINUTES_PER_DAY = 24 * 60
_TOKEN = re.compile(r"(\{0\}|%s)")


class _VendorFunc(Func):
    """A one-argument SQL function written per database vendor. In a template ``{0}`` is the argument (it may
    appear more than once) and ``%s`` a literal parameter taken from ``literals`` (SQLite's ``strftime('%s', ...)``
    format is passed as a parameter so that no ``%`` has to be escaped)."""

    arity = 1
    output_field = BigIntegerField()
    templates: ClassVar[dict[str, tuple[str, tuple[Any, ...]]]] = {}

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        try:
            template, literals = self.templates[connection.vendor]
        except KeyError:
            raise NotSupportedError(f"{type(self).__name__} is not written for {connection.vendor}") from None
        arg_sql, arg_params = compiler.compile(self.get_source_expressions()[0])
        sql_parts: list[str] = []
        params: list[Any] = []
        pending_literals = list(literals)
        for part in _TOKEN.split(template):
            if part == "{0}":
                sql_parts.append(arg_sql)
                params.extend(arg_params)
            elif part == "%s":
                sql_parts.append("%s")
                params.append(pending_literals.pop(0))
            else:
                sql_parts.append(part)
        return "".join(sql_parts), params


class EpochMinutes(_VendorFunc):
    """Whole minutes from 1970-01-01 00:00 UTC to an aware datetime column (seconds dropped, as
    ``safetyportal.workdays.late_days`` drops them)."""

    templates: ClassVar[dict[str, tuple[str, tuple[Any, ...]]]] = {
        "postgresql": ("CAST(FLOOR(EXTRACT(EPOCH FROM {0}) / 60) AS BIGINT)", ()),
        "sqlite": ("(CAST(strftime(%s, {0}) AS INTEGER) / 60)", ("%s",)),
    }


class EpochDays(_VendorFunc):
    """Days from 1970-01-01 to a date column."""

    templates: ClassVar[dict[str, tuple[str, tuple[Any, ...]]]] = {
        "postgresql": ("CAST(({0} - DATE '1970-01-01') AS BIGINT)", ()),
        "sqlite": ("(CAST(strftime(%s, {0}) AS INTEGER) / 86400)", ("%s",)),
    }


class TimeMinutes(_VendorFunc):
    """Minutes after midnight of a time-of-day column (NULL stays NULL)."""

    templates: ClassVar[dict[str, tuple[str, tuple[Any, ...]]]] = {
        "postgresql": ("CAST(EXTRACT(HOUR FROM {0}) * 60 + EXTRACT(MINUTE FROM {0}) AS BIGINT)", ()),
        "sqlite": ("(CAST(substr({0}, 1, 2) AS INTEGER) * 60 + CAST(substr({0}, 4, 2) AS INTEGER))", ()),
    }


def epoch_days(day: dt.date) -> int:
    """Python's side of ``EpochDays``."""
    return (day - dt.date(1970, 1, 1)).days


__all__ = [
    "JURISDICTION",
    "MEMBER_UNIT",
    "UNIT_KINDS",
    "EpochDays",
    "EpochMinutes",
    "HazardFigures",
    "Period",
    "ReturnFigures",
    "TimeMinutes",
    "TrainingFigures",
    "UnitKey",
    "epoch_days",
    "month_period",
    "quarter",
    "unit_key",
    "unit_names",
    "year_period",
]
