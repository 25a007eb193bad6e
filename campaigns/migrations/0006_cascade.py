"""Placeholder filled in by its owner (see docs/contributing.md, "Parallel work on one tree")."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_notice_receipts"),
    ]

    operations: list = []
