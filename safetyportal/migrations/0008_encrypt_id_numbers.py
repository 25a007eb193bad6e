"""Encrypt resident ID numbers at rest (SECURITY.md T23).

``Person.id_number`` becomes AES-GCM ciphertext (``safetyportal.crypto``) and uniqueness moves to the keyed HMAC in
``id_number_hmac``. Steps: add the HMAC column; turn the ID column into plain text without its unique index; encrypt
every row in batches; declare the final fields. Needs FIELD_ENCRYPTION_KEY and FIELD_HMAC_KEY (production refuses to
start without them). Reversible: going back decrypts every row (with the same keys) and restores the unique index.

Old plaintext may survive in the database files (SQLite free pages, PostgreSQL dead tuples and WAL) and in backups
taken before: see docs/security.md, "ID numbers at rest".
"""

from django.db import migrations, models

import safetyportal.fields
import safetyportal.validators
from safetyportal.migrations import _encrypt_support as support


def encrypt_people(apps, schema_editor):
    support.rewrite(apps, schema_editor, "safetyportal.Person", "id_number", "id_number_hmac", support.encrypt_value)


def decrypt_people(apps, schema_editor):
    support.rewrite(apps, schema_editor, "safetyportal.Person", "id_number", "id_number_hmac", support.decrypt_value)


class Migration(migrations.Migration):
    dependencies = [("safetyportal", "0007_throttle_counter")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="id_number_hmac",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=models.TextField(verbose_name="身份证号"),
        ),
        migrations.RunPython(encrypt_people, decrypt_people, elidable=False),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=safetyportal.fields.EncryptedIdNumberField(
                blind_index="id_number_hmac",
                max_length=18,
                validators=[safetyportal.validators.validate_id_number],
                verbose_name="身份证号",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number_hmac",
            field=safetyportal.fields.BlindIndexField(source="id_number", unique=True, verbose_name="身份证号查找索引"),
        ),
    ]
