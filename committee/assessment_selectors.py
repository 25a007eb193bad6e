"""Reads of the assessment (考核): the scores of a scheme's units for a quarter or the year, the ranking, and a unit's
own frozen breakdown.

Scoring reads the per-unit figures from the apps that own the data (``campaigns.unit_figures.return_figures``,
``inspections.unit_figures.hazard_figures``, ``training.unit_figures.training_figures``,
``inspections.media_duty.duty_by_unit``), each a constant number of SQL aggregations, plus one query for the items,
one per kind of unit and one for the manual scores: the query count does not grow with the number of units or rows.
Only the providers the scheme's rules need are called. The arithmetic per item (a few multiplications per unit) is
done on those aggregates. See docs/assessment.md for the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext

from safetyportal.models import Jurisdiction, MemberUnit
from safetyportal.unit_figures import (
    JURISDICTION,
    MEMBER_UNIT,
    HazardFigures,
    Period,
    ReturnFigures,
    TrainingFigures,
    UnitKey,
    quarter,
    year_period,
)

from .assessment_models import (
    ANNUAL,
    PERIOD_CHOICES,
    AssessedLevel,
    AssessmentItem,
    AssessmentResult,
    AssessmentResultRow,
    AssessmentRule,
    AssessmentScheme,
    ManualScore,
)

CENT = Decimal("0.01")
_TRANSLATED: dict[tuple[str | None, str], str] = {}


def _(message: str) -> str:
    """gettext, remembered per language: scoring formats a detail line per unit and item (thousands of them)."""
    key = (get_language(), message)
    text = _TRANSLATED.get(key)
    if text is None:
        text = _TRANSLATED[key] = gettext(message)
    return text


RETURN_RULES = {AssessmentRule.LATE_DAYS, AssessmentRule.COMPLETENESS}
NOT_RANKED = "样本不足，不排名"


def money(value: Decimal | int) -> Decimal:
    """Two decimals, half up (as a score sheet rounds)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def period_of(year: int, q: int) -> Period:
    return year_period(year) if q == ANNUAL else quarter(year, q)


def period_label(year: int, q: int) -> str:
    return f"{year}年{dict(PERIOD_CHOICES)[q]}"


@dataclass(frozen=True)
class ItemSpec:
    """What scoring needs of an item (also what a published result keeps of it)."""

    name: str
    points: Decimal
    rule: str
    per_day: Decimal = Decimal(1)
    target: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "points": str(self.points),
            "rule": self.rule,
            "per_day": str(self.per_day),
            "target": self.target,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemSpec:
        return cls(
            name=data["name"],
            points=Decimal(data["points"]),
            rule=data["rule"],
            per_day=Decimal(data.get("per_day", "1")),
            target=int(data.get("target", 0)),
        )

    @property
    def rule_label(self) -> str:
        try:
            return str(AssessmentRule(self.rule).label)
        except ValueError:
            return self.rule


@dataclass(frozen=True)
class ItemScore:
    score: Decimal
    detail: str


@dataclass
class UnitScore:
    key: UnitKey
    name: str
    sample: int
    total: Decimal
    scores: list[ItemScore]
    rank: int | None = None

    @property
    def ranked(self) -> bool:
        return self.rank is not None


@dataclass
class Scoring:
    """The scores of one period: ``rows`` ranked first (by rank, then name), then the units not ranked (by name)."""

    year: int
    quarter: int
    period: Period
    as_of: dt.date
    min_sample: int
    items: list[ItemSpec]
    rows: list[UnitScore] = field(default_factory=list)
    published: AssessmentResult | None = None

    @property
    def label(self) -> str:
        return period_label(self.year, self.quarter)

    @property
    def total_points(self) -> Decimal:
        return sum((item.points for item in self.items), Decimal(0))

    @property
    def ranked_count(self) -> int:
        return sum(1 for row in self.rows if row.ranked)

    @property
    def unit_count(self) -> int:
        return len(self.rows)


# --- The rules' arithmetic (pure functions, tested one by one) ---------------------------------------------------


def score_late_days(item: ItemSpec, figures: ReturnFigures) -> ItemScore:
    """−``per_day`` points per late day (filed late, or missing until ``as_of``), never below 0 for the item."""
    deduction = item.per_day * figures.late_days
    score = max(Decimal(0), item.points - deduction)
    if figures.due == 0:
        return ItemScore(money(item.points), _("本期无应报送事项"))
    return ItemScore(
        money(score),
        _("逾期%(days)s天，扣%(deduction)s分")
        % {"days": figures.late_days, "deduction": money(min(deduction, item.points))},
    )


def score_completeness(item: ItemSpec, figures: ReturnFigures) -> ItemScore:
    """已报/应报 × points; nothing due: full points."""
    if figures.due == 0:
        return ItemScore(money(item.points), _("本期无应报送事项"))
    return ItemScore(
        money(item.points * figures.filed / figures.due),
        _("应报%(due)s期，已报%(filed)s期") % {"due": figures.due, "filed": figures.filed},
    )


def score_hazard_closure(item: ItemSpec, figures: HazardFigures) -> ItemScore:
    """按期销号/应整改 × points (hazards whose deadline falls in the period); none due: full points."""
    if figures.due == 0:
        return ItemScore(money(item.points), _("本期无到期隐患"))
    return ItemScore(
        money(item.points * figures.closed_on_time / figures.due),
        _("到期隐患%(due)s项，按期整改%(on_time)s项，逾期整改%(late)s项，逾期未改%(open)s项")
        % {
            "due": figures.due,
            "on_time": figures.closed_on_time,
            "late": figures.closed_late,
            "open": figures.open_overdue,
        },
    )


def score_exposure_duty(item: ItemSpec, months: list[Any] | None, as_of: dt.date) -> ItemScore:
    """达标月数/月数 × points over the months of the period that are over at ``as_of`` (a month still running counts
    only once met); a unit without the duty (a community, a member unit) or no month yet: full points."""
    if months is None:
        return ItemScore(money(item.points), _("不适用"))
    counted = [m for m in months if m.met or _month_over(m.year, m.month, as_of)]
    if not counted:
        return ItemScore(money(item.points), _("本期尚无已结束的月份"))
    met = sum(1 for m in counted if m.met)
    return ItemScore(
        money(item.points * met / len(counted)),
        _("%(months)s个月中%(met)s个月在本地主流媒体曝光典型案例") % {"months": len(counted), "met": met},
    )


def _month_over(year: int, month: int, as_of: dt.date) -> bool:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return as_of >= following


def score_training(item: ItemSpec, figures: TrainingFigures, quarters: int) -> ItemScore:
    """开展场次/目标 × points, capped at the item's points; the target is per quarter (×4 for the year)."""
    target = item.target * quarters
    if target <= 0:
        return ItemScore(money(item.points), _("未设目标"))
    ratio = min(Decimal(1), Decimal(figures.sessions) / target)
    return ItemScore(
        money(item.points * ratio),
        _("开展培训%(sessions)s场（目标%(target)s场），培训%(trainees)s人次")
        % {"sessions": figures.sessions, "target": target, "trainees": figures.trainees},
    )


def score_manual(item: ItemSpec, manual: ManualScore | None) -> ItemScore:
    if manual is None:
        return ItemScore(Decimal("0.00"), _("未评分"))
    return ItemScore(money(min(manual.points, item.points)), manual.evidence)


def rank_rows(rows: list[UnitScore], min_sample: int, *, apply_sample: bool = True) -> list[UnitScore]:
    """Competition ranking ("1224"): equal totals share a rank, the next rank skips; units whose sample is below
    ``min_sample`` are not ranked and listed after the ranked ones. Returns the rows in display order."""
    ranked = [r for r in rows if not apply_sample or r.sample >= min_sample]
    unranked = [r for r in rows if apply_sample and r.sample < min_sample]
    ranked.sort(key=lambda r: (-r.total, r.name, r.key))
    previous: Decimal | None = None
    rank = 0
    for position, row in enumerate(ranked, start=1):
        if row.total != previous:
            rank, previous = position, row.total
        row.rank = rank
    for row in unranked:
        row.rank = None
    unranked.sort(key=lambda r: (r.name, r.key))
    return [*ranked, *unranked]


# --- Scoring a scheme ---------------------------------------------------------------------------------------------


def assessed_units(scheme: AssessmentScheme) -> dict[UnitKey, str]:
    """The units the scheme assesses, with their names, in one query."""
    root = scheme.jurisdiction
    if scheme.assessed_level == AssessedLevel.MEMBER_UNIT:
        members = MemberUnit.objects.filter(jurisdiction__path__startswith=root.path, is_active=True).values_list(
            "pk", "short_name", "name"
        )
        return {(MEMBER_UNIT, pk): short or name for pk, short, name in members}
    rows = (
        Jurisdiction.objects.filter(path__startswith=root.path, level=scheme.assessed_level)
        .exclude(pk=root.pk)
        .values_list("pk", "name")
    )
    return {(JURISDICTION, pk): name for pk, name in rows}


@dataclass
class Figures:
    """The providers' figures for one period, fetched once for any number of schemes of that period."""

    returns: dict[UnitKey, ReturnFigures] = field(default_factory=dict)
    hazards: dict[UnitKey, HazardFigures] = field(default_factory=dict)
    training: dict[UnitKey, TrainingFigures] = field(default_factory=dict)
    duty: dict[int, list[Any]] = field(default_factory=dict)


def fetch_figures(period: Period, rules: set[str], *, as_of: dt.date, root: Jurisdiction | None = None) -> Figures:
    """Call only the providers the rules need, each once (a constant number of queries each)."""
    figures = Figures()
    if rules & RETURN_RULES:
        from campaigns.unit_figures import return_figures

        figures.returns = return_figures(period, as_of=as_of)
    if AssessmentRule.HAZARD_CLOSURE in rules:
        from inspections.unit_figures import hazard_figures

        figures.hazards = hazard_figures(period, as_of=as_of)
    if AssessmentRule.TRAINING in rules:
        from training.unit_figures import training_figures

        figures.training = training_figures(period)
    if AssessmentRule.EXPOSURE_DUTY in rules:
        from inspections.media_duty import duty_by_unit

        figures.duty = duty_by_unit(period, root=root)
    return figures


def compute_scores(scheme: AssessmentScheme, q: int, *, as_of: dt.date | None = None) -> Scoring:
    """The live scores of ``scheme``'s units for quarter ``q`` (0: the year), as of ``as_of`` (default today)."""
    return compute_scores_many([scheme], q, as_of=as_of)[0]


def compute_scores_many(schemes: list[AssessmentScheme], q: int, *, as_of: dt.date | None = None) -> list[Scoring]:
    """The live scores of several schemes of the same year (e.g. the towns', the communities' and the member
    units'), the providers called once for all: one query for the items, one for the manual scores, one per scheme
    for its units, plus the providers'."""
    if not schemes:
        return []
    years = {scheme.year for scheme in schemes}
    if len(years) != 1:
        raise ValueError("compute_scores_many: the schemes must be of the same year")
    as_of = as_of or timezone.localdate()
    period = period_of(schemes[0].year, q)
    items_of: dict[int, list[Any]] = {scheme.pk: [] for scheme in schemes}
    for item in AssessmentItem.objects.filter(scheme__in=[s.pk for s in schemes]).order_by("scheme", "order", "pk"):
        items_of[item.scheme_id].append(item)
    rules = {item.rule for rows in items_of.values() for item in rows}
    root = schemes[0].jurisdiction if len(schemes) == 1 else None
    figures = fetch_figures(period, rules, as_of=as_of, root=root)
    manual: dict[tuple[int, UnitKey], ManualScore] = {}
    if AssessmentRule.MANUAL in rules:
        for score in ManualScore.objects.filter(item__scheme__in=[s.pk for s in schemes], quarter=q):
            manual[(score.item_id, score.unit_key)] = score
    return [_score_scheme(scheme, q, period, as_of, items_of[scheme.pk], figures, manual) for scheme in schemes]


def _score_scheme(
    scheme: AssessmentScheme,
    q: int,
    period: Period,
    as_of: dt.date,
    item_rows: list[Any],
    figures: Figures,
    manual: dict[tuple[int, UnitKey], ManualScore],
) -> Scoring:
    items = [ItemSpec(name=i.name, points=i.points, rule=i.rule, per_day=i.per_day, target=i.target) for i in item_rows]
    ids = [i.pk for i in item_rows]
    units = assessed_units(scheme)
    rules = {item.rule for item in items}
    uses_returns, uses_hazards = bool(rules & RETURN_RULES), AssessmentRule.HAZARD_CLOSURE in rules
    apply_sample = uses_returns or uses_hazards
    quarters = 4 if q == ANNUAL else 1
    no_returns, no_hazards, no_training = ReturnFigures(), HazardFigures(), TrainingFigures()
    rows: list[UnitScore] = []
    for key, name in units.items():
        ret = figures.returns.get(key, no_returns)
        haz = figures.hazards.get(key, no_hazards)
        sample = (ret.due if uses_returns else 0) + (haz.due if uses_hazards else 0)
        scores: list[ItemScore] = []
        for item, item_id in zip(items, ids, strict=True):
            if item.rule == AssessmentRule.LATE_DAYS:
                scores.append(score_late_days(item, ret))
            elif item.rule == AssessmentRule.COMPLETENESS:
                scores.append(score_completeness(item, ret))
            elif item.rule == AssessmentRule.HAZARD_CLOSURE:
                scores.append(score_hazard_closure(item, haz))
            elif item.rule == AssessmentRule.EXPOSURE_DUTY:
                months = figures.duty.get(key[1]) if key[0] == JURISDICTION else None
                scores.append(score_exposure_duty(item, months, as_of))
            elif item.rule == AssessmentRule.TRAINING:
                scores.append(score_training(item, figures.training.get(key, no_training), quarters))
            else:
                scores.append(score_manual(item, manual.get((item_id, key))))
        total = sum((s.score for s in scores), Decimal(0))
        rows.append(UnitScore(key=key, name=name, sample=sample, total=money(total), scores=scores))
    return Scoring(
        year=scheme.year,
        quarter=q,
        period=period,
        as_of=as_of,
        min_sample=scheme.min_sample,
        items=items,
        rows=rank_rows(rows, scheme.min_sample, apply_sample=apply_sample),
    )


def published_result(scheme: AssessmentScheme, q: int) -> AssessmentResult | None:
    return AssessmentResult.objects.filter(scheme=scheme, quarter=q).select_related("scheme").first()


def frozen_scores(result: AssessmentResult) -> Scoring:
    """A published result as it was frozen (one query for its rows): never recomputed."""
    items = [ItemSpec.from_json(data) for data in result.items]
    rows = [
        UnitScore(
            key=(row.unit_kind, row.unit_id),
            name=row.unit_name,
            sample=row.sample,
            total=row.total,
            scores=[ItemScore(Decimal(s["score"]), s["detail"]) for s in row.scores],
            rank=row.rank,
        )
        for row in result.rows.all()
    ]
    return Scoring(
        year=result.scheme.year,
        quarter=result.quarter,
        period=Period(result.starts_on, result.ends_on),
        as_of=result.as_of,
        min_sample=result.min_sample,
        items=items,
        rows=rows,
        published=result,
    )


def scores_for(scheme: AssessmentScheme, q: int) -> Scoring:
    """The frozen scores once published, else the live ones."""
    result = published_result(scheme, q)
    return frozen_scores(result) if result is not None else compute_scores(scheme, q)


# --- A unit's own breakdown (portal) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitBreakdown:
    """One unit's frozen line of a published period, with only what the unit may see: its items, its total, its own
    rank and the number of ranked units (never another unit's figures)."""

    scheme_name: str
    label: str
    period: Period
    as_of: dt.date
    published_at: dt.datetime
    total: Decimal
    total_points: Decimal
    rank: int | None
    ranked_count: int
    unit_count: int
    min_sample: int
    sample: int
    lines: list[tuple[ItemSpec, ItemScore]]


def _breakdown(row: AssessmentResultRow) -> UnitBreakdown:
    result = row.result
    items = [ItemSpec.from_json(data) for data in result.items]
    lines = [(item, ItemScore(Decimal(s["score"]), s["detail"])) for item, s in zip(items, row.scores, strict=False)]
    return UnitBreakdown(
        scheme_name=str(result.scheme),
        label=period_label(result.scheme.year, result.quarter),
        period=Period(result.starts_on, result.ends_on),
        as_of=result.as_of,
        published_at=result.published_at,
        total=row.total,
        total_points=sum((item.points for item in items), Decimal(0)),
        rank=row.rank,
        ranked_count=result.ranked_count,
        unit_count=result.unit_count,
        min_sample=result.min_sample,
        sample=row.sample,
        lines=lines,
    )


def unit_breakdown(scheme: AssessmentScheme, unit_key: UnitKey, period: Period) -> UnitBreakdown | None:
    """The unit's frozen breakdown for the published period of ``scheme`` matching ``period``; None if that period is
    not published or the unit is not assessed. One query."""
    row = (
        AssessmentResultRow.objects.filter(
            result__scheme=scheme,
            result__starts_on=period.starts_on,
            result__ends_on=period.ends_on,
            unit_kind=unit_key[0],
            unit_id=unit_key[1],
        )
        .select_related("result__scheme")
        .first()
    )
    return _breakdown(row) if row is not None else None


def own_rows(unit_key: UnitKey) -> Any:
    """The unit's own published lines, newest first (a queryset for the paginator)."""
    return (
        AssessmentResultRow.objects.filter(unit_kind=unit_key[0], unit_id=unit_key[1])
        .select_related("result__scheme")
        .order_by("-result__scheme__year", "-result__ends_on", "-result__quarter", "-pk")
    )


def breakdowns(rows: Iterable[AssessmentResultRow]) -> list[UnitBreakdown]:
    return [_breakdown(row) for row in rows]
