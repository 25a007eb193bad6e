"""The one way an uploaded document (附件: 方案, 总结, 签到表, 扫描件) enters the portal and leaves it again.

``check_attachment(upload)`` accepts PDF, Word (.docx), Excel (.xlsx), JPEG and PNG only, decided by the file's content,
never by its name or the browser's content type:

- PDF: starts with ``%PDF-`` and carries an ``%%EOF`` marker near its end;
- DOCX/XLSX: a zip container (the part count and the uncompressed size capped before anything is read, as
  ``safetyportal.spreadsheets`` does for imports) whose ``[Content_Types].xml`` (parsed with defusedxml) declares the
  main part of a plain document or workbook, and that part exists. Macro documents are refused however they are
  named: macro-enabled content types (.docm/.xlsm/templates/add-ins) and any ``vbaProject.bin`` part;
- JPEG/PNG: through ``safetyportal.images.process_image`` (pixel caps, decompression bombs, truncated files) and
  re-encoded to a JPEG without EXIF/GPS, like every photo.

The name the user gave is kept only as a display name (path parts, control and reserved characters removed, its
extension made to match the content); an extension that contradicts the content is refused. ``store_private()``
writes the bytes under a random name below ``MEDIA_ROOT/private/`` (``/media/`` is never served; the PDF renderer reads
only ``derived/``), and ``attachment_response()`` serves them from a view that has already checked permission, as a
download (``Content-Disposition: attachment`` with an RFC 5987 ``filename*``) with ``nosniff``. Every refusal is a
``ValidationError`` with a Chinese message, raised before anything is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import posixpath
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from defusedxml import ElementTree as SafeElementTree  # type: ignore[import-untyped]
from defusedxml.common import DefusedXmlException  # type: ignore[import-untyped]
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A zip container (docx/xlsx): at most this many parts and this many bytes once uncompressed (the spreadsheet import's
# caps), and the one part read here ([Content_Types].xml) at most CONTENT_TYPES_MAX bytes. The caps are repeated here,
# not imported: safetyportal.spreadsheets imports django-import-export's admin, openpyxl and numpy, which a worker
# would then load at start-up through campaigns.models (tests/core/test_documents_startup.py checks both).
MAX_ZIP_ENTRIES = 2_000  # safetyportal.spreadsheets.MAX_XLSX_ENTRIES
MAX_ZIP_UNCOMPRESSED = 300 * 1024 * 1024  # safetyportal.spreadsheets.MAX_XLSX_UNCOMPRESSED
CONTENT_TYPES_MAX = 1024 * 1024
DISPLAY_NAME_MAX = 100
PRIVATE_PREFIX = "private/"

PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
JPEG = "jpeg"
KIND_EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", JPEG: ".jpg"}
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    JPEG: "image/jpeg",
}
# The extensions a user's file may carry, and the kind each promises (a PNG is stored re-encoded as a JPEG).
ACCEPTED_EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX, ".jpg": JPEG, ".jpeg": JPEG, ".png": JPEG}
ACCEPT_ATTRIBUTE = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"

# [Content_Types].xml: the main part's content type says what an OOXML package is.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (DOCX, "word/document.xml"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (XLSX, "xl/workbook.xml"),
}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MACRO_MARKERS = ("macroenabled", "vbaproject", "vba", "addin")
_RESERVED = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


@dataclass(frozen=True)
class CheckedAttachment:
    """An accepted upload: the bytes to store (re-encoded for images) and what to record about them."""

    data: bytes
    kind: str  # PDF, DOCX, XLSX, JPEG
    display_name: str
    content_type: str
    size: int
    sha256: str


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _accepted_kinds_text() -> str:
    return _("只接受PDF、Word（.docx）、Excel（.xlsx）、JPEG或PNG文件。")


def max_bytes() -> int:
    """The size cap (setting ATTACHMENT_MAX_BYTES, 20 MB by default), read at each upload."""
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _read(upload: IO[bytes] | Any) -> bytes:
    size = getattr(upload, "size", None)
    cap = max_bytes()
    too_large = _refuse(
        _("文件不能超过%(mb)sMB。") % {"mb": f"{cap / (1024 * 1024):g}"},
        "too_large",
    )
    if size is not None and size > cap:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(cap + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(data) > cap:
        raise too_large
    if not data:
        raise _refuse(_("上传的文件是空的。"), "empty")
    return data


def display_name(raw: str | None, *, extension: str = "") -> str:
    """The name shown and offered on download: the last path part only (``../../etc/passwd`` -> ``passwd``), NFC,
    without control or reserved characters or leading dots, at most DISPLAY_NAME_MAX characters, ending in
    ``extension``. Never used to build a path."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").split("/")[-1]
    name = _RESERVED.sub("", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    head, dot, suffix = name.rpartition(".")
    if extension and dot and f".{suffix.lower().strip()}" in ACCEPTED_EXTENSIONS:
        name = head
    name = name.strip().lstrip(".").strip() or _("附件")
    return name[: DISPLAY_NAME_MAX - len(extension)].rstrip() + extension


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise _refuse(_("PDF文件不完整或已损坏。"), "broken_pdf")


def _check_ooxml(data: bytes) -> str:
    """The kind (DOCX or XLSX) of a zip container, or a refusal."""
    broken = _refuse(_("文件不是有效的Word（.docx）或Excel（.xlsx）文件。") + _accepted_kinds_text(), "broken_zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise broken from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _refuse(_("文件包含的部件过多（超过%(n)s个），已拒绝。") % {"n": MAX_ZIP_ENTRIES}, "too_many_parts")
        if sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED:
            raise _refuse(_("文件解压后过大，已拒绝。"), "zip_bomb")
        names = {entry.filename.lower(): entry for entry in entries}
        macro = _refuse(
            _("不接受包含宏的文件，请另存为普通的.docx或.xlsx文件后再上传。"),
            "macro",
        )
        if any(marker in posixpath.basename(name) for name in names for marker in ("vbaproject", "vbadata")):
            raise macro
        entry = names.get("[content_types].xml")
        if entry is None or entry.file_size > CONTENT_TYPES_MAX:
            raise broken
        try:
            with archive.open(entry) as handle:
                text = handle.read(CONTENT_TYPES_MAX + 1)
            root = SafeElementTree.fromstring(text)
        except (zipfile.BadZipFile, DefusedXmlException, SafeElementTree.ParseError, OSError, ValueError):
            raise broken from None
        declared = [
            ((element.get("PartName") or "").lstrip("/").lower(), (element.get("ContentType") or "").lower())
            for element in root.iter()
            if element.tag in (f"{_CT_NS}Override", f"{_CT_NS}Default", "Override", "Default")
        ]
        if any(marker in content_type for _part, content_type in declared for marker in _MACRO_MARKERS):
            raise macro
        kinds = {
            _OOXML_MAIN[content_type]
            for part, content_type in declared
            if content_type in _OOXML_MAIN and part == _OOXML_MAIN[content_type][1]
        }
        if len(kinds) != 1:
            raise broken
        kind, main_part = kinds.pop()
        if main_part not in names:
            raise broken
        return kind


def _check_image(data: bytes) -> bytes:
    from .images import process_image

    try:
        return process_image(io.BytesIO(data)).data
    except ValidationError as error:
        raise _refuse(_("图片无法读取：") + " ".join(error.messages), "bad_image") from None


def check_attachment(upload: IO[bytes] | Any, *, name: str | None = None) -> CheckedAttachment:
    """Check one uploaded file (see the module's docstring); raises ValidationError with a Chinese message."""
    raw_name = name if name is not None else getattr(upload, "name", "")
    extension = posixpath.splitext(str(raw_name or "").replace("\\", "/").split("/")[-1])[1].lower().strip()
    promised = ACCEPTED_EXTENSIONS.get(extension)
    if promised is None:
        raise _refuse(_("不支持该类型的文件。") + _accepted_kinds_text(), "extension")
    data = _read(upload)
    if data.startswith(b"%PDF-"):
        kind = PDF
        _check_pdf(data)
    elif data.startswith(b"PK\x03\x04"):
        kind = _check_ooxml(data)
    elif data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        kind = JPEG
    else:
        raise _refuse(_("文件内容不是可接受的类型。") + _accepted_kinds_text(), "content")
    if kind != promised:
        raise _refuse(
            _("文件内容与扩展名“%(ext)s”不符，请检查后重新上传。") % {"ext": extension},
            "mismatch",
        )
    if kind == JPEG:
        data = _check_image(data)
    return CheckedAttachment(
        data=data,
        kind=kind,
        display_name=display_name(str(raw_name), extension=KIND_EXTENSIONS[kind]),
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def check_attachments(uploads: list[Any]) -> list[CheckedAttachment]:
    """Check several files; every refusal is reported with the file's position and (sanitised) name."""
    checked, errors = [], []
    for index, upload in enumerate(uploads, 1):
        try:
            checked.append(check_attachment(upload))
        except ValidationError as error:
            label = display_name(getattr(upload, "name", ""))
            errors.append(
                _("第%(n)s个文件“%(name)s”：%(error)s") % {"n": index, "name": label, "error": " ".join(error.messages)}
            )
    if errors:
        raise ValidationError(errors)
    return checked


def store_private(checked: CheckedAttachment, folder: str) -> str:
    """Save the checked bytes under a random name in MEDIA_ROOT/private/<folder>/; returns the storage name."""
    name = f"{PRIVATE_PREFIX}{folder}/{uuid.uuid4().hex}{KIND_EXTENSIONS[checked.kind]}"
    return default_storage.save(name, ContentFile(checked.data))


def delete_private(names: list[str]) -> None:
    for name in names:
        if name and name.startswith(PRIVATE_PREFIX):
            with contextlib.suppress(OSError):
                default_storage.delete(name)


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback ``filename`` and the real name as RFC 5987 ``filename*``."""
    extension = posixpath.splitext(name)[1]
    fallback = name if name.isascii() and re.fullmatch(r"[\w .()\-]+", name) else f"attachment{extension}"
    fallback = fallback if re.fullmatch(r"[\w .()\-]+", fallback) else "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_response(stored_name: str, *, display_name: str, content_type: str) -> FileResponse:
    """Serve a stored attachment from a view that has already checked permission: always a download."""
    if not stored_name or not stored_name.startswith(PRIVATE_PREFIX) or ".." in stored_name:
        raise Http404
    if content_type not in CONTENT_TYPES.values() or not default_storage.exists(stored_name):
        raise Http404
    response = FileResponse(default_storage.open(stored_name, "rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(display_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A download is never rendered by the portal's origin; should a browser render it, it runs nothing.
    response["Content-Security-Policy"] = (
        "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'; sandbox"
    )
    return response


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentField(forms.FileField):
    """A form field for one or several attachments; cleans to a list of CheckedAttachment (nothing stored yet)."""

    default_error_messages = {"too_many": gettext_lazy("一次最多上传%(max)s个附件。")}

    def __init__(self, *, max_files: int = 10, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedAttachment]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"max": self.max_files})
        return check_attachments(files)


class StoredAttachment(models.Model):
    """The file fields of an attachment model (campaigns.ReturnAttachment, campaigns.NoticeAttachment)."""

    display_name = models.CharField(gettext_lazy("文件名"), max_length=DISPLAY_NAME_MAX)
    stored_name = models.CharField(gettext_lazy("存储名"), max_length=200, unique=True, editable=False)
    size = models.PositiveIntegerField(gettext_lazy("大小（字节）"), editable=False)
    sha256 = models.CharField(gettext_lazy("SHA-256"), max_length=64, editable=False)
    content_type = models.CharField(gettext_lazy("文件类型"), max_length=100, editable=False)
    uploaded_at = models.DateTimeField(gettext_lazy("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def size_text(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"

    def set_file(self, checked: CheckedAttachment, stored_name: str) -> None:
        self.display_name = checked.display_name
        self.stored_name = stored_name
        self.size = checked.size
        self.sha256 = checked.sha256
        self.content_type = checked.content_type
