from unittest import mock

from django.core.cache import cache
from django.test import RequestFactory

from safetyportal.throttle import hit


def request_from(address: str):
    return RequestFactory().get("/", REMOTE_ADDR=address)


def test_limit_engages_after_the_count_and_per_address():
    cache.clear()
    first = request_from("192.0.2.1")
    assert not any(hit(first, "probe", ["3/m"]) for _ in range(3))
    assert hit(first, "probe", ["3/m"])
    assert not hit(request_from("192.0.2.2"), "probe", ["3/m"])


def test_every_window_counts():
    cache.clear()
    request = request_from("192.0.2.3")
    results = [hit(request, "probe-2", ["100/m", "2/d"]) for _ in range(3)]
    assert results == [False, False, True]


def test_cache_outage_lets_the_public_through():
    with mock.patch("safetyportal.throttle.cache.add", side_effect=ConnectionError("redis down")):
        assert hit(request_from("192.0.2.4"), "probe-3", ["1/m"]) is False
