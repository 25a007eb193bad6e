"""Placeholder filled in by its owner (see docs/contributing.md, "Parallel work on one tree")."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_issued_records"),
        ("safetyportal", "0013_portal_units"),
    ]

    operations: list = []
