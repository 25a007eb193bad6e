"""The demo loader (idempotent, realistic, through the services) and the shared keyset paginator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.demo import load_demo_inspections
from inspections.models import ExposureCase, Hazard, HazardEvent, RecordHistory
from safetyportal.demo.builder import build_demo
from safetyportal.demo.registry import demo_loaders
from safetyportal.pagination import InvalidCursor, KeysetPaginator
from tests.inspections.factories import ExposureCaseFactory

pytestmark = pytest.mark.django_db


def test_the_demo_loader_is_registered_and_idempotent(settings, no_broker):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert "inspections" in dict(demo_loaders())
    build_demo()
    first = load_demo_inspections()
    counts = (
        Hazard.objects.count(),
        ExposureCase.objects.count(),
        RecordHistory.objects.count(),
        HazardEvent.objects.count(),
    )
    second = load_demo_inspections()
    assert first == second
    assert counts == (
        Hazard.objects.count(),
        ExposureCase.objects.count(),
        RecordHistory.objects.count(),
        HazardEvent.objects.count(),
    )
    assert first["已发布曝光案例"] >= 90 and first["群众举报"] >= 19 * 2 and first["责令限期整改指令书"] == 3
    assert Hazard.objects.values("jurisdiction").distinct().count() == 19
    texts = "".join(ExposureCase.objects.values_list("public_legal_basis", flat=True))
    assert "《中华人民共和国安全生产法》第九十九条" in texts


def test_keyset_cursors_round_trip_and_refuse_tampering():
    cases = [ExposureCaseFactory() for _ in range(7)]
    paginator = KeysetPaginator(ExposureCase.objects.all(), field="published_at", per_page=3)
    page = paginator.page()
    assert [c.pk for c in page] == [c.pk for c in cases[:3]] and page.has_next and not page.has_previous
    second = paginator.page(after=page.next_cursor)
    assert [c.pk for c in second] == [c.pk for c in cases[3:6]]
    assert [c.pk for c in paginator.page(before=second.previous_cursor)] == [c.pk for c in page]
    last = paginator.page(after=second.next_cursor)
    assert [c.pk for c in last] == [cases[6].pk] and not last.has_next
    for bad in ("", "x", "!!!!", "MTIz", "LTEuLTE", "OTk5OTk5OTk5OTk5OTk5OTk5OS45OTk5OTk5OTk5OTk5OTk5OTk5", "a" * 100):
        with pytest.raises(InvalidCursor):
            paginator.decode(bad)
    assert paginator.cursor_at(3) == page.next_cursor


def test_deep_pages_cost_one_query_with_no_offset():
    [ExposureCaseFactory(published_at=timezone.now() - dt.timedelta(hours=n)) for n in range(30)]
    paginator = KeysetPaginator(ExposureCase.objects.all(), field="published_at", per_page=5)
    cursor = paginator.cursor_at(25)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(after=cursor)
    assert len(page) == 5 and len(queries) == 1
    sql = queries.captured_queries[0]["sql"].upper()
    assert "OFFSET" not in sql and "COUNT(" not in sql
    assert "NOT (" in sql  # the index-friendly seek: field <= v AND NOT (field = v AND id >= i)
