"""The working-day calendar's overrides and years (safetyportal/workday_models.py, docs/workdays.md)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0013_portal_units"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkdayOverride",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True, verbose_name="日期")),
                (
                    "is_working_day",
                    models.BooleanField(help_text="勾选：上班（如调休上班）；不勾选：放假", verbose_name="工作日"),
                ),
                ("name", models.CharField(help_text="如：春节、国庆节、调休上班", max_length=32, verbose_name="名称")),
                (
                    "note",
                    models.CharField(
                        blank=True, help_text="如：国办发明电〔2026〕7号", max_length=200, verbose_name="备注"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "节假日调整",
                "verbose_name_plural": "节假日调整",
                "ordering": ["date"],
            },
        ),
        migrations.CreateModel(
            name="WorkdayYear",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        unique=True,
                        validators=[
                            django.core.validators.MinValueValidator(2000),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="年度",
                    ),
                ),
                (
                    "complete",
                    models.BooleanField(
                        default=False,
                        help_text="该年全部放假和调休上班日期已按国务院办公厅通知录入",
                        verbose_name="已完整录入",
                    ),
                ),
                (
                    "note",
                    models.CharField(blank=True, help_text="如：通知文号、录入人", max_length=200, verbose_name="备注"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "节假日安排年度",
                "verbose_name_plural": "节假日安排年度",
                "ordering": ["-year"],
            },
        ),
    ]
