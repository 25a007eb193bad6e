# Assessment (考核, issue 15, package C): schemes with items, manual scores, frozen published results.
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

PERIODS = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度"), (0, "全年")]


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0003_circulars"),
    ]

    operations: list[migrations.operations.base.Operation] = [
        migrations.CreateModel(
            name="AssessmentScheme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        db_index=True,
                        validators=[
                            django.core.validators.MinValueValidator(2000),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="年度",
                    ),
                ),
                ("name", models.CharField(max_length=128, verbose_name="考核名称")),
                (
                    "assessed_level",
                    models.CharField(
                        choices=[
                            ("county", "县（市、区）"),
                            ("subdistrict", "镇（街道）"),
                            ("community", "社区（村）"),
                            ("member_unit", "安委会成员单位"),
                        ],
                        default="subdistrict",
                        max_length=16,
                        verbose_name="被考核单位",
                    ),
                ),
                (
                    "min_sample",
                    models.PositiveSmallIntegerField(
                        default=3,
                        help_text="应报送期数与应整改隐患数之和少于此数的单位列为“样本不足，不排名”",
                        verbose_name="最小样本数",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="创建时间"),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        help_text="被考核单位为该区划下属的单位",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessment_schemes",
                        to="safetyportal.jurisdiction",
                        verbose_name="考核组织区划",
                    ),
                ),
            ],
            options={
                "verbose_name": "考核评分表",
                "verbose_name_plural": "考核评分表",
                "ordering": ["-year", "name"],
                "permissions": [("publish_assessmentresult", "可以发布考核结果")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "jurisdiction", "assessed_level"), name="assessment_scheme_one_per_year"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AssessmentResult",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("quarter", models.PositiveSmallIntegerField(choices=PERIODS, verbose_name="考核期")),
                ("starts_on", models.DateField(verbose_name="起始日期")),
                ("ends_on", models.DateField(verbose_name="截止日期")),
                ("as_of", models.DateField(verbose_name="数据截至")),
                ("min_sample", models.PositiveSmallIntegerField(verbose_name="最小样本数")),
                (
                    "items",
                    models.JSONField(
                        default=list, help_text="发布时的考核项目：名称、分值、规则", verbose_name="考核项目"
                    ),
                ),
                ("unit_count", models.PositiveIntegerField(default=0, verbose_name="被考核单位数")),
                ("ranked_count", models.PositiveIntegerField(default=0, verbose_name="参与排名单位数")),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="发布时间")),
                (
                    "circular_id",
                    models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="排名通报"),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发布人",
                    ),
                ),
                (
                    "scheme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="results",
                        to="committee.assessmentscheme",
                        verbose_name="考核评分表",
                    ),
                ),
            ],
            options={
                "verbose_name": "已发布考核结果",
                "verbose_name_plural": "已发布考核结果",
                "ordering": ["-scheme__year", "scheme", "quarter"],
                "constraints": [
                    models.UniqueConstraint(fields=("scheme", "quarter"), name="assessment_result_once_per_period")
                ],
            },
        ),
        migrations.CreateModel(
            name="AssessmentItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("order", models.PositiveSmallIntegerField(default=1, verbose_name="序号")),
                ("name", models.CharField(max_length=128, verbose_name="考核项目")),
                (
                    "points",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=6,
                        validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                        verbose_name="分值",
                    ),
                ),
                (
                    "rule",
                    models.CharField(
                        choices=[
                            ("late_days", "逾期报送扣分（每逾期1天扣分）"),
                            ("completeness", "报送完整率（已报/应报×分值）"),
                            ("hazard_closure_on_time", "隐患按期整改率（按期销号/应整改×分值）"),
                            ("exposure_duty", "典型案例月度曝光（达标月数/月数×分值）"),
                            ("training_delivered", "培训开展（完成数/目标数×分值）"),
                            ("manual", "人工评分（附佐证材料）"),
                        ],
                        max_length=32,
                        verbose_name="评分规则",
                    ),
                ),
                (
                    "per_day",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("1"),
                        help_text="仅用于“逾期报送扣分”，扣完本项分值为止",
                        max_digits=5,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="每逾期1天扣分",
                    ),
                ),
                (
                    "target",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="仅用于“培训开展”：每季度应完成的培训场次，全年按4倍计",
                        verbose_name="每季度目标数",
                    ),
                ),
                ("criteria", models.TextField(blank=True, verbose_name="评分标准")),
                (
                    "scheme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="committee.assessmentscheme",
                        verbose_name="考核评分表",
                    ),
                ),
            ],
            options={
                "verbose_name": "考核项目",
                "verbose_name_plural": "考核项目",
                "ordering": ["scheme", "order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ManualScore",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("quarter", models.PositiveSmallIntegerField(choices=PERIODS, verbose_name="考核期")),
                (
                    "points",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=6,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="得分",
                    ),
                ),
                ("evidence", models.TextField(verbose_name="评分依据（佐证材料说明）")),
                (
                    "scored_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="评分时间"),
                ),
                (
                    "item",
                    models.ForeignKey(
                        limit_choices_to={"rule": "manual"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="manual_scores",
                        to="committee.assessmentitem",
                        verbose_name="考核项目",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safetyportal.jurisdiction",
                        verbose_name="被考核区划",
                    ),
                ),
                (
                    "member_unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safetyportal.memberunit",
                        verbose_name="被考核成员单位",
                    ),
                ),
                (
                    "scored_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="评分人",
                    ),
                ),
            ],
            options={
                "verbose_name": "人工评分",
                "verbose_name_plural": "人工评分",
                "ordering": ["item", "quarter", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("jurisdiction__isnull", False), ("member_unit__isnull", True)),
                            models.Q(("jurisdiction__isnull", True), ("member_unit__isnull", False)),
                            _connector="OR",
                        ),
                        name="manual_score_exactly_one_unit",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("jurisdiction__isnull", False)),
                        fields=("item", "quarter", "jurisdiction"),
                        name="manual_score_one_per_jurisdiction",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("member_unit__isnull", False)),
                        fields=("item", "quarter", "member_unit"),
                        name="manual_score_one_per_member_unit",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AssessmentResultRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveIntegerField(verbose_name="顺序")),
                ("unit_kind", models.CharField(max_length=16, verbose_name="单位类型")),
                ("unit_id", models.PositiveIntegerField(verbose_name="单位编号")),
                ("unit_name", models.CharField(max_length=128, verbose_name="单位名称")),
                ("sample", models.PositiveIntegerField(verbose_name="样本数")),
                ("total", models.DecimalField(decimal_places=2, max_digits=8, verbose_name="总分")),
                ("rank", models.PositiveIntegerField(blank=True, null=True, verbose_name="名次")),
                ("scores", models.JSONField(default=list, verbose_name="分项得分")),
                (
                    "result",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rows",
                        to="committee.assessmentresult",
                        verbose_name="考核结果",
                    ),
                ),
            ],
            options={
                "verbose_name": "考核结果明细",
                "verbose_name_plural": "考核结果明细",
                "ordering": ["result", "position"],
                "indexes": [models.Index(fields=["unit_kind", "unit_id"], name="assessment_row_unit")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("result", "unit_kind", "unit_id"), name="assessment_row_one_per_unit"
                    )
                ],
            },
        ),
    ]
