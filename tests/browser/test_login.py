"""Logging in through a real browser: office staff use the admin, subdistrict officers the portal, in Chinese."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from safetyportal.roles import STAFF_GROUP
from tests.core.factories import JurisdictionFactory, OfficerProfileFactory, StaffUserFactory

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
    expect(page.locator(".errornote")).to_contain_text("请输入一个正确的工作人员账户")

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
    expect(page.locator("main h1")).to_have_text("街道（镇）工作人员登录")
