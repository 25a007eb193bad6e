"""Every non-trivial read of the publicity app: the figures staff report, the screen calendar, the public lists.

Sums and counts of items and visits are aggregated in the database (``aggregate`` / ``values().annotate()``, one
query each). Screens on air are computed in Python from the placements overlapping the period: a placement is a
date interval, and "screens on air per day" is a difference array over at most a year of days (or a sweep over
the interval ends for a campaign), which portable SQL over SQLite and PostgreSQL does awkwardly. The input is
one ``values_list`` query over a few hundred placements a year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from .models import (
    MEDIA_POINTS,
    MEDIA_REPORT_KINDS,
    PUBLIC_KINDS,
    Channel,
    ChannelKind,
    EducationBase,
    ItemKind,
    PublicityItem,
    ScreenPlacement,
    Visit,
    WechatPush,
)

MONTHS = range(1, 13)

# The measures of the figures, in the order pages, exports and reports show them: key, label, unit.
MEASURES: tuple[tuple[str, str, str], ...] = (
    ("pushes", "微信推送", "期"),
    ("articles", "微信推文", "篇次"),
    ("reads", "阅读量", "次"),
    ("videos", "短视频", "条"),
    ("plays", "播放量", "次"),
    ("screens_on_air", "在播屏数（峰值）", "部"),
    ("screen_days", "屏幕投放", "屏·天"),
    ("visit_batches", "参观接待", "批次"),
    ("visitors", "参观人数", "人次"),
    ("banners", "宣传横幅", "条"),
    ("copies_printed", "印制宣传资料", "份"),
    ("copies_distributed", "发放宣传资料", "份"),
    ("news_reports", "新闻报道", "篇"),
    ("press_conferences", "新闻发布会", "场"),
    ("media_points", "媒体报道积分", "分"),
)
MEASURE_KEYS = tuple(key for key, _label, _unit in MEASURES)
MEASURE_LABELS = {key: label for key, label, _unit in MEASURES}
MEASURE_UNITS = {key: unit for key, _label, unit in MEASURES}

ITEM_MEASURES = (
    "pushes",
    "articles",
    "reads",
    "videos",
    "plays",
    "banners",
    "copies_printed",
    "copies_distributed",
    "news_reports",
    "press_conferences",
)


def _zero() -> dict[str, int]:
    return dict.fromkeys(MEASURE_KEYS, 0)


def _sum(name: str, **filters: Any) -> Coalesce:
    condition = Q(**filters) if filters else None
    return Coalesce(Sum(name, filter=condition), Value(0), output_field=IntegerField())


def _item_aggregates() -> dict[str, Any]:
    """The item measures as aggregate expressions (one definition for totals, months and campaigns)."""
    return {
        "pushes": Count("push", distinct=True, filter=Q(kind=ItemKind.WECHAT_ARTICLE)),
        "articles": Count("pk", filter=Q(kind=ItemKind.WECHAT_ARTICLE)),
        "reads": _sum("reads"),
        "videos": Count("pk", filter=Q(kind=ItemKind.SHORT_VIDEO)),
        "plays": _sum("plays"),
        "banners": _sum("placements_count", kind=ItemKind.BANNER),
        "copies_printed": _sum("copies_printed"),
        "copies_distributed": _sum("copies_distributed"),
        "news_reports": Count("pk", filter=Q(kind__in=MEDIA_REPORT_KINDS)),
        "press_conferences": Count("pk", filter=Q(kind=ItemKind.PRESS_CONFERENCE)),
    }


def _visit_aggregates() -> dict[str, Any]:
    return {"visit_batches": Count("pk"), "visitors": _sum("visitors")}


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# Screens on air ------------------------------------------------------------------------------------------------
PlacementSpan = tuple[dt.date, dt.date, int]  # starts_on, ends_on, screens
# starts_on, ends_on, screens, network id, the network's screen count (None: no cap)
NetworkSpan = tuple[dt.date, dt.date, int, int, int | None]


def daily_screens(spans: Iterable[PlacementSpan], start: dt.date, end: dt.date) -> list[int]:
    """Screens booked on each day from ``start`` to ``end`` (a difference array: O(days + placements))."""
    length = (end - start).days + 1
    diff = [0] * (length + 1)
    for starts_on, ends_on, screens in spans:
        first = max(starts_on, start)
        last = min(ends_on, end)
        if first > last:
            continue
        diff[(first - start).days] += screens
        diff[(last - start).days + 1] -= screens
    days, running = [], 0
    for delta in diff[:length]:
        running += delta
        days.append(running)
    return days


def screens_on_air(spans: Iterable[NetworkSpan], start: dt.date, end: dt.date) -> list[int]:
    """Distinct screens showing at least one item on each day: per network, the booked screens capped at the
    network's size (two ads rotating on the same 500 elevator screens are 500 screens on air, not 1,000)."""
    by_network: dict[int, tuple[int | None, list[PlacementSpan]]] = {}
    for starts_on, ends_on, screens, network, cap in spans:
        by_network.setdefault(network, (cap, []))[1].append((starts_on, ends_on, screens))
    total = [0] * ((end - start).days + 1)
    for cap, network_spans in by_network.values():
        for index, booked in enumerate(daily_screens(network_spans, start, end)):
            total[index] += min(booked, cap) if cap else booked
    return total


def screen_days_total(spans: Iterable[PlacementSpan | NetworkSpan]) -> int:
    """Screens × days booked (屏·天): one screen showing two ads on a day counts twice."""
    return sum(((span[1] - span[0]).days + 1) * span[2] for span in spans)


def _placements(**filters: Any) -> QuerySet:
    return ScreenPlacement.objects.filter(**filters).order_by()


# Media-level points --------------------------------------------------------------------------------------------
def media_points(rows: Iterable[tuple[str, str, bool, int, dt.date]]) -> dict[int, int]:
    """Points per month from (story_key, media_level, with_picture, pk, published_on) of media reports.

    A report scores its channel's level (8/5/3/2/1), doubled with pictures; reports sharing a story key count once,
    at their best score, in the month the story first appeared."""
    groups: dict[str, list[tuple[int, dt.date]]] = defaultdict(list)
    for story_key, level, with_picture, pk, published_on in rows:
        score = MEDIA_POINTS.get(level, 0) * (2 if with_picture else 1)
        key = story_key.strip() if story_key and story_key.strip() else f"#{pk}"
        groups[key].append((score, published_on))
    per_month: dict[int, int] = defaultdict(int)
    for entries in groups.values():
        best = max(score for score, _day in entries)
        first = min(day for _score, day in entries)
        per_month[first.month] += best
    return dict(per_month)


def _media_rows(items: QuerySet) -> list[tuple[str, str, bool, int, dt.date]]:
    return list(
        items.filter(kind__in=MEDIA_REPORT_KINDS)
        .order_by()
        .values_list("story_key", "channel__media_level", "with_picture", "pk", "published_on")
    )


# Yearly figures -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Placement:
    starts_on: dt.date
    ends_on: dt.date
    screens: int
    network: int
    network_size: int | None
    network_name: str
    campaign_id: int | None
    campaign_name: str | None
    campaign_year: int | None

    @property
    def span(self) -> PlacementSpan:
        return (self.starts_on, self.ends_on, self.screens)

    @property
    def network_span(self) -> NetworkSpan:
        return (self.starts_on, self.ends_on, self.screens, self.network, self.network_size)


@dataclass
class CampaignRow:
    campaign_id: int
    name: str
    values: dict[str, int]


@dataclass
class ChannelRow:
    channel_id: int
    name: str
    kind: str
    items: int
    reads: int
    plays: int
    screens: int


@dataclass
class Figures:
    year: int
    campaign_id: int | None
    totals: dict[str, int]
    months: list[dict[str, int]]  # 12 dicts, January first
    campaigns: list[CampaignRow]
    channels: list[ChannelRow]
    screen_networks: list[tuple[str, int]]  # (network name, peak screens on air) for the wording
    monthly_reads_min: int
    wording: str = ""
    month_labels: list[str] = field(default_factory=lambda: [f"{m}月" for m in MONTHS])

    def series(self, key: str) -> list[int]:
        return [month[key] for month in self.months]

    @property
    def is_empty(self) -> bool:
        return not any(self.totals.values())


def publicity_figures(*, year: int, campaign_id: int | None = None) -> Figures:
    """The office's figures for one year (optionally one campaign): totals, months, campaigns, channels.

    At most eight queries, whatever the amount of data."""
    start, end = _year_bounds(year)
    items = PublicityItem.objects.filter(published_on__range=(start, end))
    visits = Visit.objects.filter(visited_on__range=(start, end))
    placement_filter: dict[str, Any] = {"starts_on__lte": end, "ends_on__gte": start}
    if campaign_id is not None:
        items = items.filter(campaign_id=campaign_id)
        visits = visits.filter(campaign_id=campaign_id)
        placement_filter["item__campaign_id"] = campaign_id

    months = {m: _zero() for m in MONTHS}
    # 1: items per month
    # annotate(**aggregates) is opaque to the plugin, which types these rows with "month" only
    item_rows: Iterable[Mapping[str, Any]] = (
        items.order_by().annotate(month=ExtractMonth("published_on")).values("month").annotate(**_item_aggregates())
    )
    for row in item_rows:
        months[row["month"]].update({key: row[key] for key in ITEM_MEASURES})
    # 2: visits per month
    visit_rows: Iterable[Mapping[str, Any]] = (
        visits.order_by().annotate(month=ExtractMonth("visited_on")).values("month").annotate(**_visit_aggregates())
    )
    for row in visit_rows:
        months[row["month"]].update(visit_batches=row["visit_batches"], visitors=row["visitors"])
    # 3: media points
    for month, points in media_points(_media_rows(items)).items():
        months[month]["media_points"] = points
    # 4: placements overlapping the year
    placements = [
        Placement(*row)
        for row in _placements(**placement_filter).values_list(
            "starts_on",
            "ends_on",
            "screens",
            "channel_id",
            "channel__screen_count",
            "channel__name",
            "item__campaign_id",
            "item__campaign__name",
            "item__campaign__year",
        )
    ]
    on_air = screens_on_air([p.network_span for p in placements], start, end)
    booked = daily_screens([p.span for p in placements], start, end)
    for month in MONTHS:
        first = (dt.date(year, month, 1) - start).days
        last = (dt.date(year, month, calendar.monthrange(year, month)[1]) - start).days
        months[month]["screens_on_air"] = max(on_air[first : last + 1], default=0)
        months[month]["screen_days"] = sum(booked[first : last + 1])

    totals = _zero()
    for key in MEASURE_KEYS:
        totals[key] = sum(months[m][key] for m in MONTHS)
    totals["screens_on_air"] = max(on_air, default=0)
    # A push belongs to one day, hence to one month: the monthly counts add up to the year's.

    networks: dict[int, tuple[str, list[NetworkSpan]]] = {}
    for placement in placements:
        networks.setdefault(placement.network, (placement.network_name, []))[1].append(placement.network_span)
    screen_networks = sorted(
        (name, max(screens_on_air(spans, start, end), default=0)) for name, spans in networks.values()
    )

    figures = Figures(
        year=year,
        campaign_id=campaign_id,
        totals=totals,
        months=[months[m] for m in MONTHS],
        campaigns=_campaign_rows(items, visits, placements, start, end) if campaign_id is None else [],
        channels=_channel_rows(items, placements, start, end),
        screen_networks=screen_networks,
        monthly_reads_min=min(months[m]["reads"] for m in MONTHS),
    )
    figures.wording = year_wording(figures)
    return figures


def _campaign_rows(
    items: QuerySet, visits: QuerySet, placements: Sequence[Placement], start: dt.date, end: dt.date
) -> list[CampaignRow]:
    rows: dict[int, CampaignRow] = {}
    # 5: items per campaign
    for row in (
        items.filter(campaign__isnull=False)
        .order_by()
        .values("campaign_id", "campaign__name", "campaign__year")
        .annotate(**_item_aggregates())
    ):
        entry = rows.setdefault(
            row["campaign_id"],
            CampaignRow(row["campaign_id"], f"{row['campaign__year']}年{row['campaign__name']}", _zero()),
        )
        entry.values.update({key: row[key] for key in ITEM_MEASURES})
    # 6: visits per campaign
    for row in (
        visits.filter(campaign__isnull=False)
        .order_by()
        .values("campaign_id", "campaign__name", "campaign__year")
        .annotate(**_visit_aggregates())
    ):
        entry = rows.setdefault(
            row["campaign_id"],
            CampaignRow(row["campaign_id"], f"{row['campaign__year']}年{row['campaign__name']}", _zero()),
        )
        entry.values.update(visit_batches=row["visit_batches"], visitors=row["visitors"])
    by_campaign: dict[int, list[Placement]] = defaultdict(list)
    for p in placements:
        if p.campaign_id is not None:
            by_campaign[p.campaign_id].append(p)
            rows.setdefault(p.campaign_id, CampaignRow(p.campaign_id, f"{p.campaign_year}年{p.campaign_name}", _zero()))
    for campaign_id, campaign_placements in by_campaign.items():
        on_air = screens_on_air([p.network_span for p in campaign_placements], start, end)
        booked = daily_screens([p.span for p in campaign_placements], start, end)
        rows[campaign_id].values.update(screens_on_air=max(on_air, default=0), screen_days=sum(booked))
    media = items.filter(campaign__isnull=False)
    for campaign_id, points in _campaign_media_points(media).items():
        if campaign_id in rows:
            rows[campaign_id].values["media_points"] = points
    return sorted(rows.values(), key=lambda row: row.name)


def _campaign_media_points(items: QuerySet) -> dict[int, int]:
    # 7: media reports of campaigns
    per_campaign: dict[int, list[tuple]] = defaultdict(list)
    for campaign_id, *rest in (
        items.filter(kind__in=MEDIA_REPORT_KINDS)
        .order_by()
        .values_list("campaign_id", "story_key", "channel__media_level", "with_picture", "pk", "published_on")
    ):
        per_campaign[campaign_id].append(tuple(rest))
    return {campaign_id: sum(media_points(rows).values()) for campaign_id, rows in per_campaign.items()}


def _channel_rows(items: QuerySet, placements: Sequence[Placement], start: dt.date, end: dt.date) -> list[ChannelRow]:
    # 8: items per channel
    rows = {
        row["channel_id"]: ChannelRow(
            row["channel_id"], row["channel__name"], row["channel__kind"], row["items"], row["reads"], row["plays"], 0
        )
        for row in items.filter(channel__isnull=False)
        .order_by()
        .values("channel_id", "channel__name", "channel__kind")
        .annotate(items=Count("pk"), reads=_sum("reads"), plays=_sum("plays"))
    }
    networks: dict[int, list[NetworkSpan]] = defaultdict(list)
    names: dict[int, str] = {}
    for p in placements:
        networks[p.network].append(p.network_span)
        names[p.network] = p.network_name
    for channel_id, spans in networks.items():
        peak = max(screens_on_air(spans, start, end), default=0)
        if channel_id in rows:
            rows[channel_id].screens = peak
        else:
            rows[channel_id] = ChannelRow(channel_id, names[channel_id], "", 0, 0, 0, peak)
    return sorted(rows.values(), key=lambda row: (-row.items, row.name))


# Wording -------------------------------------------------------------------------------------------------------
def wan(number: int) -> str:
    """A count as the office writes it: 13000 → "1.3万", 1500000 → "150万", 9876 → "9876"."""
    if number < 10_000:
        return str(number)
    text = f"{number / 10_000:.1f}".removesuffix(".0")
    return f"{text}万"


def year_wording(figures: Figures) -> str:
    """The year's totals in the sentences the office writes in its reports (e.g. "推文296期、1093篇次")."""
    t = figures.totals
    prefix = f"{figures.year}年"
    sentences: list[str] = []
    if t["articles"]:
        text = f"累计发布微信推文{t['pushes']}期、{t['articles']}篇次"
        if t["reads"]:
            text += f"，阅读量{wan(t['reads'])}次"
        if figures.monthly_reads_min > 100_000:
            text += "，每月阅读量均超10万"
        sentences.append(text)
    if t["videos"]:
        text = f"发布短视频{t['videos']}条"
        if t["plays"]:
            text += f"，播放量{wan(t['plays'])}次"
        sentences.append(text)
    if figures.screen_networks:
        networks = "、".join(f"{screens}部{name}" for name, screens in figures.screen_networks if screens)
        sentences.append(f"在全市{networks}投放公益广告，累计{wan(t['screen_days'])}屏·天")
    if t["banners"]:
        sentences.append(f"悬挂宣传横幅{t['banners']}条")
    if t["copies_distributed"]:
        sentences.append(f"发放宣传资料{wan(t['copies_distributed'])}份")
    if t["news_reports"]:
        sentences.append(f"在各级媒体刊发新闻报道{t['news_reports']}篇")
    if t["press_conferences"]:
        sentences.append(f"召开新闻发布会{t['press_conferences']}场")
    if t["visit_batches"]:
        sentences.append(
            f"安全生产宣教基地和安全文化主题公园共接待参观群体{t['visit_batches']}批次、{wan(t['visitors'])}人次"
        )
    if not sentences:
        return f"{prefix}暂无宣传统计数据。"
    return prefix + "；".join(sentences) + "。"


# For the campaigns summary --------------------------------------------------------------------------------------
def campaign_publicity_totals(*, campaign_id: int) -> dict[str, int]:
    """One campaign's publicity figures, for the campaign summary (活动总结). Every value is an int; keys:

    - ``pushes``: WeChat pushes (期) carrying at least one of the campaign's articles;
    - ``articles``: WeChat articles (篇次); ``reads``: reads (阅读次数) of all the campaign's items;
    - ``videos``: short videos (条); ``plays``: plays (播放量) of all the campaign's items;
    - ``screens_on_air``: the most screens (部) showing the campaign's items on any single day;
    - ``screen_days``: screens × days on air (屏·天);
    - ``visit_batches`` / ``visitors``: visiting groups (批次) and visitors (人次) counted for the campaign;
    - ``banners``: banners hung (条); ``copies_printed`` / ``copies_distributed``: printed materials (份);
    - ``news_reports``: news reports and media-column pieces (篇); ``press_conferences``: press conferences (场);
    - ``media_points``: media-level points (国家8/省5/设区市3/县区2/本级1, doubled with pictures, a story once).

    Labels and units for display: ``MEASURE_LABELS`` and ``MEASURE_UNITS`` in this module. Four queries."""
    totals = _zero()
    items = PublicityItem.objects.filter(campaign_id=campaign_id)
    totals.update(items.order_by().aggregate(**_item_aggregates()))
    totals.update(Visit.objects.filter(campaign_id=campaign_id).order_by().aggregate(**_visit_aggregates()))
    totals["media_points"] = sum(media_points(_media_rows(items)).values())
    spans: list[NetworkSpan] = list(
        _placements(item__campaign_id=campaign_id).values_list(
            "starts_on", "ends_on", "screens", "channel_id", "channel__screen_count"
        )
    )
    if spans:
        first = min(span[0] for span in spans)
        last = max(span[1] for span in spans)
        totals["screens_on_air"] = max(screens_on_air(spans, first, last), default=0)
    totals["screen_days"] = screen_days_total(spans)
    return {key: int(value or 0) for key, value in totals.items()}


# Filters of the staff page --------------------------------------------------------------------------------------
def figure_years() -> list[int]:
    """Years that have items or visits, newest first (two queries)."""
    years = {d.year for d in PublicityItem.objects.dates("published_on", "year")}
    years |= {d.year for d in Visit.objects.dates("visited_on", "year")}
    return sorted(years, reverse=True)


def default_year(years: Sequence[int]) -> int:
    return years[0] if years else timezone.localdate().year


def campaign_choices() -> list[tuple[int, str]]:
    """Campaigns that have publicity items or visits (one query)."""
    from campaigns.models import Campaign  # the FK target; read through this app's relations only

    rows = (
        Campaign.objects.filter(Q(publicity_items__isnull=False) | Q(publicity_visits__isnull=False))
        .distinct()
        .order_by("-year", "name")
        .values_list("pk", "year", "name")
    )
    return [(pk, f"{year}年{name}") for pk, year, name in rows]


# Screen calendar -----------------------------------------------------------------------------------------------
@dataclass
class CalendarDay:
    day: dt.date | None
    placements: list[ScreenPlacement]
    screens: int

    @property
    def is_blank(self) -> bool:
        return self.day is None


@dataclass
class ScreenCalendar:
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    placements: list[ScreenPlacement]
    peak: int
    screen_days: int

    @property
    def previous(self) -> tuple[int, int]:
        return (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)

    @property
    def next(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)


def screen_calendar(*, year: int, month: int) -> ScreenCalendar:
    """A month grid (Monday first) of what is on air each day. One query."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    placements = list(
        ScreenPlacement.objects.filter(starts_on__lte=last, ends_on__gte=first)
        .select_related("item", "channel")
        .order_by("channel__name", "starts_on", "pk")
    )
    network_spans = [(p.starts_on, p.ends_on, p.screens, p.channel_id, p.channel.screen_count) for p in placements]
    on_air = screens_on_air(network_spans, first, last)
    booked = daily_screens([span[:3] for span in network_spans], first, last)
    weeks: list[list[CalendarDay]] = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month:
                row.append(CalendarDay(None, [], 0))
                continue
            showing = [p for p in placements if p.starts_on <= day <= p.ends_on]
            row.append(CalendarDay(day, showing, on_air[day.day - 1]))
        weeks.append(row)
    return ScreenCalendar(year, month, weeks, placements, max(on_air, default=0), sum(booked))


# Public pages --------------------------------------------------------------------------------------------------
PUBLIC_KIND_FILTERS = {
    "article": (ItemKind.WECHAT_ARTICLE,),
    "video": (ItemKind.SHORT_VIDEO,),
    "news": (ItemKind.NEWS_REPORT,),
}
PUBLIC_PAGE_SIZE = 20
MAX_SEARCH_LENGTH = 50


def public_items_queryset() -> QuerySet:
    """Items citizens may see: published articles, videos and news reports that have a link."""
    return PublicityItem.objects.filter(is_published=True, kind__in=PUBLIC_KINDS).exclude(link="")


@dataclass(frozen=True)
class Cursor:
    published_on: dt.date
    pk: int

    def encode(self) -> str:
        return f"{self.published_on:%Y%m%d}-{self.pk}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        if not value or len(value) > 32:
            return None
        day, _sep, pk = value.partition("-")
        try:
            return cls(dt.datetime.strptime(day, "%Y%m%d").date(), int(pk))
        except ValueError:
            return None


@dataclass
class PublicPage:
    items: list[PublicityItem]
    next_cursor: str | None
    is_first: bool


def public_items(
    *,
    campaign_id: int | None = None,
    kind: str = "",
    query: str = "",
    after: Cursor | None = None,
    page_size: int = PUBLIC_PAGE_SIZE,
) -> PublicPage:
    """One page of public items, newest first, by keyset (no COUNT, no OFFSET). One query."""
    items = public_items_queryset()
    if campaign_id is not None:
        items = items.filter(campaign_id=campaign_id)
    if kind in PUBLIC_KIND_FILTERS:
        items = items.filter(kind__in=PUBLIC_KIND_FILTERS[kind])
    query = query.strip()[:MAX_SEARCH_LENGTH]
    if query:
        items = items.filter(title__icontains=query)
    if after is not None:
        # Written as lte + exclude (not an OR of two conditions) so that the (published_on, id) index is used.
        items = items.filter(published_on__lte=after.published_on).exclude(
            published_on=after.published_on, pk__gte=after.pk
        )
    rows = list(
        items.select_related("channel", "campaign")
        .only(
            "kind",
            "title",
            "published_on",
            "link",
            "cover_thumb",
            "reads",
            "plays",
            "channel__name",
            "channel__kind",
            "campaign__name",
            "campaign__year",
        )
        .order_by("-published_on", "-pk")[: page_size + 1]
    )
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = Cursor(rows[-1].published_on, rows[-1].pk).encode()
    return PublicPage(rows, next_cursor, after is None)


@dataclass(frozen=True)
class PublicCampaign:
    pk: int
    name: str
    year: int
    theme: str


def public_campaigns() -> list[PublicCampaign]:
    """Campaigns with at least one public item, newest first. One query."""
    rows = (
        public_items_queryset()
        .filter(campaign__isnull=False)
        .order_by()
        .values_list("campaign_id", "campaign__name", "campaign__year", "campaign__national_theme")
        .distinct()
    )
    campaigns = [PublicCampaign(pk, name, year, theme) for pk, name, year, theme in rows]
    return sorted(campaigns, key=lambda c: (-c.year, c.name))


def public_campaign(campaign_id: int) -> PublicCampaign | None:
    """A campaign as the public page shows it, or None when it has no public item (the page is then a 404)."""
    row = (
        public_items_queryset()
        .filter(campaign_id=campaign_id)
        .values_list("campaign_id", "campaign__name", "campaign__year", "campaign__national_theme")
        .first()
    )
    return PublicCampaign(*row) if row else None


def public_cover(pk: int) -> str | None:
    """The stored thumbnail of a public item's cover, or None (unpublished, not public, no cover)."""
    name = public_items_queryset().filter(pk=pk).values_list("cover_thumb", flat=True).first()
    return name or None


# Staff helpers -------------------------------------------------------------------------------------------------
def wechat_channels() -> QuerySet:
    return Channel.objects.filter(kind=ChannelKind.WECHAT, is_active=True).order_by("name")


def day_push(*, channel: Channel, day: dt.date) -> WechatPush | None:
    return WechatPush.objects.filter(channel=channel, published_on=day).order_by("sequence").first()


def recent_reports(limit: int = 5) -> list[Any]:
    from safetyportal.documents.models import GeneratedDocument

    return list(GeneratedDocument.objects.filter(kind="publicity_report").order_by("-created_at")[:limit])


def education_bases() -> QuerySet:
    return EducationBase.objects.order_by("name")
