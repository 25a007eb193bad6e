"""Data steps shared by the migrations that turn the numbered models into issued records (campaigns 0004,
inspections 0002): write the register rows of the numbers already issued, and take them out again on the way back.

Functions of historical models only (``apps.get_model``): they must keep working whatever the models become."""

from __future__ import annotations

from typing import Any

ISSUED = "issued"


def register_issued(
    apps: Any,
    schema_editor: Any,
    app_label: str,
    model_name: str,
    kind: str,
    title: Any,
    related: tuple[str, ...] = (),
) -> None:
    """One register row per issued record of ``app_label.model_name`` (title from ``title(record)``), unless the
    number already has one. Called with the database's pending constraint checks fired at the end (PostgreSQL
    refuses an ALTER TABLE after the same transaction's rows while checks are deferred)."""
    model = apps.get_model(app_label, model_name)
    RegisterEntry = apps.get_model("safetyportal", "RegisterEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
    taken = set(RegisterEntry.objects.values_list("authority_id", "year", "serial"))
    rows = []
    for record in model._base_manager.filter(serial__isnull=False).select_related("document", *related).order_by("pk"):
        key = (record.authority_id, record.year, record.serial)
        if key in taken:
            continue
        taken.add(key)
        when = record.issued_at or (record.document.created_at if record.document_id else None)
        rows.append(
            RegisterEntry(
                authority_id=record.authority_id,
                year=record.year,
                serial=record.serial,
                number=record.number,
                origin=ISSUED,
                kind=kind,
                title=str(title(record))[:255],
                source_type=content_type,
                source_id=record.pk,
                created_by_id=record.issued_by_id,
                **({"created_at": when} if when else {}),
            )
        )
    RegisterEntry.objects.bulk_create(rows, batch_size=500)
    fire_deferred_checks(schema_editor)


def fire_deferred_checks(schema_editor: Any) -> None:
    """Run the deferred foreign-key checks now: PostgreSQL refuses to ALTER a table that has pending trigger
    events, and the migration goes on altering tables after the data step."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.connection.check_constraints()


def unregister(apps: Any, schema_editor: Any, app_label: str, model_name: str) -> None:
    RegisterEntry = apps.get_model("safetyportal", "RegisterEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
    if content_type is not None:
        RegisterEntry._base_manager.filter(source_type=content_type).delete()


def backfill_issued_at(apps: Any, app_label: str, model_name: str) -> None:
    """The time of issue, for a model that did not record it: when its official document was requested."""
    model = apps.get_model(app_label, model_name)
    for record in model._base_manager.filter(issued_at__isnull=True, document__isnull=False).select_related("document"):
        model._base_manager.filter(pk=record.pk).update(issued_at=record.document.created_at)
