"""Sample files for the attachment tests: real PDF/DOCX/XLSX/JPEG/PNG bytes and the hostile ones (macros, zip bombs,
renamed executables), built in memory."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from PIL import Image

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def pdf_bytes(text: str = "hello") -> bytes:
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        f"% {text}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body.encode("latin-1")


def content_types(main: str, part: str = "/word/document.xml", extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{main}"/>{extra}</Types>'
    )


def zip_bytes(parts: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(*, main: str = DOCX_MAIN, extra_parts: dict[str, bytes | str] | None = None) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": content_types(main),
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'/>",
            **(extra_parts or {}),
        }
    )


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["签到表", "姓名"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_with_macro_part(name: str = "xl/vbaProject.bin") -> bytes:
    """A plain .xlsx (its content types say so) that carries a VBA project part all the same."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    parts: dict[str, bytes | str] = {item.filename: source.read(item.filename) for item in source.infolist()}
    parts[name] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    return zip_bytes(parts)


def zip_bomb_docx(uncompressed_mb: int = 400) -> bytes:
    """A .docx whose parts decompress to far more than the cap (zeros compress about 1000:1)."""
    chunk = b"\x00" * (1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types(DOCX_MAIN))
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as handle:
            for _ in range(uncompressed_mb):
                handle.write(chunk)
    return buffer.getvalue()


def many_parts_docx(count: int = 2_100) -> bytes:
    parts: dict[str, bytes | str] = {f"word/p{i}.xml": "<x/>" for i in range(count)}
    return docx_bytes(extra_parts=parts)


def jpeg_bytes(size: tuple[int, int] = (120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 200, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode." + b"\x00" * 200
