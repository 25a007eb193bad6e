"""Placeholder filled in by its owner (see docs/contributing.md, "Parallel work on one tree")."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0014_workdays"),
    ]

    operations: list = []
