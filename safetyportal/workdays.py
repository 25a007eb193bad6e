"""The working-day calendar: Chinese public holidays and make-up working days (调休), and deadlines with a time of day.

Data: the ``chinese-calendar`` package (the State Council's arrangements, one release per year) plus the per-year
overrides staff enter in the admin (``WorkdayOverride``, which always wins, and ``WorkdayYear.complete``, which makes a
year the package does not know count as covered). A computation that touches a year covered by neither raises
``CalendarNotCovered``: never a silent count of natural days.

Definitions (docs/workdays.md):
- ``add_working_days(d, n)``: the day on which the n-th working day after ``d`` falls; ``d`` itself is never counted,
  so "within 5 working days of a Friday listing" is the following Friday when no holiday intervenes;
  ``add_working_days(d, 0)`` is ``d``.
- ``working_days_between(a, b)``: the number of working days in (a, b] (after ``a``, up to and including ``b``);
  negative when ``b`` is before ``a``. So ``working_days_between(d, add_working_days(d, n)) == n``.
- ``subtract_working_days(d, n)``: the n-th working day before ``d`` (``d`` not counted), the mirror of
  ``add_working_days``: for a working day ``d``, ``add_working_days(subtract_working_days(d, n), n) == d`` (for
  "at least 20 working days before the deadline").

Speed: the calendar is built once per process into flat arrays (one byte per day, prefix sums of working days),
so every function is a few index look-ups and one bisect. Saving an override clears this process's copy at once and
bumps a version key in the shared cache; other processes see the new version within ``WORKDAYS_RECHECK_SECONDS``
(default 5) and rebuild.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")
VERSION_KEY = "workdays:calendar-version"
DEFAULT_RECHECK_SECONDS = 5.0
# The years probed in the package (it raises NotImplementedError outside the years it has data for).
PROBE_YEARS = range(2000, 2101)
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class CalendarNotCovered(Exception):
    """A computation needs a year whose holiday arrangement is in neither the package nor the admin."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _(
                "日历未覆盖%(year)s年：请在管理后台“节假日调整”中录入国务院办公厅公布的%(year)s年节假日安排并标记为已完整录入。"
            )
            % {"year": year}
        )


# --- Building the calendar -------------------------------------------------------------------------------------------


def package_years() -> frozenset[int]:
    """The years the installed ``chinese-calendar`` has data for."""
    import chinese_calendar  # type: ignore[import-untyped]  # no stubs, no py.typed

    years = set()
    for year in PROBE_YEARS:
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return frozenset(years)


def _package_days() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The package's holidays and make-up working days (its ``is_workday`` is the weekend rule corrected by these
    two tables; reading them directly builds ten years in milliseconds instead of half a second)."""
    from chinese_calendar import constants

    return frozenset(constants.holidays), frozenset(constants.workdays)


@dataclass(frozen=True)
class Calendar:
    """Flat arrays from ``first`` (1 January of the first year) to 31 December of the last year.

    ``working[i]`` is 1 when day ``first + i`` is a working day; ``cum[i]`` is the number of working days in
    ``[first, first + i)``; ``bad_years[k]`` the number of uncovered years among the first ``k`` years."""

    first_year: int
    last_year: int
    first: int  # ordinal of 1 January of first_year
    working: bytes
    cum: array
    bad_years: tuple[int, ...]
    covered: frozenset[int]
    version: object = None
    # Derived in __post_init__ (plain attributes: read on every call).
    last: int = field(init=False)  # ordinal of 31 December of the last year
    days: int = field(init=False)  # index of the last day
    gapless: bool = field(init=False)  # every year from the first to the last is covered

    def __post_init__(self) -> None:
        object.__setattr__(self, "last", self.first + len(self.working) - 1)
        object.__setattr__(self, "days", len(self.working) - 1)
        object.__setattr__(self, "gapless", bool(self.working) and self.bad_years[-1] == 0)

    @classmethod
    def build(
        cls,
        *,
        package: Iterable[int],
        overrides: dict[dt.date, bool],
        complete_years: Iterable[int],
        version: object = None,
    ) -> Calendar:
        package = frozenset(package)
        covered = package | frozenset(complete_years)
        if not covered:
            return cls(0, -1, 0, b"", array("l", [0]), (0,), covered, version)
        first_year, last_year = min(covered), max(covered)
        first = dt.date(first_year, 1, 1).toordinal()
        last = dt.date(last_year, 12, 31).toordinal()
        holidays, make_up_days = _package_days()
        working = bytearray(last - first + 1)
        for ordinal in range(first, last + 1):
            day = dt.date.fromordinal(ordinal)
            if day.year not in covered:
                continue
            if day in overrides:
                value = overrides[day]
            elif day.year in package:
                value = day in make_up_days or (day.weekday() < 5 and day not in holidays)
            else:  # a year staff entered in full: the weekend rule plus their overrides
                value = day.weekday() < 5
            working[ordinal - first] = value
        cum = array("l", [0]) * (len(working) + 1)
        total = 0
        for index, flag in enumerate(working):
            total += flag
            cum[index + 1] = total
        bad = [0]
        for year in range(first_year, last_year + 1):
            bad.append(bad[-1] + (year not in covered))
        return cls(first_year, last_year, first, bytes(working), cum, tuple(bad), covered, version)

    # --- look-ups (hot path) ---

    def check_years(self, start_year: int, end_year: int) -> None:
        """Raise for the first year in [start_year, end_year] that is not covered."""
        if start_year > end_year:
            start_year, end_year = end_year, start_year
        if start_year >= self.first_year and end_year <= self.last_year:
            k0, k1 = start_year - self.first_year, end_year - self.first_year + 1
            if self.bad_years[k1] == self.bad_years[k0]:
                return
        raise CalendarNotCovered(next(y for y in range(start_year, end_year + 1) if y not in self.covered))

    # Each look-up has a fast path for the common case (no gap among the covered years, the day inside them) and
    # falls back to the checked version, which raises CalendarNotCovered where needed.

    def is_working_day(self, day: dt.date) -> bool:
        ordinal = day.toordinal()
        if not (self.gapless and self.first <= ordinal <= self.last):
            self.check_years(day.year, day.year)
        return bool(self.working[ordinal - self.first])

    def add(self, day: dt.date, n: int) -> dt.date:
        ordinal = day.toordinal()
        if n > 0 and self.gapless and self.first <= ordinal <= self.last:
            position = bisect_left(self.cum, self.cum[ordinal - self.first + 1] + n)
            if position < len(self.cum):
                return dt.date.fromordinal(self.first + position - 1)
        return self._add_checked(day, n)

    def _add_checked(self, day: dt.date, n: int) -> dt.date:
        if n < 0:
            raise ValueError("n must be >= 0 (use subtract_working_days)")
        self.check_years(day.year, day.year)
        if n == 0:
            return day
        index = day.toordinal() - self.first
        target = self.cum[index + 1] + n  # working days up to and including the answer
        position = bisect_left(self.cum, target)  # cum[position] >= target > cum[position - 1]
        if position >= len(self.cum):
            self.check_years(day.year, self.last_year + 1)
        result = dt.date.fromordinal(self.first + position - 1)
        self.check_years(day.year, result.year)
        return result

    def subtract(self, day: dt.date, n: int) -> dt.date:
        ordinal = day.toordinal()
        if n > 0 and self.gapless and self.first <= ordinal <= self.last:
            # the answer x is a working day with cum[x + 1] == cum[day] - n + 1 (the n-th working day before day)
            target = self.cum[ordinal - self.first] - n + 1
            if target > 0:
                return dt.date.fromordinal(self.first + bisect_left(self.cum, target) - 1)
        return self._subtract_checked(day, n)

    def _subtract_checked(self, day: dt.date, n: int) -> dt.date:
        if n < 0:
            raise ValueError("n must be >= 0")
        self.check_years(day.year, day.year)
        if n == 0:
            return day
        target = self.cum[day.toordinal() - self.first] - n + 1
        if target <= 0:
            self.check_years(self.first_year - 1, day.year)
        result = dt.date.fromordinal(self.first + bisect_left(self.cum, target) - 1)
        self.check_years(result.year, day.year)
        return result

    def between(self, start: dt.date, end: dt.date) -> int:
        a, b = start.toordinal() - self.first, end.toordinal() - self.first
        if not (self.gapless and 0 <= a <= self.days and 0 <= b <= self.days):
            self.check_years(start.year, end.year)
        return self.cum[b + 1] - self.cum[a + 1]


# --- The process's calendar and its invalidation ---------------------------------------------------------------------

_lock = threading.Lock()
_calendar: Calendar | None = None
_checked_at = 0.0
_package_years: frozenset[int] | None = None


def _shared_version() -> object:
    from django.core.cache import cache

    try:
        return cache.get(VERSION_KEY)
    except Exception:  # cache down: keep what we have (an override change reaches us on the next check)
        return _calendar.version if _calendar is not None else None


def _recheck_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "WORKDAYS_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS))


_recheck = DEFAULT_RECHECK_SECONDS  # read from the settings at each rebuild


def load_calendar() -> Calendar:
    """Build the calendar from the package and the database (one query per model)."""
    global _package_years
    from .workday_models import WorkdayOverride, WorkdayYear

    version = _shared_version()
    if _package_years is None:
        _package_years = package_years()
    overrides = dict(WorkdayOverride.objects.values_list("date", "is_working_day"))
    complete = list(WorkdayYear.objects.filter(complete=True).values_list("year", flat=True))
    return Calendar.build(package=_package_years, overrides=overrides, complete_years=complete, version=version)


def _set_recheck() -> None:
    global _recheck
    _recheck = _recheck_seconds()


def calendar() -> Calendar:
    """This process's calendar, rebuilt when an override changed here or (within the recheck interval) elsewhere."""
    global _calendar, _checked_at
    current = _calendar
    now = time.monotonic()
    if current is not None and now - _checked_at < _recheck:
        return current
    with _lock:
        _set_recheck()
        if _calendar is not None and _shared_version() == _calendar.version:
            _checked_at = now
            return _calendar
        _calendar = load_calendar()
        _checked_at = time.monotonic()
        return _calendar


def clear_local_cache() -> None:
    """Forget this process's calendar (the next call rebuilds it)."""
    global _calendar, _checked_at
    with _lock:
        _calendar = None
        _checked_at = 0.0


def invalidate() -> None:
    """An override changed: rebuild here at once, and in other processes at their next check."""
    from django.core.cache import cache

    clear_local_cache()
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # cache down: other processes keep their copy until it comes back
        import logging

        logging.getLogger(__name__).warning("could not bump the working-day calendar version", exc_info=True)


# --- The function family ---------------------------------------------------------------------------------------------


def is_working_day(day: dt.date) -> bool:
    return calendar().is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The day on which the n-th working day after ``day`` falls (``day`` not counted; n = 0 gives ``day``)."""
    return calendar().add(day, n)


def subtract_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day before ``day`` (``day`` not counted; n = 0 gives ``day``)."""
    return calendar().subtract(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is before ``start``)."""
    return calendar().between(start, end)


def calendar_covers(year: int) -> bool:
    return year in calendar().covered


def rule_label(n: int) -> str:
    """How a working-day rule is shown next to its date: ``rule_label(5) == "5个工作日"``."""
    return _("%(n)s个工作日") % {"n": n}


def calendar_warnings(today: dt.date | None = None) -> list[str]:
    """Warnings for the staff desk: the current year not covered, or next year not covered from 1 November."""
    from django.utils import timezone

    today = today or timezone.localdate()
    covered = calendar().covered
    warnings = []
    years = [today.year] + ([today.year + 1] if today >= dt.date(today.year, 11, 1) else [])
    for year in years:
        if year not in covered:
            warnings.append(
                _("日历未覆盖%(year)s年：请在“节假日调整”中录入%(year)s年节假日安排，工作日期限暂无法计算。")
                % {"year": year}
            )
    return warnings


# --- Working-day rules of DOMAIN.md ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingDayRule:
    days: int
    description: str

    @property
    def label(self) -> str:
        return rule_label(self.days)

    def due(self, start: dt.date) -> dt.date:
        return add_working_days(start, self.days)


LISTING_PUBLICATION = WorkingDayRule(5, "挂牌督办后公示")
REMOVAL_PUBLICATION = WorkingDayRule(5, "销号后公示摘牌")
EXTENSION_REQUEST_NOTICE = WorkingDayRule(20, "延期申请不迟于整改期限前")
EXTENSION_DECISION = WorkingDayRule(10, "延期申请批复")
CERTIFICATE_REVIEW_DECISION = WorkingDayRule(20, "复审决定")
REWARD_PAYMENT = WorkingDayRule(10, "处罚执行后发放举报奖励")


def latest_extension_request(deadline: dt.date) -> dt.date:
    """The last day an extension of a rectification deadline may be requested: 20 working days before it."""
    return subtract_working_days(deadline, EXTENSION_REQUEST_NOTICE.days)


def due_text(start: dt.date, days: int, *, before: bool = False) -> str:
    """A working-day deadline shown with its rule: "6月21日（周五）（5个工作日）", or with ``before`` the n-th working
    day before ``start`` ("…（前20个工作日）"). A year the calendar does not cover shows the warning, never a date
    counted in natural days."""
    try:
        due = subtract_working_days(start, days) if before else add_working_days(start, days)
    except CalendarNotCovered as error:
        return _("无法计算：日历未覆盖%(year)s年") % {"year": error.year}
    rule = _("前%(rule)s") % {"rule": rule_label(days)} if before else rule_label(days)
    return _("%(month)s月%(day)s日（%(weekday)s）（%(rule)s）") % {
        "month": due.month,
        "day": due.day,
        "weekday": _(WEEKDAY_NAMES[due.weekday()]),
        "rule": rule,
    }


# --- Deadlines with a time of day ------------------------------------------------------------------------------------


def deadline_at(day: dt.date, at: dt.time | None = None) -> dt.datetime:
    """The last on-time minute of a deadline, aware, Asia/Shanghai: ``at`` on ``day`` (16:00 for "16:00前"), or
    23:59 when no time is set ("24:00前": the whole due day counts)."""
    minute = at.replace(second=0, microsecond=0, tzinfo=None) if at is not None else dt.time(23, 59)
    return dt.datetime.combine(day, minute, tzinfo=SHANGHAI)


def late_days(deadline: dt.datetime, at: dt.datetime) -> int:
    """Days late, judged to the minute: 0 up to the deadline minute, then 1 for every started 24 hours after it
    (with no time of day this is the old count: the next calendar day is 1 day late)."""
    submitted = at.astimezone(SHANGHAI).replace(second=0, microsecond=0)
    late = submitted - deadline
    if late <= dt.timedelta(0):
        return 0
    return -(-late // dt.timedelta(days=1))


def format_deadline(day: dt.date, at: dt.time | None = None, *, rule_days: int | None = None) -> str:
    """ "6月14日（周五）16:00前", "6月14日（周五）24:00前" with no time, "+（5个工作日）" for a working-day rule."""
    clock = f"{at:%H:%M}" if at is not None else "24:00"
    text = _("%(month)s月%(day)s日（%(weekday)s）%(clock)s前") % {
        "month": day.month,
        "day": day.day,
        "weekday": _(WEEKDAY_NAMES[day.weekday()]),
        "clock": clock,
    }
    if rule_days is not None:
        text += f"（{rule_label(rule_days)}）"
    return text
