"""Row rewriting shared by the migrations that encrypt ID numbers at rest (safetyportal 0008, training 0002).

Kept out of the migration graph by its leading underscore. The historical models see the columns as plain text, so
the values read and written here are the raw column contents."""

from __future__ import annotations

from collections.abc import Callable

BATCH = 1_000


def rewrite(apps, schema_editor, model_name: str, field: str, index: str, convert: Callable) -> None:
    """Rewrite ``field`` and ``index`` of every row, ``BATCH`` rows at a time:
    ``convert(value, context=...) -> (value, index)``, where the context binds the ciphertext to its column exactly
    as ``EncryptedIdNumberField.context`` does."""
    from safetyportal import crypto

    app_label, name = model_name.split(".")
    model = apps.get_model(app_label, name)
    context = crypto.column_context(model._meta.app_label, model._meta.model_name, field)
    manager = model._base_manager.using(schema_editor.connection.alias)
    last_pk = 0
    while True:
        rows = list(manager.filter(pk__gt=last_pk).order_by("pk").values_list("pk", field)[:BATCH])
        if not rows:
            break
        last_pk = rows[-1][0]
        objects = []
        for pk, value in rows:
            new_value, new_index = convert(value, context=context)
            objects.append(model(pk=pk, **{field: new_value, index: new_index}))
        manager.bulk_update(objects, [field, index])


def encrypt_value(value: str, *, context: str) -> tuple[str, str]:
    """Plaintext → (ciphertext for the column ``context``, HMAC); a value already encrypted (a re-run) keeps its
    ciphertext."""
    from safetyportal import crypto

    if not value:
        return value, ""
    if crypto.is_ciphertext(value):
        return value, crypto.blind_index(crypto.decrypt(value, context=context))
    return crypto.encrypt(value, context=context), crypto.blind_index(value)


def decrypt_value(value: str, *, context: str) -> tuple[str, None]:
    from safetyportal import crypto

    if not value or not crypto.is_ciphertext(value):
        return value, None
    try:
        return crypto.decrypt(value, context=context), None
    except crypto.DecryptionError:
        raise RuntimeError(
            "An ID number cannot be decrypted with the configured FIELD_ENCRYPTION_KEY; "
            "configure the key that encrypted it before migrating back."
        ) from None
