"""收文 on a 390×844 phone: the home page's unread notices and tasks due soon, the inbox list and the notice page with
its 签收 button neither scroll sideways nor leave an action outside the viewport; signing works by tapping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.models import NoticeReceipt
from tests.browser.test_phone_fit import LAYOUT_PROBLEMS, PHONE
from tests.campaigns.factories import CampaignFactory, CampaignTaskFactory, NoticeReceiptFactory
from tests.core.documents_support import make_notice
from tests.core.factories import OfficerProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = (
    "关于开展2026年全市“安全生产月”活动暨“安全生产万里行”宣传咨询日和重点行业领域安全隐患排查整治专项行动的通知"
)


def test_inbox_pages_fit_a_phone_and_signing_works(page, login, office_roles, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    profile = OfficerProfileFactory(user__first_name="王敏")
    unit = profile.jurisdiction
    today = timezone.localdate()
    campaign = CampaignFactory(starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=30))
    CampaignTaskFactory(
        campaign=campaign,
        title="“安全生产月”活动开展情况及图片信息报送（含演练）",
        due_on=today + dt.timedelta(days=4),
        units=[unit],
    )
    for n in range(7):
        notice = make_notice(
            title=f"{LONG_TITLE}{n}",
            urgency="特急" if n == 0 else "",
            status="issued",
            number=f"晋安办〔2026〕{60 + n}号",
            issued_on=today,
            issued_at=timezone.now(),
            attachments_text="“安全生产月”活动信息报送表\n安全隐患排查整治台账（样表）",
        )
        receipt = NoticeReceiptFactory(notice=notice, jurisdiction=unit)
    login(profile.user.username)
    page.set_viewport_size(PHONE)

    for url in ("/portal/", "/portal/inbox/", "/portal/inbox/?show=unsigned&q=安全"):
        page.goto(url)
        assert page.evaluate(LAYOUT_PROBLEMS) == [], url
    page.goto("/portal/")
    assert page.locator(".home-inbox li").count() == 5
    screenshot("inbox-home-phone")
    page.goto("/portal/inbox/")
    screenshot("inbox-list-phone")

    page.goto(f"/portal/inbox/{receipt.pk}/")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    with page.expect_navigation():
        page.locator("main button[type=submit]", has_text="签收").click()
    assert "已签收" in page.locator(".sign-box").inner_text()
    screenshot("inbox-detail-phone")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    receipt = NoticeReceipt.objects.get(pk=receipt.pk)
    assert receipt.signed_by == profile.user and receipt.first_opened_by == profile.user
