"""Is the PDF a reader holds the issued original? Its SHA-256 against the one recorded at rendering.

The verify page (/verify/<token>/) hashes the chosen file in the browser (static/documents/verify.js, SubtleCrypto,
nothing uploaded). Without JavaScript, or where the browser cannot hash, the form posts the file and
``compare_upload`` hashes it here: read in chunks, never saved to storage or the database, closed (a temporary file
Django spooled it to is deleted) as soon as it is hashed.

Django's multipart parser reads the body before the view runs (the CSRF check reads the form), with the project's
upload handlers: up to FILE_UPLOAD_MAX_MEMORY_SIZE in memory, above it a temporary file deleted when it is closed.
nginx caps the body at 25 MB (docs/deployment.md); the comparison stops at ``max_compare_bytes()``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from .models import GeneratedDocument

DEFAULT_MAX_COMPARE_BYTES = 20 * 1024 * 1024
PDF_SIGNATURE = b"%PDF-"


class Outcome(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    NO_FILE = "no_file"
    EMPTY = "empty"
    NOT_PDF = "not_pdf"
    TOO_LARGE = "too_large"


@dataclass(frozen=True)
class Comparison:
    outcome: Outcome
    file_name: str = ""
    size: int = 0

    @property
    def is_original(self) -> bool:
        return self.outcome == Outcome.MATCH


def max_compare_bytes(document: GeneratedDocument | None = None) -> int:
    """The largest file compared on the server: the setting (20 MB by default), and never less than the original."""
    limit = int(getattr(settings, "DOCUMENT_COMPARE_MAX_BYTES", DEFAULT_MAX_COMPARE_BYTES))
    return max(limit, (document.size_bytes or 0) if document is not None else 0)


def compare_upload(document: GeneratedDocument, upload: UploadedFile | None) -> Comparison:
    """Hash ``upload`` in chunks (up to the cap) and compare it with ``document``'s recorded SHA-256."""
    if upload is None:
        return Comparison(Outcome.NO_FILE)
    name = (upload.name or "")[:120]
    try:
        size = upload.size or 0
        if size > max_compare_bytes(document):
            return Comparison(Outcome.TOO_LARGE, name, size)
        if size == 0:
            return Comparison(Outcome.EMPTY, name, 0)
        digest = hashlib.sha256()
        head = b""
        read = 0
        for chunk in upload.chunks():
            if len(head) < len(PDF_SIGNATURE):
                head += chunk[: len(PDF_SIGNATURE) - len(head)]
            read += len(chunk)
            if read > max_compare_bytes(document):  # a size that lied: stop reading
                return Comparison(Outcome.TOO_LARGE, name, read)
            digest.update(chunk)
    finally:
        upload.close()  # a TemporaryUploadedFile deletes its file here
    if not head.startswith(PDF_SIGNATURE):
        return Comparison(Outcome.NOT_PDF, name, read)
    same = bool(document.sha256) and hmac.compare_digest(digest.hexdigest(), document.sha256.lower())
    return Comparison(Outcome.MATCH if same else Outcome.MISMATCH, name, read)
