# Placeholder (issue 15): its owner fills in the operations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0002_supervision"),
    ]

    operations: list[migrations.operations.base.Operation] = []
