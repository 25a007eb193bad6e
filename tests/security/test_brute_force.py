"""T06: django-axes locks [username, address] after 5 failures, through the portal and the admin login; the lock
is per address, lifts after the cool-off, and trusts X-Forwarded-For only as far as TRUSTED_PROXY_COUNT says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests.core.factories import TEST_PASSWORD
from tests.otp import finish_login

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

WRONG_PASSWORD = TEST_PASSWORD + "-wrong"
ATTACKER_IP = "198.51.100.7"
OTHER_IP = "198.51.100.8"
PROXY_IP = "10.0.0.2"
LOCKOUT_TEXT = "登录已暂时锁定"


def _login(client: Client, url: str, username: str, password: str, ip: str = ATTACKER_IP, **headers: str):
    data = {"username": username, "password": password}
    if "admin" in url:
        data["next"] = reverse("admin:index")
    response = client.post(url, data, REMOTE_ADDR=ip, headers=headers)
    return finish_login(client, response, username, REMOTE_ADDR=ip, headers=headers)  # the code step (T08)


def _fail(client: Client, url: str, username: str, times: int, ip: str = ATTACKER_IP, **headers: str) -> list[int]:
    return [_login(client, url, username, WRONG_PASSWORD, ip, **headers).status_code for _ in range(times)]


def _assert_locked_out(response) -> None:
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def _assert_logged_in(response) -> None:
    assert response.status_code == 302, response.status_code
    assert "_auth_user_id" in response.wsgi_request.session


def _travel_back(minutes: int) -> None:
    """Age every recorded attempt, as if ``minutes`` had passed since the failures."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))
    if hasattr(AccessAttempt, "expiration"):
        from axes.models import AccessAttemptExpiration

        AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - timedelta(minutes=minutes))


@pytest.fixture(params=["portal", "admin"])
def target(request, officer_a, staff_user) -> tuple[str, str]:
    """The login URL and the account that may use it."""
    if request.param == "portal":
        return reverse("portal:login"), officer_a.username
    return reverse("admin:login"), staff_user.username


def test_the_lockout_settings_are_five_failures_per_username_and_address_for_thirty_minutes() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    # Axes last, but for the metrics middleware that only times the response
    assert [name for name in settings.MIDDLEWARE if not name.startswith("safetyportal.metrics.")][
        -1
    ] == "axes.middleware.AxesMiddleware"


def test_four_failures_do_not_lock_the_account(client: Client, target) -> None:
    url, username = target
    assert _fail(client, url, username, 4) == [200] * 4
    _assert_logged_in(_login(client, url, username, TEST_PASSWORD))


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client: Client, target) -> None:
    url, username = target
    statuses = _fail(client, url, username, 5)
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429  # the fifth failure already answers with the lockout page
    _assert_locked_out(_login(client, url, username, TEST_PASSWORD))


def test_the_same_user_from_another_address_is_not_locked_out(client: Client, target) -> None:
    url, username = target
    _fail(client, url, username, 5)
    _assert_logged_in(_login(Client(), url, username, TEST_PASSWORD, ip=OTHER_IP))


def test_the_lockout_lifts_by_itself_after_the_thirty_minute_cool_off(client: Client, target) -> None:
    url, username = target
    _fail(client, url, username, 5)
    _travel_back(minutes=29)
    _assert_locked_out(_login(client, url, username, TEST_PASSWORD))
    _travel_back(minutes=2)  # 31 minutes after the failures
    _assert_logged_in(_login(client, url, username, TEST_PASSWORD))


def test_a_spoofed_x_forwarded_for_is_ignored_without_a_trusted_proxy(client: Client, settings, target) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    url, username = target
    for number in range(5):
        _login(client, url, username, WRONG_PASSWORD, x_forwarded_for=f"203.0.113.{number}")
    _assert_locked_out(_login(client, url, username, TEST_PASSWORD, x_forwarded_for="203.0.113.99"))


def test_two_clients_behind_one_trusted_proxy_have_independent_counters(client: Client, settings, target) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    url, username = target
    _fail(client, url, username, 5, ip=PROXY_IP, x_forwarded_for="203.0.113.1")
    _assert_logged_in(_login(Client(), url, username, TEST_PASSWORD, ip=PROXY_IP, x_forwarded_for="203.0.113.2"))
    _assert_locked_out(_login(Client(), url, username, TEST_PASSWORD, ip=PROXY_IP, x_forwarded_for="203.0.113.1"))


def test_a_client_cannot_escape_the_lock_by_prepending_its_own_x_forwarded_for(
    client: Client, settings, target
) -> None:
    """Behind one proxy only the entry the proxy appended counts; what the client wrote to its left is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    url, username = target
    _fail(client, url, username, 5, ip=PROXY_IP, x_forwarded_for="203.0.113.1")
    forged = "192.0.2.50, 203.0.113.1"  # the client's invention, then the proxy's view of the real address
    _assert_locked_out(_login(Client(), url, username, TEST_PASSWORD, ip=PROXY_IP, x_forwarded_for=forged))


def test_the_lockout_page_states_the_cool_off_in_minutes(client: Client, officer_a) -> None:
    _fail(client, reverse("portal:login"), officer_a.username, 5)
    body = _login(client, reverse("portal:login"), officer_a.username, TEST_PASSWORD).content.decode()
    assert "PT30M" not in body
    assert "30分钟" in body
