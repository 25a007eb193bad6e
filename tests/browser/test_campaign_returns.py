"""An officer files an activity return with a photo in the portal, and staff accept it in the admin (chromium)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import ActivityReturn, ReturnStatus
from safetyportal.roles import STAFF_GROUP
from tests.campaigns.factories import CampaignFactory, CampaignTaskFactory, jpeg_bytes
from tests.core.factories import JurisdictionFactory, OfficerProfileFactory, StaffUserFactory

pytestmark = pytest.mark.browser


def test_officer_files_a_return_with_a_photo_and_staff_accept_it(
    page, login, screenshot, office_roles, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    unit = JurisdictionFactory(name="灵源街道")
    officer = OfficerProfileFactory(jurisdiction=unit, user__first_name="王敏").user
    staff = StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])
    start, end = today - dt.timedelta(days=10), today + dt.timedelta(days=50)
    campaign = CampaignFactory(name="今冬明春安全防范专项行动", year=today.year, starts_on=start, ends_on=end)
    due = today + dt.timedelta(days=2)
    task = CampaignTaskFactory(
        campaign=campaign, title="“畅通生命通道”宣传演练信息", due_on=due, min_photos=1, units=[unit]
    )

    # The officer sees the task on the dashboard, due in two days.
    login(officer.username)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    row = page.locator(".tasks tbody tr", has_text=task.title)
    expect(row).to_contain_text("2天后截止")
    screenshot("campaign-dashboard")
    row.get_by_role("link", name="填报").click()

    expect(page.locator("main h1")).to_have_text("填报活动")
    expect(page.locator(".task-info")).to_contain_text("报送要求：至少1张照片。")
    page.locator("#id_activity_type").select_option("drill")
    page.locator("#id_title").fill("灵水社区“畅通生命通道”疏散逃生演练")
    page.locator("#id_activity_date").fill(today.isoformat())
    page.locator("#id_place").fill("灵水社区")
    page.locator("#id_sessions").fill("2")
    page.locator("#id_participants").fill("360")
    page.locator("#id_leaflets").fill("800")
    page.locator("#id_boards").fill("6")
    page.locator("#id_description").fill("组织辖区企业员工和居民开展疏散逃生演练，清理楼道杂物，讲解消防器材使用。")
    page.locator("#id_photos").set_input_files(
        [{"name": "现场照片.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((640, 480))}]
    )
    screenshot("campaign-return-form")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并报送").click()

    expect(page.locator(".messages")).to_contain_text("已报送，等待安委办审核。")
    expect(page.locator("main h1")).to_contain_text("已报送")
    thumbnail = page.locator(".photo-grid img")
    expect(thumbnail).to_have_count(1)
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("img => img.naturalWidth") > 0  # served through the scoped view, not /media/
    activity_return = ActivityReturn.objects.get()
    assert activity_return.status == ReturnStatus.SUBMITTED and activity_return.photos.count() == 1

    # Staff review it in the admin.
    page.get_by_role("button", name="退出登录").click()
    login(staff.username, path="/admin/login/?next=/admin/")
    page.goto("/admin/campaigns/activityreturn/")
    page.get_by_role("link", name="灵水社区“畅通生命通道”疏散逃生演练").click()
    expect(page.locator(".return-thumb")).to_have_count(1)
    with page.expect_navigation():
        page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messagelist")).to_contain_text("已审核通过：灵水社区“畅通生命通道”疏散逃生演练。")
    activity_return.refresh_from_db()
    assert activity_return.status == ReturnStatus.ACCEPTED and activity_return.reviewed_by == staff

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/completeness/")
    expect(page.locator(".board-table")).to_contain_text("按时报送")
    expect(page.locator(".board-chart svg")).to_have_count(1)  # ECharts drew the chart (no inline script needed)
    screenshot("campaign-completeness-board")
