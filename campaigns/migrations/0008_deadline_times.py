"""Deadlines with a time of day (CampaignTask.due_time; docs/workdays.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_return_attachments"),
        ("safetyportal", "0014_workdays"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaigntask",
            name="due_time",
            field=models.TimeField(
                blank=True,
                help_text="如 16:00（通知写“每周五16:00前”“12:00前”时填写）；留空则截止日当天24:00前均为按时",
                null=True,
                verbose_name="截止时间",
            ),
        ),
    ]
