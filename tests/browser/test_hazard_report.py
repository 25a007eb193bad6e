"""A citizen reports a hazard on a phone-sized screen and tracks it; staff publish a case that then appears on
/exposure/. Screenshots of both pages are left in var/browser-artifacts/ for review."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import expect

from inspections import services
from inspections.models import HazardPhoto, PublicReport
from safetyportal.roles import ADMIN_GROUP
from tests.core.factories import EnterpriseFactory, JurisdictionFactory, StaffUserFactory
from tests.inspections.factories import HazardFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def isolated(settings, tmp_path):
    """Own rate-limit counters and page cache (the live server shares this process's settings), own media."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"browser-{uuid.uuid4().hex}",
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def artifact(name: str) -> str:
    from django.conf import settings

    directory = Path(settings.VAR_DIR) / "browser-artifacts"
    directory.mkdir(parents=True, exist_ok=True)
    return str(directory / f"{name}.png")


def phone_photo(path, color: str) -> str:  # type: ignore[no-untyped-def]
    image = Image.new("RGB", (1200, 900), color)
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"
    exif.get_ifd(0x8825).update({1: "N", 2: (24.0, 48.0, 1.0), 3: "E", 4: (118.0, 34.0, 2.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.mark.django_db(transaction=True)
def test_a_citizen_reports_a_hazard_on_a_phone_and_tracks_it(browser, live_server, isolated, settings):
    JurisdictionFactory(name="灵源街道")
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US"
    )
    page = context.new_page()
    try:
        page.goto("/report/")
        expect(page.locator("main h1")).to_have_text("安全隐患随手拍")
        # The form fits the phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        identity = page.locator(".identity-fields")
        expect(identity).to_be_hidden()  # 匿名举报 is ticked by default
        page.locator("#id_anonymous").uncheck()
        expect(identity).to_be_visible()
        page.locator("#id_anonymous").check()
        expect(identity).to_be_hidden()
        page.screenshot(path=artifact("report-phone-empty"), full_page=True)

        page.locator("#id_category").select_option(label="电动自行车")
        page.locator("#id_jurisdiction").select_option(label="灵源街道")
        page.locator("#id_place").fill("灵源街道林口社区某小区5号楼楼道")
        page.locator("#id_description").fill("楼道里每天晚上都有电动车充电，电线从二楼窗户拉下来，已经堵住了楼梯。")
        page.locator("#id_photos").set_input_files(
            [phone_photo(isolated / "a.jpg", "red"), phone_photo(isolated / "b.jpg", "blue")]
        )
        page.screenshot(path=artifact("report-phone-filled"), full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="提交举报").click()

        expect(page.locator("main h1")).to_have_text("举报已提交")
        code = page.locator("#tracking-code").inner_text().strip()
        assert len(code) >= 22
        page.screenshot(path=artifact("report-phone-done"), full_page=True)

        report = PublicReport.objects.get()
        assert report.is_anonymous and HazardPhoto.objects.filter(hazard=report.hazard).count() == 2

        page.get_by_role("link", name="查询办理进度").click()
        page.locator("#id_code").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="查询").click()
        result = page.locator("#track-result")
        expect(result).to_contain_text(report.hazard.number)
        expect(result.locator(".timeline li")).to_have_count(1)
        expect(result).to_contain_text("已受理")
        assert code not in page.url
        page.screenshot(path=artifact("track-phone"), full_page=True)
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_staff_publish_a_case_and_it_appears_on_the_exposure_page(page, login, screenshot, office_roles, isolated):
    user = StaffUserFactory(groups=[Group.objects.get(name=ADMIN_GROUP)])
    unit = JurisdictionFactory(name="陈埭镇")
    enterprise = EnterpriseFactory(jurisdiction=unit, name="晋江市恒达鞋材有限公司", legal_representative="甄金丝")
    hazard = HazardFactory(
        jurisdiction=unit,
        enterprise=enterprise,
        category="industry",
        description="刷胶车间通风不良，电气线路未穿管保护。",
    )
    draft = services.draft_case_from_hazard(hazard=hazard, by=user)

    login(user.username, path="/admin/login/?next=/admin/")
    page.goto(f"/admin/inspections/exposurecase/{draft.pk}/change/")
    page.locator("#id_title").fill("晋江市恒达鞋材有限公司刷胶车间重大隐患曝光")
    page.locator("#id_body").fill(
        "执法人员检查发现该公司刷胶车间通风不良，法定代表人甄金丝（电话13900000001）未组织整改。"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")

    page.get_by_role("link", name="发布", exact=True).click()
    expect(page.locator("#content-main")).to_contain_text("甄某")
    expect(page.locator("#content-main")).not_to_contain_text("甄金丝")
    with page.expect_navigation():
        page.get_by_role("button", name="确认发布").click()
    expect(page.locator(".messagelist")).to_contain_text("已发布")

    page.goto("/exposure/")
    item = page.locator(".case-list li", has_text="晋江市恒达鞋材有限公司刷胶车间重大隐患曝光")
    expect(item).to_have_count(1)
    screenshot("exposure-list")
    item.get_by_role("link").click()
    expect(page.locator("main h1")).to_have_text("晋江市恒达鞋材有限公司刷胶车间重大隐患曝光")
    expect(page.locator("main")).to_contain_text("甄某")
    expect(page.locator("main")).not_to_contain_text("13900000001")
    assert re.search(r"/exposure/\d+/$", page.url)
    screenshot("exposure-detail")
