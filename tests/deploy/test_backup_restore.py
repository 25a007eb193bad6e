"""deploy/backup.sh and deploy/restore.sh, run: a small demo-like installation on the local PostgreSQL (organisation,
people with encrypted ID numbers, returns and hazards with real photos, issued PDFs with verification tokens) is
backed up, encrypted, and restored into a fresh database and media folder; then every table has its rows, every
file a row refers to is there, and each /verify/ page still shows its PDF's SHA-256 (../shared/SECURITY.md T58)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from safetyportal.images import process_image, store_image
from tests.deploy.support import DEPLOY, ROOT
from tests.worker import test_database_url as database_url
from tests.worker import worker_env

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")),
        reason="backups are of PostgreSQL (run with DATABASE_URL=postgresql://…, as CI does)",
    ),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql", "age", "age-keygen")),
        reason="needs postgresql-client and age (scripts/setup.sh dev installs age)",
    ),
    pytest.mark.usefixtures("django_db_setup"),
]

PDF = b"%PDF-1.7\n% portal restore drill\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


# A small installation ---------------------------------------------------------------------------------------------


def seed(media_root: Path, settings) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Rows of most apps, photos through the real pipeline, issued PDFs in MEDIA_ROOT."""
    from tests.campaigns.factories import ActivityReturnFactory, ReturnPhotoFactory, jpeg_bytes
    from tests.core.documents_support import make_authority
    from tests.core.factories import EnterpriseFactory, OfficerProfileFactory, PersonFactory
    from tests.inspections.factories import ExposureCaseFactory, HazardFactory, HazardPhotoFactory
    from tests.publicity.factories import PublicityItemFactory
    from tests.training.factories import CertificateFactory

    settings.MEDIA_ROOT = str(media_root)
    OfficerProfileFactory.create_batch(2)
    EnterpriseFactory.create_batch(3)
    PersonFactory.create_batch(3)
    CertificateFactory.create_batch(2)
    ExposureCaseFactory.create_batch(2)
    PublicityItemFactory.create_batch(2)
    for activity_return in ActivityReturnFactory.create_batch(2):
        ReturnPhotoFactory.create_batch(2, activity_return=activity_return)
    hazard = HazardFactory()
    for _ in range(2):
        stored = store_image(process_image(io.BytesIO(jpeg_bytes((80, 60)))), "hazards/before")
        HazardPhotoFactory(hazard=hazard, image=stored.name, thumbnail=stored.thumbnail_name)
    authority = make_authority()  # its electronic seal: a private file under MEDIA_ROOT/seals/
    authority.seal.save("seal.png", ContentFile(jpeg_bytes((40, 40))), save=True)
    documents = 0
    for number in range(3):
        body = PDF + secrets.token_bytes(64)
        document = GeneratedDocument.objects.create(
            kind="notice",
            title=f"关于开展安全生产检查的通知（{number}）",
            status=DocumentStatus.DONE,
            sha256=hashlib.sha256(body).hexdigest(),
            size_bytes=len(body),
            number=f"晋安办〔2026〕{number + 1}号",
            verify_token=secrets.token_urlsafe(16),
            finished_at=timezone.now(),
            authority=authority,
        )
        document.file.save("notice.pdf", ContentFile(body), save=True)
        documents += 1
    return {"documents": documents}


# Helpers ----------------------------------------------------------------------------------------------------------


def admin_url(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, autocommit=True) as db:
        lines = db.execute((DEPLOY / "sql" / "row_counts.sql").read_text()).fetchall()
    return {table: int(count) for table, count in (line[0].split("\t") for line in lines)}


def files_of(folder: Path) -> dict[Path, bytes]:
    return {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def run(command: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def with_password(url: str, password: str) -> str:
    """The address with ``password`` (and a percent-encoded "/") as its user's password."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1) if "@" in rest else ("postgres", rest)
    return f"{scheme}://{user.split(':')[0]}:{password}%2Fx@{host}"


def pg_shims(folder: Path, log: Path) -> Path:
    """psql, pg_dump and pg_restore wrappers that append "tool<TAB>argv<TAB>PGPASSWORD" to ``log`` (one line a call),
    then run the tool."""
    folder.mkdir()
    for tool in ("psql", "pg_dump", "pg_restore"):
        shim = folder / tool
        shim.write_text(
            "#!/bin/sh\n"
            f"{{ printf '%s\\t' {tool}; printf ' %s' \"$@\" | tr '\\n\\t' '  ';"
            f" printf '\\t%s\\n' \"${{PGPASSWORD-}}\"; }} >>'{log}'\n"
            f'exec {shutil.which(tool)} "$@"\n'
        )
        shim.chmod(0o755)
    return folder


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A new, empty database next to the test database, dropped afterwards."""
    source = database_url()
    name = f"{connection.settings_dict['NAME']}_restored_{os.getpid()}"
    with psycopg.connect(admin_url(source, "postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url(source, name)
    finally:
        with psycopg.connect(admin_url(source, "postgres"), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    """The operator's age key pair, made for this run: (secret key file, public key file for the server)."""
    identity, recipients = tmp_path / "operator.key", tmp_path / "recipients.txt"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True, timeout=30)
    public = subprocess.run(["age-keygen", "-y", str(identity)], check=True, capture_output=True, text=True, timeout=30)
    recipients.write_text(public.stdout)
    return identity, recipients


# The drill --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # pg_dump, another process, must see the rows
def test_backup_restores_into_a_fresh_database_with_every_row_file_and_verify_page(
    tmp_path: Path, settings, scratch_database: str, keys: tuple[Path, Path]
) -> None:
    identity, recipients = keys
    media, backups, restored_media = tmp_path / "media", tmp_path / "backups", tmp_path / "restored" / "media"
    seeded = seed(media, settings)
    # The scripts get the address with a password (trust authentication here ignores it), and psql, pg_dump and
    # pg_restore are wrapped to record their command lines: the password must reach them only in their environment.
    password = f"drill-{secrets.token_hex(6)}"
    source, target = with_password(database_url(), password), with_password(scratch_database, password)
    shims = pg_shims(tmp_path / "shims", tmp_path / "pg-calls.log")
    env = worker_env(
        PATH=f"{shims}{os.pathsep}{os.environ['PATH']}",
        DATABASE_URL=source,
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(backups),
        BACKUP_RECIPIENTS=str(recipients),
        BACKUP_RETENTION_DAYS="7",
        PORTAL_ENV_FILE=str(tmp_path / "no-such.env"),
    )
    # Earlier backups: one past the retention period (deleted), one within it (kept).
    backups.mkdir()
    old, recent = backups / "portal-20200101T000000Z.tar.age", backups / "portal-20200102T000000Z.tar.age"
    for path, days in ((old, 8), (recent, 3)):
        path.write_bytes(b"old")
        os.utime(path, (time.time() - days * 86400, time.time() - days * 86400))

    started = time.monotonic()
    backup = run([str(DEPLOY / "backup.sh")], env)
    assert backup.returncode == 0, backup.stderr
    archive = Path(backup.stdout.strip().splitlines()[-1])
    backup_seconds = time.monotonic() - started
    assert archive.parent == backups and archive.is_file()
    assert archive.read_bytes().startswith(b"age-encryption.org/v1\n")  # encrypted, not a readable tar
    assert (archive.stat().st_mode & 0o077) == 0  # readable by its owner only
    assert not old.exists() and recent.exists()

    # Never over existing data: a database with a table is refused.
    restore_command = [str(DEPLOY / "restore.sh"), "--database-url", target, "--media-root"]
    with psycopg.connect(scratch_database, autocommit=True) as db:
        db.execute("CREATE TABLE precious (id int)")
    refused = run([*restore_command, str(restored_media), "--identity", str(identity), str(archive)], env)
    assert refused.returncode != 0 and "already has 1 tables" in refused.stderr
    with psycopg.connect(scratch_database, autocommit=True) as db:
        db.execute("DROP TABLE precious")

    # Without the operator's key nothing is restored.
    stranger = tmp_path / "stranger.key"
    subprocess.run(["age-keygen", "-o", str(stranger)], check=True, capture_output=True, timeout=30)
    refused = run([*restore_command, str(restored_media), "--identity", str(stranger), str(archive)], env)
    assert refused.returncode != 0 and "cannot decrypt" in refused.stderr
    assert row_counts(scratch_database) == {} and not restored_media.exists()

    started = time.monotonic()
    restore = run([*restore_command, str(restored_media), "--identity", str(identity), str(archive)], env)
    restore_seconds = time.monotonic() - started
    assert restore.returncode == 0, restore.stderr
    assert "rows per table equal the backup's" in restore.stderr
    assert "application check passed" in restore.stderr
    print(f"backup {backup_seconds:.1f} s, restore with checks {restore_seconds:.1f} s\n{restore.stderr}")

    # No tool saw the password on its command line (ps, /proc/*/cmdline); each had it, decoded, as PGPASSWORD.
    calls = (tmp_path / "pg-calls.log").read_text().splitlines()
    tools = {call.split("\t")[0] for call in calls}
    assert {"psql", "pg_dump", "pg_restore"} <= tools, calls
    assert not [call for call in calls if password.split("-")[1] in call.split("\t")[1]]
    assert all(call.split("\t")[2] == f"{password}/x" for call in calls)

    # Independently of the scripts: every table, every row count.
    before, after = row_counts(source), row_counts(scratch_database)
    assert after == before
    assert before["safetyportal_generateddocument"] == seeded["documents"]
    assert before["campaigns_returnphoto"] == 4 and before["inspections_hazardphoto"] == 2

    # Every media file with the same bytes.
    originals, copies = files_of(media), files_of(restored_media)
    assert copies == originals and len(originals) >= 4 * 2 + 2 * 2 + seeded["documents"] + 1
    assert any(path.parts[0] == "seals" for path in copies)

    # The application's check on the restored copy (run by restore.sh): files referenced, PDFs hashed, /verify/ pages.
    summary = re.search(
        r"restore_check: (\d+) files referenced, (\d+) PDFs hashed, (\d+) /verify/ pages: OK", restore.stdout
    )
    assert summary, restore.stdout
    files, documents, pages = map(int, summary.groups())
    assert documents == pages == seeded["documents"]
    assert files >= 4 * 2 + 2 * 2 + seeded["documents"] + 1  # photos and thumbnails, PDFs, the seal

    # The check is not vacuous: a changed PDF and a lost photo are reported.
    check_env = {**env, "DATABASE_URL": scratch_database, "MEDIA_ROOT": str(restored_media)}
    pdf = next(restored_media.rglob("*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"tampered")
    next(restored_media.glob("derived/hazards/before/*.jpg")).unlink()
    result = run([sys.executable, str(DEPLOY / "restore_check.py"), "--json"], check_env)
    assert result.returncode == 1
    problems = json.loads(result.stdout.strip().splitlines()[-1])["problems"]
    assert any("hashes to" in problem for problem in problems)
    assert any(problem.startswith("missing file derived/hazards/before/") for problem in problems)
