"""Issue 12, "Returns that hold what offices send": attachments of returns and notices, and the counts kept apart as
the seeds count them (drills, training, consultation desks, spending).

``sessions`` and ``participants`` keep their names, columns and meaning: the return's totals of every kind of
activity. The new drill and training counts are "其中" parts of those totals (a check constraint). Existing returns
keep their figures; where the activity type makes it unambiguous (应急演练, 培训) the totals are copied into the new
drill or training fields, every other return starts with zero drills and training (reversible: the reverse
operation leaves the totals, which were never changed)."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DRILL = "drill"
TRAINING = "training"


def split_counts(apps, schema_editor):
    ActivityReturn = apps.get_model("campaigns", "ActivityReturn")
    ActivityReturn.objects.filter(activity_type=DRILL).update(
        drill_sessions=models.F("sessions"), drill_participants=models.F("participants")
    )
    ActivityReturn.objects.filter(activity_type=TRAINING).update(
        training_sessions=models.F("sessions"), training_participants=models.F("participants")
    )


def _count(label, maximum):
    return models.PositiveIntegerField(
        default=0, validators=[django.core.validators.MaxValueValidator(maximum)], verbose_name=label
    )


def _file_fields():
    return [
        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
        ("display_name", models.CharField(max_length=100, verbose_name="文件名")),
        ("stored_name", models.CharField(editable=False, max_length=200, unique=True, verbose_name="存储名")),
        ("size", models.PositiveIntegerField(editable=False, verbose_name="大小（字节）")),
        ("sha256", models.CharField(editable=False, max_length=64, verbose_name="SHA-256")),
        ("content_type", models.CharField(editable=False, max_length=100, verbose_name="文件类型")),
        ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
    ]


def _uploaded_by():
    return models.ForeignKey(
        blank=True,
        editable=False,
        null=True,
        on_delete=django.db.models.deletion.SET_NULL,
        related_name="+",
        to=settings.AUTH_USER_MODEL,
        verbose_name="上传人",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_cascade"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField("activityreturn", "drill_sessions", _count("演练场次（场）", 10000)),
        migrations.AddField("activityreturn", "drill_participants", _count("演练参与人次", 10000000)),
        migrations.AddField("activityreturn", "training_sessions", _count("培训场次（场）", 10000)),
        migrations.AddField("activityreturn", "training_participants", _count("培训人次", 10000000)),
        migrations.AddField("activityreturn", "consultation_desks", _count("咨询台（个）", 10000)),
        migrations.AddField(
            model_name="activityreturn",
            name="spending",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0"),
                max_digits=14,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0")),
                    django.core.validators.MaxValueValidator(Decimal("999999999999.99")),
                ],
                verbose_name="经费投入（元）",
            ),
        ),
        migrations.AlterField(
            model_name="activityreturn",
            name="participants",
            field=models.PositiveIntegerField(
                default=0,
                help_text="合计，含下面的演练和培训人次",
                validators=[django.core.validators.MaxValueValidator(10000000)],
                verbose_name="参与人数（人次）",
            ),
        ),
        migrations.AlterField(
            model_name="activityreturn",
            name="sessions",
            field=models.PositiveIntegerField(
                default=1,
                help_text="合计，含下面的演练和培训场次",
                validators=[django.core.validators.MaxValueValidator(10000)],
                verbose_name="开展场次（场）",
            ),
        ),
        migrations.RunPython(split_counts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="activityreturn",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    sessions__gte=models.F("drill_sessions") + models.F("training_sessions"),
                    participants__gte=models.F("drill_participants") + models.F("training_participants"),
                ),
                name="return_drill_training_within_totals",
                violation_error_message="演练和培训的场次、人次之和不能超过开展场次、参与人数（合计）。",
            ),
        ),
        migrations.AddConstraint(
            model_name="activityreturn",
            constraint=models.CheckConstraint(
                condition=models.Q(spending__gte=0),
                name="return_spending_not_negative",
                violation_error_message="经费投入不能为负数。",
            ),
        ),
        migrations.CreateModel(
            name="ReturnAttachment",
            fields=[
                *_file_fields(),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("plan", "方案"),
                            ("summary", "总结"),
                            ("sign_in", "签到表"),
                            ("scan", "扫描件"),
                            ("other", "其他"),
                        ],
                        default="other",
                        max_length=16,
                        verbose_name="附件类别",
                    ),
                ),
                (
                    "activity_return",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="campaigns.activityreturn",
                        verbose_name="活动报送",
                    ),
                ),
                ("uploaded_by", _uploaded_by()),
            ],
            options={"verbose_name": "报送附件", "verbose_name_plural": "报送附件", "ordering": ["pk"]},
        ),
        migrations.CreateModel(
            name="NoticeAttachment",
            fields=[
                *_file_fields(),
                (
                    "notice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="campaigns.notice",
                        verbose_name="通知",
                    ),
                ),
                ("uploaded_by", _uploaded_by()),
            ],
            options={"verbose_name": "通知附件", "verbose_name_plural": "通知附件", "ordering": ["pk"]},
        ),
    ]
