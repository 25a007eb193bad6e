"""The cascade's demo (shared/seeds/003): 灵源街道's own 2024 campaign with its 社区 and member units filing, a notice
灵安办〔2024〕N号 issued to them, and the city's published drill figures unchanged."""

from __future__ import annotations

import pytest

from campaigns.cascade_demo import NOTICE_TITLE, load_demo_cascade
from campaigns.demo import load_demo_campaigns, load_demo_notices
from campaigns.figures import accepted_returns
from campaigns.models import ActivityReturn, Campaign, Notice, NoticeReceipt
from campaigns.rollup import level_board, unit_figures
from campaigns.selectors import summary_figures
from safetyportal.demo.builder import build_demo
from safetyportal.documents import services as document_services
from safetyportal.models import Jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    build_demo()
    load_demo_notices()
    load_demo_campaigns()
    return load_demo_cascade()


def test_lingyuan_runs_its_own_campaign_with_its_communities_and_member_units(demo):
    lingyuan = Jurisdiction.objects.get(name="灵源街道")
    campaign = Campaign.objects.get(jurisdiction=lingyuan, year=2024)
    assert campaign.parent.name == "全市“安全生产月”" and campaign.name == "灵源街道“安全生产月”"
    returns = ActivityReturn.objects.filter(task__campaign=campaign)
    assert set(returns.values_list("status", flat=True)) == {"accepted", "returned"}
    assert returns.filter(status="returned").count() == 1
    assert returns.filter(member_unit__jurisdiction=lingyuan, status="accepted").exists()
    board = level_board(campaign, lingyuan)
    assert board.total.slots["missing"] == 1  # 许西坑社区's drill
    notice = Notice.objects.get(title=NOTICE_TITLE)
    assert notice.status == "issued" and notice.number.startswith("灵安办〔2024〕")
    assert notice.issued_by.username == "lingyuan" and campaign.launch_notice == notice
    assert NoticeReceipt.objects.filter(notice=notice).count() == 6 + 4  # six 社区, four member units
    assert load_demo_cascade() == demo  # idempotent


def test_city_figures_include_the_communities_once_and_keep_the_published_total(demo):
    city = Campaign.objects.get(year=2024, name="全市“安全生产月”")
    figures = summary_figures(city)
    assert (figures.drill_training.sessions, figures.drill_training.participants) == (569, 97696)
    lingyuan = Jurisdiction.objects.get(name="灵源街道")
    own = unit_figures(city, lingyuan)["participants"]
    communities = sum(unit_figures(city, c)["participants"] for c in Jurisdiction.objects.filter(parent=lingyuan))
    rows = {row.key: row for row in level_board(city, lingyuan).rows}
    assert (
        rows["self"].figures["participants"]
        + communities
        + sum(row.figures["participants"] for key, row in rows.items() if key.startswith("m"))
        == own
    )


def test_city_summary_rolls_the_communities_up_into_their_subdistrict(demo):
    """The city's summary table lists the units the city assigned (19 subdistricts and towns, three member units):
    灵源's 社区 and its own member units are inside 灵源街道's row, once, not rows of their own."""
    city = Campaign.objects.get(year=2024, name="全市“安全生产月”")
    lingyuan = Jurisdiction.objects.get(name="灵源街道")
    figures = summary_figures(city)
    assert len(figures.units) == 22
    names = {row.unit for row in figures.units}
    assert not names & set(Jurisdiction.objects.filter(parent=lingyuan).values_list("name", flat=True))
    row = next(row for row in figures.units if row.unit == "灵源街道")
    # The returns the summary counts (accepted, within its period: the monthly exposure returns of July to October
    # are not June's) from 灵源's subtree, in the city's campaign and the campaigns derived from it.
    subtree = accepted_returns(city).filter(
        jurisdiction__path__startswith=lingyuan.path, task__campaign__in=[city, *city.children.all()]
    )
    assert (
        subtree.count()
        < ActivityReturn.objects.filter(
            status="accepted",
            jurisdiction__path__startswith=lingyuan.path,
            task__campaign__in=[city, *city.children.all()],
        ).count()
    )  # the period rule is exercised
    from_communities = subtree.exclude(jurisdiction=lingyuan)
    assert from_communities.exists()  # the demo's communities filed and were accepted
    assert row.returns == subtree.count()
    assert row.participants == sum(subtree.values_list("participants", flat=True))
    assert figures.totals["returns"] == sum(r.returns for r in figures.units)
    assert (figures.drill_training.sessions, figures.drill_training.participants) == (569, 97696)
