"""The campaigns demo: the 2024 安全生产月 with its tasks, returns, photos and summary, and a campaign running now."""

from __future__ import annotations

import pytest

from campaigns.demo import load_demo_campaigns, load_demo_notices
from campaigns.models import ActivityReturn, Campaign, CampaignSummary, ReturnPhoto, ReturnStatus
from campaigns.selectors import completeness_board, officer_dashboard, summary_figures
from safetyportal.demo.builder import build_demo
from safetyportal.documents import services as document_services
from safetyportal.models import OfficerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    build_demo()
    load_demo_notices()
    return load_demo_campaigns()


def test_demo_month_adds_up_to_the_citys_published_figures(demo, media_root):
    city = Campaign.objects.get(year=2024, name="全市“安全生产月”")
    assert city.parent.national_theme == "人人讲安全、个个会应急——畅通生命通道" and city.edition == "第23个"
    assert [str(day) for day in city.key_days.all()] == ["6月1日 活动启动", "6月16日 安全宣传咨询日"]
    assert city.launch_notice.title == "关于开展2024年全市“安全生产月”活动的通知"
    figures = summary_figures(city)
    assert (figures.totals["sessions"], figures.totals["participants"]) == (569, 97696)  # 晋江新闻网, 2025-03-20
    assert len(figures.units) == 21  # 19 subdistricts and towns, two member units
    returns = ActivityReturn.objects.filter(task__campaign=city)
    assert 250 <= returns.count() <= 400
    statuses = set(returns.values_list("status", flat=True))
    assert statuses == set(ReturnStatus.values)
    assert returns.filter(is_late=True).exists()
    board = completeness_board(city)
    assert board.totals["missing"] > 0 and board.totals["late"] > 0
    photos = ReturnPhoto.objects.all()
    assert photos.exists() and all((media_root / photo.image).is_file() for photo in photos[:10])
    summary = CampaignSummary.objects.get(campaign=city)
    assert "全市共开展各类活动569场次，参与97,696人次" in summary.narrative


def test_officers_have_something_due_now_and_the_loader_is_idempotent(demo):
    officer = OfficerProfile.objects.get(jurisdiction__name="灵源街道").user
    slots = officer_dashboard(officer)["slots"]
    assert {slot.state for slot in slots} >= {"overdue", "due_soon"}
    assert load_demo_campaigns() == demo
    assert ActivityReturn.objects.count() == demo["活动报送"]
