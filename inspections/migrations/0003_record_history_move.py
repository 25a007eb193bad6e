"""Placeholder: its owner fills in the operations (see docs/ in the commit that fills it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_issued_records"),
        ("safetyportal", "0012_record_history"),
    ]

    operations: list = []
