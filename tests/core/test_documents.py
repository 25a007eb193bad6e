"""The documents engine: numbering, rendering, safety, verification."""

from __future__ import annotations

import hashlib
import http.server
import re
import socketserver
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.urls import reverse

from safetyportal.documents import services
from safetyportal.documents.models import DocumentNumberSequence, DocumentStatus, GeneratedDocument
from safetyportal.documents.numbering import allocate_number, format_number
from safetyportal.documents.registry import RenderSpec, register_builder
from safetyportal.documents.rendering import harfbuzz_subsetting, render_html_to_pdf
from tests.core.documents_support import make_authority, make_notice, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_broker(monkeypatch):
    """Record publishes instead of talking to a broker."""
    published: list[int] = []
    monkeypatch.setattr(services, "enqueue", lambda pk: published.append(pk) or True)
    return published


def issue_and_render(staff, **notice_fields):
    notice = make_notice(**notice_fields)
    notice = services.issue(notice, by=staff)
    return notice, services.render(document_id=notice.document_id)


def test_harfbuzz_subsets_fonts():
    assert harfbuzz_subsetting(), "install libharfbuzz-subset0 (scripts/setup.sh does)"


def test_issued_notice_has_embedded_cjk_fonts_and_extractable_chinese(admin_user_office, no_broker):
    notice, document = issue_and_render(admin_user_office)
    assert document.status == DocumentStatus.DONE, document.error
    fonts = pdf_fonts(document.file.path)
    assert "Noto-Serif-CJK-SC" in fonts
    font_lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert all(" yes yes yes " in line for line in font_lines), fonts  # embedded, subset, with ToUnicode
    # serif regular and bold, 黑体 (first-level headings), 楷体 (second-level): GB/T 9704
    assert len(font_lines) <= 4
    text = pdf_text(document.file.path)
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", notice.title) in flat
    assert notice.number in flat
    assert "—1—" in flat  # GB/T 9704 page numbers
    assert document.page_count >= 1
    assert document.file.read(5) == b"%PDF-"


def test_number_format():
    assert format_number("晋安办", 2024, 63) == "晋安办〔2024〕63号"


def test_numbers_run_per_authority_and_year(admin_user_office, no_broker):
    first = services.issue(make_notice(), by=admin_user_office)
    second = services.issue(make_notice(), by=admin_user_office)
    other = services.issue(make_notice(authority=make_authority("晋应急")), by=admin_user_office)
    assert (first.serial, second.serial, other.serial) == (1, 2, 1)
    assert second.number.endswith("〕2号")


def test_a_failed_issue_does_not_consume_a_number(admin_user_office, no_broker):
    authority = make_authority()
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_number(authority=authority, year=2024)
        raise RuntimeError("issue failed after allocation")
    with transaction.atomic():
        serial, _number = allocate_number(authority=authority, year=2024)
    assert serial == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_has_no_duplicate_and_no_gap():
    """Eight threads, each with its own connection, allocate 10 numbers each (PostgreSQL in CI)."""
    authority = make_authority()

    def allocate_ten(_worker: int) -> list[int]:
        serials = []
        try:
            for _ in range(10):
                with transaction.atomic():
                    serials.append(allocate_number(authority=authority, year=2024)[0])
        finally:
            connection.close()
        return serials

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [serial for batch in pool.map(allocate_ten, range(8)) for serial in batch]
    assert sorted(results) == list(range(1, 81))
    assert DocumentNumberSequence.objects.get(authority=authority, year=2024).last_serial == 80


def test_preview_is_unnumbered_watermarked_and_not_verifiable(admin_user_office, no_broker):
    notice = make_notice()
    preview = services.preview(notice, by=admin_user_office)
    document = services.render(document_id=preview.pk)
    assert document.status == DocumentStatus.DONE, document.error
    assert preview.verify_token is None and preview.number == ""
    flat = re.sub(r"\s+", "", pdf_text(document.file.path))
    assert "预览稿" in flat or "稿览预" in flat  # the rotated watermark may extract in either order


def test_verify_page_shows_the_pdfs_hash(client, admin_user_office, no_broker):
    notice, document = issue_and_render(admin_user_office)
    digest = hashlib.sha256(document.file.read()).hexdigest()
    assert digest == document.sha256
    page = client.get(reverse("verify", args=[document.verify_token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert digest in html and notice.number in html and notice.title in html
    assert "晋江市安全生产委员会办公室" in html
    # The PDF carries the address of that very page.
    assert document.verify_token in re.sub(r"\s+", "", pdf_text(document.file.path))


def test_unknown_or_unfinished_tokens_show_not_found(client, admin_user_office, no_broker):
    notice = services.issue(make_notice(), by=admin_user_office)
    queued = notice.document
    for token in ("nonexistent-token", queued.verify_token, "x" * 200):
        response = client.get(reverse("verify", args=[token]))
        assert response.status_code == 404
        assert "未找到该文件" in response.content.decode()


@register_builder("test_raw_html", "测试")
def _raw_html_builder(document: GeneratedDocument) -> RenderSpec:  # used by the failure test below
    return RenderSpec("documents/does-not-exist.html", {})


def test_template_error_fails_with_a_reason_not_a_crash(no_broker):
    document = services.request_document(kind="test_raw_html", title="坏模板")
    result = services.render(document_id=document.pk)
    assert result.status == DocumentStatus.FAILED
    assert "模板" in result.error


def test_unknown_kind_is_refused_at_request_time():
    with pytest.raises(LookupError):
        services.request_document(kind="no-such-kind", title="x")


def test_documents_cannot_be_deleted(admin_user_office, no_broker):
    from django.db.models.deletion import ProtectedError

    notice, document = issue_and_render(admin_user_office)
    with pytest.raises(ProtectedError):
        document.delete()
    with pytest.raises(ProtectedError):
        GeneratedDocument.objects.all().delete()
    with pytest.raises(ProtectedError):
        notice.delete()


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener():
    _CountingHandler.hits = 0
    server = socketserver.TCPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_no_resource_outside_the_project_is_fetched(listener, tmp_path):
    port = listener.server_address[1]
    local = f"http://127.0.0.1:{port}"
    html = f"""<!DOCTYPE html><html lang="zh-CN"><head>
    <link rel="stylesheet" href="{local}/style.css">
    <link rel="attachment" href="file:///etc/passwd" title="passwd">
    <link rel="attachment" href="{local}/attach">
    <style>@import url({local}/import.css); body {{ background: url(file:///dev/urandom); }}
    @font-face {{ font-family: x; src: url({local}/font.woff2); }}</style></head>
    <body><p>正文</p>
    <img src="file:///etc/passwd"><img src="{local}/img.png"><img src="http://169.254.169.254/latest/meta-data/">
    <img src="file:///usr/share/pixmaps/debian-logo.eps">
    <svg width="10" height="10"><image href="{local}/svg.png" width="10" height="10"/></svg>
    <iframe src="{local}/frame"></iframe><object data="{local}/obj"></object>
    </body></html>"""
    rendered = render_html_to_pdf(html)
    assert listener.RequestHandlerClass.hits == 0
    assert b"/EmbeddedFile" not in rendered.data
    assert b"root:x:0:0" not in rendered.data
    assert len(rendered.refused_urls) >= 5
    out = tmp_path / "x.pdf"
    out.write_bytes(rendered.data)
    assert "正文" in pdf_text(out)


def test_weasyprint_stylesheets_argument_cannot_fetch_either(listener):
    """WeasyPrint's own write_pdf(stylesheets=...) with our fetcher: no connection."""
    from weasyprint import CSS, HTML

    from safetyportal.documents.fetcher import SafeURLFetcher

    port = listener.server_address[1]
    fetcher = SafeURLFetcher()
    with pytest.raises(Exception):  # noqa: B017 - WeasyPrint wraps the refusal in its own error type
        CSS(url=f"http://127.0.0.1:{port}/x.css", url_fetcher=fetcher)
    HTML(string="<p>x</p>", url_fetcher=fetcher).write_pdf()
    assert listener.RequestHandlerClass.hits == 0


XSS = [
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    "</p><h1>伪造标题</h1>",
    "<style>body{display:none}</style>",
    "{{ settings.SECRET_KEY }}",
    "<a href='javascript:alert(1)'>点我</a>",
]


def test_user_text_is_escaped_into_literal_text(admin_user_office, no_broker):
    body = "\n".join(XSS)
    _notice, document = issue_and_render(admin_user_office, body=body, copy_to="<b>抄送</b>")
    assert document.status == DocumentStatus.DONE, document.error
    text = re.sub(r"\s+", "", pdf_text(document.file.path))
    for payload in XSS:
        assert re.sub(r"\s+", "", payload) in text
    assert "<b>抄送</b>" in text


def test_verify_token_reveals_only_its_own_document(client, admin_user_office, no_broker):
    """IDOR for the public verification route: a token shows its document and nothing else; a neighbouring or
    altered token is indistinguishable from a missing one."""
    _first, first_doc = issue_and_render(admin_user_office, title="第一份通知")
    _second, second_doc = issue_and_render(admin_user_office, title="第二份通知")
    page = client.get(reverse("verify", args=[first_doc.verify_token])).content.decode()
    assert "第一份通知" in page and "第二份通知" not in page and second_doc.sha256 not in page
    not_found = client.get(reverse("verify", args=["nonexistent-token"])).content
    for token in (first_doc.verify_token[:-1], first_doc.verify_token.upper(), str(first_doc.pk), str(first_doc.uuid)):
        response = client.get(reverse("verify", args=[token]))
        assert response.status_code == 404
        assert response.content == not_found
    assert len(first_doc.verify_token) >= 16  # 96 bits from secrets


@register_builder("test_missing_image", "测试")
def _missing_image_builder(document: GeneratedDocument) -> RenderSpec:
    return RenderSpec("documents/official.html", {"qr_svg": '<img src="file:///nonexistent/seal.png">'})


def test_missing_image_fails_the_document_with_a_reason(no_broker):
    authority = make_authority()
    document = services.request_document(kind="test_missing_image", title="缺图", authority=authority, number="x")
    result = services.render(document_id=document.pk)
    assert result.status == DocumentStatus.FAILED
    assert "资源" in result.error and "seal.png" in result.error
    assert not result.file
