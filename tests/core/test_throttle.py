"""Rate limits (safetyportal/throttle.py): several windows, per client, atomic under concurrency on the embedded
default (counted in the database) and on Redis (SECURITY.md T68); Redis down lets the public through (T48)."""

from __future__ import annotations

import os
import threading
from collections import Counter
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory, override_settings

from safetyportal import throttle
from safetyportal.throttle import hit, purge_expired, uses_cache
from safetyportal.throttle_models import ThrottleCounter

REDIS_TEST_URL = os.environ.get("THROTTLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
VERIFY = "/certificates/verify/"


def request_from(address: str):
    return RequestFactory().get("/", REMOTE_ADDR=address)


@pytest.fixture
def file_cache(tmp_path):
    """The embedded default: Django's file-based cache (not atomic), whatever REDIS_URL the run was given."""
    backend = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    with override_settings(CACHES={"default": backend}):
        yield caches["default"]


@pytest.fixture
def redis_cache():
    """Redis db 13 only (flushed before and after); skipped when no Redis answers there."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    client.flushdb()
    backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_TEST_URL}
    with override_settings(CACHES={"default": backend}):
        yield caches["default"]
    client.flushdb()
    client.close()


def concurrent_lookups(n: int, address: str) -> Counter:
    """n certificate lookups from one address, released together from n threads, each with its own database
    connection; returns the count of each status code."""
    barrier = threading.Barrier(n)
    statuses: list[int] = []

    def lookup() -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            statuses.append(
                client.post(VERIFY, {"q": "T350582199001011234", "name": "张三"}, REMOTE_ADDR=address).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=lookup) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == n
    return Counter(statuses)


@pytest.mark.django_db
@pytest.mark.usefixtures("file_cache")
def test_limit_engages_after_the_count_and_per_address():
    first = request_from("192.0.2.1")
    assert not any(hit(first, "probe", ["3/m"]) for _ in range(3))
    assert hit(first, "probe", ["3/m"])
    assert not hit(request_from("192.0.2.2"), "probe", ["3/m"])


@pytest.mark.django_db
@pytest.mark.usefixtures("file_cache")
def test_every_window_counts():
    request = request_from("192.0.2.3")
    results = [hit(request, "probe-2", ["100/m", "2/d"]) for _ in range(3)]
    assert results == [False, False, True]


@pytest.mark.django_db
def test_the_embedded_default_counts_in_the_database_in_one_statement(file_cache, django_assert_max_num_queries):
    assert not uses_cache()
    throttle._next_purge = float("inf")  # no purge in this request
    with django_assert_max_num_queries(1):
        hit(request_from("192.0.2.5"), "probe-4", ["10/m", "100/h", "1000/d"])
    assert sorted(ThrottleCounter.objects.values_list("count", flat=True)) == [1, 1, 1]
    assert not any(file_cache.get(key) for key in ThrottleCounter.objects.values_list("key", flat=True))


@pytest.mark.django_db
def test_windows_that_are_over_are_purged(file_cache):
    request = request_from("192.0.2.6")
    with mock.patch("safetyportal.throttle.time.time", return_value=1_800_000_000.0):
        hit(request, "probe-5", ["10/m", "100/d"])
    assert ThrottleCounter.objects.count() == 2
    assert purge_expired(now=1_800_000_000.0 + 3600) == 1  # the minute is over, the day is not
    throttle._next_purge = 0.0
    with mock.patch("safetyportal.throttle.time.time", return_value=1_800_000_000.0 + 2 * 86400):
        hit(request, "probe-5", ["10/m", "100/d"])  # purges on the fly: only the new windows remain
    assert ThrottleCounter.objects.count() == 2
    assert set(ThrottleCounter.objects.values_list("count", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_lookups_on_the_embedded_default_let_exactly_ten_through(file_cache):
    """SECURITY.md T68 on the default set-up: the file cache let 38 of 40 through."""
    statuses = concurrent_lookups(40, "192.0.2.40")
    assert statuses == Counter({200: 10, 429: 30})


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_lookups_on_redis_let_exactly_ten_through(redis_cache):
    """SECURITY.md T68 on Redis."""
    assert uses_cache()
    statuses = concurrent_lookups(40, "192.0.2.41")
    assert statuses == Counter({200: 10, 429: 30})
    assert not ThrottleCounter.objects.exists()


@pytest.mark.django_db
def test_redis_counts_every_window_and_expires_them(redis_cache):
    request = request_from("192.0.2.7")
    assert [hit(request, "probe-6", ["100/m", "2/d"]) for _ in range(3)] == [False, False, True]
    client = redis_cache._cache.get_client(None)
    ttls = sorted(client.ttl(key) for key in client.keys("*probe-6*"))
    assert len(ttls) == 2 and 0 < ttls[0] <= 65 and ttls[1] <= 86405


@pytest.mark.django_db
def test_cache_outage_lets_the_public_through(redis_cache, caplog):
    with mock.patch.object(type(redis_cache), "add", side_effect=ConnectionError("redis down")):
        assert hit(request_from("192.0.2.4"), "probe-3", ["1/m"]) is False
        assert hit(request_from("192.0.2.4"), "probe-3", ["1/m"]) is False
    assert "cache unavailable" in caplog.text
