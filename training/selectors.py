"""Every non-trivial read of the training app."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from safetyportal.validators import normalize_id_number

from .models import (
    REVIEW_NOTICE_DAYS,
    Certificate,
    CertificateReview,
    CertificateStatus,
    OperationItem,
    PublicationBatch,
    PublicationEntry,
    ReviewResult,
    SessionCategory,
    TrainingSession,
)

MAX_VERIFY_RESULTS = 20
_ID = re.compile(r"^\d{17}[\dX]$")


@dataclass(frozen=True)
class VerifyQuery:
    """A normalised lookup: a certificate number ("T" + ID) or an ID number, plus the holder's name."""

    number: str = ""
    id_number: str = ""
    name: str = ""

    @classmethod
    def parse(cls, number_or_id: str, name: str) -> VerifyQuery | None:
        """None when the input cannot match anything (the caller answers exactly as for a miss)."""
        value = normalize_id_number(number_or_id)  # as stored: NFKC, no spaces or hyphens, upper-case T and X
        name = re.sub(r"\s+", "", name or "")
        if not name or len(name) > 32:
            return None
        if value.startswith("T") and _ID.match(value[1:]):
            return cls(number=value, name=name)
        if _ID.match(value):
            return cls(id_number=value, name=name)
        return None


def verify_queryset(query: VerifyQuery) -> QuerySet[Certificate]:
    """One indexed query: the certificate number (or the holder's unique ID number), names compared in the same
    statement. Both numbers are encrypted at rest; the equality is answered by their keyed HMAC columns and indexes
    (safetyportal/fields.py). A holder may hold several operation items under one number."""
    lookup = {"holder__name": query.name}
    if query.number:
        lookup["number"] = query.number
    else:
        lookup["holder__id_number"] = query.id_number
    return Certificate.objects.filter(**lookup).select_related("holder").order_by("operation_item", "-first_issued_on")


def verify_certificates(query: VerifyQuery) -> list[Certificate]:
    return list(verify_queryset(query)[:MAX_VERIFY_RESULTS])


def certificate_by_token(token: str) -> Certificate | None:
    if not token or len(token) > 32:
        return None
    return Certificate.objects.select_related("holder").filter(verify_token=token).first()


def review_due_soon(*, today: dt.date | None = None, days: int = REVIEW_NOTICE_DAYS) -> QuerySet[Certificate]:
    """Certificates in force whose re-examination falls due within ``days`` days."""
    today = today or timezone.localdate()
    return (
        Certificate.objects.filter(
            status__in=[CertificateStatus.VALID, CertificateStatus.REVIEW_DUE],
            review_due_on__range=(today, today + dt.timedelta(days=days)),
        )
        .select_related("holder", "employer")
        .order_by("review_due_on", "pk")
    )


# Published lists ---------------------------------------------------------------------------------------------------


def published_batches() -> QuerySet[PublicationBatch]:
    return (
        PublicationBatch.objects.filter(is_published=True)
        .annotate(entry_count=Count("entries"))
        .order_by("-issued_on", "-pk")
    )


def published_batch(code: str) -> PublicationBatch | None:
    if not code or len(code) > 32:
        return None
    return PublicationBatch.objects.filter(code=code, is_published=True).select_related("document").first()


def batch_entries(batch: PublicationBatch, *, operation_item: str = "") -> QuerySet[PublicationEntry]:
    entries = PublicationEntry.objects.filter(batch=batch).select_related(
        "certificate__holder", "certificate__employer"
    )
    if operation_item in OperationItem.values:
        entries = entries.filter(certificate__operation_item=operation_item)
    return entries.order_by("position", "pk")


# Statistics --------------------------------------------------------------------------------------------------------


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def statistics_years() -> list[int]:
    bounds = Certificate.objects.aggregate(first=Min("first_issued_on"), last=Max("first_issued_on"))
    this_year = timezone.localdate().year
    first = bounds["first"].year if bounds["first"] else this_year
    return list(range(this_year, max(first, this_year - 30) - 1, -1))


def yearly_statistics(year: int) -> dict[str, Any]:
    """New certificates and re-examinations by operation item, sessions and attendance by category: three GROUP BY
    queries in the database."""
    period = _year_range(year)
    new = dict(
        Certificate.objects.filter(first_issued_on__range=period)
        .order_by()
        .values_list("operation_item")
        .annotate(n=Count("pk"))
        .values_list("operation_item", "n")
    )
    reviewed = dict(
        CertificateReview.objects.filter(reviewed_on__range=period, result=ReviewResult.PASSED)
        .order_by()
        .values_list("certificate__operation_item")
        .annotate(n=Count("pk"))
        .values_list("certificate__operation_item", "n")
    )
    sessions: dict[str, Mapping[str, Any]] = {
        row["category"]: row
        for row in TrainingSession.objects.filter(starts_on__range=period)
        .order_by()
        .values("category")
        .annotate(
            sessions=Count("pk", distinct=True),
            enrolled=Count("enrolments"),
            attended=Count("enrolments", filter=Q(enrolments__attended=True)),
        )
    }
    items = [
        {"code": code, "label": str(label), "new": new.get(code, 0), "reviewed": reviewed.get(code, 0)}
        for code, label in OperationItem.choices
    ]
    categories = [
        {
            "code": code,
            "label": str(label),
            "sessions": sessions.get(code, {}).get("sessions", 0),
            "enrolled": sessions.get(code, {}).get("enrolled", 0),
            "attended": sessions.get(code, {}).get("attended", 0),
        }
        for code, label in SessionCategory.choices
    ]
    return {
        "year": year,
        "items": items,
        "categories": categories,
        "total_new": sum(row["new"] for row in items),
        "total_reviewed": sum(row["reviewed"] for row in items),
        "total_sessions": sum(row["sessions"] for row in categories),
        "total_attended": sum(row["attended"] for row in categories),
    }


def sessions_of_year(year: int) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.filter(starts_on__range=_year_range(year))
        .select_related("institution")
        .annotate(enrolled=Count("enrolments"), attended=Count("enrolments", filter=Q(enrolments__attended=True)))
        .order_by("starts_on", "pk")
    )
