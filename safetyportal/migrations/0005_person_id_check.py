# Placeholder filled in by the resident-ID re-check work (issue 10); later safetyportal migrations depend on it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("safetyportal", "0004_officer_mobile")]

    operations = []
