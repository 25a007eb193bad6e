"""Publicity: what the office published, aired, hung, printed and showed, with the reach of each.

- ``Channel``: where things run — the office's WeChat account and video channel, Douyin, the bus and elevator
  screen networks (with their number of screens), newspapers and TV (with their media level).
- ``WechatPush``: one WeChat push (期). A push carries several articles (篇), so a year reads "推文296期、1093篇次".
- ``PublicityItem``: one article, video, screen ad, banner, poster, brochure, news report… with its reach.
- ``ScreenPlacement``: which item runs on which screen network from when to when, on how many screens.
- ``EducationBase`` / ``Visit``: the education base and safety-culture parks, and the groups that visited them.
- ``PublicityReport``: a request for the yearly figures as a PDF (the documents engine's source object).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetyportal.models import TimeStamped

ALLOWED_URL_SCHEMES = ("http", "https")
validate_web_url = URLValidator(schemes=list(ALLOWED_URL_SCHEMES), message=_("请输入以http://或https://开头的网址。"))


def is_web_url(value: str | None) -> bool:
    """Whether a stored link may be rendered as a link: http(s) only (never javascript:, data:, …)."""
    if not value:
        return False
    try:
        validate_web_url(value)
    except ValidationError:
        return False
    return True


class ChannelKind(models.TextChoices):
    WECHAT = "wechat", _("微信公众号")
    WECHAT_VIDEO = "wechat_video", _("视频号")
    DOUYIN = "douyin", _("抖音")
    BUS_SCREEN = "bus_screen", _("公交车载电视")
    ELEVATOR_SCREEN = "elevator_screen", _("电梯梯载电视")
    OUTDOOR_SCREEN = "outdoor_screen", _("户外大屏")
    NEWSPAPER = "newspaper", _("报纸")
    TV = "tv", _("电视台")
    WEBSITE = "website", _("网站")


SCREEN_KINDS = (ChannelKind.BUS_SCREEN, ChannelKind.ELEVATOR_SCREEN, ChannelKind.OUTDOOR_SCREEN)
VIDEO_CHANNEL_KINDS = (ChannelKind.WECHAT_VIDEO, ChannelKind.DOUYIN, ChannelKind.TV, ChannelKind.WEBSITE)


class MediaLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("设区市级")
    COUNTY = "county", _("县（市、区）级")
    LOCAL = "local", _("本级")


# Points per report by media level (考核评分表): a report with pictures counts double; a story carried by several
# media counts once, at its highest level.
MEDIA_POINTS: dict[str, int] = {
    MediaLevel.NATIONAL: 8,
    MediaLevel.PROVINCIAL: 5,
    MediaLevel.CITY: 3,
    MediaLevel.COUNTY: 2,
    MediaLevel.LOCAL: 1,
}


class Channel(TimeStamped):
    """A medium the office publishes through: an account, a screen network, a newspaper, a TV station."""

    name = models.CharField(_("名称"), max_length=64, unique=True, help_text=_("如：晋江应急管理、晋江经济报"))
    kind = models.CharField(_("载体类型"), max_length=24, choices=ChannelKind.choices, db_index=True)
    media_level = models.CharField(
        _("媒体级别"), max_length=16, choices=MediaLevel.choices, blank=True, help_text=_("新闻媒体填写，用于积分")
    )
    screen_count = models.PositiveIntegerField(
        _("屏数"), null=True, blank=True, help_text=_("屏幕网络填写，如：公交车载电视110部")
    )
    operator = models.CharField(_("运营单位"), max_length=64, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("宣传载体")
        verbose_name_plural = _("宣传载体")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_screen_network(self) -> bool:
        return self.kind in SCREEN_KINDS

    def clean(self) -> None:
        if self.screen_count and not self.is_screen_network:
            raise ValidationError({"screen_count": _("只有屏幕网络（车载、梯载、户外大屏）填写屏数。")})
        if self.is_screen_network and not self.screen_count:
            raise ValidationError({"screen_count": _("屏幕网络须填写屏数。")})


class WechatPush(TimeStamped):
    """One push (期) of the WeChat account; its articles (篇) are the PublicityItems pointing to it.

    A subscription account pushes once a day, so the WeChat import files the articles of one day under that day's
    push (sequence 1); a second push on the same day can be entered by hand with sequence 2."""

    channel = models.ForeignKey(
        Channel,
        verbose_name=_("公众号"),
        on_delete=models.PROTECT,
        related_name="pushes",
        limit_choices_to={"kind": ChannelKind.WECHAT},
    )
    published_on = models.DateField(_("推送日期"), db_index=True)
    sequence = models.PositiveSmallIntegerField(_("当日第几次推送"), default=1)
    note = models.CharField(_("备注"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("微信推送（期）")
        verbose_name_plural = _("微信推送（期）")
        ordering = ["-published_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "published_on", "sequence"],
                name="publicity_push_unique",
                violation_error_message=_("该公众号当天已有这一次推送。"),
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1),
                name="publicity_push_sequence_positive",
                violation_error_message=_("当日第几次推送须从1开始。"),
            ),
        ]

    def __str__(self) -> str:
        suffix = f"（第{self.sequence}次）" if self.sequence != 1 else ""
        return f"{self.published_on:%Y-%m-%d} 推送{suffix}"

    def clean(self) -> None:
        if self.channel_id and self.channel.kind != ChannelKind.WECHAT:
            raise ValidationError({"channel": _("推送只能属于微信公众号。")})


class ItemKind(models.TextChoices):
    WECHAT_ARTICLE = "wechat_article", _("微信推文")
    SHORT_VIDEO = "short_video", _("视频号/抖音短视频")
    PSA = "psa", _("公益广告")
    BANNER = "banner", _("横幅")
    POSTER = "poster", _("海报/挂图")
    BROCHURE = "brochure", _("宣传手册/口袋书")
    GIVEAWAY = "giveaway", _("宣传品")
    DISPLAY_BOARD = "display_board", _("展板")
    NEWS_REPORT = "news_report", _("新闻报道")
    PRESS_CONFERENCE = "press_conference", _("新闻发布会")
    MEDIA_COLUMN = "media_column", _("媒体专栏")


# What citizens see on the public page: published articles and videos (and news reports) with a link.
PUBLIC_KINDS = (ItemKind.WECHAT_ARTICLE, ItemKind.SHORT_VIDEO, ItemKind.NEWS_REPORT)
# What earns media-level points.
MEDIA_REPORT_KINDS = (ItemKind.NEWS_REPORT, ItemKind.MEDIA_COLUMN)
PRINTED_KINDS = (ItemKind.POSTER, ItemKind.BROCHURE, ItemKind.GIVEAWAY)


class PublicityItem(TimeStamped):
    """One thing the office published or put up, and how far it reached."""

    kind = models.CharField(_("类型"), max_length=24, choices=ItemKind.choices, db_index=True)
    channel = models.ForeignKey(
        Channel, verbose_name=_("载体"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("所属活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publicity_items",
    )
    push = models.ForeignKey(
        WechatPush,
        verbose_name=_("所属推送（期）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text=_("微信推文保存时自动归入当日推送"),
    )
    position = models.PositiveSmallIntegerField(_("篇序"), null=True, blank=True, help_text=_("1为头条"))
    title = models.CharField(_("标题"), max_length=200)
    published_on = models.DateField(
        _("发布日期"), db_index=True, help_text=_("推文、视频、报道为发布日期；横幅、海报、手册等为投放或发放日期")
    )
    link = models.URLField(_("链接"), max_length=500, blank=True, validators=[validate_web_url])
    summary = models.TextField(_("简介"), blank=True)
    cover = models.CharField(_("封面图"), max_length=200, blank=True, editable=False)
    cover_thumb = models.CharField(_("封面缩略图"), max_length=200, blank=True, editable=False)

    reads = models.PositiveIntegerField(_("阅读次数"), default=0)
    read_users = models.PositiveIntegerField(_("阅读人数"), default=0)
    shares = models.PositiveIntegerField(_("分享次数"), default=0)
    likes = models.PositiveIntegerField(_("点赞"), default=0)
    wows = models.PositiveIntegerField(_("在看"), default=0)
    plays = models.PositiveIntegerField(_("播放量"), default=0)
    placements_count = models.PositiveIntegerField(
        _("投放数量（条/块/处）"), default=0, help_text=_("横幅条数、展板块数、张贴处数")
    )
    copies_printed = models.PositiveIntegerField(_("印制数量（份）"), default=0)
    copies_distributed = models.PositiveIntegerField(_("发放数量（份）"), default=0)
    with_picture = models.BooleanField(_("配发图片"), default=False, help_text=_("新闻报道配图的积分加倍"))
    story_key = models.CharField(
        _("同一报道标识"),
        max_length=64,
        blank=True,
        help_text=_("同一篇稿件被多家媒体刊发时填写相同标识，积分按最高级别计一次"),
    )
    is_published = models.BooleanField(_("在门户公开"), default=True, db_index=True)
    stats_synced_at = models.DateTimeField(_("阅读数据更新时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("宣传品与推文")
        verbose_name_plural = _("宣传品与推文")
        ordering = ["-published_on", "-pk"]
        indexes = [
            models.Index(fields=["kind", "published_on"], name="publicity_item_kind_date"),
            models.Index(fields=["campaign", "kind"], name="publicity_item_campaign_kind"),
            models.Index(fields=["is_published", "published_on", "id"], name="publicity_item_public_seek"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "title", "published_on"],
                condition=models.Q(kind="wechat_article"),
                name="publicity_article_unique_per_day",
                violation_error_message=_("该公众号当天已有同一标题的推文。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="wechat_article") | models.Q(push__isnull=False),
                name="publicity_article_has_push",
                violation_error_message=_("微信推文须属于一次推送。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def safe_link(self) -> str:
        """The link if it is http(s), else "": templates render only this."""
        return self.link if is_web_url(self.link) else ""

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        channel = self.channel if self.channel_id else None
        if self.kind == ItemKind.WECHAT_ARTICLE:
            if channel is None or channel.kind != ChannelKind.WECHAT:
                errors["channel"] = _("微信推文的载体须为微信公众号。")
        elif self.push_id:
            errors["push"] = _("只有微信推文属于推送。")
        if self.kind == ItemKind.SHORT_VIDEO and (channel is None or channel.kind not in VIDEO_CHANNEL_KINDS):
            errors["channel"] = _("短视频的载体须为视频号、抖音、电视台或网站。")
        if self.push_id and channel is not None and self.push.channel_id != channel.pk:
            errors["push"] = _("推送与推文不属于同一公众号。")
        if self.read_users > self.reads and self.reads:
            errors["read_users"] = _("阅读人数不能多于阅读次数。")
        if errors:
            raise ValidationError(errors)


class ScreenPlacement(TimeStamped):
    """An item on air on a screen network from ``starts_on`` to ``ends_on`` (both included)."""

    item = models.ForeignKey(
        PublicityItem, verbose_name=_("投放内容"), on_delete=models.PROTECT, related_name="placements"
    )
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("屏幕网络"),
        on_delete=models.PROTECT,
        related_name="placements",
        limit_choices_to={"kind__in": SCREEN_KINDS},
    )
    starts_on = models.DateField(_("开始日期"), db_index=True)
    ends_on = models.DateField(_("结束日期"), db_index=True)
    screens = models.PositiveIntegerField(_("屏数"), default=0, blank=True, help_text=_("留空则为该网络全部屏数"))
    plays_per_day = models.PositiveIntegerField(_("每日播放次数"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("屏幕投放")
        verbose_name_plural = _("屏幕投放")
        ordering = ["-starts_on", "channel_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="publicity_placement_dates_in_order",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=models.Q(screens__gte=1),
                name="publicity_placement_has_screens",
                violation_error_message=_("屏数至少为1。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}（{self.channel}，{self.starts_on:%Y-%m-%d}至{self.ends_on:%Y-%m-%d}）"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def screen_days(self) -> int:
        return self.days * self.screens

    def on_air(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期不能早于开始日期。")
        if self.channel_id:
            if not self.channel.is_screen_network:
                errors["channel"] = _("只能投放到屏幕网络（车载、梯载、户外大屏）。")
            else:
                if not self.screens and self.channel.screen_count:
                    self.screens = self.channel.screen_count
                if self.channel.screen_count and self.screens > self.channel.screen_count:
                    errors["screens"] = _("屏数不能超过该网络的屏数（%(n)s部）。") % {"n": self.channel.screen_count}
        if errors:
            raise ValidationError(errors)


class BaseKind(models.TextChoices):
    TRAINING_BASE = "training_base", _("安全生产宣教基地")
    THEME_PARK = "theme_park", _("安全文化主题公园")
    DEMO_PARK = "demo_park", _("安全文化示范园")
    EXPERIENCE_HALL = "experience_hall", _("安全体验馆")


class EducationBase(TimeStamped):
    """A venue the public visits: the education base (宣教基地) and the safety-culture parks (一基地两公园)."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=24, choices=BaseKind.choices)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    opened_on = models.DateField(_("开放日期"), null=True, blank=True)
    is_active = models.BooleanField(_("开放中"), default=True)

    class Meta:
        verbose_name = _("宣教基地与主题公园")
        verbose_name_plural = _("宣教基地与主题公园")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    SCHOOL = "school", _("学校")
    GOVERNMENT = "government", _("机关事业单位")
    COMMUNITY = "community", _("社区/村")
    OTHER = "other", _("其他")


class Visit(TimeStamped):
    """One visiting group (批次) at a venue on a day."""

    base = models.ForeignKey(EducationBase, verbose_name=_("场馆"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("参观日期"), db_index=True)
    group_name = models.CharField(_("参观单位/群体"), max_length=128)
    group_kind = models.CharField(_("群体类型"), max_length=16, choices=GroupKind.choices, default=GroupKind.OTHER)
    visitors = models.PositiveIntegerField(_("参观人数"), validators=[MinValueValidator(1)])
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("所属活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publicity_visits",
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("参观接待")
        verbose_name_plural = _("参观接待")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "visited_on", "group_name"],
                name="publicity_visit_unique",
                violation_error_message=_("该场馆当天已登记过这一参观群体。"),
            ),
            models.CheckConstraint(
                condition=models.Q(visitors__gte=1),
                name="publicity_visit_has_visitors",
                violation_error_message=_("参观人数至少为1。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.group_name}（{self.visitors}人）"


class PublicityReport(models.Model):
    """A yearly (or one campaign's) publicity report requested as a PDF; the document's source object."""

    year = models.PositiveSmallIntegerField(_("年度"))
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("所属活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("宣传统计报告")
        verbose_name_plural = _("宣传统计报告")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.year}年宣传工作统计报告"
