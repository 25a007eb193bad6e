"""Cascade (issue 12): the issuing authority of a county's or subdistrict's own office (UnitAuthority)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_notice_receipts"),
        ("safetyportal", "0013_portal_units"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnitAuthority",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                (
                    "authority",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="unit_link",
                        to="safetyportal.issuingauthority",
                        verbose_name="发文机关",
                    ),
                ),
                (
                    "jurisdiction",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="unit_authority",
                        to="safetyportal.jurisdiction",
                        verbose_name="区划",
                    ),
                ),
            ],
            options={
                "verbose_name": "区划发文机关",
                "verbose_name_plural": "区划发文机关",
                "ordering": ["jurisdiction__code"],
            },
        ),
        # Issue 13 (review): what a return looked like when it was sent back, to show what a resubmission changed.
        migrations.AddField(
            model_name="returnevent",
            name="snapshot",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="退回时的内容"),
        ),
    ]
