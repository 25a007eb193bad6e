"""safetyportal.uploads: what an attachment may be (PDF, DOCX, XLSX, JPEG/PNG by content), every refusal with its
Chinese message and nothing stored, the private storage and the download headers; and, through the portal, that an
attachment of another unit's return or of a notice not addressed to the unit is "not found"."""

from __future__ import annotations

import hashlib
import time
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse

from safetyportal import uploads
from safetyportal.uploads import (
    CONTENT_TYPES,
    attachment_response,
    check_attachment,
    check_attachments,
    content_disposition,
    display_name,
    store_private,
)
from tests.core.attachment_files import (
    DOCM_MAIN,
    DOCX_MAIN,
    XLSM_MAIN,
    content_types,
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    many_parts_docx,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
    xlsx_with_macro_part,
    zip_bomb_docx,
    zip_bytes,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(name: str, data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_attachment(upload(name, data))
    return caught.value


def stored(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


# --- Accepted kinds ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind", "shown"),
    [
        ("活动方案.pdf", pdf_bytes(), uploads.PDF, "活动方案.pdf"),
        ("总结.DOCX", docx_bytes(), uploads.DOCX, "总结.docx"),
        ("签到表.xlsx", xlsx_bytes(), uploads.XLSX, "签到表.xlsx"),
        ("扫描件.jpeg", jpeg_bytes(), uploads.JPEG, "扫描件.jpg"),
        ("扫描件.png", png_bytes(), uploads.JPEG, "扫描件.jpg"),  # re-encoded, without metadata
    ],
)
def test_accepted_kinds(name, data, kind, shown):
    checked = check_attachment(upload(name, data))
    assert checked.kind == kind
    assert checked.display_name == shown
    assert checked.content_type == CONTENT_TYPES[kind]
    assert checked.size == len(checked.data)
    assert checked.sha256 == hashlib.sha256(checked.data).hexdigest()
    if kind != uploads.JPEG:
        assert checked.data == data  # documents are stored as sent


def test_images_are_re_encoded_without_metadata():
    from tests.core.test_images import assert_clean, jpeg_with_metadata

    checked = check_attachment(upload("现场.jpg", jpeg_with_metadata()))
    assert_clean(checked.data)


# --- Refusals ---------------------------------------------------------------------------------------------------------


def test_wrong_magic_bytes_are_refused():
    error = refusal("方案.pdf", b"<html><script>alert(1)</script></html>")
    assert error.code == "content"
    assert "文件内容不是可接受的类型" in error.messages[0] and "只接受PDF" in error.messages[0]


def test_renamed_executable_is_refused():
    for name in ("方案.pdf", "总结.docx", "扫描件.jpg"):
        assert refusal(name, exe_bytes()).code == "content"


def test_executable_extension_is_refused_whatever_the_content():
    error = refusal("方案.exe", pdf_bytes())
    assert error.code == "extension" and "不支持该类型的文件" in error.messages[0]
    assert refusal("方案", pdf_bytes()).code == "extension"  # no extension at all
    assert refusal("方案.pdf.exe", pdf_bytes()).code == "extension"


def test_content_contradicting_the_extension_is_refused():
    error = refusal("总结.docx", pdf_bytes())
    assert error.code == "mismatch" and "文件内容与扩展名“.docx”不符" in error.messages[0]
    assert refusal("签到表.xlsx", docx_bytes()).code == "mismatch"
    assert refusal("方案.pdf", jpeg_bytes()).code == "mismatch"


def test_docm_is_refused_even_named_docx():
    error = refusal("方案.docx", docx_bytes(main=DOCM_MAIN))
    assert error.code == "macro" and "不接受包含宏的文件" in error.messages[0]


def test_xlsm_content_type_is_refused_named_xlsx():
    data = zip_bytes(
        {"[Content_Types].xml": content_types(XLSM_MAIN, "/xl/workbook.xml"), "xl/workbook.xml": "<workbook/>"}
    )
    assert refusal("签到表.xlsx", data).code == "macro"


@pytest.mark.parametrize("part", ["xl/vbaProject.bin", "xl/VBAPROJECT.BIN", "customXml/vbaProject.bin"])
def test_xlsx_with_a_vba_project_part_is_refused_even_renamed(part):
    data = xlsx_with_macro_part(part)
    assert refusal("签到表.xlsx", data).code == "macro"
    assert refusal("签到表.docx", data).code == "macro"  # renamed: still a macro, refused before the mismatch


def test_zip_bomb_is_refused_quickly_without_decompressing():
    data = zip_bomb_docx(400)
    assert len(data) < 2 * 1024 * 1024
    started = time.monotonic()
    error = refusal("总结.docx", data)
    assert time.monotonic() - started < 1
    assert error.code == "zip_bomb" and "文件解压后过大" in error.messages[0]


def test_too_many_parts_is_refused():
    error = refusal("总结.docx", many_parts_docx())
    assert error.code == "too_many_parts" and "部件过多" in error.messages[0]


def test_zip_without_content_types_or_main_part_is_refused():
    assert refusal("总结.docx", zip_bytes({"word/document.xml": "<x/>"})).code == "broken_zip"
    no_main = zip_bytes({"[Content_Types].xml": content_types(DOCX_MAIN)})
    assert refusal("总结.docx", no_main).code == "broken_zip"
    assert refusal("总结.docx", b"PK\x03\x04garbage").code == "broken_zip"


def test_content_types_with_an_entity_expansion_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&b;</Types>'
    )
    data = zip_bytes({"[Content_Types].xml": bomb, "word/document.xml": "<x/>"})
    assert refusal("总结.docx", data).code == "broken_zip"


def test_oversize_is_refused_with_the_setting(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    data = pdf_bytes("x" * (1024 * 1024 + 10))
    error = refusal("方案.pdf", data)
    assert error.code == "too_large" and "文件不能超过1MB" in error.messages[0]


def test_default_cap_is_20_mb(settings):
    if hasattr(settings, "ATTACHMENT_MAX_BYTES"):
        del settings.ATTACHMENT_MAX_BYTES
    assert uploads.max_bytes() == 20 * 1024 * 1024
    error = refusal("方案.pdf", pdf_bytes("x" * (20 * 1024 * 1024)))
    assert "文件不能超过20MB" in error.messages[0]


def test_empty_file_is_refused():
    error = refusal("方案.pdf", b"")
    assert error.code == "empty" and "上传的文件是空的" in error.messages[0]


def test_truncated_pdf_is_refused():
    assert refusal("方案.pdf", pdf_bytes().replace(b"%%EOF", b"")).code == "broken_pdf"


def test_broken_image_is_refused():
    error = refusal("扫描件.jpg", jpeg_bytes()[:200])
    assert error.code == "bad_image" and error.messages[0].startswith("图片无法读取")


def test_several_files_name_each_refusal():
    with pytest.raises(ValidationError) as caught:
        check_attachments([upload("a.pdf", pdf_bytes()), upload("../../b.pdf", b""), upload("c.exe", exe_bytes())])
    messages = caught.value.messages
    assert messages[0].startswith("第2个文件“b.pdf”：上传的文件是空的")
    assert messages[1].startswith("第3个文件“c.exe”：不支持该类型的文件")


# --- Display names --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\方案.pdf", "方案.pdf"),
        ("/var/www/.htaccess.pdf", "htaccess.pdf"),
        ('a<b>c:"d|e?*.pdf', "abcde.pdf"),
        ("报告\x00\x1f\u202e.pdf", "报告.pdf"),
        ("...", "附件.pdf"),
        (".pdf", "附件.pdf"),
        ("x" * 300 + ".pdf", "x" * 96 + ".pdf"),
        ("总结.PDF", "总结.pdf"),
    ],
)
def test_display_names_are_sanitised(raw, expected):
    assert display_name(raw, extension=".pdf") == expected


def test_path_traversal_name_is_stored_under_a_random_name(media_root):
    checked = check_attachment(upload("../../../../etc/cron.d/evil.pdf", pdf_bytes()))
    assert checked.display_name == "evil.pdf"
    name = store_private(checked, "returns")
    assert name.startswith("private/returns/") and name.endswith(".pdf")
    assert "evil" not in name and len(name.rsplit("/", 1)[1]) == 32 + 4
    files = stored(media_root)
    assert files == [media_root / name]
    assert files[0].resolve().is_relative_to((media_root / "private").resolve())


# --- Download ------------------------------------------------------------------------------------------------------


def test_download_headers(media_root):
    checked = check_attachment(upload("活动方案（终稿）.pdf", pdf_bytes()))
    name = store_private(checked, "returns")
    response = attachment_response(name, display_name=checked.display_name, content_type=checked.content_type)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="attachment.pdf"; ')
    assert f"filename*=UTF-8''{quote('活动方案（终稿）.pdf', safe='')}" in disposition
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == checked.data


def test_content_disposition_keeps_ascii_names_and_never_breaks_the_header():
    assert (
        content_disposition("plan-2024.pdf") == "attachment; filename=\"plan-2024.pdf\"; filename*=UTF-8''plan-2024.pdf"
    )
    header = content_disposition('a";\r\nX-Evil: 1.pdf')
    assert "\r" not in header and "\n" not in header and header.count('"') == 2


def test_response_refuses_names_outside_the_private_folder(media_root):
    default_storage.save("derived/returns/x.jpg", __import__("io").BytesIO(b"x"))
    for name in ("derived/returns/x.jpg", "private/../derived/returns/x.jpg", "", "private/returns/missing.pdf"):
        with pytest.raises(Http404):
            attachment_response(name, display_name="x.pdf", content_type="application/pdf")
    with pytest.raises(Http404):
        attachment_response("private/returns/x.pdf", display_name="x.html", content_type="text/html")


def test_private_folder_is_not_reachable_under_media(media_root, db):
    checked = check_attachment(upload("方案.pdf", pdf_bytes()))
    name = store_private(checked, "returns")
    response = Client().get(f"/media/{name}")
    assert response.status_code == 404


# --- Through the portal: another unit's attachment is "not found" -----------------------------------------------------


@pytest.mark.django_db
def test_another_units_return_attachment_is_404(officer_a, officer_b, unit_b):
    from tests.campaigns.factories import ActivityReturnFactory, ReturnAttachmentFactory

    attachment = ReturnAttachmentFactory(activity_return=ActivityReturnFactory(jurisdiction=unit_b))
    url = reverse("portal:return_attachment", args=[attachment.activity_return_id, attachment.pk])
    own, other = Client(), Client()
    own.force_login(officer_b)
    other.force_login(officer_a)
    assert own.get(url).status_code == 200
    assert other.get(url).status_code == 404
    wrong_return = reverse(
        "portal:return_attachment", args=[ActivityReturnFactory(jurisdiction=unit_b).pk, attachment.pk]
    )
    assert own.get(wrong_return).status_code == 404  # the attachment of another return, even of the same unit


@pytest.mark.django_db
def test_notice_attachment_only_for_addressees(officer_a, officer_b, unit_a, staff_user):
    from tests.campaigns.factories import NoticeAttachmentFactory

    attachment = NoticeAttachmentFactory(recipients=[unit_a], issued=True)
    url = reverse("portal:notice_attachment", args=[attachment.notice_id, attachment.pk])
    clients = {}
    for key, user in (("a", officer_a), ("b", officer_b), ("staff", staff_user)):
        clients[key] = Client()
        clients[key].force_login(user)
    response = clients["a"].get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "sandbox",
    ):
        assert directive in csp, csp
    assert clients["b"].get(url).status_code == 404
    assert clients["staff"].get(url).status_code == 200
    assert Client().get(url).status_code in (302, 404)
