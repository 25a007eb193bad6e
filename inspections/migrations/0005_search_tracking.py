"""Keyword search of the public exposure list (``q=``) served by an index on both databases.

- PostgreSQL: the pg_trgm extension (contrib) and two GIN trigram indexes on ``UPPER(col::text)``, the very expression
  Django's ``icontains`` lookup compares, so ``public_title__icontains`` / ``public_display_name__icontains`` with 3 or
  more characters use them (a bitmap OR of the two).
- SQLite (≥ 3.34 for the trigram tokenizer): an FTS5 table over the two public columns, external content on
  ``inspections_exposurecase``, kept in sync by triggers and filled once here (``rebuild``).

Only the masked public copies (``public_title``, ``public_display_name``) are indexed: the draft text and the internal
principal's name are never searchable. Each operation checks ``connection.vendor`` and is reversible."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE inspections_exposure_fts USING fts5(public_title, public_display_name, "
    "content='inspections_exposurecase', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER inspections_exposure_fts_ai AFTER INSERT ON inspections_exposurecase BEGIN "
    "INSERT INTO inspections_exposure_fts(rowid, public_title, public_display_name) "
    "VALUES (new.id, new.public_title, new.public_display_name); END",
    "CREATE TRIGGER inspections_exposure_fts_ad AFTER DELETE ON inspections_exposurecase BEGIN "
    "INSERT INTO inspections_exposure_fts(inspections_exposure_fts, rowid, public_title, public_display_name) "
    "VALUES ('delete', old.id, old.public_title, old.public_display_name); END",
    "CREATE TRIGGER inspections_exposure_fts_au AFTER UPDATE OF public_title, public_display_name ON inspections_exposurecase BEGIN "
    "INSERT INTO inspections_exposure_fts(inspections_exposure_fts, rowid, public_title, public_display_name) "
    "VALUES ('delete', old.id, old.public_title, old.public_display_name); "
    "INSERT INTO inspections_exposure_fts(rowid, public_title, public_display_name) "
    "VALUES (new.id, new.public_title, new.public_display_name); END",
    "INSERT INTO inspections_exposure_fts(inspections_exposure_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS inspections_exposure_fts_au",
    "DROP TRIGGER IF EXISTS inspections_exposure_fts_ad",
    "DROP TRIGGER IF EXISTS inspections_exposure_fts_ai",
    "DROP TABLE IF EXISTS inspections_exposure_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS exposure_title_trgm ON inspections_exposurecase USING gin ((UPPER(public_title::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS exposure_party_trgm ON inspections_exposurecase "
    "USING gin ((UPPER(public_display_name::text)) gin_trgm_ops)",
]
# The extension stays: other databases objects may use it, and dropping it needs more rights than creating it.
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS exposure_party_trgm", "DROP INDEX IF EXISTS exposure_title_trgm"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def operation(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_unit_scope"),
    ]

    operations: list = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        ),
    ]
