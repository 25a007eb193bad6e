"""RecordHistory now belongs to safetyportal (see ``safetyportal.0012_record_history``, which renamed the table and
moved its content type): here it only leaves inspections' state. No SQL."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_issued_records"),
        ("safetyportal", "0012_record_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="RecordHistory")],
        ),
    ]
