"""/verify/<token>/: the reader chooses the PDF they hold and the page says in words whether it is the issued
original. These tests cover the server fallback (a form POST, no JavaScript); tests/browser/test_verify_compare.py
covers the hash computed in the browser."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client
from django.urls import reverse

from safetyportal.documents.models import DocumentStatus, GeneratedDocument

pytestmark = pytest.mark.django_db

MATCH = "与印发的原件一致"
MISMATCH = "与原件不一致：该文件不是本系统印发的原件，或已被修改"


def pdf_bytes(size: int = 40_000) -> bytes:
    """Bytes that start as a PDF does; the comparison is of bytes, so they need not be a whole PDF."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + secrets.token_bytes(size)


def issued_document(data: bytes, **fields: object) -> GeneratedDocument:
    document = GeneratedDocument(
        kind="notice",
        title="关于开展2024年全市“安全生产月”活动的通知",
        number="晋安办〔2024〕63号",
        status=DocumentStatus.DONE,
        verify_token=secrets.token_urlsafe(18),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        page_count=3,
        **fields,
    )
    document.save()  # created_at names the file's folder
    document.file.save("document.pdf", ContentFile(data))
    return document


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """Rate-limit counters live in the cache (Redis when REDIS_URL is set), which outlives a test's database: each
    test starts from zero, as in tests/training/conftest.py."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def isolated_media(settings, tmp_path: Path) -> Path:
    """Media in a directory of the test's own, and every upload spooled to a temporary file we can watch."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # larger uploads go to FILE_UPLOAD_TEMP_DIR
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    return tmp_path


def post_file(
    client: Client, document: GeneratedDocument, data: bytes | None, name: str = "通知.pdf", ip: str = "198.51.100.7"
):
    payload = {} if data is None else {"file": SimpleUploadedFile(name, data, content_type="application/pdf")}
    return client.post(reverse("verify", args=[document.verify_token]), payload, REMOTE_ADDR=ip)


def verdict(response) -> str:
    html = response.content.decode()
    tag = html.index('id="compare-result"')
    start = html.index(">", tag) + 1  # after the opening tag (its data- attributes hold every message)
    classes = re.search(r'class="([^"]*)"', html[tag:start]).group(1)
    return f"[{classes}] " + html[start : html.index("</div>", start)]


def test_the_page_offers_to_compare_a_pdf_without_uploading_it(client, isolated_media):
    document = issued_document(pdf_bytes())
    html = client.get(reverse("verify", args=[document.verify_token])).content.decode()
    assert 'type="file" name="file" id="id_file" accept=".pdf,application/pdf"' in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert f'data-sha256="{document.sha256}"' in html and "documents/verify.js" in html
    assert f'data-match="{MATCH}"' in html and f'data-mismatch="{MISMATCH}"' in html
    assert "不会上传" in html


def test_the_issued_file_is_the_original(client, isolated_media):
    data = pdf_bytes()
    document = issued_document(data)
    response = post_file(client, document, data)
    assert response.status_code == 200
    assert MATCH in verdict(response) and "is-original" in verdict(response)
    assert "“通知.pdf”" in verdict(response)


def test_a_modified_file_is_not_the_original(client, isolated_media):
    data = pdf_bytes()
    document = issued_document(data)
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01  # one bit, same length
    response = post_file(client, document, bytes(changed))
    assert MISMATCH in verdict(response) and MATCH not in verdict(response)
    assert MISMATCH in verdict(post_file(client, document, data + b"\n"))  # one byte appended
    assert MISMATCH in verdict(post_file(client, document, data[:-1]))  # one byte cut


def test_an_empty_file_no_file_and_a_file_that_is_not_a_pdf(client, isolated_media):
    document = issued_document(pdf_bytes())
    assert "所选文件为空" in verdict(post_file(client, document, b""))
    assert "请选择您持有的PDF文件后再核对" in verdict(post_file(client, document, None))
    not_pdf = verdict(post_file(client, document, b"PK\x03\x04" + secrets.token_bytes(2000), name="通知.docx"))
    assert "所选文件不是PDF文件" in not_pdf and MATCH not in not_pdf
    for response in (post_file(client, document, b""), post_file(client, document, b"<html>")):
        assert response.status_code == 200 and MATCH not in verdict(response)


def test_a_file_over_the_cap_is_refused_with_a_clear_message_and_not_read(
    client, isolated_media, settings, monkeypatch
):
    data = pdf_bytes(3000)
    document = issued_document(data)
    settings.DOCUMENT_COMPARE_MAX_BYTES = 8 * 1024 * 1024
    big = pdf_bytes(8 * 1024 * 1024)
    read: list[int] = []
    real_chunks = TemporaryUploadedFile.chunks
    monkeypatch.setattr(TemporaryUploadedFile, "chunks", lambda self, *a: read.append(1) or real_chunks(self, *a))
    response = post_file(client, document, big)
    assert response.status_code == 200
    assert "所选文件超过8MB，超出在线核对的上限，未予核对" in verdict(response)
    assert "不是本系统印发的原件" in verdict(response)
    assert read == []  # refused on its size, not read
    # The cap never refuses the original itself, however large it is.
    settings.DOCUMENT_COMPARE_MAX_BYTES = 1000
    assert MATCH in verdict(post_file(client, document, data)) and read == [1]


def test_no_file_is_written_to_storage_and_no_upload_survives_the_request(client, isolated_media):
    data = pdf_bytes(200_000)  # above FILE_UPLOAD_MAX_MEMORY_SIZE: spooled to a temporary file while read
    document = issued_document(data)
    media = isolated_media / "media"
    before = files_under(media)
    rows = GeneratedDocument.objects.count()
    for body in (data, data[:-1], b"", b"not a pdf"):
        post_file(client, document, body)
    assert files_under(media) == before == [document.file.name]
    assert files_under(isolated_media / "upload-tmp") == []
    assert GeneratedDocument.objects.count() == rows
    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(data).hexdigest()


def test_unknown_tokens_are_the_usual_404_for_get_and_post(client, isolated_media):
    document = issued_document(pdf_bytes())
    not_found = client.get(reverse("verify", args=["nonexistent-token"]))
    assert not_found.status_code == 404 and "未找到该文件" in not_found.content.decode()
    for token in ("nonexistent-token", document.verify_token[:-1], "x" * 200):
        response = client.get(reverse("verify", args=[token]))
        assert response.status_code == 404 and response.content == not_found.content
        posted = client.post(reverse("verify", args=[token]), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7")})
        assert posted.status_code == 404 and posted.content == not_found.content
    assert client.put(reverse("verify", args=[document.verify_token])).status_code == 405


def test_the_form_is_csrf_protected(isolated_media):
    data = pdf_bytes()
    document = issued_document(data)
    client = Client(enforce_csrf_checks=True)
    url = reverse("verify", args=[document.verify_token])
    refused = client.post(url, {"file": SimpleUploadedFile("a.pdf", data)})
    assert refused.status_code == 403
    token = client.get(url).context["csrf_token"]
    accepted = client.post(url, {"file": SimpleUploadedFile("a.pdf", data), "csrfmiddlewaretoken": str(token)})
    assert accepted.status_code == 200 and MATCH in verdict(accepted)


def test_comparisons_are_limited_per_client(client, isolated_media):
    data = pdf_bytes(1000)
    document = issued_document(data)
    for _ in range(30):  # reading the page is not counted
        assert client.get(reverse("verify", args=[document.verify_token]), REMOTE_ADDR="203.0.113.5").status_code == 200
    statuses = [post_file(client, document, data, ip="203.0.113.5").status_code for _ in range(12)]
    assert statuses == [200] * 10 + [429, 429]
    assert post_file(client, document, data, ip="203.0.113.6").status_code == 200


@pytest.mark.parametrize("size", [1_000, 3_000_000])
def test_queries_do_not_depend_on_the_file(client, isolated_media, django_assert_max_num_queries, size):
    data = pdf_bytes(size)
    document = issued_document(data)
    with django_assert_max_num_queries(1):
        client.get(reverse("verify", args=[document.verify_token]))
    # The rate limit's counter (one statement, and at most once a minute the purge of old windows) and the lookup.
    with django_assert_max_num_queries(3):
        assert MATCH in verdict(post_file(client, document, data))
    with django_assert_max_num_queries(3):
        assert MISMATCH in verdict(post_file(client, document, data[:-1]))


def test_limit_and_size_cap_answer_before_the_body_is_read_even_before_the_csrf_check(isolated_media, settings):
    document = issued_document(pdf_bytes(3000))
    settings.DOCUMENT_COMPARE_MAX_BYTES = 8 * 1024 * 1024
    client = Client(enforce_csrf_checks=True)  # no CSRF token sent: the CSRF check would parse the body, then 403
    url = reverse("verify", args=[document.verify_token])
    # The body declares 9 MB but carries a few bytes: reading it would fail (the test client refuses to read beyond).
    declared = {"CONTENT_LENGTH": str(9 * 1024 * 1024), "REMOTE_ADDR": "203.0.113.9"}
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7")}, **declared)
    assert response.status_code == 200
    assert "所选文件超过8MB，超出在线核对的上限，未予核对" in verdict(response)
    statuses = [
        client.post(url, {"file": SimpleUploadedFile("a.pdf", b"x")}, **declared).status_code for _ in range(10)
    ]
    assert statuses == [200] * 9 + [429]  # the limit counts these too, still without reading a body
    # Within the cap the CSRF check applies as before.
    assert client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7")}).status_code == 403
