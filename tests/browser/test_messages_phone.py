"""Portal messages on a 390×844 phone: the messages card on the home page (long texts, ten of them) and the channel
choice page neither scroll sideways nor leave an action outside the viewport; marking as read works by tapping."""

from __future__ import annotations

import pytest

from tests.browser.test_phone_fit import LAYOUT_PROBLEMS, PHONE
from tests.core.factories import OfficerProfileFactory
from tests.core.messaging_factories import PortalMessageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = (
    "【已逾期】2024年“安全生产月”活动“隐患排查整治情况（含重点行业领域、人员密集场所和有限空间作业）”"
    "尚未报送，已逾期12天，请尽快报送。"
)


def test_messages_card_and_settings_page_fit_a_phone(page, login, office_roles, screenshot):
    officer = OfficerProfileFactory(phone="+8613912345678").user
    for n in range(11):
        PortalMessageFactory(user=officer, text=f"{LONG}{n}", url="/portal/returns/")
    PortalMessageFactory(user=officer, text="没有空格的长链接式文本" + "X" * 120)
    login(officer.username)
    page.set_viewport_size(PHONE)

    page.goto("/portal/")
    card = page.locator(".portal-messages")
    assert card.count() == 1, "the home page includes portal/_messages.html"
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    assert card.locator(".message-list li").count() == 10
    screenshot("messages-home-phone")
    with page.expect_navigation():
        card.locator("button", has_text="标为已读").first.click()
    assert page.locator(".portal-messages .message-list li").count() == 10  # the 11th now shows

    page.goto("/portal/settings/messages/")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    screenshot("messages-settings-phone")
    page.locator("#id_sms").check()
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.locator("#id_sms").is_checked()
