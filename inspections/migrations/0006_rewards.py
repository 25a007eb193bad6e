# Placeholder (issue 15): its owner fills in the operations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_search_tracking"),
    ]

    operations: list[migrations.operations.base.Operation] = []
