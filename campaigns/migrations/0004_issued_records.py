"""Placeholder: its owner fills in the operations (see docs/ in the commit that fills it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_activity_returns"),
        ("safetyportal", "0010_document_register"),
    ]

    operations: list = []
