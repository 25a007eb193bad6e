"""Issuing a notice end to end: the admin form in chromium, a real Celery worker rendering the PDF, the download."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Notice, NoticeStatus
from safetyportal.documents.models import DocumentStatus, IssuingAuthority
from safetyportal.roles import ADMIN_GROUP
from tests.core.factories import JurisdictionFactory, StaffUserFactory
from tests.worker import celery_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker]

TITLE = "关于开展夏季安全生产大检查的通知"
BODY = "为切实做好夏季安全生产工作，现将有关事项通知如下。\n一、检查范围\n（一）工贸企业\n请各单位认真贯彻落实。"
RENDER_TIMEOUT_MS = 60_000


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True, timeout=30
    )
    return re.sub(r"\s+", "", result.stdout.decode("utf-8"))


@pytest.mark.django_db(transaction=True)
def test_staff_issues_a_notice_and_downloads_the_rendered_pdf(
    page, login, screenshot, office_roles, settings, tmp_path
):
    media_root = tmp_path / "media"
    settings.MEDIA_ROOT = media_root  # the live server's downloads and the worker's renders share this folder
    user = StaffUserFactory(groups=[Group.objects.get(name=ADMIN_GROUP)])
    authority = IssuingAuthority.objects.create(
        name="晋江市安全生产委员会办公室", header="晋江市安全生产委员会办公室文件", code="晋安办"
    )
    number = f"晋安办〔{timezone.localdate().year}〕1号"
    township = JurisdictionFactory(name="灵源街道")

    with celery_worker(MEDIA_ROOT=str(media_root)):  # boots while the browser works
        login(user.username, path="/admin/login/?next=/admin/")
        expect(page).to_have_url(re.compile(r"/admin/$"))

        page.goto("/admin/campaigns/notice/add/")
        expect(page.locator("#content h1")).to_have_text("增加通知")
        page.locator("#id_authority").select_option(str(authority.pk))
        page.locator("#id_title").fill(TITLE)
        page.locator("#id_recipients_text").fill("各街道办事处、镇人民政府")
        page.locator("#id_body").fill(BODY)
        # An addressed unit (receipts go to units); chosen as the autocomplete widget would, by its option.
        page.evaluate(
            "pk => document.querySelector('#id_recipient_jurisdictions')"
            ".append(new Option('灵源街道', pk, true, true))",
            str(township.pk),
        )
        with page.expect_navigation():
            page.get_by_role("button", name="保存并继续编辑").click()

        notice = Notice.objects.get()
        expect(page).to_have_url(re.compile(rf"/admin/campaigns/notice/{notice.pk}/change/$"))
        expect(page.locator(".messagelist")).to_contain_text("成功添加了 通知")

        with page.expect_navigation():
            page.get_by_role("button", name="印发（分配发文字号并锁定）").click()

        # The confirmation page: the number to be taken, the addressees, then the button that issues.
        expect(page).to_have_url(re.compile(rf"/admin/campaigns/notice/{notice.pk}/issue/$"))
        expect(page.locator("#expected-number")).to_have_text(number)
        expect(page.locator("#addressees")).to_have_text("各街道办事处、镇人民政府")
        expect(page.locator("#preview-pages")).to_contain_text("尚未生成预览稿")
        with page.expect_navigation():
            page.get_by_role("button", name=f"确认印发，使用{number}").click()

        expect(page.locator(".messagelist")).to_contain_text(f"通知已印发，发文字号：{number}。正式文件生成中。")
        expect(page.get_by_role("button", name="创建更正通知")).to_be_visible()
        expect(page.get_by_role("button", name="印发（分配发文字号并锁定）")).to_have_count(0)
        status = page.locator(".doc-list li", has_text=number).locator(".doc-status")
        expect(status).to_have_count(1)

        # document-status.js polls the status endpoint until the worker has finished.
        expect(status.locator(".doc-label")).to_have_text("已完成", timeout=RENDER_TIMEOUT_MS)
        expect(status.locator("progress")).to_have_js_property("value", 100)
        expect(status).to_have_attribute("data-finished", "1")
        expect(status.locator(".doc-error")).to_have_text("")
        download_link = status.get_by_role("link", name="下载PDF")
        expect(download_link).to_be_visible()

        with page.expect_download() as download_info:
            download_link.click()
        download = download_info.value
        data = download.path().read_bytes()
        path = screenshot("notice-issued")

    assert download.suggested_filename == f"{number}.pdf"
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert re.sub(r"\s+", "", TITLE) in text
    assert number in text

    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED and notice.number == number
    assert notice.document.status == DocumentStatus.DONE and notice.document.size_bytes == len(data)
    assert path.exists()
