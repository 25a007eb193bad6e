"""What the public front page shows (templates/index.html): the current campaign and its theme, the latest public
notices staff published on the portal (通知公告, ``Notice.is_public``), the latest published lists of certificate
holders (公示名单), the latest exposure cases and publicity highlights.

Each part comes from its app's selector (read lazily: the core never imports a domain app at import time). The whole
page costs a constant number of queries and is kept in the cache for ``FRONT_CACHE_SECONDS``: it holds nothing of the
visitor, and every part it lists is public for at least that long.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

FRONT_CACHE_SECONDS = 60
FRONT_CACHE_KEY = "safetyportal:front:{day}"
LATEST = 6
LATEST_NOTICES = 5


@dataclass(frozen=True)
class Headline:
    title: str
    url: str
    date: dt.date | None
    meta: str = ""


@dataclass(frozen=True)
class CurrentCampaign:
    name: str
    theme: str
    starts_on: dt.date
    ends_on: dt.date
    is_running: bool
    url: str = ""


@dataclass
class FrontPage:
    campaign: CurrentCampaign | None
    notices: list[Headline] = field(default_factory=list)
    announcements: list[Headline] = field(default_factory=list)
    exposures: list[Headline] = field(default_factory=list)
    publicity: list[Headline] = field(default_factory=list)


def current_campaign(today: dt.date) -> CurrentCampaign | None:
    """The city's campaign running today (the one with the latest start), else the one starting next, else the
    latest one. One query."""
    from django.db.models import Case, F, IntegerField, Value, When

    from campaigns.models import Campaign, CampaignStatus

    campaign = (
        Campaign.objects.exclude(status=CampaignStatus.DRAFT)
        .annotate(
            rank=Case(
                When(starts_on__lte=today, ends_on__gte=today, then=Value(0)),
                When(starts_on__gt=today, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", F("jurisdiction").asc(nulls_first=True), "-starts_on", "pk")
        .only("name", "year", "national_theme", "local_theme", "starts_on", "ends_on")
        .first()
    )
    if campaign is None:
        return None
    return CurrentCampaign(
        name=str(campaign),
        theme=campaign.local_theme or campaign.national_theme,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        is_running=campaign.starts_on <= today <= campaign.ends_on,
    )


def _notices() -> list[Headline]:
    from django.urls import reverse

    from campaigns import selectors as campaigns

    return [
        Headline(
            title=notice.title,
            url=reverse("notices:detail", args=[notice.pk]),
            date=notice.issued_on,
            meta=notice.number,
        )
        for notice in campaigns.public_notices()[:LATEST_NOTICES]
    ]


def _announcements() -> list[Headline]:
    from django.urls import reverse

    from training import selectors as training

    return [
        Headline(
            title=batch.title,
            url=reverse("certificates:list_detail", args=[batch.code]),
            date=batch.issued_on,
            meta=f"{batch.entry_count}人",  # type: ignore[attr-defined]  # annotated by published_batches()
        )
        for batch in training.published_batches().only("title", "code", "issued_on")[:LATEST]
    ]


def _exposures(today: dt.date) -> list[Headline]:
    from django.urls import reverse

    from inspections import selectors as inspections

    cases = (
        inspections.public_cases(today=today)
        .only("public_title", "published_at", "kind", "jurisdiction__name")
        .order_by("-published_at", "-id")[:LATEST]
    )
    return [
        Headline(
            title=case.public_title,
            url=reverse("inspections:exposure_detail", args=[case.pk]),
            date=timezone.localtime(case.published_at).date() if case.published_at else None,
            meta=str(case.get_kind_display()),
        )
        for case in cases
    ]


def _publicity() -> list[Headline]:
    from publicity import selectors as publicity

    return [
        Headline(title=item.title, url=item.safe_link or "", date=item.published_on, meta=str(item.get_kind_display()))
        for item in publicity.public_items(page_size=LATEST).items
    ]


def front_page(today: dt.date | None = None) -> FrontPage:
    """The front page's content: five queries, or none when the cache holds today's copy."""
    today = today or timezone.localdate()
    key = FRONT_CACHE_KEY.format(day=today.isoformat())
    try:
        cached = cache.get(key)
    except Exception:  # the shared cache is down: render uncached, never fail the front page
        logger.warning("front page cache unavailable", exc_info=True)
        cached = None
    if isinstance(cached, FrontPage):
        return cached
    page = FrontPage(
        campaign=current_campaign(today),
        notices=_notices(),
        announcements=_announcements(),
        exposures=_exposures(today),
        publicity=_publicity(),
    )
    try:
        cache.set(key, page, FRONT_CACHE_SECONDS)
    except Exception:
        logger.warning("front page cache unavailable", exc_info=True)
    return page


def invalidate_front_page(today: dt.date | None = None) -> None:
    """Drop today's cached front page (a notice was published or withdrawn)."""
    today = today or timezone.localdate()
    try:
        cache.delete(FRONT_CACHE_KEY.format(day=today.isoformat()))
    except Exception:
        logger.warning("front page cache unavailable", exc_info=True)
