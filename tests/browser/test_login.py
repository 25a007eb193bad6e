"""Logging in through a real browser: office staff use the admin, subdistrict officers the portal, in Chinese."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from safetyportal.roles import STAFF_GROUP
from tests.core.factories import TEST_PASSWORD, JurisdictionFactory, OfficerProfileFactory, StaffUserFactory
from tests.otp import device_for, next_code

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(transactional_db):
    return OfficerProfileFactory(jurisdiction=JurisdictionFactory(name="罗山街道")).user


def test_staff_user_logs_into_chinese_admin(page, login, office_roles):
    user = StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])

    login(user.username, path="/admin/login/?next=/admin/")

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#site-name")).to_have_text(settings.OFFICE_NAME)
    expect(page.locator("#content h1")).to_have_text("工作台")
    expect(page).to_have_title(re.compile("安委办管理后台"))


def test_officer_logs_into_portal_dashboard(page, login, officer, screenshot):
    login(officer.username)

    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("main h1")).to_have_text("罗山街道工作台")
    expect(page.locator(".stats").first).to_contain_text("辖区生产经营单位")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    screenshot("officer-dashboard")


def test_officer_is_refused_by_admin(page, login, officer):
    # The admin's own form does not accept an officer's (correct) credentials.
    login(officer.username, path="/admin/login/?next=/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.locator(".errornote")).to_contain_text("请输入工作人员账号正确的")

    # Signed in to the portal, the officer is sent back to the admin's login form with a Chinese notice.
    login(officer.username)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    for path in ("/admin/", "/admin/safetyportal/"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/admin/login/\?next="))
        expect(page.locator(".errornote")).to_contain_text("没有这个页面的访问权限")
        expect(page.locator("#id_password")).to_be_visible()


def test_wrong_password_shows_chinese_error(page, login, officer):
    login(officer.username, password="not-the-password")

    expect(page).to_have_url(re.compile(r"/portal/login/$"))
    expect(page.locator(".errors")).to_contain_text("请输入一个正确的用户名和密码。注意，两者都区分大小写。")
    expect(page.locator("main h1")).to_have_text("工作人员登录")


PHONE = {"width": 390, "height": 844}


def _fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


def test_officer_logs_in_with_a_code_on_a_390px_phone(page, login, officer, screenshot):
    page.set_viewport_size(PHONE)
    device = device_for(officer)

    login(officer.username, code=False)
    expect(page).to_have_url(re.compile(r"/accounts/verify/$"))
    expect(page.locator("main h1")).to_have_text("两步验证")
    _fits_the_phone(page)

    page.locator("#id_code").fill("000000" if next_code(device) != "000000" else "111111")
    page.get_by_role("button", name="验证并登录").click()
    expect(page.locator(".errors")).to_contain_text("验证码不正确")
    expect(page).to_have_url(re.compile(r"/accounts/verify/$"))

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # past the 1-second wait
    page.locator("#id_code").fill(next_code(device))
    screenshot("officer-code-step-390px")
    page.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("main h1")).to_have_text("罗山街道工作台")
    _fits_the_phone(page)


@pytest.mark.unverified_login  # the officer starts without an authenticator
def test_officer_enrols_an_authenticator_on_a_390px_phone(page, officer, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/portal/login/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"/accounts/setup/$"))
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0  # the CSP let the QR code draw
    _fits_the_phone(page)
    screenshot("officer-enrolment-390px")

    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    page.locator("#id_code").fill(f"{TOTP(b32decode(secret)).token():06d}")
    page.get_by_role("button", name="完成设置并登录").click()

    expect(page).to_have_url(re.compile(r"/accounts/recovery-codes/$"))
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    _fits_the_phone(page)
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("main h1")).to_have_text("罗山街道工作台")
