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
