"""Data steps shared by the migrations that turn the numbered models into issued records (campaigns 0004,
inspections 0002): write the register rows of the numbers already issued, and take them out again on the way back.

Functions of historical models only (``apps.get_model``): they must keep working whatever the models become."""

from __future__ import annotations

from typing import Any

ISSUED = "issued"
RESERVED = "reserved"
# The register row of a serial an old sequence had handed out but no record of the portal carries (numbers taken by
# hand, records that never reached the database): the register keeps no gap below a sequence's last serial.
HISTORIC_NOTE = "历史占用（迁移前已使用，未在本系统登记）"


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
    number already has one (a historic row written by an earlier model's step becomes this record's row), then the
    historic rows of the serials still missing below each sequence's last serial (``fill_gaps``). Called with the
    database's pending constraint checks fired at the end (PostgreSQL refuses an ALTER TABLE after the same
    transaction's rows while checks are deferred)."""
    model = apps.get_model(app_label, model_name)
    RegisterEntry = apps.get_model("safetyportal", "RegisterEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
    taken = set(RegisterEntry.objects.values_list("authority_id", "year", "serial"))
    historic = {
        (authority_id, year, serial): pk
        for pk, authority_id, year, serial in RegisterEntry.objects.filter(
            origin=RESERVED, note=HISTORIC_NOTE, source_id__isnull=True
        ).values_list("pk", "authority_id", "year", "serial")
    }
    rows = []
    for record in model._base_manager.filter(serial__isnull=False).select_related("document", *related).order_by("pk"):
        key = (record.authority_id, record.year, record.serial)
        if key in taken and key not in historic:
            continue
        when = record.issued_at or (record.document.created_at if record.document_id else None)
        values = {
            "number": record.number,
            "origin": ISSUED,
            "kind": kind,
            "title": str(title(record))[:255],
            "source_type": content_type,
            "source_id": record.pk,
            "created_by_id": record.issued_by_id,
            "note": "",
            **({"created_at": when} if when else {}),
        }
        if key in historic:
            RegisterEntry.objects.filter(pk=historic.pop(key)).update(**values)
            continue
        taken.add(key)
        rows.append(RegisterEntry(authority_id=record.authority_id, year=record.year, serial=record.serial, **values))
    RegisterEntry.objects.bulk_create(rows, batch_size=500)
    fill_gaps(apps)
    fire_deferred_checks(schema_editor)


def fill_gaps(apps: Any) -> int:
    """A historic row (``HISTORIC_NOTE``) for every serial from 1 to a sequence's ``last_serial`` that has no
    register row: the old sequences handed those numbers out. Returns how many rows were written."""
    RegisterEntry = apps.get_model("safetyportal", "RegisterEntry")
    Sequence = apps.get_model("safetyportal", "DocumentNumberSequence")
    rows: list[Any] = []
    for sequence in Sequence.objects.filter(last_serial__gt=0).select_related("authority").order_by("pk"):
        present = set(
            RegisterEntry.objects.filter(authority_id=sequence.authority_id, year=sequence.year).values_list(
                "serial", flat=True
            )
        )
        code = sequence.authority.code
        rows.extend(
            RegisterEntry(
                authority_id=sequence.authority_id,
                year=sequence.year,
                serial=serial,
                number=f"{code}〔{sequence.year}〕{serial}号",
                origin=RESERVED,
                note=HISTORIC_NOTE,
            )
            for serial in range(1, sequence.last_serial + 1)
            if serial not in present
        )
    RegisterEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


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
        # The old sequences still count these serials as used: they stay in the register as historic rows (no gap),
        # and become the records' rows again if the migration is applied again.
        RegisterEntry._base_manager.filter(source_type=content_type).update(
            origin=RESERVED, kind="", title="", source_type=None, source_id=None, created_by=None, note=HISTORIC_NOTE
        )


def backfill_issued_at(apps: Any, app_label: str, model_name: str) -> None:
    """The time of issue, for a model that did not record it: when its official document was requested."""
    model = apps.get_model(app_label, model_name)
    for record in model._base_manager.filter(issued_at__isnull=True, document__isnull=False).select_related("document"):
        model._base_manager.filter(pk=record.pk).update(issued_at=record.document.created_at)
