"""/verify/<token>/ in chromium on a 390×844 phone: the reader chooses the PDF they hold and the page says whether it
is the issued original, the SHA-256 computed in the browser (nothing sent); without JavaScript the form sends the
file and the server answers the same. The page never scrolls sideways."""

from __future__ import annotations

import hashlib
import secrets

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from safetyportal.documents.models import DocumentStatus, GeneratedDocument, IssuingAuthority
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MATCH = "与印发的原件一致"
MISMATCH = "与原件不一致：该文件不是本系统印发的原件，或已被修改"


def issued_document(data: bytes) -> GeneratedDocument:
    authority = IssuingAuthority.objects.create(
        code="晋安办", name="晋江市安全生产委员会办公室", header="晋江市安全生产委员会办公室文件"
    )
    document = GeneratedDocument.objects.create(
        kind="notice",
        title="关于开展2024年全市“安全生产月”活动暨“安全生产万里行”宣传咨询日活动的通知",
        number="晋安办〔2024〕63号",
        authority=authority,
        status=DocumentStatus.DONE,
        verify_token=secrets.token_urlsafe(18),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        page_count=4,
    )
    document.file.save("document.pdf", ContentFile(data))
    return document


def pdf_file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": data}


def fits(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_browser_hashes_the_chosen_pdf_and_sends_nothing(page, media, screenshot):
    data = b"%PDF-1.7\n" + secrets.token_bytes(300_000)
    document = issued_document(data)
    page.set_viewport_size(PHONE)
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method != "GET" else None)
    page.goto(f"/verify/{document.verify_token}/")
    expect(page.locator("main h1")).to_contain_text("晋江市安全生产委员会办公室")
    assert fits(page)

    result = page.locator("#compare-result")
    page.locator("#id_file").set_input_files(pdf_file("晋安办〔2024〕63号.pdf", data))
    expect(result.locator(".verdict")).to_have_text(MATCH)
    expect(result).to_have_class("compare-result is-original")
    assert page.locator("#compare-form").get_attribute("data-computed-sha256") == document.sha256
    assert fits(page)
    screenshot("verify-compare-match-390")

    changed = bytearray(data)
    changed[1000] ^= 0x01  # one bit, same length: the hash decides
    page.locator("#id_file").set_input_files(pdf_file("改过的.pdf", bytes(changed)))
    expect(result.locator(".verdict")).to_have_text(MISMATCH)
    assert page.locator("#compare-form").get_attribute("data-computed-sha256") != document.sha256
    page.get_by_role("button", name="核对").click()  # submitting hashes again instead of sending the file
    expect(result.locator(".verdict")).to_have_text(MISMATCH)

    page.locator("#id_file").set_input_files({"name": "a.docx", "mimeType": "application/pdf", "buffer": b"PK\x03\x04"})
    expect(result.locator(".verdict")).to_contain_text("所选文件不是PDF文件")
    page.locator("#id_file").set_input_files(pdf_file("empty.pdf", b""))
    expect(result.locator(".verdict")).to_contain_text("所选文件为空")
    assert fits(page)
    assert posts == [], "the file never leaves the browser"


def test_without_javascript_the_server_compares_the_file(browser, live_server, media):
    data = b"%PDF-1.7\n" + secrets.token_bytes(50_000)
    document = issued_document(data)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"/verify/{document.verify_token}/")
        page.locator("#id_file").set_input_files(pdf_file("通知.pdf", data))
        with page.expect_navigation():
            page.get_by_role("button", name="核对").click()
        expect(page.locator("#compare-result .verdict")).to_have_text(MATCH)
        assert fits(page)
        page.locator("#id_file").set_input_files(pdf_file("通知.pdf", data[:-1]))
        with page.expect_navigation():
            page.get_by_role("button", name="核对").click()
        expect(page.locator("#compare-result .verdict")).to_have_text(MISMATCH)
        assert fits(page)
    finally:
        context.close()
