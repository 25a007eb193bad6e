"""Reads of the inspections app. Public reads touch only the masked ``public_*`` fields of published cases; nothing
here ever reads a reporter's identity."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.http import QueryDict
from django.utils import timezone

from safetyportal.models import Enterprise, Jurisdiction, JurisdictionLevel, RiskGrade
from safetyportal.pagination import InvalidCursor, KeysetPage, KeysetPaginator

from .models import (
    OPEN_STATUSES,
    CaseKind,
    CaseStatus,
    ExposureCase,
    Hazard,
    HazardCategory,
    HazardEvent,
    HazardLevel,
    HazardNotification,
    HazardStatus,
    Inspection,
    PublicReport,
    RecordStatus,
)
from .services import legacy_tracking_hash, tracking_hash

if TYPE_CHECKING:
    from safetyportal.types import User

PUBLIC_PAGE_SIZE = 50
DATA_PAGE_SIZE = 100
FEED_SIZE = 50
SITEMAP_MAX_URLS = 50_000
SEARCH_MAX_LENGTH = 40
SEARCH_MIN_LENGTH = 2  # one character is refused with a message
SEARCH_INDEXED_LENGTH = 3  # from three characters on, the trigram indexes serve the search
_FTS_MATCH = "SELECT rowid FROM inspections_exposure_fts WHERE inspections_exposure_fts MATCH %s"  # SQLite (0005)
_FTS_PROBE = f"SELECT count(*) FROM ({_FTS_MATCH} LIMIT %s)"  # noqa: S608 (constant SQL)
FTS_CANDIDATES_MAX = 2000
_MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")
_CATEGORIES = frozenset(HazardCategory.values)
_KINDS = frozenset(CaseKind.values)
_CURSOR = re.compile(r"^[A-Za-z0-9_-]{2,64}$")

# Days between two inspections by risk grade (分级分类监管); the office can change them in settings.
DEFAULT_INSPECTION_INTERVAL_DAYS = {RiskGrade.A: 90, RiskGrade.B: 180, RiskGrade.C: 365, RiskGrade.D: 730}


def inspection_interval_days() -> dict[str, int]:
    return {**DEFAULT_INSPECTION_INTERVAL_DAYS, **getattr(settings, "INSPECTION_INTERVAL_DAYS", {})}


# For the campaigns summary ------------------------------------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def published_case_counts(*, start: dt.date, end: dt.date) -> dict[int, int]:
    """Jurisdiction id → number of exposure cases published between ``start`` and ``end`` (inclusive, local dates).

    Counts cases still public or whose public period has ended; a withdrawn (retracted) case does not count."""
    rows = (
        ExposureCase.objects.filter(
            status__in=(CaseStatus.PUBLISHED, CaseStatus.EXPIRED),
            published_at__gte=_day_start(start),
            published_at__lt=_day_start(end + dt.timedelta(days=1)),
        )
        .order_by()
        .values("jurisdiction_id")
        .annotate(n=Count("pk"))
    )
    return {row["jurisdiction_id"]: row["n"] for row in rows}


# Public exposure pages --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExposureFilters:
    category: str = ""
    kind: str = ""
    jurisdiction: int | None = None
    month: str = ""
    q: str = ""
    after: str = ""
    before: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> ExposureFilters:
        """Only allowlisted values are kept; anything else is ignored (never an error, never a 5xx)."""

        if not query:
            return cls()

        def one(name: str) -> str:
            value = query.get(name, "")
            if not isinstance(value, str):
                return ""
            # Control characters (NUL above all: PostgreSQL refuses it in text) never belong in a filter.
            return "".join(ch for ch in value[:200] if ch.isprintable()).strip()

        category = one("category")
        kind = one("kind")
        unit = one("jurisdiction")
        month = one("month")
        q = " ".join(one("q").split())[:SEARCH_MAX_LENGTH]
        after, before = one("after"), one("before")
        return cls(
            category=category if category in _CATEGORIES else "",
            kind=kind if kind in _KINDS else "",
            jurisdiction=int(unit) if unit.isascii() and unit.isdigit() and len(unit) < 12 else None,
            month=month if _MONTH.match(month) else "",
            q=q,
            after=after if _CURSOR.match(after) else "",
            before=before if _CURSOR.match(before) and not after else "",
        )

    def cache_params(self) -> str:
        return "|".join(f"{k}={v}" for k, v in sorted(self.__dict__.items()))

    def query(self, **override: Any) -> str:
        """The query string for a link (filters kept, cursors replaced by ``override``)."""
        from urllib.parse import urlencode

        values = {k: v for k, v in self.__dict__.items() if k not in ("after", "before") and v not in ("", None)}
        values.update({k: v for k, v in override.items() if v})
        return urlencode(values)

    @property
    def is_filtered(self) -> bool:
        return bool(self.category or self.kind or self.jurisdiction or self.month or self.q)


def public_cases(filters: ExposureFilters | None = None, *, today: dt.date | None = None) -> QuerySet[ExposureCase]:
    queryset = ExposureCase.objects.public(today).select_related("jurisdiction")
    if filters is None:
        return queryset
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.jurisdiction:
        queryset = queryset.filter(jurisdiction_id=filters.jurisdiction)
    if filters.month:
        year, month = (int(part) for part in filters.month.split("-"))
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        queryset = queryset.filter(published_at__gte=_day_start(first), published_at__lt=_day_start(following))
    if filters.q:
        if search_too_short(filters.q):
            return queryset.none()
        return search_cases(queryset, filters.q)
    return queryset


def search_too_short(q: str) -> bool:
    """One character matches a large part of a million cases and no index can serve it: the list asks for at least
    ``SEARCH_MIN_LENGTH`` characters instead (docs/inspections.md, "Search")."""
    return 0 < len(q) < SEARCH_MIN_LENGTH


def search_cases(queryset: QuerySet[ExposureCase], q: str) -> QuerySet[ExposureCase]:
    """Cases whose public title or public party name contains ``q`` (case-insensitive): exactly the rows of the plain
    ``icontains`` filter, served by an index. Only the masked ``public_*`` copies are searched, never the draft text.

    PostgreSQL: the ``icontains`` lookups (``UPPER(col::text) LIKE UPPER(%q%)``) use the pg_trgm GIN indexes on the
    same expressions (migration 0005). SQLite: the FTS5 table ``inspections_exposure_fts`` (trigram tokenizer, kept in
    sync by triggers) narrows the rows to a superset (it folds more case than LIKE), then the ``icontains`` filter keeps
    exactly the plain filter's rows.

    Two characters (a common Chinese search: 燃气, 消防) make no trigram: both databases then scan the seek index newest
    first with the plain filter, which stops after a page of matches (fast for a common word, a full scan for a rare
    one; the search is rate limited)."""
    match = Q(public_title__icontains=q) | Q(public_display_name__icontains=q)
    if connection.vendor == "sqlite" and len(q) >= SEARCH_INDEXED_LENGTH:
        phrase = '"' + q.replace('"', '""') + '"'
        # SQLite drives the query from the FTS matches and sorts them: fast for a rare word, slow for one in a large
        # share of the cases (every match is fetched and sorted). One capped count decides: above the cap the newest
        # first seek index with the plain filter fills a page long before scanning far.
        with connection.cursor() as cursor:
            cursor.execute(_FTS_PROBE, (phrase, FTS_CANDIDATES_MAX + 1))
            (candidates,) = cursor.fetchone()
        if candidates <= FTS_CANDIDATES_MAX:
            queryset = queryset.filter(
                id__in=RawSQL(_FTS_MATCH, (phrase,))  # noqa: S611 (constant SQL, the phrase is a parameter)
            )
    return queryset.filter(match)


_LIST_FIELDS = (
    "id",
    "kind",
    "category",
    "public_title",
    "public_display_name",
    "public_summary",
    "published_at",
    "jurisdiction__name",
)


# The list page's row: a named tuple instead of two model instances (a deferred ExposureCase and its Jurisdiction)
# per row, which cost more than the query itself on an uncached page. ``pk`` and ``published_at`` are what the keyset
# cursor reads.
_ROW_FIELDS = (
    "pk",
    "kind",
    "category",
    "public_title",
    "public_summary",
    "published_at",
    "jurisdiction__name",
)


def exposure_page(filters: ExposureFilters, *, per_page: int = PUBLIC_PAGE_SIZE, rows: bool = False) -> KeysetPage:
    """One page of the public list: one query whatever the depth (keyset on the composite index). ``rows=True``: the
    items are named tuples of ``_ROW_FIELDS`` (``jurisdiction__name``), not model instances."""
    queryset = public_cases(filters)
    queryset = queryset.values_list(*_ROW_FIELDS, named=True) if rows else queryset.only(*_LIST_FIELDS)
    paginator = KeysetPaginator(queryset, field="published_at", per_page=per_page)
    try:
        return paginator.page(after=filters.after or None, before=filters.before or None)
    except InvalidCursor:
        return paginator.page()


def public_case(pk: int) -> tuple[ExposureCase | None, bool]:
    """The case if the public may read it, else (None, gone) where gone means it was public once (→ 410)."""
    case = ExposureCase.objects.select_related("jurisdiction").exclude(status=CaseStatus.DRAFT).filter(pk=pk).first()
    if case is None:
        return None, False
    if not case.is_public:
        return None, True
    return case, False


def feed_cases(limit: int = FEED_SIZE) -> list[ExposureCase]:
    return list(public_cases().only(*_LIST_FIELDS, "public_body").order_by("-published_at", "-id")[:limit])


def township_choices() -> list[tuple[int, str]]:
    return list(
        Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).order_by("code").values_list("pk", "name")
    )


def sitemap_months(today: dt.date | None = None) -> list[tuple[int, int]]:
    """(year, month) of every month from the first published case to this one, newest first (one indexed query)."""
    today = today or timezone.localdate()
    first = (
        ExposureCase.objects.filter(status=CaseStatus.PUBLISHED)
        .order_by("published_at", "id")
        .values_list("published_at", flat=True)
        .first()
    )
    if first is None:
        return []
    start = timezone.localtime(first).date()
    months: list[tuple[int, int]] = []
    year, month = today.year, today.month
    while (year, month) >= (start.year, start.month) and len(months) < 600:
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def sitemap_month_entries(year: int, month: int) -> list[tuple[int, dt.datetime]]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return []
    filters = ExposureFilters(month=f"{year:04d}-{month:02d}")
    return list(
        public_cases(filters).order_by("-published_at", "-id").values_list("pk", "updated_at")[:SITEMAP_MAX_URLS]
    )


# Staff board ------------------------------------------------------------------------------------------------------


@dataclass
class BoardRow:
    jurisdiction: Jurisdiction
    counts: list[int]

    def cells(self, quota: int) -> list[tuple[int, bool]]:
        return [(count, count >= quota) for count in self.counts]


def month_starts(today: dt.date, months: int) -> list[dt.date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(starts))


def exposure_board(*, months: int = 6, today: dt.date | None = None) -> dict[str, Any]:
    """Each subdistrict's or town's number of cases published per month against the quota (two queries)."""
    today = today or timezone.localdate()
    starts = month_starts(today, months)
    quota = int(getattr(settings, "EXPOSURE_MONTHLY_QUOTA", 1))
    rows = (
        ExposureCase.objects.filter(
            status__in=(CaseStatus.PUBLISHED, CaseStatus.EXPIRED), published_at__gte=_day_start(starts[0])
        )
        .annotate(month=TruncMonth("published_at"))
        .order_by()
        .values("jurisdiction_id", "month")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[int, dt.date], int] = {}
    for row in rows:
        month = row["month"]
        month = timezone.localtime(month).date() if isinstance(month, dt.datetime) else month
        counts[(row["jurisdiction_id"], month.replace(day=1))] = row["n"]
    units = Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).order_by("code")
    board = [BoardRow(unit, [counts.get((unit.pk, start), 0) for start in starts]) for unit in units]
    return {
        "months": starts,
        "rows": [(row.jurisdiction, row.cells(quota)) for row in board],
        "quota": quota,
        "missing_this_month": sum(1 for row in board if row.counts[-1] < quota),
    }


# Tracking codes ---------------------------------------------------------------------------------------------------


def report_for_code(code: str) -> PublicReport | None:
    """The report of a tracking code, read case-insensitively with any separators; codes of the old form (before the
    readable alphabet) are still found as typed. One query."""
    code = (code or "").strip()
    if not 16 <= len(code) <= 64:
        return None
    hashes = {tracking_hash(code), legacy_tracking_hash(code)}
    return PublicReport.objects.select_related("hazard").filter(tracking_hash__in=hashes).first()


def tracking_history(report: PublicReport) -> list[HazardEvent]:
    """Status changes only: no reasons, names or notes (they are internal)."""
    return list(
        HazardEvent.objects.filter(hazard_id=report.hazard_id, to_status__gt="")
        .only("at", "to_status")
        .order_by("at", "pk")
    )


# Officer portal ---------------------------------------------------------------------------------------------------


# Rectification deadlines "due soon" on the officer's hazard list: within this many days from today (both included).
DUE_SOON_DAYS = 7

PORTAL_SORTS = {
    "new": ("-created_at", "-pk"),
    "old": ("created_at", "pk"),
    "deadline": ("rectification_deadline", "pk"),
}


@dataclass(frozen=True)
class HazardFilters:
    status: str = ""
    category: str = ""
    sort: str = "new"

    @classmethod
    def from_query(cls, query: QueryDict) -> HazardFilters:
        status, category, sort = (query.get(name, "") for name in ("status", "category", "sort"))
        return cls(
            status=status if status in HazardStatus.values or status in ("overdue", "due_soon") else "",
            category=category if category in HazardCategory.values else "",
            sort=sort if sort in PORTAL_SORTS else "new",
        )


def hazards_for(user: User, filters: HazardFilters, *, today: dt.date | None = None) -> QuerySet[Hazard]:
    queryset = Hazard.objects.for_user(user).select_related("jurisdiction", "enterprise", "responsible_unit")
    today = today or timezone.localdate()
    if filters.status == "overdue":
        queryset = queryset.filter(status=HazardStatus.RECTIFYING, rectification_deadline__lt=today)
    elif filters.status == "due_soon":
        queryset = queryset.filter(
            status=HazardStatus.RECTIFYING,
            rectification_deadline__range=(today, today + dt.timedelta(days=DUE_SOON_DAYS)),
        )
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    return queryset.order_by(*PORTAL_SORTS[filters.sort])


def hazard_counts(user: User, *, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return Hazard.objects.for_user(user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status=HazardStatus.RECTIFYING, rectification_deadline__lt=today)),
        due_soon=Count(
            "pk",
            filter=Q(
                status=HazardStatus.RECTIFYING,
                rectification_deadline__range=(today, today + dt.timedelta(days=DUE_SOON_DAYS)),
            ),
        ),
        major=Count("pk", filter=Q(level=HazardLevel.MAJOR, status__in=OPEN_STATUSES)),
    )


def hazard_for(user: User, pk: int) -> Hazard:
    from safetyportal.scoping import get_scoped_object_or_404

    return get_scoped_object_or_404(
        Hazard.objects.select_related("jurisdiction", "enterprise", "responsible_unit", "inspection"), user, pk=pk
    )


def hazard_timeline(hazard: Hazard) -> list[HazardEvent]:
    return list(hazard.events.select_related("actor").order_by("at", "pk"))


def recent_notifications(user: User, limit: int = 5) -> list[HazardNotification]:
    return list(HazardNotification.objects.for_user(user).select_related("hazard")[:limit])


def due_inspections(user: User, *, today: dt.date | None = None) -> QuerySet[Enterprise]:
    """Enterprises whose next inspection is due by their risk grade (never inspected counts as due), most overdue
    first: one query with the last inspection date annotated."""
    today = today or timezone.localdate()
    intervals = inspection_interval_days()
    last = Max("inspections__inspected_on", filter=Q(inspections__record_status=RecordStatus.ACTIVE))
    queryset = Enterprise.objects.for_user(user).select_related("jurisdiction").annotate(last_inspected_on=last)
    due = Q(last_inspected_on__isnull=True)
    for grade, days in intervals.items():
        due |= Q(risk_grade=grade, last_inspected_on__lt=today - dt.timedelta(days=days))
    return queryset.filter(due).order_by(F("last_inspected_on").asc(nulls_first=True), "risk_grade", "name")


def next_due_date(enterprise: Enterprise) -> dt.date | None:
    last = getattr(enterprise, "last_inspected_on", None)
    if last is None:
        return None
    return last + dt.timedelta(days=inspection_interval_days().get(enterprise.risk_grade, 365))


def inspections_for(user: User) -> QuerySet[Inspection]:
    return Inspection.objects.for_user(user).select_related("enterprise")
