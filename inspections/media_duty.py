"""The monthly media duty of seed 001 (各县(市、区)每月至少在本地主流媒体曝光1个典型案例), measured per unit.

A *unit* is a jurisdiction with an office: a county (市/县区) or a subdistrict/town (街道/镇). For each unit and each
calendar month the period touches, the duty is **met** when at least one exposure case *of that unit* (the case's
jurisdiction is the unit or lies below it) was carried by a media article of a mainstream level
(``inspections.models.MAINSTREAM_LEVELS``: 区县级 and above; the office's own 本级 account does not count) whose
刊发日期 falls in that month and inside the period. Voided articles never count.

``cases`` counts distinct cases (起), ``articles`` distinct articles (篇), both mainstream only, so ``met`` is
``cases > 0``. Two queries whatever the number of articles: the units, then the (article, case) pairs of the period.
See docs/exposure_submissions.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.models import Jurisdiction, JurisdictionLevel
from safetyportal.unit_figures import Period

from .models import MAINSTREAM_LEVELS, ExposureCase, MediaArticle

DUTY_LEVELS = (JurisdictionLevel.COUNTY, JurisdictionLevel.SUBDISTRICT)


@dataclass(frozen=True)
class MonthDuty:
    """One unit's duty in one month: mainstream-media cases (起) and articles (篇) of the unit; met if cases ≥ 1."""

    year: int
    month: int
    cases: int
    articles: int
    met: bool
    # With ``as_of`` (``duty_by_unit(..., as_of=)``): whether the month has begun / is over at that day. Without it
    # every month counts as begun and over (the calendar is the caller's business, as before).
    started: bool = True
    over: bool = True

    @property
    def state(self) -> str:
        """ "met"; "missed" (over, not met); "open" (running, not yet met: 未到期); "not_due" (not begun at as_of)."""
        if self.met:
            return "met"
        if not self.started:
            return "not_due"
        return "missed" if self.over else "open"

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def period_months(period: Period) -> list[tuple[int, int]]:
    """The (year, month) pairs the period touches, in order."""
    months = []
    year, month = period.starts_on.year, period.starts_on.month
    while (year, month) <= (period.ends_on.year, period.ends_on.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _units(root: Jurisdiction | None) -> list[tuple[int, str, str, str]]:
    """(pk, path, name, level) of the duty units, optionally only those in ``root``'s tree. One query."""
    units = Jurisdiction.objects.filter(level__in=DUTY_LEVELS)
    if root is not None:
        units = units.filter(path__startswith=root.path)
    return list(units.order_by("path").values_list("pk", "path", "name", "level"))


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return first, following - dt.timedelta(days=1)


def _duty(
    period: Period, units: list[tuple[int, str, str, str]], as_of: dt.date | None = None
) -> dict[int, list[MonthDuty]]:
    by_path = {path: pk for pk, path, _name, _level in units}
    months = period_months(period)
    last_day = period.ends_on if as_of is None else min(period.ends_on, as_of)
    cases: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    articles: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    if units:
        pairs = (
            MediaArticle.cases.through.objects.filter(
                mediaarticle__record_status="active",
                mediaarticle__media_level__in=MAINSTREAM_LEVELS,
                mediaarticle__published_on__gte=period.starts_on,
                mediaarticle__published_on__lte=last_day,
            )
            .order_by()
            .values_list(
                "mediaarticle_id", "mediaarticle__published_on", "exposurecase_id", "exposurecase__jurisdiction__path"
            )
        )
        for article_id, published_on, case_id, case_path in pairs:
            # The case's unit and every unit above it: each prefix of the materialised path.
            parts = case_path.split("/")[:-1]
            for depth in range(1, len(parts) + 1):
                unit_pk = by_path.get("/".join(parts[:depth]) + "/")
                if unit_pk is None:
                    continue
                key = (unit_pk, published_on.year, published_on.month)
                cases[key].add(case_id)
                articles[key].add(article_id)
    result: dict[int, list[MonthDuty]] = {}
    for pk, _path, _name, _level in units:
        row = []
        for year, month in months:
            n_cases = len(cases.get((pk, year, month), ()))
            first, last = _month_bounds(year, month)
            row.append(
                MonthDuty(
                    year,
                    month,
                    n_cases,
                    len(articles.get((pk, year, month), ())),
                    met=n_cases > 0,
                    started=as_of is None or first <= as_of,
                    over=as_of is None or last <= as_of,
                )
            )
        result[pk] = row
    return result


def duty_by_unit(
    period: Period, *, root: Jurisdiction | None = None, as_of: dt.date | None = None
) -> dict[int, list[MonthDuty]]:
    """Jurisdiction pk (every county and subdistrict/town, or those in ``root``'s tree) → its months' duty, in month
    order. Two queries whatever the number of units and articles.

    ``as_of`` (optional, e.g. a circular's 数据截至): articles published after it are not counted, and each month
    says whether it had begun (``started``) and was over (``over``) on that day, so a month not begun is not due
    and a running month not met is "open" (``MonthDuty.state``), never "missed". Without it, every month of the
    period counts (the assessment applies its own ``_month_over``)."""
    return _duty(period, _units(root), as_of)


@dataclass
class BoardRow:
    pk: int
    name: str
    level: str
    months: list[MonthDuty]
    states: list[str] = field(default_factory=list)  # per month: "met", "missed" or "open" (month not over, not met)
    met: int = 0
    missed: int = 0
    cases: int = 0
    articles: int = 0

    @property
    def cells(self) -> list[dict[str, object]]:
        return [{"duty": duty, "state": state} for duty, state in zip(self.months, self.states, strict=True)]


@dataclass
class DutyBoard:
    period: Period
    months: list[tuple[int, int]]
    rows: list[BoardRow] = field(default_factory=list)
    as_of: dt.date | None = None

    @property
    def month_labels(self) -> list[str]:
        return [_("%(year)s年%(month)s月") % {"year": y, "month": m} for y, m in self.months]


def media_duty_board(period: Period, *, root: Jurisdiction | None = None, today: dt.date | None = None) -> DutyBoard:
    """The board: units (counties first, then their towns, in tree order) × months, met/missed with 篇 and 起.
    ``root`` limits it to one unit's tree (an officer's own unit). A month not over at ``today`` (default: today,
    Asia/Shanghai) and not yet met is "open", not missed. Two queries."""
    today = today or timezone.localdate()
    units = _units(root)
    duty = _duty(period, units)
    board = DutyBoard(period=period, months=period_months(period), as_of=today)
    for pk, _path, name, level in units:
        months = duty[pk]
        states = [
            "met" if m.met else ("open" if (m.year, m.month) >= (today.year, today.month) else "missed") for m in months
        ]
        board.rows.append(
            BoardRow(
                pk=pk,
                name=name,
                level=level,
                months=months,
                states=states,
                met=states.count("met"),
                missed=states.count("missed"),
                cases=sum(m.cases for m in months),
                articles=sum(m.articles for m in months),
            )
        )
    return board


def article_counts(*, start: dt.date, end: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """篇 and 起 of the media articles published (刊发日期) from ``start`` to ``end`` inclusive, any media level
    (本级 included, as seed 000 counts "295篇1399起"), voided articles excluded:
    (articles per the article's jurisdiction, distinct cases per the case's jurisdiction). Two queries."""
    articles = (
        MediaArticle.objects.filter(record_status="active", published_on__gte=start, published_on__lte=end)
        .order_by()
        .values("jurisdiction_id")
        .annotate(n=Count("pk"))
    )
    cases = (
        ExposureCase.objects.filter(
            media_articles__record_status="active",
            media_articles__published_on__gte=start,
            media_articles__published_on__lte=end,
        )
        .order_by()
        .values("jurisdiction_id")
        .annotate(n=Count("pk", distinct=True))
    )
    return (
        {row["jurisdiction_id"]: row["n"] for row in articles},
        {row["jurisdiction_id"]: row["n"] for row in cases},
    )
