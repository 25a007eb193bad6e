# Issue 15: the 现场警示教育会议's evidence as files (AccidentAttachment on safetyportal.uploads).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0004_assessment"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccidentAttachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("display_name", models.CharField(max_length=100, verbose_name="文件名")),
                ("stored_name", models.CharField(editable=False, max_length=200, unique=True, verbose_name="存储名")),
                ("size", models.PositiveIntegerField(editable=False, verbose_name="大小（字节）")),
                ("sha256", models.CharField(editable=False, max_length=64, verbose_name="SHA-256")),
                ("content_type", models.CharField(editable=False, max_length=100, verbose_name="文件类型")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("photo", "会议照片"),
                            ("sign_in", "签到表"),
                            ("minutes", "会议记录扫描件"),
                            ("other", "其他"),
                        ],
                        default="photo",
                        max_length=16,
                        verbose_name="材料类别",
                    ),
                ),
                (
                    "accident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="committee.accident",
                        verbose_name="事故",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
            ],
            options={
                "verbose_name": "警示教育会议材料",
                "verbose_name_plural": "警示教育会议材料",
                "ordering": ["pk"],
            },
        ),
    ]
