"""Placeholder: its owner fills in the operations (see docs/ in the commit that fills it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("safetyportal", "0011_authority_seal"),
    ]

    operations: list = []
