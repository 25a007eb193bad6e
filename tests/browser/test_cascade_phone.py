"""An office's own campaign on a 390×844 phone: the campaign list, the derive form, the campaign with its tasks and
completeness grid, the task form with the one-step choices, the review queue and a return to review, the roll-up
board, the notices and the confirmation page neither scroll sideways nor leave an action outside the viewport (wide
grids scroll inside a named pane); accepting a community's return works by tapping."""

from __future__ import annotations

import pytest

from campaigns import cascade
from campaigns.models import ActivityReturn, UnitAuthority
from tests.browser.test_phone_fit import LAYOUT_PROBLEMS, PHONE
from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory, KeyDayFactory
from tests.core.documents_support import make_authority
from tests.core.factories import (
    CommunityFactory,
    CountyFactory,
    JurisdictionFactory,
    MemberUnitFactory,
    OfficerProfileFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_campaign_pages_fit_a_phone_and_review_works(page, login, office_roles, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    county = CountyFactory()
    lingyuan = JurisdictionFactory(parent=county, name="灵源街道")
    communities = [CommunityFactory(parent=lingyuan, name=f"许西坑社区{n}") for n in range(6)]
    for n in range(4):
        MemberUnitFactory(jurisdiction=lingyuan, name=f"灵源街道社区卫生服务中心{n}")
    city = CampaignFactory(jurisdiction=county, name="全市“安全生产月”")
    KeyDayFactory(campaign=city)
    for title in ("报送“安全生产月”活动方案", "“安全宣传咨询日”活动信息", "典型案例曝光"):
        CampaignTaskFactory(campaign=city, title=title, units=[lingyuan])
    UnitAuthority.objects.create(jurisdiction=lingyuan, authority=make_authority("灵安办"))
    profile = OfficerProfileFactory(jurisdiction=lingyuan, user__first_name="王敏")
    campaign = cascade.derive_campaign(parent=city, by=profile.user)
    task = campaign.tasks.first()
    activity_return = ActivityReturnFactory(task=task, jurisdiction=communities[0], status="submitted")
    notice = cascade.save_notice(
        by=profile.user,
        fields={"title": "关于开展2024年灵源街道“安全生产月”活动的通知", "body": "一、总体要求\n各社区要高度重视。"},
        assignment=cascade.Assignment(all_children=True, all_members=True),
    )
    login(profile.user.username)
    page.set_viewport_size(PHONE)
    urls = [
        "/portal/campaigns/",
        f"/portal/campaigns/derive/{city.pk}/",
        f"/portal/campaigns/{campaign.pk}/",
        f"/portal/campaigns/{campaign.pk}/tasks/{task.pk}/",
        f"/portal/campaigns/{campaign.pk}/review/",
        f"/portal/campaigns/{city.pk}/board/",
        f"/portal/campaigns/{campaign.pk}/board/",
        "/portal/campaigns/notices/",
        f"/portal/campaigns/notices/{notice.pk}/edit/",
        f"/portal/campaigns/notices/{notice.pk}/",
        f"/portal/campaigns/review/{activity_return.pk}/",
    ]
    for url in urls:
        page.goto(url)
        assert page.evaluate(LAYOUT_PROBLEMS) == [], url
    screenshot("cascade-review-phone")
    with page.expect_navigation():
        page.locator("main button[type=submit]", has_text="审核通过").click()
    assert ActivityReturn.objects.get(pk=activity_return.pk).status == "accepted"
    page.goto(f"/portal/campaigns/{city.pk}/board/")
    screenshot("cascade-board-phone")
