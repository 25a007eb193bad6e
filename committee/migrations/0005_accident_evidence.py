# Placeholder (issue 15): its owner fills in the operations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0004_assessment"),
    ]

    operations: list[migrations.operations.base.Operation] = []
