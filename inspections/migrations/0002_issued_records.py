"""Placeholder: its owner fills in the operations (see docs/ in the commit that fills it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("safetyportal", "0010_document_register"),
    ]

    operations: list = []
