"""Writes of the assessment (考核): staff score manual items, publish a period (a frozen snapshot, never recomputed)
and draft the numbered ranking circular from the frozen figures (package B's ``draft_circular``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .assessment_models import (
    AssessmentItem,
    AssessmentResult,
    AssessmentResultRow,
    AssessmentRule,
    AssessmentScheme,
    ManualScore,
)
from .assessment_selectors import NOT_RANKED, Scoring, compute_scores, frozen_scores, period_of


def save_manual_score(
    *,
    item: AssessmentItem,
    quarter: int,
    points: Decimal,
    evidence: str,
    by: Any,
    jurisdiction: Any = None,
    member_unit: Any = None,
) -> ManualScore:
    """Create or replace the unit's manual score of ``item`` for the period (refused once the period is published)."""
    if item.rule != AssessmentRule.MANUAL:
        raise ValidationError(_("只有“人工评分”项目可以人工打分。"))
    if not evidence.strip():
        raise ValidationError(_("请填写评分依据。"))
    lookup = {"item": item, "quarter": quarter, "jurisdiction": jurisdiction, "member_unit": member_unit}
    with transaction.atomic():
        # The scheme lock ``publish`` takes: a score is saved before the period's result is frozen (and is in it)
        # or refused after (``ManualScore.clean``), never lost in between.
        AssessmentScheme.objects.select_for_update().filter(pk=item.scheme_id).first()
        score = ManualScore.objects.filter(**lookup).first() or ManualScore(**lookup)
        score.points, score.evidence, score.scored_by, score.scored_at = points, evidence.strip(), by, timezone.now()
        score.full_clean()
        score.save()
    return score


def publish(*, scheme: AssessmentScheme, quarter: int, by: Any, as_of: dt.date | None = None) -> AssessmentResult:
    """Freeze the scores of the period: one ``AssessmentResult`` and a row per unit. A period is published once,
    after it has ended; its figures are never recomputed afterwards."""
    as_of = as_of or timezone.localdate()
    period = period_of(scheme.year, quarter)
    if as_of <= period.ends_on:
        raise ValidationError(_("考核期尚未结束（截至%(day)s），不能发布。") % {"day": f"{period.ends_on:%Y-%m-%d}"})
    try:
        with transaction.atomic():
            # Serialise publishers of this scheme: the scheme row is locked, then the period checked, then the
            # scores computed (manual scores read under the same lock that ``save_manual_score`` takes), so two
            # concurrent publishes never create two results and a manual score saved at the same moment is either
            # in the frozen result or refused. The unique constraint (scheme, quarter) stays as the last guard.
            AssessmentScheme.objects.select_for_update().filter(pk=scheme.pk).first()
            if AssessmentResult.objects.filter(scheme=scheme, quarter=quarter).exists():
                raise ValidationError(_("该考核期的结果已发布。"))
            if not scheme.items.exists():
                raise ValidationError(_("考核评分表没有考核项目。"))
            scoring = compute_scores(scheme, quarter, as_of=as_of)
            result = AssessmentResult.objects.create(
                scheme=scheme,
                quarter=quarter,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                as_of=as_of,
                min_sample=scheme.min_sample,
                items=[item.as_json() for item in scoring.items],
                unit_count=scoring.unit_count,
                ranked_count=scoring.ranked_count,
                published_by=by,
            )
            AssessmentResultRow.objects.bulk_create(
                [
                    AssessmentResultRow(
                        result=result,
                        position=position,
                        unit_kind=row.key[0],
                        unit_id=row.key[1],
                        unit_name=row.name,
                        sample=row.sample,
                        total=row.total,
                        rank=row.rank,
                        scores=[{"score": str(s.score), "detail": s.detail} for s in row.scores],
                    )
                    for position, row in enumerate(scoring.rows, start=1)
                ],
                batch_size=1000,
            )
    except IntegrityError:
        raise ValidationError(_("该考核期的结果已发布。")) from None
    return result


def circular_sections(scoring: Scoring) -> list[Any]:
    """The circular's sections from the frozen scores: the ranking table (名次, 单位, each item, 总分) and the
    units not ranked for lack of a sample."""
    from .circular_services import CircularSection, CircularTable

    columns = [_("名次"), _("单位"), *[f"{item.name}（{item.points}分）" for item in scoring.items], _("总分")]
    ranked = [r for r in scoring.rows if r.ranked]
    unranked = [r for r in scoring.rows if not r.ranked]
    table = CircularTable(
        columns=[str(c) for c in columns],
        rows=[[r.rank or "", r.name, *[str(s.score) for s in r.scores], str(r.total)] for r in ranked],
        total_row=None,
        note=_("并列得分名次相同；满分%(points)s分。") % {"points": scoring.total_points},
    )
    intro = _(
        "根据%(label)s考核评分表，对%(units)s个单位%(label)s安全生产工作进行了考核，%(ranked)s个单位参与排名。"
        "现将考核结果通报如下。"
    ) % {"label": scoring.label, "units": scoring.unit_count, "ranked": scoring.ranked_count}
    sections = [CircularSection(heading=str(_("考核排名")), paragraphs=[intro], table=table)]
    if unranked:
        sections.append(
            CircularSection(
                heading=str(_("样本不足单位")),
                paragraphs=[
                    _("以下单位本期应报送和应整改事项少于%(n)s项，%(text)s：%(names)s。")
                    % {"n": scoring.min_sample, "text": NOT_RANKED, "names": "、".join(r.name for r in unranked)}
                ],
                table=None,
            )
        )
    return sections


def draft_ranking_circular(*, result: AssessmentResult, by: Any, authority: Any = None) -> Any:
    """Draft the numbered 考核排名通报 of a published period through package B (kind "assessment"), addressed to
    every assessed unit; the draft is then edited and issued in the circulars admin."""
    from .circular_services import draft_circular

    with transaction.atomic():
        # Lock the result row: a second click or a second member of staff waits here, then sees the circular.
        locked = AssessmentResult.objects.select_for_update().get(pk=result.pk)
        if locked.circular_id is not None:
            result.circular_id = locked.circular_id
            raise ValidationError(_("该考核期已起草排名通报。"))
        scoring = frozen_scores(locked)
        circular = draft_circular(
            kind="assessment",
            title=_("关于%(label)s安全生产考核排名情况的通报") % {"label": scoring.label},
            period=scoring.period,
            sections=circular_sections(scoring),
            addressees=[row.key for row in scoring.rows],
            by=by,
            authority=authority,
        )
        AssessmentResult.objects.filter(pk=result.pk, circular_id__isnull=True).update(circular_id=circular.pk)
    result.circular_id = circular.pk
    return circular
