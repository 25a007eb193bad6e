"""T04: a forged Host or X-Forwarded-Host is refused with 400 (never a 5xx), on public, portal and admin routes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.security.routes import admin_sample_urls, all_routes, crawl_urls

FORGED_HOSTS = [
    "evil.example",
    "portal.example.gov.cn.evil.example",
    "localhost.evil.example",
    "evil.example:8000",
    "localhost@evil.example",
    "evil.example#localhost",
    "evil.example/localhost",
    "169.254.169.254",
    "[::2]",
    "xn--80ak6aa92e.com",
]
FORGED_FORWARDED_HOSTS = [
    *FORGED_HOSTS[:7],
    "evil.example, localhost",  # a client-chosen first entry before the proxy's own
    "localhost, evil.example",
    "",  # present but empty
]

pytestmark = pytest.mark.django_db


def _urls() -> list[str]:
    return crawl_urls() + admin_sample_urls()


@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_a_forged_host_header_is_refused_with_400_on_every_route(client: Client, host: str) -> None:
    for url in _urls():
        response = client.get(url, headers={"host": host})
        assert response.status_code == 400, (url, host, response.status_code)
        response = client.post(url, headers={"host": host})
        assert response.status_code == 400, ("POST", url, host, response.status_code)


@pytest.mark.parametrize("forwarded", FORGED_FORWARDED_HOSTS)
def test_a_forged_x_forwarded_host_is_refused_with_400_on_every_route(client: Client, forwarded: str) -> None:
    for url in _urls():
        response = client.get(url, headers={"x-forwarded-host": forwarded})
        assert response.status_code == 400, (url, forwarded, response.status_code)


def test_an_x_forwarded_host_naming_our_own_host_is_accepted(client: Client) -> None:
    """Control for the tests above: the guard refuses forged values, not the header as such."""
    assert client.get("/", headers={"x-forwarded-host": "localhost"}).status_code == 200
    assert client.get("/", headers={"x-forwarded-host": "127.0.0.1:8000"}).status_code == 200


def test_the_host_header_is_never_taken_from_x_forwarded_host(settings) -> None:
    assert settings.USE_X_FORWARDED_HOST is False
    assert "*" not in settings.ALLOWED_HOSTS


def test_no_password_reset_flow_is_exposed(client: Client) -> None:
    """There is no self-service password reset (accounts are reset by an administrator), so no mail can carry a
    Host-derived link. When one is added, T04 asks for a test that a reset mail requested with a forged Host
    names only the canonical SITE_URL."""
    reset_routes = [route.label for route in all_routes() if "password_reset" in (route.name or route.route)]
    assert not reset_routes
    for name in ("password_reset", "admin_password_reset", "portal:password_reset"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    for url in ("/portal/password_reset/", "/admin/password_reset/", "/accounts/password_reset/"):
        assert client.get(url).status_code in {302, 404}, url
    assert "password_reset" not in client.get(reverse("admin:login")).content.decode()
