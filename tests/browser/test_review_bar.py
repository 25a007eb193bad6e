"""The review bar on a 390×844 phone (issue 13): 审核通过/退回修改 stay in the viewport while a long resubmitted
return scrolls by, in the office's portal review and in the admin; 退回修改 opens and sends with the keyboard alone;
the page never scrolls sideways; the 修改内容 table is shown."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from campaigns import cascade, services
from campaigns.models import ActivityReturn, ReturnStatus, UnitAuthority
from safetyportal.roles import STAFF_GROUP
from tests.browser.test_phone_fit import LAYOUT_PROBLEMS, PHONE
from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory, KeyDayFactory
from tests.core.documents_support import make_authority
from tests.core.factories import (
    CommunityFactory,
    CountyFactory,
    JurisdictionFactory,
    OfficerProfileFactory,
    StaffUserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINE = "组织社区居民开展安全宣传咨询，发放宣传资料，现场解答群众提出的安全生产问题。"
LONG = "\n".join(f"第{n}项：{LINE}" for n in range(60))

IN_VIEWPORT = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0 && box.right <= window.innerWidth;
}"""


def _resubmission(reviewer=None):  # type: ignore[no-untyped-def]
    county = CountyFactory()
    lingyuan = JurisdictionFactory(parent=county, name="灵源街道")
    community = CommunityFactory(parent=lingyuan, name="许西坑社区")
    city = CampaignFactory(jurisdiction=county, name="全市“安全生产月”")
    KeyDayFactory(campaign=city)
    CampaignTaskFactory(campaign=city, title="“安全宣传咨询日”活动信息", units=[lingyuan])
    UnitAuthority.objects.create(jurisdiction=lingyuan, authority=make_authority("灵安办"))
    office = OfficerProfileFactory(jurisdiction=lingyuan, user__first_name="王敏").user
    campaign = cascade.derive_campaign(parent=city, by=office)
    officer = OfficerProfileFactory(jurisdiction=community).user
    activity_return = ActivityReturnFactory(task=campaign.tasks.get(), jurisdiction=community, description=LONG)
    services.submit_return(activity_return=activity_return, by=officer)
    services.send_back_return(activity_return=activity_return, by=reviewer or office, reason="参与人数与照片不符")
    services.update_return(activity_return=activity_return, fields={"participants": 320}, by=officer)
    services.submit_return(activity_return=activity_return, by=officer)
    return office, activity_return


def test_portal_review_bar_stays_on_screen_and_sends_back_by_keyboard(page, login, office_roles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    office, activity_return = _resubmission()
    login(office.username)
    page.set_viewport_size(PHONE)
    page.goto(f"/portal/campaigns/review/{activity_return.pk}/")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    assert page.evaluate("document.documentElement.scrollHeight") > 3 * PHONE["height"]  # a long return
    assert page.locator("table.return-changes").inner_text().count("320") == 1  # 修改内容: 300 → 320
    for position in (0, 0.5, 0.9):
        page.evaluate(f"window.scrollTo(0, document.documentElement.scrollHeight * {position})")
        assert page.evaluate(IN_VIEWPORT, ".review-bar button[name=_accept]"), position
        assert page.evaluate(IN_VIEWPORT, ".review-bar summary"), position
    page.evaluate("window.scrollTo(0, 0)")
    # Keyboard only: focus 退回修改, open it, type the reason, send.
    page.locator(".review-bar summary").focus()
    page.keyboard.press("Enter")
    reason = page.locator(".review-bar textarea")
    assert reason.is_visible() and page.evaluate(IN_VIEWPORT, ".review-bar textarea")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    reason.focus()
    page.keyboard.type("请补充现场照片")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "_send_back"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    activity_return = ActivityReturn.objects.get(pk=activity_return.pk)
    assert activity_return.status == ReturnStatus.RETURNED and activity_return.return_reason == "请补充现场照片"


def test_admin_review_bar_stays_on_screen_and_accepts_by_keyboard(page, login, office_roles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    staff = StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])
    _office, activity_return = _resubmission(reviewer=staff)
    login(staff.username, path="/admin/login/?next=/admin/")
    page.set_viewport_size(PHONE)
    page.goto(f"/admin/campaigns/activityreturn/{activity_return.pk}/change/")
    assert "修改内容（与退回时相比）" in page.content()
    for position in (0, 0.5):
        page.evaluate(f"window.scrollTo(0, document.documentElement.scrollHeight * {position})")
        assert page.evaluate(IN_VIEWPORT, ".review-bar input[name=_accept]"), position
        assert page.evaluate(IN_VIEWPORT, ".review-bar summary"), position
    page.locator(".review-bar input[name=_accept]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == ReturnStatus.ACCEPTED
