# Circulars (通报, issue 15, package B).
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0002_supervision"),
    ]

    operations = [
        migrations.CreateModel(
            name="Circular",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "草稿"), ("issued", "已印发"), ("superseded", "已被更正")],
                        db_index=True,
                        default="draft",
                        editable=False,
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name="年份")),
                ("serial", models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="序号")),
                (
                    "number",
                    models.CharField(blank=True, db_index=True, editable=False, max_length=64, verbose_name="发文字号"),
                ),
                ("issued_on", models.DateField(blank=True, editable=False, null=True, verbose_name="成文日期")),
                ("issued_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="印发时间")),
                ("snapshot", models.JSONField(blank=True, editable=False, null=True, verbose_name="印发时的数据")),
                (
                    "snapshot_taken_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="数据取数时间"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("returns", "报送情况通报"),
                            ("hazards", "隐患整改情况通报"),
                            ("supervision", "督办事项逾期情况通报"),
                            ("exposure_duty", "典型案例曝光情况通报"),
                            ("never_reported", "未报送单位通报"),
                            ("combined", "安全生产工作综合通报"),
                            ("assessment", "考核排名通报"),
                        ],
                        db_index=True,
                        max_length=20,
                        verbose_name="通报类型",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="标题")),
                ("period_starts_on", models.DateField(verbose_name="统计期起")),
                ("period_ends_on", models.DateField(verbose_name="统计期止")),
                (
                    "as_of",
                    models.DateField(
                        help_text="逾期天数、未报送等按此日计算；印发时按此日重新取数并冻结。", verbose_name="数据截至"
                    ),
                ),
                ("campaign_id", models.PositiveIntegerField(blank=True, null=True, verbose_name="限定活动（编号）")),
                (
                    "recipients_text",
                    models.CharField(
                        blank=True,
                        help_text="留空则按所选区划和成员单位生成，如：各街道办事处、镇人民政府",
                        max_length=255,
                        verbose_name="主送机关（文字）",
                    ),
                ),
                ("opening", models.TextField(blank=True, help_text="每段一行，位于各部分之前。", verbose_name="导语")),
                ("content", models.JSONField(blank=True, default=dict, verbose_name="正文结构")),
                (
                    "closing",
                    models.TextField(
                        blank=True,
                        help_text="每段一行，作为通报的最后一部分“工作要求”。",
                        verbose_name="工作要求",
                    ),
                ),
                ("contact_note", models.CharField(blank=True, max_length=128, verbose_name="附注（联系人及电话）")),
                ("copy_to", models.CharField(blank=True, max_length=255, verbose_name="抄送机关")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="创建时间"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safetyportal.issuingauthority",
                        verbose_name="发文机关",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="起草人",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="safetyportal.generateddocument",
                        verbose_name="正式文件",
                    ),
                ),
                (
                    "issued_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="印发人",
                    ),
                ),
                (
                    "recipient_jurisdictions",
                    models.ManyToManyField(
                        blank=True, related_name="circulars", to="safetyportal.jurisdiction", verbose_name="主送区划"
                    ),
                ),
                (
                    "recipient_units",
                    models.ManyToManyField(
                        blank=True, related_name="circulars", to="safetyportal.memberunit", verbose_name="主送成员单位"
                    ),
                ),
            ],
            options={
                "verbose_name": "通报",
                "verbose_name_plural": "通报",
                "ordering": ["-created_at", "-pk"],
                "permissions": [("issue_circular", "可以印发通报")],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="CircularReceipt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("first_opened_at", models.DateTimeField(blank=True, null=True, verbose_name="首次阅读时间")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="收文时间")),
                (
                    "circular",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="receipts",
                        to="committee.circular",
                        verbose_name="通报",
                    ),
                ),
                (
                    "first_opened_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="首次阅读人",
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="circular_receipts",
                        to="safetyportal.jurisdiction",
                        verbose_name="收文区划",
                    ),
                ),
                (
                    "member_unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="circular_receipts",
                        to="safetyportal.memberunit",
                        verbose_name="收文成员单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "通报收文",
                "verbose_name_plural": "通报收文",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="circular",
            constraint=models.UniqueConstraint(
                condition=models.Q(("serial__isnull", False)),
                fields=("authority", "year", "serial"),
                name="committee_circular_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="circularreceipt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("jurisdiction__isnull", False), ("member_unit__isnull", True)),
                    models.Q(("jurisdiction__isnull", True), ("member_unit__isnull", False)),
                    _connector="OR",
                ),
                name="circular_receipt_one_unit",
            ),
        ),
        migrations.AddConstraint(
            model_name="circularreceipt",
            constraint=models.UniqueConstraint(
                condition=models.Q(("jurisdiction__isnull", False)),
                fields=("circular", "jurisdiction"),
                name="unique_circular_receipt_jurisdiction",
            ),
        ),
        migrations.AddConstraint(
            model_name="circularreceipt",
            constraint=models.UniqueConstraint(
                condition=models.Q(("member_unit__isnull", False)),
                fields=("circular", "member_unit"),
                name="unique_circular_receipt_member_unit",
            ),
        ),
    ]
