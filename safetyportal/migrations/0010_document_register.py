"""The number register (发文登记簿): one row per number an authority used in a year, issued here or reserved for a
paper issued outside the portal. The apps' migrations (campaigns 0004, inspections 0002) write the rows of the
numbers already issued. Generated documents may now be xlsx files too (the file's label says so)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import safetyportal.documents.models


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0009_jurisdiction_audit"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="generateddocument",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=200,
                upload_to=safetyportal.documents.models.document_upload_to,
                verbose_name="文件",
            ),
        ),
        migrations.CreateModel(
            name="RegisterEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="年份")),
                ("serial", models.PositiveIntegerField(verbose_name="序号")),
                ("number", models.CharField(max_length=64, verbose_name="发文字号")),
                (
                    "origin",
                    models.CharField(
                        choices=[("issued", "门户印发"), ("reserved", "预留（门户外发文）")],
                        max_length=16,
                        verbose_name="来源",
                    ),
                ),
                ("kind", models.CharField(blank=True, max_length=32, verbose_name="文书类型")),
                ("title", models.CharField(blank=True, max_length=255, verbose_name="标题")),
                ("source_id", models.PositiveBigIntegerField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="登记时间")),
                ("note", models.CharField(blank=True, max_length=255, verbose_name="备注")),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="register_entries",
                        to="safetyportal.issuingauthority",
                        verbose_name="发文机关",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "source_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "verbose_name": "发文登记簿",
                "verbose_name_plural": "发文登记簿",
                "ordering": ["-year", "authority", "-serial"],
                "default_permissions": ("add", "change", "view"),
                "indexes": [models.Index(fields=["source_type", "source_id"], name="register_source")],
                "constraints": [
                    models.UniqueConstraint(fields=("authority", "year", "serial"), name="unique_register_number"),
                    models.CheckConstraint(condition=models.Q(("serial__gte", 1)), name="register_serial_positive"),
                ],
            },
        ),
    ]
