import ipaddress

from django.test import RequestFactory

from safetyportal.net import client_ip


def test_client_ip_is_always_a_valid_address(settings):
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    ipaddress.ip_address(client_ip(request))  # stored by django-axes in an address column


def test_forwarded_for_is_used_only_behind_trusted_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "1.2.3.4"


def test_lockouts_count_an_ipv6_client_by_its_64_and_stay_valid_addresses(settings):
    from safetyportal.net import lockout_address

    settings.TRUSTED_PROXY_COUNT = 0
    factory = RequestFactory()
    first = lockout_address(factory.get("/", REMOTE_ADDR="2001:db8:1:2::1"))
    assert first == lockout_address(factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:fffe"))
    assert first != lockout_address(factory.get("/", REMOTE_ADDR="2001:db8:1:3::1"))
    assert lockout_address(factory.get("/", REMOTE_ADDR="203.0.113.7")) == "203.0.113.7"
    assert lockout_address(factory.get("/", REMOTE_ADDR="::ffff:203.0.113.7")) == "203.0.113.7"
    for address in (first, lockout_address(factory.get("/", REMOTE_ADDR="not-an-address"))):
        ipaddress.ip_address(address)  # axes stores it in an address column
