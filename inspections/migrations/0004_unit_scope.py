"""Placeholder filled in by its owner (see docs/contributing.md, "Parallel work on one tree")."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_record_history_move"),
        ("safetyportal", "0013_portal_units"),
    ]

    operations: list = []
