"""Placeholder filled in by its owner (see docs/contributing.md, "Parallel work on one tree")."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0012_record_history"),
    ]

    operations: list = []
