"""Placeholder filled in by its owner (see docs/contributing.md, "Parallel work on one tree")."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_return_attachments"),
        ("safetyportal", "0014_workdays"),
    ]

    operations: list = []
