# Placeholder (issue 15): its owner fills in the operations.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0007_exposure_articles"),
    ]

    operations: list[migrations.operations.base.Operation] = []
