"""Re-check every stored resident ID number by GB 11643 (issue 10).

Until this migration the project computed check digits wrongly, so stored numbers may fail the correct check. Nothing
is deleted or changed: the numbers that fail get ``id_check_failed`` set, which the person admin lists under the
filter "身份证号码校验未通过" so that the office can correct them. Certificates ("T" + the holder's ID) follow their
holder (filter people, or certificates by ``holder__id_check_failed``)."""

from django.db import migrations, models

BATCH = 2_000


def flag_failing_numbers(apps, schema_editor):
    from safetyportal.validators import is_valid_id_number

    Person = apps.get_model("safetyportal", "Person")
    manager = Person._base_manager.using(schema_editor.connection.alias)
    last_pk = 0
    while True:
        rows = list(manager.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "id_number")[:BATCH])
        if not rows:
            break
        last_pk = rows[-1][0]
        failing = [pk for pk, number in rows if not is_valid_id_number(number)]
        if failing:
            manager.filter(pk__in=failing).update(id_check_failed=True)


class Migration(migrations.Migration):
    dependencies = [("safetyportal", "0004_officer_mobile")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="id_check_failed",
            field=models.BooleanField(
                db_index=True, default=False, editable=False, verbose_name="身份证号码校验未通过"
            ),
        ),
        # Reversing drops the column, which is all this migration added.
        migrations.RunPython(flag_failing_numbers, migrations.RunPython.noop),
    ]
