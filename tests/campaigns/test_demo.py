"""The campaigns demo: the 2024 安全生产月 with its tasks, returns, photos and summary, and a campaign running now."""

from __future__ import annotations

import datetime as dt

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
    # 晋江新闻网, 2025-03-20 (shared/seeds/000): "应急救援演习和知识技能培训约569场，参与97696人次" counts drills and
    # skills training only; 宣传咨询 and the other activities come on top.
    drill_training = figures.drill_training
    assert (drill_training.sessions, drill_training.participants) == (569, 97696)
    assert {row.activity_type for row in drill_training.rows} == {"drill", "training"}
    assert figures.totals["sessions"] > 569 and figures.totals["participants"] > 97696
    consultation = next(row for row in figures.types if row.activity_type == "consultation")
    assert consultation.sessions > 0 and consultation.group == "other"
    assert len(figures.units) == 22  # 19 subdistricts and towns, three member units
    assert figures.unreported_units == ["市消防救援大队"]  # the third member unit never reported its 咨询日
    # June's exposures only: the monthly "典型案例曝光" task runs to December, its later periods are not June's.
    exposure_task = city.tasks.get(title="典型案例曝光")
    june_exposures = ActivityReturn.objects.filter(
        task=exposure_task, status=ReturnStatus.ACCEPTED, period_due=dt.date(2024, 6, 30)
    )
    assert figures.totals["exposures"] == sum(june_exposures.values_list("exposures", flat=True)) > 0
    assert ActivityReturn.objects.filter(task=exposure_task, period_due__gt=dt.date(2024, 6, 30)).exists()
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
    totals = figures.totals
    assert (
        f"全市共开展各类活动{totals['sessions']:,}场次，参与{totals['participants']:,}人次，"
        "其中应急救援演练和知识技能培训569场，参与97,696人次；"
    ) in summary.narrative
    assert f"各单位报送曝光典型案例{totals['exposures']:,}个。" in summary.narrative
    assert "市消防救援大队未报送活动信息。" in summary.narrative


def test_the_city_summary_shows_the_citys_publicity_of_the_month(demo):
    from publicity.demo import load_demo_publicity
    from publicity.models import PublicityItem, Visit

    load_demo_publicity()
    city = Campaign.objects.get(year=2024, name="全市“安全生产月”")
    # shared/seeds/000: the 黄芊芊 video of the month on 110 bus and 500 elevator screens, the WeChat account's
    # articles of the month: the city's publicity, linked to the city's campaign, none to the national one.
    assert not PublicityItem.objects.filter(campaign=city.parent).exists()
    assert not Visit.objects.filter(campaign=city.parent).exists()
    publicity = {row.key: row.value for row in summary_figures(city).publicity}
    assert publicity["screens_on_air"] == 610 and publicity["videos"] == 2
    assert publicity["articles"] > 0 and publicity["visit_batches"] > 0
    # Each item counted once: the summary's figures are the items linked to the city's campaign.
    assert publicity["articles"] == PublicityItem.objects.filter(campaign=city, kind="wechat_article").count()
    assert publicity["visit_batches"] == Visit.objects.filter(campaign=city).count()


def test_officers_have_something_due_now_and_the_loader_is_idempotent(demo):
    officer = OfficerProfile.objects.get(jurisdiction__name="灵源街道").user
    slots = officer_dashboard(officer)["slots"]
    assert {slot.state for slot in slots} >= {"overdue", "due_soon"}
    assert load_demo_campaigns() == demo
    assert ActivityReturn.objects.count() == demo["活动报送"]
