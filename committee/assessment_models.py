"""Models of the committee's assessment part (issue 15, 一季一考核 of seed 004): a scheme per year (考核评分表) with its
items, the scores staff give by hand (with evidence), and the frozen results of a published period.

A published period is a snapshot (``AssessmentResult`` + one ``AssessmentResultRow`` per unit): it is never
recomputed, so the ranking circular and each unit's portal page show the same figures. Imported by
committee/models.py so Django finds them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.models import Jurisdiction, MemberUnit
from safetyportal.records import LegalRecordMixin, LegalRecordQuerySet

__all__ = [
    "ANNUAL",
    "PERIOD_CHOICES",
    "AssessedLevel",
    "AssessmentItem",
    "AssessmentResult",
    "AssessmentResultRow",
    "AssessmentRule",
    "AssessmentScheme",
    "ManualScore",
]

ANNUAL = 0  # the "quarter" number of the whole year
PERIOD_CHOICES = [
    (1, _("第一季度")),
    (2, _("第二季度")),
    (3, _("第三季度")),
    (4, _("第四季度")),
    (ANNUAL, _("全年")),
]


class AssessedLevel(models.TextChoices):
    """Which units of the scheme's jurisdiction are assessed."""

    COUNTY = "county", _("县（市、区）")
    SUBDISTRICT = "subdistrict", _("镇（街道）")
    COMMUNITY = "community", _("社区（村）")
    MEMBER_UNIT = "member_unit", _("安委会成员单位")


class AssessmentRule(models.TextChoices):
    LATE_DAYS = "late_days", _("逾期报送扣分（每逾期1天扣分）")
    COMPLETENESS = "completeness", _("报送完整率（已报/应报×分值）")
    HAZARD_CLOSURE = "hazard_closure_on_time", _("隐患按期整改率（按期销号/应整改×分值）")
    EXPOSURE_DUTY = "exposure_duty", _("典型案例月度曝光（达标月数/月数×分值）")
    TRAINING = "training_delivered", _("培训开展（完成数/目标数×分值）")
    MANUAL = "manual", _("人工评分（附佐证材料）")


class AssessmentScheme(models.Model):
    """考核评分表 of one year for one level of units under a jurisdiction (e.g. 2024年晋江市镇（街道）安全生产考核)."""

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    name = models.CharField(_("考核名称"), max_length=128)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("考核组织区划"),
        on_delete=models.PROTECT,
        related_name="assessment_schemes",
        help_text=_("被考核单位为该区划下属的单位"),
    )
    assessed_level = models.CharField(
        _("被考核单位"), max_length=16, choices=AssessedLevel.choices, default=AssessedLevel.SUBDISTRICT
    )
    min_sample = models.PositiveSmallIntegerField(
        _("最小样本数"),
        default=3,
        help_text=_("应报送期数与应整改隐患数之和少于此数的单位列为“样本不足，不排名”"),
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("考核评分表")
        verbose_name_plural = _("考核评分表")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "jurisdiction", "assessed_level"], name="assessment_scheme_one_per_year"
            )
        ]
        permissions = [("publish_assessmentresult", _("可以发布考核结果"))]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    @property
    def total_points(self) -> Decimal:
        return sum((item.points for item in self.items.all()), Decimal(0))


class AssessmentItem(models.Model):
    """One line of the 考核评分表: a name, its points (分值) and how it is scored."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核评分表"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("考核项目"), max_length=128)
    points = models.DecimalField(
        _("分值"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    rule = models.CharField(_("评分规则"), max_length=32, choices=AssessmentRule.choices)
    per_day = models.DecimalField(
        _("每逾期1天扣分"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("仅用于“逾期报送扣分”，扣完本项分值为止"),
    )
    target = models.PositiveIntegerField(
        _("每季度目标数"),
        default=0,
        help_text=_("仅用于“培训开展”：每季度应完成的培训场次，全年按4倍计"),
    )
    criteria = models.TextField(_("评分标准"), blank=True)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["scheme", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.points}分）"

    def clean(self) -> None:
        if self.rule == AssessmentRule.TRAINING and not self.target:
            raise ValidationError({"target": _("“培训开展”须填写每季度目标数。")})


class ManualScore(models.Model):
    """A score staff give a unit on a manual item for a period, with its evidence (评分依据)."""

    item = models.ForeignKey(
        AssessmentItem,
        verbose_name=_("考核项目"),
        on_delete=models.PROTECT,
        related_name="manual_scores",
        limit_choices_to={"rule": AssessmentRule.MANUAL},
    )
    quarter = models.PositiveSmallIntegerField(_("考核期"), choices=PERIOD_CHOICES)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("被考核区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member_unit = models.ForeignKey(
        MemberUnit, verbose_name=_("被考核成员单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))])
    evidence = models.TextField(_("评分依据（佐证材料说明）"))
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    scored_at = models.DateTimeField(_("评分时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("人工评分")
        verbose_name_plural = _("人工评分")
        ordering = ["item", "quarter", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(jurisdiction__isnull=False, member_unit__isnull=True)
                | Q(jurisdiction__isnull=True, member_unit__isnull=False),
                name="manual_score_exactly_one_unit",
            ),
            models.UniqueConstraint(
                fields=["item", "quarter", "jurisdiction"],
                condition=Q(jurisdiction__isnull=False),
                name="manual_score_one_per_jurisdiction",
            ),
            models.UniqueConstraint(
                fields=["item", "quarter", "member_unit"],
                condition=Q(member_unit__isnull=False),
                name="manual_score_one_per_member_unit",
            ),
        ]

    def __str__(self) -> str:
        unit = self.jurisdiction or self.member_unit
        return f"{unit} {self.item.name} {self.points}分"

    @property
    def unit_key(self) -> tuple[str, int]:
        if self.member_unit_id is not None:
            return ("member_unit", self.member_unit_id)
        return ("jurisdiction", self.jurisdiction_id or 0)

    def clean(self) -> None:
        if (self.jurisdiction_id is None) == (self.member_unit_id is None):
            raise ValidationError(_("请在区划和成员单位中选择且只选择一个被考核单位。"))
        item = self.item if self.item_id else None
        if item is not None:
            if item.rule != AssessmentRule.MANUAL:
                raise ValidationError({"item": _("只有“人工评分”项目可以人工打分。")})
            if self.points is not None and self.points > item.points:
                raise ValidationError({"points": _("得分不能超过该项分值（%(points)s分）。") % {"points": item.points}})
            if AssessmentResult.objects.filter(scheme_id=item.scheme_id, quarter=self.quarter).exists():
                raise ValidationError(_("该考核期的结果已发布，不能再修改评分。"))


RESULT_FROZEN = _("已发布的考核结果不能修改。")


class FrozenResultQuerySet(LegalRecordQuerySet):
    """Published results and their rows (every row of these tables is published): never deleted (the legal-record
    kit's ``delete()``), never rewritten in bulk. ``updatable`` names the only columns a queryset update may set
    (the result's link to its ranking circular)."""

    updatable: frozenset[str] = frozenset()

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) - self.updatable:
            raise ValidationError(str(RESULT_FROZEN))
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise ValidationError(str(RESULT_FROZEN))


class AssessmentResultQuerySet(FrozenResultQuerySet):
    updatable = frozenset({"circular_id"})


class FrozenResultMixin(LegalRecordMixin):
    """Instance side: ``delete()`` refused (``LegalRecordMixin``); a saved row is not saved again, except for the
    columns in ``updatable_fields`` named in ``update_fields``."""

    updatable_fields: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - self.updatable_fields:
                raise ValidationError(str(RESULT_FROZEN))
        super().save(*args, **kwargs)


class AssessmentResult(FrozenResultMixin, models.Model):
    """The frozen scores of one published period (a quarter or the year): never recomputed after publication, never
    deleted or rewritten (legal-record kit: instance and queryset deletes and updates are refused; only the link to
    the ranking circular is set once)."""

    updatable_fields = frozenset({"circular_id", "circular"})

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核评分表"), on_delete=models.PROTECT, related_name="results"
    )
    quarter = models.PositiveSmallIntegerField(_("考核期"), choices=PERIOD_CHOICES)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    as_of = models.DateField(_("数据截至"))
    min_sample = models.PositiveSmallIntegerField(_("最小样本数"))
    items = models.JSONField(_("考核项目"), default=list, help_text=_("发布时的考核项目：名称、分值、规则"))
    unit_count = models.PositiveIntegerField(_("被考核单位数"), default=0)
    ranked_count = models.PositiveIntegerField(_("参与排名单位数"), default=0)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    circular_id = models.PositiveIntegerField(_("排名通报"), null=True, blank=True, editable=False)

    objects = AssessmentResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("已发布考核结果")
        verbose_name_plural = _("已发布考核结果")
        ordering = ["-scheme__year", "scheme", "quarter"]
        constraints = [models.UniqueConstraint(fields=["scheme", "quarter"], name="assessment_result_once_per_period")]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period_label}"

    @property
    def period_label(self) -> str:
        return str(dict(PERIOD_CHOICES)[self.quarter])


class AssessmentResultRow(FrozenResultMixin, models.Model):
    """One unit's frozen line of a published result: total, rank (None: 样本不足，不排名) and the per-item scores
    (``scores``: a list parallel to the result's ``items``, each ``{"score": "12.50", "detail": "..."}``)."""

    result = models.ForeignKey(
        AssessmentResult, verbose_name=_("考核结果"), on_delete=models.PROTECT, related_name="rows"
    )
    position = models.PositiveIntegerField(_("顺序"))
    unit_kind = models.CharField(_("单位类型"), max_length=16)
    unit_id = models.PositiveIntegerField(_("单位编号"))
    unit_name = models.CharField(_("单位名称"), max_length=128)
    sample = models.PositiveIntegerField(_("样本数"))
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    scores = models.JSONField(_("分项得分"), default=list)

    objects = FrozenResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核结果明细")
        verbose_name_plural = _("考核结果明细")
        ordering = ["result", "position"]
        constraints = [
            models.UniqueConstraint(fields=["result", "unit_kind", "unit_id"], name="assessment_row_one_per_unit")
        ]
        indexes = [models.Index(fields=["unit_kind", "unit_id"], name="assessment_row_unit")]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.total}"

    @property
    def unit_key(self) -> tuple[str, int]:
        return (self.unit_kind, self.unit_id)
