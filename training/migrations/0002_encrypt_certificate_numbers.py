"""Encrypt certificate numbers ("T" + the holder's ID number) at rest, like ``Person.id_number`` (SECURITY.md T23).

The number column becomes AES-GCM ciphertext; its index and the partial unique constraint "one number per operation
item in force" move to the keyed HMAC in ``number_hmac``. Reversible with the same keys (see
safetyportal/migrations/0008_encrypt_id_numbers.py, which holds the row rewriting).
"""

from django.db import migrations, models

import safetyportal.fields
from safetyportal.migrations import _encrypt_support as support


def encrypt_certificates(apps, schema_editor):
    support.rewrite(apps, schema_editor, "training.Certificate", "number", "number_hmac", support.encrypt_value)


def decrypt_certificates(apps, schema_editor):
    support.rewrite(apps, schema_editor, "training.Certificate", "number", "number_hmac", support.decrypt_value)


IN_FORCE = models.Q(("status__in", ["expired", "cancelled", "revoked"]), _negated=True)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_certificates"),
        ("safetyportal", "0008_encrypt_id_numbers"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="certificate", name="unique_number_in_force_per_item"),
        migrations.AddField(
            model_name="certificate",
            name="number_hmac",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="number",
            field=models.TextField(help_text="“T”加持证人身份证号", verbose_name="证号"),
        ),
        migrations.RunPython(encrypt_certificates, decrypt_certificates, elidable=False),
        migrations.AlterField(
            model_name="certificate",
            name="number",
            field=safetyportal.fields.EncryptedIdNumberField(
                blind_index="number_hmac", help_text="“T”加持证人身份证号", max_length=19, verbose_name="证号"
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="number_hmac",
            field=safetyportal.fields.BlindIndexField(db_index=True, source="number", verbose_name="证号查找索引"),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=IN_FORCE, fields=("number_hmac", "operation_item"), name="unique_number_in_force_per_item"
            ),
        ),
    ]
