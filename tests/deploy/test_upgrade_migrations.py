"""Upgrading keeps the data: a database dumped at an earlier commit of main (tests/deploy/fixtures/, made as its
README.md says) is loaded into a fresh PostgreSQL database and migrated by the current code; every table of the old
schema still has all its rows (under its new name where a migration renamed it), sampled values are unchanged, ID
numbers encrypted by the old code still decrypt, and no migration is left unapplied."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests import worker
from tests.deploy.support import DEPLOY, ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OLD_MAIN = "main-f80e376"

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")),
        reason="the dump is PostgreSQL's (run with DATABASE_URL=postgresql://…, as CI does)",
    ),
    pytest.mark.skipif(shutil.which("psql") is None, reason="needs psql (postgresql-client)"),
]

# Tables a migration renamed since the dump was taken: old name -> new name (rows must follow).
RENAMED = {"inspections_recordhistory": "safetyportal_recordhistory"}
# Tables whose rows Django itself adds to as models are added (permissions, content types, applied migrations).
GROWING = {"auth_permission", "auth_group_permissions", "django_content_type", "django_migrations"}


def fixture_key(purpose: str) -> str:
    """The field keys the fixture was made with: derived from a public phrase, since its data are fictional."""
    phrase = f"tests/deploy/fixtures: fictional data, {purpose}".encode()
    return base64.b64encode(hashlib.sha256(phrase).digest()).decode()


MIGRATE_AND_READ = """
import hashlib, json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("migrate", check_unapplied=True, verbosity=0)  # exits 1 if anything is left
from safetyportal.models import Person
pks = json.loads(sys.argv[1])
print(json.dumps({pk: hashlib.sha256(Person.objects.get(pk=pk).id_number.encode()).hexdigest() for pk in pks}))
"""


@pytest.fixture
def old_database(tmp_path: Path, django_db_setup: None) -> Iterator[str]:
    """A fresh database holding the old dump, dropped afterwards."""
    source = worker.test_database_url()
    name = f"{connection.settings_dict['NAME']}_upgrade_{os.getpid()}"
    admin = source.rsplit("/", 1)[0] + "/postgres"
    url = source.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        load = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(FIXTURES / f"{OLD_MAIN}.sql")],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert load.returncode == 0, load.stderr[-3000:]
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(url: str, sql: str) -> list[list[object]]:
    with psycopg.connect(url, autocommit=True) as db:
        return [list(row) for row in db.execute(sql).fetchall()]  # type: ignore[arg-type]


def row_counts(url: str) -> dict[str, int]:
    lines = query(url, (DEPLOY / "sql" / "row_counts.sql").read_text())
    return {table: int(count) for table, count in (str(line[0]).split("\t") for line in lines)}


def test_the_dump_of_an_earlier_main_migrates_without_loss(old_database: str, tmp_path: Path) -> None:
    snapshot = json.loads((FIXTURES / f"{OLD_MAIN}.json").read_text())
    assert row_counts(old_database) == snapshot["tables"]  # the dump is what the snapshot describes

    env = worker.worker_env(
        DATABASE_URL=old_database,
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        FIELD_ENCRYPTION_KEY=fixture_key("encryption"),
        FIELD_HMAC_KEY=fixture_key("lookup"),
        LOG_LEVEL="WARNING",
    )
    pks = list(snapshot["id_number_sha256"])
    result = subprocess.run(
        [sys.executable, "-c", MIGRATE_AND_READ, json.dumps(pks)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == snapshot["id_number_sha256"]

    after = row_counts(old_database)
    lost = {}
    for table, count in snapshot["tables"].items():
        now = after.get(RENAMED.get(table, table))
        if now is None or (now < count if table in GROWING else now != count):
            lost[table] = (count, now)
    assert not lost, f"rows per table before and after migrating (old, new): {lost}"

    for sample in snapshot["values"]:
        rows = [[None if value is None else value for value in row] for row in query(old_database, sample["sql"])]
        assert json.loads(json.dumps(rows, default=str)) == sample["rows"], sample["sql"]
