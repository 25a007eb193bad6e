"""Rate limits (safetyportal/throttle.py): several windows, per client, atomic under concurrency on the embedded
default (counted in the database) and on Redis (SECURITY.md T68); Redis down lets the public through (T48)."""

from __future__ import annotations

import hashlib
import ipaddress
import os
import secrets
import threading
import time
from collections import Counter
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safetyportal import throttle
from safetyportal.net import client_network
from safetyportal.throttle import Rate, hit, purge_expired, uses_cache
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
    # The throttle's clock runs from the first second of a minute: a run crossing a minute boundary would open a new
    # window half-way and let twice the limit through (seen once in CI at 15:40:00). It keeps running (not frozen),
    # so the cache's expiry times stay real.
    real_time = time.time
    shift = 61 - real_time() % 60
    with mock.patch("safetyportal.throttle.time.time", side_effect=lambda: real_time() + shift):
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


# Who counts: one IPv4 address, or one IPv6 /64 (a client holds all of it); keys are keyed hashes --------------------

NET_A = "2001:db8:aaaa:1::"  # /64 prefixes (documentation range)
NET_B = "2001:db8:aaaa:2::"


def in_net(prefix: str, interface_id: int) -> str:
    return str(ipaddress.IPv6Address(int(ipaddress.IPv6Address(prefix)) | interface_id))


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))
def test_every_address_of_one_ipv6_64_is_one_client_and_other_64s_are_not(first, second, other_prefix):
    assert client_network(in_net(NET_A, first)) == client_network(in_net(NET_A, second))
    other = str(ipaddress.IPv6Address(other_prefix << 64))
    if other != NET_A:
        assert client_network(in_net(other, first)) != client_network(in_net(NET_A, second))


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.ip_addresses(v=4), st.ip_addresses(v=4))
def test_ipv4_clients_count_per_address_even_when_written_as_mapped_ipv6(first, second):
    assert client_network(str(first)) == str(first) == client_network(f"::ffff:{first}")
    assert (client_network(str(first)) == client_network(str(second))) == (first == second)


@pytest.fixture(params=["database", "redis"])
def store(request):
    """Each test runs with the database counter (the embedded default) and with Redis."""
    return request.getfixturevalue("file_cache" if request.param == "database" else "redis_cache")


@pytest.mark.django_db
def test_two_addresses_in_one_ipv6_64_share_a_counter(store):
    assert not hit(request_from(in_net(NET_A, 1)), "probe-v6", ["2/m"])
    assert not hit(request_from(in_net(NET_A, 0xFFFF_0000_1234_ABCD)), "probe-v6", ["2/m"])
    assert hit(request_from(in_net(NET_A, 2**64 - 1)), "probe-v6", ["2/m"])  # a third address of the same /64


@pytest.mark.django_db
def test_addresses_in_different_ipv6_64s_do_not_share_a_counter(store):
    assert not hit(request_from(in_net(NET_A, 1)), "probe-v6b", ["1/m"])
    assert not hit(request_from(in_net(NET_B, 1)), "probe-v6b", ["1/m"])
    assert hit(request_from(in_net(NET_A, 7)), "probe-v6b", ["1/m"])


def stored_keys(store) -> list[str]:
    if uses_cache():
        return [key.decode() for key in store._cache.get_client(None).keys("*")]
    return list(ThrottleCounter.objects.values_list("key", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["192.0.2.77", "2001:db8:aaaa:1::77"])
def test_the_stored_key_gives_neither_the_address_nor_its_plain_hash(store, address):
    hit(request_from(address), "probe-key", ["5/m", "50/d"])
    keys = stored_keys(store)
    assert len(keys) == 2
    counted = client_network(address)
    for text in {address, counted, str(ipaddress.ip_address(address).exploded)}:
        plain = hashlib.sha256(text.encode()).hexdigest()
        for key in keys:
            assert text not in key and plain[:16] not in key


@pytest.mark.django_db
def test_the_key_is_keyed_with_the_secret_key(settings):
    rate = Rate.parse("5/m")
    before = throttle._key("probe", "192.0.2.1", rate, 0)
    settings.SECRET_KEY = secrets.token_urlsafe(48)
    assert throttle._key("probe", "192.0.2.1", rate, 0) != before


@pytest.mark.django_db
def test_a_key_expiring_between_add_and_incr_still_counts(redis_cache, caplog):
    """The window's key exists at add() (so add() does not create it) and expires before incr(): the request counts
    as the window's first instead of being let through as if Redis were down."""
    request = request_from("192.0.2.90")
    now = 1_800_000_000.0
    key = throttle._key("probe-race", client_network("192.0.2.90"), Rate.parse("1/m"), now)
    redis_cache.set(key, 0, timeout=60)
    real_incr = type(redis_cache).incr
    calls = []

    def expire_first(cache, key, *args, **kwargs):
        if not calls:
            cache.delete(key)  # the key's TTL ran out just now
        calls.append(key)
        return real_incr(cache, key, *args, **kwargs)

    with (
        mock.patch("safetyportal.throttle.time.time", return_value=now),
        mock.patch.object(type(redis_cache), "incr", autospec=True, side_effect=expire_first),
    ):
        assert hit(request, "probe-race", ["1/m"]) is False  # counted as 1
        assert redis_cache.get(key) == 1
        assert 0 < redis_cache._cache.get_client(None).ttl(redis_cache.make_key(key)) <= 66  # and it expires
        assert hit(request, "probe-race", ["1/m"]) is True  # the second request of the window is over the limit
    assert "cache unavailable" not in caplog.text
