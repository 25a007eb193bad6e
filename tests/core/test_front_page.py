"""The public front page (issue 13): the current campaign and its theme, the latest public lists, exposure cases and
publicity, the report and verify entries, one navigation bar; a constant number of queries, cached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from safetyportal.front import FRONT_CACHE_KEY
from tests.campaigns.factories import CampaignFactory
from tests.campaigns.test_public_notices import public_notice
from tests.inspections.factories import ExposureCaseFactory
from tests.publicity.factories import PublicityItemFactory
from tests.training.factories import PublicationBatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.delete(FRONT_CACHE_KEY.format(day=timezone.localdate().isoformat()))
    yield
    cache.delete(FRONT_CACHE_KEY.format(day=timezone.localdate().isoformat()))


def make_content(n: int) -> None:
    today = timezone.localdate()
    CampaignFactory(
        name="“安全生产月”活动",
        year=today.year,
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=20),
        local_theme="人人讲安全、个个会应急",
    )
    for i in range(n):
        ExposureCaseFactory(title=f"某鞋业公司违法案{i}")
        PublicationBatchFactory(title=f"第{i}批特种作业人员名单")
        PublicityItemFactory(title=f"安全推文{i}", published_on=today)
        public_notice(title=f"关于开展安全检查的通知{i}")


def test_front_page_shows_the_campaign_and_the_latest_of_each_section(client):
    make_content(2)
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "正在开展：" in text and "主题：人人讲安全、个个会应急" in text
    assert "某鞋业公司违法案1" in text
    assert "第1批特种作业人员名单" in text
    assert "关于开展安全检查的通知1" in text
    assert "安全推文1" in text
    assert 'href="/report/"' in text and 'href="/certificates/verify/"' in text


def test_front_page_without_any_content_says_so(client):
    text = client.get("/").content.decode()
    assert "暂无曝光案例" in text and "暂无通知公告" in text and "暂无公示名单" in text and "暂无宣传内容" in text


@pytest.mark.parametrize("n", [1, 8])
def test_front_page_queries_are_constant_and_cached(client, django_assert_max_num_queries, n):
    make_content(n)
    with django_assert_max_num_queries(5):
        client.get("/")
    with django_assert_max_num_queries(0):
        client.get("/")


@pytest.mark.parametrize(
    "path",
    ["/", "/notices/", "/exposure/", "/report/", "/certificates/verify/", "/certificates/lists/", "/publicity/"],
)
def test_every_public_section_has_the_same_navigation_bar(client, path):
    from inspections import public_cache

    public_cache.bump_version()  # a copy cached (shared file cache) before the navigation bar last changed
    text = client.get(path).content.decode()
    nav = text[text.index('<nav aria-label="网站导航">') : text.index("</nav>")]
    for label in ("首页", "通知公告", "曝光台", "隐患举报", "证书查询", "公示名单", "安全宣传"):
        assert f">{label}</a>" in nav, (path, label)
