"""After a restore (deploy/restore.sh), prove that the files and the public verification still hold.

Run with the restored environment (DATABASE_URL and MEDIA_ROOT of the restored copy):
    .venv/bin/python deploy/restore_check.py [--sample N] [--json]

Checks (../shared/SECURITY.md T58):
- every migration of this code is applied (as ``manage.py migrate --check``: a backup older than the code needs
  ``migrate`` first, which is the upgrade, not the restore);
- every file a row refers to exists in its storage: file fields (generated PDFs, imported workbooks, seals) and the
  photo columns, which hold names under ``derived/`` (safetyportal/images.py);
- every finished PDF hashes to the SHA-256 stored on its row;
- every /verify/<token>/ page answers 200 and shows that SHA-256 (the page a citizen opens from the QR code).
``--sample N`` checks N random files and pages of each kind instead of all (a large installation's monthly drill).
Exits 1 and lists the problems if any check fails. Reads only: nothing is written to the database or the media.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyportal.settings")

PHOTO_PREFIX = "derived/"
PRIVATE_PREFIX = "private/"  # attachments (safetyportal/uploads.py), stored outside the served folders


@dataclass
class Report:
    unapplied: list[str] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    verify_pages: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "unapplied": self.unapplied,
            "files": self.files,
            "documents": self.documents,
            "verify_pages": self.verify_pages,
            "problems": self.problems,
        }


def _sample(items: list, size: int | None) -> list:
    return items if size is None or len(items) <= size else random.sample(items, size)


def referenced_files() -> list[tuple[str, str, object]]:
    """(where, name, storage) of every file a row refers to."""
    from django.apps import apps
    from django.core.files.storage import default_storage
    from django.db import models

    found: list[tuple[str, str, object]] = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        label = model._meta.label
        manager = model._base_manager
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                names = manager.exclude(**{model_field.name: ""}).exclude(**{f"{model_field.name}__isnull": True})
                storage = model_field.storage
            elif (
                isinstance(model_field, models.CharField)
                and (model_field.max_length or 0) >= 100
                and model_field.get_lookup("startswith") is not None  # not an encrypted column
            ):
                names = manager.filter(
                    models.Q(**{f"{model_field.name}__startswith": PHOTO_PREFIX})
                    | models.Q(**{f"{model_field.name}__startswith": PRIVATE_PREFIX})
                )
                storage = default_storage
            else:
                continue
            for pk, name in names.values_list("pk", model_field.name).iterator():
                found.append((f"{label}#{pk}.{model_field.name}", str(name), storage))
    return found


def unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def check(sample: int | None = None) -> Report:
    import logging

    import django

    django.setup()
    logging.getLogger("safetyportal.request").setLevel(logging.WARNING)  # one line per page below otherwise
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from safetyportal.documents.models import DocumentStatus, GeneratedDocument

    report = Report()
    report.unapplied = unapplied_migrations()
    if report.unapplied:
        report.problems.append(f"migrations not applied: {', '.join(report.unapplied)}")
    for where, name, storage in _sample(referenced_files(), sample):
        report.files += 1
        if not storage.exists(name):  # type: ignore[attr-defined]
            report.problems.append(f"missing file {name} ({where})")

    documents = list(
        GeneratedDocument._base_manager.filter(status=DocumentStatus.DONE)
        .exclude(file="")
        .values_list("pk", "file", "sha256", "verify_token", "is_preview")
    )
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*" else "localhost"
    client = Client(HTTP_HOST=host.lstrip("."))
    for pk, name, sha256, token, is_preview in _sample(documents, sample):
        report.documents += 1
        path = Path(settings.MEDIA_ROOT) / name
        if not path.is_file():
            report.problems.append(f"document {pk}: missing file {name}")
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha256:
            report.problems.append(f"document {pk}: {name} hashes to {digest}, the row says {sha256}")
        if token and not is_preview:
            report.verify_pages += 1
            response = client.get(reverse("verify", args=[token]), secure=True)
            if response.status_code != 200 or sha256 not in response.content.decode("utf-8", "replace"):
                report.problems.append(f"document {pk}: /verify/ page {response.status_code} without its SHA-256")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="check N random files and pages of each kind")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    options = parser.parse_args()
    report = check(options.sample)
    if options.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(
            f"restore_check: {report.files} files referenced, {report.documents} PDFs hashed, "
            f"{report.verify_pages} /verify/ pages: {'OK' if not report.problems else 'FAILED'}"
        )
        for problem in report.problems:
            print(f"  {problem}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
