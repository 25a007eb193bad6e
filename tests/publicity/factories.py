"""One factory per model of the publicity app (and a helper for the campaign they hang off)."""

from __future__ import annotations

import datetime as dt

import factory

from campaigns.models import Campaign
from publicity.models import (
    BaseKind,
    Channel,
    ChannelKind,
    EducationBase,
    GroupKind,
    ItemKind,
    MediaLevel,
    PublicityItem,
    ScreenPlacement,
    Visit,
    WechatPush,
)


def make_campaign(name: str = "安全生产月", year: int = 2024, **fields: object) -> Campaign:
    defaults = {
        "kind": "safety_month",
        "edition": "第23个",
        "national_theme": "人人讲安全、个个会应急——畅通生命通道",
        "starts_on": dt.date(year, 6, 1),
        "ends_on": dt.date(year, 6, 30),
    }
    defaults.update(fields)
    return Campaign.objects.create(name=name, year=year, **defaults)


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ("name",)

    name = "晋江应急管理"
    kind = ChannelKind.WECHAT
    media_level = MediaLevel.LOCAL


class VideoChannelFactory(ChannelFactory):
    name = "晋江应急管理视频号"
    kind = ChannelKind.WECHAT_VIDEO


class NewspaperFactory(ChannelFactory):
    name = "晋江经济报"
    kind = ChannelKind.NEWSPAPER
    media_level = MediaLevel.COUNTY


class ScreenNetworkFactory(ChannelFactory):
    name = "公交车载电视"
    kind = ChannelKind.BUS_SCREEN
    media_level = ""
    screen_count = 110


class WechatPushFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WechatPush
        django_get_or_create = ("channel", "published_on", "sequence")

    channel = factory.SubFactory(ChannelFactory)
    published_on = dt.date(2024, 6, 16)
    sequence = 1


class PublicityItemFactory(factory.django.DjangoModelFactory):
    """A WeChat article in its day's push by default."""

    class Meta:
        model = PublicityItem

    kind = ItemKind.WECHAT_ARTICLE
    channel = factory.SubFactory(ChannelFactory)
    title = factory.Sequence(lambda n: f"【安全生产月】测试推文{n}")
    published_on = dt.date(2024, 6, 16)
    push = factory.LazyAttribute(
        lambda o: (
            WechatPushFactory(channel=o.channel, published_on=o.published_on)
            if o.kind == ItemKind.WECHAT_ARTICLE
            else None
        )
    )
    link = factory.Sequence(lambda n: f"https://mp.weixin.qq.com/s/test{n}")
    reads = 1000


class VideoFactory(PublicityItemFactory):
    kind = ItemKind.SHORT_VIDEO
    channel = factory.SubFactory(VideoChannelFactory)
    title = factory.Sequence(lambda n: f"短视频｜测试{n}")
    link = factory.Sequence(lambda n: f"https://weixin.qq.com/sph/test{n}")
    reads = 0
    plays = 5000


class ScreenPlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScreenPlacement

    item = factory.SubFactory(
        PublicityItemFactory, kind=ItemKind.PSA, channel=None, link="", reads=0, title="黄芊芊安全生产公益宣传片"
    )
    channel = factory.SubFactory(ScreenNetworkFactory)
    starts_on = dt.date(2024, 6, 1)
    ends_on = dt.date(2024, 6, 30)
    screens = 110


class EducationBaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EducationBase
        django_get_or_create = ("name",)

    name = "崎山安全文化主题公园"
    kind = BaseKind.THEME_PARK


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    base = factory.SubFactory(EducationBaseFactory)
    visited_on = dt.date(2024, 6, 16)
    group_name = factory.Sequence(lambda n: f"测试中心小学师生{n}")
    group_kind = GroupKind.SCHOOL
    visitors = 45
