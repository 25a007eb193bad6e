"""The public pages /publicity/ and /publicity/<campaign id>/: published articles, videos and news reports with
http(s) links only, keyset pagination, search, constant queries; unpublished things are 404."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from publicity import services
from publicity.models import ItemKind, PublicityItem
from safetyportal.images import process_image
from tests.publicity.factories import NewspaperFactory, PublicityItemFactory, VideoFactory, make_campaign
from tests.security.crawl import checksum_diff, db_checksum, inline_code

pytestmark = pytest.mark.django_db

INDEX = reverse("publicity:index")


def page(client: Client, url: str = INDEX, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_page_lists_published_articles_and_videos_with_links(client):
    article = PublicityItemFactory(title="【应急科普】火场逃生自救")
    video = VideoFactory(title="亚运冠军黄芊芊为晋江安全生产“代言”")
    hidden = PublicityItemFactory(title="已撤回的推文", is_published=False)
    no_link = PublicityItemFactory(title="没有链接的推文", link="")
    banner = PublicityItemFactory(kind=ItemKind.BANNER, channel=None, title="安全生产月宣传横幅")
    html = page(client)
    assert article.title in html and article.link in html
    assert "亚运冠军黄芊芊为晋江安全生产“代言”" in html and video.link in html
    for item in (hidden, no_link, banner):
        assert item.title not in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert inline_code(html) == []


def test_a_javascript_link_that_reached_the_database_is_never_rendered(client):
    item = PublicityItemFactory(title="被篡改链接的推文")
    PublicityItem.objects.filter(pk=item.pk).update(link="javascript:alert(document.cookie)")
    PublicityItemFactory(title="数据链接", link="data:text/html,<script>alert(1)</script>")
    html = page(client)
    assert "javascript:" not in html
    assert "data:text/html" not in html
    assert "被篡改链接的推文" in html  # shown as text, not as a link


def test_the_campaign_page_shows_its_public_items_and_totals(client):
    campaign = make_campaign()
    mine = PublicityItemFactory(campaign=campaign, reads=5230)
    VideoFactory(campaign=campaign, plays=86_400)
    other = PublicityItemFactory(title="别的活动的推文")
    html = page(client, reverse("publicity:campaign", args=[campaign.pk]))
    assert "2024年安全生产月" in html
    assert "人人讲安全、个个会应急——畅通生命通道" in html
    assert mine.title in html and other.title not in html
    assert "86400" in html and "5230" in html  # zh-hans writes numbers without thousands separators
    assert reverse("publicity:campaign", args=[campaign.pk]) in page(client)


def test_unpublished_items_campaign_page_is_404(client):
    """IDOR (T11) for public routes: a campaign whose items are all unpublished, or a campaign id that does not
    exist, gives the same 404 and changes nothing."""
    campaign = make_campaign()
    PublicityItemFactory(campaign=campaign, is_published=False)
    before = db_checksum()
    assert client.get(reverse("publicity:campaign", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("publicity:campaign", args=[campaign.pk + 1000])).status_code == 404
    assert checksum_diff(before, db_checksum()) == {}
    PublicityItemFactory(campaign=campaign)
    assert client.get(reverse("publicity:campaign", args=[campaign.pk])).status_code == 200


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def test_unpublished_items_cover_is_404(client, settings, tmp_path):
    """IDOR (T11) for the cover route: a published item's cover is served; an unpublished item's, a banner's or a
    missing item's id gives 404."""
    settings.MEDIA_ROOT = tmp_path
    public = services.set_cover(item=PublicityItemFactory(), image=process_image(_jpeg()))
    hidden = services.set_cover(item=PublicityItemFactory(is_published=False), image=process_image(_jpeg()))
    banner = services.set_cover(
        item=PublicityItemFactory(kind=ItemKind.BANNER, channel=None), image=process_image(_jpeg())
    )
    response = client.get(reverse("publicity:cover", args=[public.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert f'src="{reverse("publicity:cover", args=[public.pk])}"' in page(client)
    for item in (hidden, banner):
        assert client.get(reverse("publicity:cover", args=[item.pk])).status_code == 404
    assert client.get(reverse("publicity:cover", args=[99_999])).status_code == 404
    no_cover = PublicityItemFactory()
    assert client.get(reverse("publicity:cover", args=[no_cover.pk])).status_code == 404


def test_pages_follow_each_other_without_gaps_or_repeats(client):
    titles = set()
    for index in range(45):
        titles.add(PublicityItemFactory(published_on=dt.date(2024, 6, 1 + index % 5)).title)
    seen: list[str] = []
    url_params: dict[str, str] = {}
    for _page in range(5):
        response = client.get(INDEX, url_params)
        items = response.context["page"].items
        seen += [item.title for item in items]
        cursor = response.context["page"].next_cursor
        if cursor is None:
            break
        url_params = {"after": cursor}
    assert len(seen) == 45 and set(seen) == titles
    assert "回到第一页" in page(client, INDEX, after=url_params["after"])


def test_search_and_kind_filters(client):
    PublicityItemFactory(title="【以案说法】企业被处罚")
    VideoFactory(title="短视频｜以案说法")
    NewsItem = PublicityItemFactory(kind=ItemKind.NEWS_REPORT, channel=NewspaperFactory(), title="晋江经济报报道")
    html = page(client, q="以案说法")
    assert "企业被处罚" in html and "短视频｜以案说法" in html and NewsItem.title not in html
    html = page(client, q="以案说法", kind="video")
    assert "企业被处罚" not in html and "短视频｜以案说法" in html
    html = page(client, kind="news")
    assert NewsItem.title in html and "企业被处罚" not in html


def test_bad_parameters_are_ignored(client):
    PublicityItemFactory(title="一篇推文")
    assert "一篇推文" in page(client, q="x" * 500, kind="<script>", after="bad-cursor")
    assert "一篇推文" in page(client, after="99999999-1")


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("with_campaign", [False, True])
def test_public_lists_run_a_constant_number_of_queries(client, with_campaign):
    campaign = make_campaign()
    other = make_campaign(name="安康杯竞赛")

    def add(count: int) -> None:
        for index in range(count):
            PublicityItemFactory(
                campaign=campaign if index % 2 else other, published_on=dt.date(2024, 6, 1 + index % 28)
            )
            VideoFactory(campaign=campaign, published_on=dt.date(2024, 7, 1 + index % 28))

    url = reverse("publicity:campaign", args=[campaign.pk]) if with_campaign else INDEX
    add(3)
    small = _queries(client, url)
    add(40)
    assert _queries(client, url) == small
    assert small <= (6 if with_campaign else 2)


def test_the_index_has_a_tile_for_the_public_page(client):
    assert INDEX in page(client, "/")
