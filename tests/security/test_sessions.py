"""T09: the session lifecycle: a fresh key at login, nothing left after logout, idle and absolute timeouts,
deactivation and password changes end sessions, and production cookies are Secure, HttpOnly and SameSite=Lax."""

from __future__ import annotations

import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from safetyportal.middleware import SessionLifetimeMiddleware
from tests.core.factories import TEST_PASSWORD
from tests.otp import finish_login
from tests.security.prod import production_settings

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

PORTAL_HOME = "/portal/"
ADMIN_HOME = "/admin/"
COOKIE_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
)


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def _portal_login(client: Client, username: str, password: str = TEST_PASSWORD):
    response = client.post(reverse("portal:login"), {"username": username, "password": password})
    response = finish_login(client, response, username)  # the code step (T08)
    assert response.status_code == 302, response.status_code
    return response


def _admin_login(client: Client, username: str, password: str = TEST_PASSWORD):
    data = {"username": username, "password": password, "next": ADMIN_HOME}
    response = client.post(reverse("admin:login"), data)
    response = finish_login(client, response, username)
    assert response.status_code == 302, response.status_code
    return response


def _cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _with_cookie(session_key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def _is_anonymous_on_portal(client: Client) -> bool:
    response = client.get(PORTAL_HOME)
    return response.status_code == 302 and response.headers["Location"].startswith(reverse("portal:login"))


def test_the_session_key_changes_at_login_and_a_planted_key_stays_anonymous(client: Client, officer_a) -> None:
    planted = client.session
    planted["planted_by_attacker"] = True
    planted.save()
    _portal_login(client, officer_a.username)
    assert _cookie(client) != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert _is_anonymous_on_portal(_with_cookie(planted.session_key))
    assert client.get(PORTAL_HOME).status_code == 200


def test_a_replayed_cookie_is_anonymous_after_logout(client: Client, officer_a) -> None:
    _portal_login(client, officer_a.username)
    old_key = _cookie(client)
    assert client.get(PORTAL_HOME).status_code == 200
    assert client.post(reverse("portal:logout")).status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    assert _is_anonymous_on_portal(_with_cookie(old_key))


def test_logout_refuses_get_so_a_link_cannot_sign_anyone_out(officer_client: Client) -> None:
    assert officer_client.get(reverse("portal:logout")).status_code == 405
    assert officer_client.get(PORTAL_HOME).status_code == 200


def test_the_idle_timeout_is_thirty_minutes_renewed_on_every_request(client: Client, officer_a) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    response = _portal_login(client, officer_a.username)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    key = _cookie(client)
    # Active five minutes before expiry: the request pushes the expiry back to a full thirty minutes.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get(PORTAL_HOME).status_code == 200
    remaining = Session.objects.get(session_key=_cookie(client)).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_a_session_idle_for_more_than_thirty_minutes_is_anonymous(client: Client, officer_a) -> None:
    _portal_login(client, officer_a.username)
    key = _cookie(client)
    # The expiry was set at the last request; 31 idle minutes later it lies one minute in the past.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(minutes=1))
    assert _is_anonymous_on_portal(client)


def test_the_absolute_clock_starts_at_login(client: Client, officer_a) -> None:
    before = time.time()
    _portal_login(client, officer_a.username)
    started = _store(_cookie(client))[SessionLifetimeMiddleware.KEY]
    assert before <= started <= time.time()


def _age_login(session_key: str, hours: float) -> None:
    session = _store(session_key)
    session[SessionLifetimeMiddleware.KEY] = time.time() - hours * 3600
    session.save()


def test_a_session_ends_twelve_hours_after_login_however_active(client: Client, officer_a) -> None:
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    _portal_login(client, officer_a.username)
    _age_login(_cookie(client), hours=11.9)
    assert client.get(PORTAL_HOME).status_code == 200
    _age_login(_cookie(client), hours=13)
    assert _is_anonymous_on_portal(client)
    assert SESSION_KEY not in client.session


def test_signing_in_again_restarts_the_absolute_clock(client: Client, officer_a) -> None:
    _portal_login(client, officer_a.username)
    _age_login(_cookie(client), hours=11.9)
    _portal_login(client, officer_a.username)
    assert time.time() - _store(_cookie(client))[SessionLifetimeMiddleware.KEY] < 60


def test_a_deactivated_officer_is_anonymous_on_the_next_request(client: Client, officer_a) -> None:
    _portal_login(client, officer_a.username)
    officer_a.is_active = False
    officer_a.save(update_fields=["is_active"])
    assert _is_anonymous_on_portal(client)


def test_deactivated_staff_lose_the_admin_on_the_next_request(client: Client, staff_user) -> None:
    _admin_login(client, staff_user.username)
    assert client.get(ADMIN_HOME).status_code == 200
    staff_user.is_active = False
    staff_user.save(update_fields=["is_active"])
    response = client.get(ADMIN_HOME)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("admin:login"))


def test_a_password_change_ends_the_other_sessions_and_keeps_the_current_one(staff_user) -> None:
    here, elsewhere = Client(), Client()
    _admin_login(here, staff_user.username)
    _admin_login(elsewhere, staff_user.username)
    new_password = TEST_PASSWORD[::-1] + "-Changed"
    response = here.post(
        reverse("admin:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert here.get(ADMIN_HOME).status_code == 200
    response = elsewhere.get(ADMIN_HOME)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("admin:login"))


def test_a_password_reset_by_an_administrator_ends_the_officers_sessions(client: Client, officer_a) -> None:
    _portal_login(client, officer_a.username)
    officer_a.set_password(TEST_PASSWORD + "-reset")
    officer_a.save()
    assert _is_anonymous_on_portal(client)


def test_production_cookies_are_secure_httponly_and_samesite_lax() -> None:
    values = production_settings(*COOKIE_SETTINGS)
    assert values["__pytest_imported__"] is False
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "__pytest_imported__": False,
    }


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_the_cookies_sent_at_login_carry_the_secure_httponly_and_samesite_flags(client: Client, officer_a) -> None:
    login_page = client.get(reverse("portal:login"), secure=True)
    csrf = login_page.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post(
        reverse("portal:login"),
        {"username": officer_a.username, "password": TEST_PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
