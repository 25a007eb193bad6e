"""The figures the office reports: totals are the sums of the items, months add up to the year, screens on air,
media points, the year's wording and the totals handed to the campaign summary."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from publicity import selectors
from publicity.models import ChannelKind, ItemKind, MediaLevel, PublicityItem, Visit, WechatPush
from tests.publicity.factories import (
    ChannelFactory,
    EducationBaseFactory,
    NewspaperFactory,
    PublicityItemFactory,
    ScreenNetworkFactory,
    ScreenPlacementFactory,
    VideoFactory,
    VisitFactory,
    make_campaign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_data():
    """A year of varied items, visits and placements, some in a campaign; returns the campaign."""
    rng = random.Random(7)
    campaign = make_campaign()
    for index in range(60):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
        PublicityItemFactory(
            published_on=day,
            reads=rng.randint(100, 5000),
            read_users=rng.randint(0, 100),
            campaign=campaign if index % 3 == 0 else None,
        )
    for index in range(12):
        VideoFactory(published_on=dt.date(2024, index + 1, 5), plays=rng.randint(100, 90_000), campaign=campaign)
    for kind, count, field in (
        (ItemKind.BANNER, 4, "placements_count"),
        (ItemKind.BROCHURE, 3, "copies_distributed"),
        (ItemKind.POSTER, 2, "copies_printed"),
    ):
        for index in range(count):
            PublicityItemFactory(
                kind=kind,
                channel=None,
                link="",
                reads=0,
                published_on=dt.date(2024, 2 + index, 10),
                campaign=campaign,
                **{field: rng.randint(10, 900)},
            )
    for index in range(20):
        VisitFactory(
            visited_on=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366)),
            visitors=rng.randint(10, 80),
            campaign=campaign if index % 2 else None,
        )
    ScreenPlacementFactory(item__campaign=campaign)
    # Outside the year: must not count.
    PublicityItemFactory(published_on=dt.date(2023, 12, 31), reads=99_999)
    VisitFactory(visited_on=dt.date(2025, 1, 1), visitors=999)
    return campaign


def _items_2024():
    return PublicityItem.objects.filter(published_on__year=2024)


def test_totals_equal_the_sum_of_the_items(year_of_data):
    figures = selectors.publicity_figures(year=2024)
    items = list(_items_2024())
    articles = [i for i in items if i.kind == ItemKind.WECHAT_ARTICLE]
    visits = list(Visit.objects.filter(visited_on__year=2024))
    assert figures.totals["articles"] == len(articles) == 60
    assert figures.totals["pushes"] == len({i.push_id for i in articles})
    assert figures.totals["reads"] == sum(i.reads for i in items)
    assert figures.totals["videos"] == sum(1 for i in items if i.kind == ItemKind.SHORT_VIDEO) == 12
    assert figures.totals["plays"] == sum(i.plays for i in items)
    assert figures.totals["banners"] == sum(i.placements_count for i in items if i.kind == ItemKind.BANNER)
    assert figures.totals["copies_printed"] == sum(i.copies_printed for i in items)
    assert figures.totals["copies_distributed"] == sum(i.copies_distributed for i in items)
    assert figures.totals["visit_batches"] == len(visits) == 20
    assert figures.totals["visitors"] == sum(v.visitors for v in visits)


def test_the_months_add_up_to_the_year(year_of_data):
    figures = selectors.publicity_figures(year=2024)
    assert len(figures.months) == 12
    for key in selectors.MEASURE_KEYS:
        if key == "screens_on_air":  # a peak, not a sum
            assert figures.totals[key] == max(figures.series(key))
        else:
            assert figures.totals[key] == sum(figures.series(key)), key


def test_a_campaigns_figures_are_the_sum_of_its_items(year_of_data):
    campaign = year_of_data
    figures = selectors.publicity_figures(year=2024, campaign_id=campaign.pk)
    items = list(_items_2024().filter(campaign=campaign))
    assert figures.totals["articles"] == sum(1 for i in items if i.kind == ItemKind.WECHAT_ARTICLE) == 20
    assert figures.totals["reads"] == sum(i.reads for i in items)
    assert figures.totals["visitors"] == sum(v.visitors for v in Visit.objects.filter(campaign=campaign))

    totals = selectors.campaign_publicity_totals(campaign_id=campaign.pk)
    assert set(totals) == set(selectors.MEASURE_KEYS)
    assert all(isinstance(value, int) for value in totals.values())
    for key in ("articles", "reads", "videos", "plays", "banners", "copies_distributed", "visitors", "visit_batches"):
        assert totals[key] == figures.totals[key], key
    assert totals["screens_on_air"] == 110
    assert totals["screen_days"] == 110 * 30

    whole_year = selectors.publicity_figures(year=2024)
    row = next(row for row in whole_year.campaigns if row.campaign_id == campaign.pk)
    assert row.values["articles"] == totals["articles"]
    assert row.values["screen_days"] == totals["screen_days"]


def test_a_campaign_with_nothing_has_zero_totals():
    campaign = make_campaign()
    assert selectors.campaign_publicity_totals(campaign_id=campaign.pk) == dict.fromkeys(selectors.MEASURE_KEYS, 0)


def test_pushes_and_articles_make_the_offices_wording():
    """296 pushes carrying 1,093 articles read "推文296期、1093篇次"."""
    channel = ChannelFactory()
    start = dt.date(2024, 1, 1)
    pushes = WechatPush.objects.bulk_create(
        [WechatPush(channel=channel, published_on=start + dt.timedelta(days=i), sequence=1) for i in range(296)]
    )
    counts = [3] * 296
    for index in range(1093 - 3 * 296):
        counts[index] += 1
    PublicityItem.objects.bulk_create(
        [
            PublicityItem(
                kind=ItemKind.WECHAT_ARTICLE,
                channel=channel,
                push=push,
                title=f"推文{push.pk}-{n}",
                published_on=push.published_on,
                reads=40_000,
            )
            for push, count in zip(pushes, counts, strict=True)
            for n in range(count)
        ]
    )
    base = EducationBaseFactory()
    Visit.objects.bulk_create(
        [
            Visit(base=base, visited_on=start + dt.timedelta(days=i), group_name=f"群体{i}", visitors=v)
            for i, v in enumerate([45] * 288 + [13_000 - 45 * 288])
        ]
    )
    figures = selectors.publicity_figures(year=2024)
    assert (figures.totals["pushes"], figures.totals["articles"]) == (296, 1093)
    assert "累计发布微信推文296期、1093篇次" in figures.wording
    assert "共接待参观群体289批次、1.3万人次" in figures.wording
    assert figures.wording.startswith("2024年") and figures.wording.endswith("。")


def test_every_month_over_100k_reads_is_said():
    channel = ChannelFactory()
    for month in range(1, 13):
        PublicityItemFactory(channel=channel, published_on=dt.date(2024, month, 2), reads=100_001)
    assert "每月阅读量均超10万" in selectors.publicity_figures(year=2024).wording
    PublicityItem.objects.filter(published_on__month=3).update(reads=99_000)
    assert "每月阅读量均超10万" not in selectors.publicity_figures(year=2024).wording


def test_wan_formats_like_the_office():
    assert [selectors.wan(n) for n in (9876, 10_000, 13_000, 97_696, 1_500_000)] == [
        "9876",
        "1万",
        "1.3万",
        "9.8万",
        "150万",
    ]


def test_screens_on_air_count_each_screen_once_per_network():
    """The 黄芊芊 video on 110 bus and 500 elevator screens is 610 screens on air; a second ad rotating on the same
    500 elevator screens does not make 1,000, but adds to the screen-days."""
    bus = ScreenNetworkFactory()
    elevator = ScreenNetworkFactory(name="电梯梯载电视", kind=ChannelKind.ELEVATOR_SCREEN, screen_count=500)
    video = ScreenPlacementFactory(channel=bus, screens=110).item
    ScreenPlacementFactory(item=video, channel=elevator, screens=500, ends_on=dt.date(2024, 7, 15))
    ScreenPlacementFactory(
        item__title="防汛防台公益广告",
        channel=elevator,
        screens=500,
        starts_on=dt.date(2024, 7, 10),
        ends_on=dt.date(2024, 7, 31),
    )
    figures = selectors.publicity_figures(year=2024)
    june, july = figures.months[5], figures.months[6]
    assert june["screens_on_air"] == 610
    assert july["screens_on_air"] == 500
    assert june["screen_days"] == 110 * 30 + 500 * 30
    assert july["screen_days"] == 500 * 15 + 500 * 22
    assert figures.totals["screens_on_air"] == 610
    assert figures.screen_networks == [("公交车载电视", 110), ("电梯梯载电视", 500)]
    assert "在全市110部公交车载电视、500部电梯梯载电视投放公益广告" in figures.wording


def test_daily_screens_clip_placements_to_the_window():
    days = selectors.daily_screens(
        [(dt.date(2023, 12, 30), dt.date(2024, 1, 2), 5), (dt.date(2024, 1, 2), dt.date(2024, 1, 9), 3)],
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 3),
    )
    assert days == [5, 8, 3]


def test_media_points_by_level_pictures_double_and_a_story_counts_once():
    national = NewspaperFactory(name="中国安全生产报", media_level=MediaLevel.NATIONAL)
    county = NewspaperFactory()
    common = {"kind": ItemKind.NEWS_REPORT, "link": "", "reads": 0}
    PublicityItemFactory(
        **common, channel=national, with_picture=True, story_key="S1", published_on=dt.date(2024, 6, 20)
    )
    PublicityItemFactory(**common, channel=county, with_picture=True, story_key="S1", published_on=dt.date(2024, 6, 19))
    PublicityItemFactory(**common, channel=county, published_on=dt.date(2024, 7, 1))
    PublicityItemFactory(
        kind=ItemKind.MEDIA_COLUMN, channel=county, link="", with_picture=True, published_on=dt.date(2024, 8, 1)
    )
    figures = selectors.publicity_figures(year=2024)
    # The shared story: 16 (national, pictures) once, in June when it first appeared; then 2, then 4.
    assert figures.series("media_points")[5:8] == [16, 2, 4]
    assert figures.totals["media_points"] == 22
    assert figures.totals["news_reports"] == 4


def test_figures_of_an_empty_year_are_zero_and_say_so():
    figures = selectors.publicity_figures(year=2030)
    assert figures.is_empty
    assert figures.totals == dict.fromkeys(selectors.MEASURE_KEYS, 0)
    assert figures.wording == "2030年暂无宣传统计数据。"


def test_figures_take_a_constant_number_of_queries(django_assert_num_queries, year_of_data):
    with django_assert_num_queries(8):
        selectors.publicity_figures(year=2024)
    with django_assert_num_queries(4):
        selectors.campaign_publicity_totals(campaign_id=year_of_data.pk)


def test_screen_calendar_shows_what_is_on_air_each_day():
    bus = ScreenNetworkFactory()
    placement = ScreenPlacementFactory(channel=bus, starts_on=dt.date(2024, 6, 10), ends_on=dt.date(2024, 7, 3))
    grid = selectors.screen_calendar(year=2024, month=6)
    days = {cell.day: cell for week in grid.weeks for cell in week if not cell.is_blank}
    assert len(days) == 30
    assert days[dt.date(2024, 6, 9)].placements == []
    assert days[dt.date(2024, 6, 10)].placements == [placement]
    assert days[dt.date(2024, 6, 30)].screens == 110
    assert grid.peak == 110 and grid.screen_days == 110 * 21
    assert grid.weeks[0][0].is_blank  # 2024-06-01 is a Saturday: the grid starts on Monday
    assert (grid.previous, grid.next) == ((2024, 5), (2024, 7))
