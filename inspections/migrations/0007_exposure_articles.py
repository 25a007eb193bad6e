# Issue 15, package E: town/subdistrict exposure submissions and media articles (篇/起).
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0006_rewards"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExposureSubmission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("hazard", "隐患曝光"),
                            ("major_hazard", "重大事故隐患"),
                            ("penalty", "典型执法案例"),
                            ("report", "举报典型案例"),
                            ("covert", "暗访曝光"),
                            ("accident", "事故通报"),
                        ],
                        max_length=16,
                        verbose_name="案例类型",
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("fire", "消防"),
                            ("hazchem", "危险化学品"),
                            ("gas", "燃气"),
                            ("construction", "建筑施工"),
                            ("road", "道路交通"),
                            ("special_equipment", "特种设备"),
                            ("industry", "工贸"),
                            ("confined_space", "有限空间"),
                            ("ebike", "电动自行车"),
                            ("self_built", "自建房"),
                            ("other", "其他"),
                        ],
                        max_length=24,
                        verbose_name="行业类别",
                    ),
                ),
                ("case_date", models.DateField(blank=True, null=True, verbose_name="检查/处罚/事故日期")),
                ("title", models.CharField(max_length=200, verbose_name="案件名称")),
                ("display_name", models.CharField(blank=True, max_length=128, verbose_name="当事单位")),
                ("principal_person", models.CharField(blank=True, max_length=32, verbose_name="主要负责人")),
                ("summary", models.CharField(blank=True, max_length=300, verbose_name="要旨")),
                ("body", models.TextField(verbose_name="基本案情")),
                ("legal_basis", models.CharField(blank=True, max_length=300, verbose_name="违反条款及处罚依据")),
                ("penalty_text", models.CharField(blank=True, max_length=300, verbose_name="处理结果")),
                ("warning", models.TextField(blank=True, verbose_name="以案为鉴")),
                ("media_url", models.URLField(blank=True, verbose_name="媒体报道链接")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "待审核"), ("returned", "退回修改"), ("accepted", "已采用")],
                        db_index=True,
                        default="pending",
                        editable=False,
                        max_length=16,
                        verbose_name="审核状态",
                    ),
                ),
                (
                    "return_reason",
                    models.CharField(blank=True, editable=False, max_length=255, verbose_name="退回理由"),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="报送时间"),
                ),
                ("reviewed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="审核时间")),
                (
                    "times_submitted",
                    models.PositiveSmallIntegerField(default=1, editable=False, verbose_name="报送次数"),
                ),
                (
                    "case",
                    models.OneToOneField(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="submission",
                        to="inspections.exposurecase",
                        verbose_name="采用为曝光案例",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="exposure_submissions",
                        to="safetyportal.jurisdiction",
                        verbose_name="报送单位",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="审核人",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="报送人",
                    ),
                ),
            ],
            options={
                "verbose_name": "镇街报送曝光案例",
                "verbose_name_plural": "镇街报送曝光案例",
                "ordering": ["-submitted_at", "-pk"],
                "permissions": [("review_exposuresubmission", "可以审核镇街报送的曝光案例")],
                "default_permissions": ("view", "change"),
                "indexes": [models.Index(fields=["jurisdiction", "submitted_at"], name="exposure_submission_unit")],
            },
        ),
        migrations.CreateModel(
            name="MediaArticle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "record_status",
                    models.CharField(
                        choices=[("active", "有效"), ("voided", "已作废")],
                        default="active",
                        editable=False,
                        max_length=8,
                        verbose_name="记录状态",
                    ),
                ),
                ("voided_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="作废时间")),
                ("void_reason", models.CharField(blank=True, editable=False, max_length=255, verbose_name="作废理由")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="登记时间"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("title", models.CharField(max_length=200, verbose_name="标题")),
                (
                    "media_name",
                    models.CharField(help_text="如：晋江经济报、泉州电视台", max_length=64, verbose_name="媒体名称"),
                ),
                (
                    "media_level",
                    models.CharField(
                        choices=[
                            ("national", "国家级"),
                            ("province", "省级"),
                            ("city", "市级"),
                            ("county", "区县级"),
                            ("own", "本级（自有平台）"),
                        ],
                        max_length=16,
                        verbose_name="媒体级别",
                    ),
                ),
                ("published_on", models.DateField(db_index=True, verbose_name="刊发日期")),
                ("url", models.URLField(blank=True, verbose_name="链接")),
                ("note", models.CharField(blank=True, max_length=255, verbose_name="备注")),
                (
                    "cases",
                    models.ManyToManyField(
                        related_name="media_articles", to="inspections.exposurecase", verbose_name="曝光案例"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="media_articles",
                        to="safetyportal.jurisdiction",
                        verbose_name="报送单位",
                    ),
                ),
                (
                    "voided_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="作废人",
                    ),
                ),
            ],
            options={
                "verbose_name": "媒体曝光报道",
                "verbose_name_plural": "媒体曝光报道",
                "ordering": ["-published_on", "-pk"],
                "indexes": [models.Index(fields=["published_on", "media_level"], name="media_article_day_level")],
            },
        ),
    ]
