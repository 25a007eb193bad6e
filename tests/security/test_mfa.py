"""T08: every staff (admin) and officer (portal) login needs a second factor: a code from a TOTP authenticator or a
one-time recovery code. A password alone, or a session without a verified device, reaches no admin or portal page;
wrong codes are refused and throttled; enrolment, recovery codes, a superuser's reset and the identity reveal.

This file opts out of the suite's automatic verification of forced logins (``unverified_login``): every session
here is verified only by what the test itself does."""

from __future__ import annotations

import contextlib
import re
import threading
from base64 import b32decode
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inspections import services as inspection_services
from inspections.models import IdentityAccessLog, PublicReport
from safetyportal.accounts import services
from safetyportal.accounts.demo import demo_key, enrol_demo_accounts
from safetyportal.roles import ADMIN_GROUP, STAFF_GROUP
from tests.core.factories import TEST_PASSWORD, OfficerProfileFactory, StaffUserFactory
from tests.inspections.conftest import grant
from tests.inspections.factories import ReporterIdentityFactory
from tests.otp import as_verified, device_for, next_code, verify_session, wrong_code
from tests.security.routes import PORTAL, all_admin_urls, crawl_urls

pytestmark = [pytest.mark.unverified_login, pytest.mark.usefixtures("fast_password_hasher", "crawl_data")]

VERIFY = "/accounts/verify/"
SETUP = "/accounts/setup/"
LOGIN_PAGES = ("/portal/login/", "/admin/login/")


@pytest.fixture
def custodian(db):
    """Office staff granted, by name, the right to read reporters' identities."""
    return grant(StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)]), "view_reporter_identity")


@pytest.fixture(params=["officer", "staff", "superuser"])
def account(request, officer_a, staff_user) -> tuple[object, str, str]:
    """(user, login URL, the page the login leads to) for each kind of account that signs in."""
    if request.param == "officer":
        return officer_a, "/portal/login/", "/portal/"
    user = staff_user if request.param == "staff" else StaffUserFactory(is_superuser=True)
    return user, "/admin/login/", "/admin/"


def _password_step(client: Client, url: str, username: str, password: str = TEST_PASSWORD, **extra):
    data = {"username": username, "password": password}
    if url.startswith("/admin/"):
        data["next"] = "/admin/"
    return client.post(url, data, **extra)


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session and DEVICE_ID_SESSION_KEY in client.session


def _assert_no_page_is_reached(client: Client) -> int:
    """GET every admin and portal page: none may serve the signed-in user. Returns the number of pages tried."""
    urls = [url for url in all_admin_urls() + crawl_urls(PORTAL) if not url.endswith("/logout/")]
    reached = []
    for url in urls:
        response = client.get(url)
        user = response.wsgi_request.user
        if user.is_authenticated:
            reached.append(f"{url}: request.user is {user}")
        elif response.status_code == 200 and response.wsgi_request.path not in LOGIN_PAGES:
            reached.append(f"{url}: 200")
        elif response.status_code == 302 and not response["Location"].startswith(LOGIN_PAGES):
            reached.append(f"{url}: redirect to {response['Location']}")
    assert not reached, reached
    return len(urls)


# --- a password alone ----------------------------------------------------------------------------------------------


def test_a_correct_password_alone_signs_nobody_in_and_reaches_no_page(client, account) -> None:
    user, login_url, _home = account
    device_for(user)
    response = _password_step(client, login_url, user.username)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert SESSION_KEY not in client.session
    assert _assert_no_page_is_reached(client) > 100


def test_a_password_only_session_counts_as_anonymous_everywhere(client, account) -> None:
    """A session signed in without the code step (from before the second factor, or forced): 0 pages reached."""
    user, _login_url, home = account
    client.force_login(user)
    assert SESSION_KEY in client.session and DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(home).status_code == 302
    _assert_no_page_is_reached(client)
    verify_session(client, user)  # the same session once verified reaches its home page
    assert client.get(home).status_code == 200


def test_the_admin_site_and_the_portal_check_the_verification_themselves(staff_user, officer_a) -> None:
    """Beyond the middleware: PortalAdminSite.has_permission and officer_required refuse an unverified user."""
    from safetyportal.views import home

    request = RequestFactory().get("/admin/")
    request.user = staff_user
    staff_user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    staff_user.is_verified = lambda: True
    assert admin.site.has_permission(request)

    request = RequestFactory().get("/portal/")
    request.user = officer_a
    officer_a.is_verified = lambda: False
    assert home(request).status_code == 302
    officer_a.is_verified = lambda: True
    officer_a.otp_device = device_for(officer_a)
    request.session = {}
    assert home(request).status_code == 200


# --- the code step -------------------------------------------------------------------------------------------------


def test_the_right_code_signs_in(client, account) -> None:
    user, login_url, home = account
    device = device_for(user)
    _password_step(client, login_url, user.username)
    page = client.get(VERIFY)
    assert page.status_code == 200 and "两步验证" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response.status_code == 302 and response["Location"] == home
    assert _signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(home).status_code == 200


def test_a_code_typed_with_full_width_digits_and_spaces_is_accepted(client, officer_a) -> None:
    device = device_for(officer_a)
    _password_step(client, "/portal/login/", officer_a.username)
    code = next_code(device)
    typed = " ".join(chr(ord(c) + 0xFEE0) for c in code[:3]) + " " + code[3:]  # １ ２ ３ 456
    assert client.post(VERIFY, {"code": typed}).status_code == 302
    assert _signed_in(client)


def test_a_code_is_accepted_only_once(client, officer_a) -> None:
    device = device_for(officer_a)
    _password_step(client, "/portal/login/", officer_a.username)
    code = next_code(device)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    _password_step(other, "/portal/login/", officer_a.username)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert not _signed_in(other)


def test_a_wrong_code_is_refused_and_throttled(client, account) -> None:
    assert settings.OTP_TOTP_THROTTLE_FACTOR >= 1 and settings.OTP_STATIC_THROTTLE_FACTOR >= 1
    user, login_url, home = account
    device = device_for(user)
    _password_step(client, login_url, user.username)

    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert not _signed_in(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # Straight after a failure even the right code is refused: the device waits 1, 2, 4 … seconds.
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response.status_code == 200
    assert re.search(r"请在 \d+ 秒后重试", response.content.decode())
    assert not _signed_in(client)

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(seconds=5)
    )
    assert client.post(VERIFY, {"code": next_code(device)})["Location"] == home
    assert _signed_in(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_five_wrong_codes_end_the_pending_login(client, officer_a) -> None:
    device = device_for(officer_a)
    _password_step(client, "/portal/login/", officer_a.username)
    for attempt in range(settings.OTP_PENDING_MAX_FAILURES):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        response = client.post(VERIFY, {"code": wrong_code(device)})
        if attempt < settings.OTP_PENDING_MAX_FAILURES - 1:
            assert response.status_code == 200
    assert response.status_code == 302 and response["Location"] == "/portal/login/"
    assert services.PENDING_KEY not in client.session
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(VERIFY, {"code": next_code(device)})  # the right code no longer helps
    assert response.status_code == 302 and response["Location"] == "/portal/login/"
    assert not _signed_in(client)
    page = client.get("/portal/login/")
    assert "验证码错误次数过多" in page.content.decode()


def test_axes_still_counts_password_failures_at_the_first_step(client, officer_a) -> None:
    device_for(officer_a)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(client, "/portal/login/", officer_a.username, password=TEST_PASSWORD + "x")
    assert AccessAttempt.objects.get(username=officer_a.username).failures_since_start == settings.AXES_FAILURE_LIMIT
    response = _password_step(client, "/portal/login/", officer_a.username)
    assert response.status_code == 429
    assert services.PENDING_KEY not in client.session


def test_a_pending_login_expires(client, officer_a) -> None:
    device = device_for(officer_a)
    _password_step(client, "/portal/login/", officer_a.username)
    session = client.session
    session[services.PENDING_KEY]["started"] -= settings.OTP_PENDING_SECONDS + 1
    session.save()
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response.status_code == 302 and response["Location"] == "/portal/login/"
    assert not _signed_in(client)
    assert "登录已超时" in client.get("/portal/login/").content.decode()


def test_a_password_change_between_the_steps_ends_the_pending_login(client, officer_a) -> None:
    device = device_for(officer_a)
    _password_step(client, "/portal/login/", officer_a.username)
    officer_a.set_password(TEST_PASSWORD + "-new")
    officer_a.save()
    assert client.post(VERIFY, {"code": next_code(device)})["Location"] == "/portal/login/"
    assert not _signed_in(client)


def test_the_code_step_without_a_password_step_sends_to_the_login(client) -> None:
    for url in (VERIFY, SETUP):
        assert client.get(url)["Location"] == "/portal/login/"
        assert client.post(url, {"code": "123456"})["Location"] == "/portal/login/"


# --- recovery codes ------------------------------------------------------------------------------------------------


def test_a_recovery_code_works_once(client, staff_user) -> None:
    device_for(staff_user)
    codes = services.regenerate_recovery_codes(staff_user)
    assert len(codes) == settings.OTP_RECOVERY_CODES == 10 and len(set(codes)) == 10

    _password_step(client, "/admin/login/", staff_user.username)
    typed = services.format_code(codes[0]).upper()  # as shown (abcd-efgh), typed in capitals
    response = client.post(VERIFY, {"code": typed})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert _signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("otp_static.")
    assert "还剩 9 个" in client.get("/admin/").content.decode()

    again = Client()
    _password_step(again, "/admin/login/", staff_user.username)
    response = again.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200 and "恢复码不正确或已经用过" in response.content.decode()
    assert not _signed_in(again)
    assert StaticToken.objects.filter(device__user=staff_user).count() == 9


def test_regenerating_recovery_codes_invalidates_the_old_ones(client, officer_a) -> None:
    old = services.regenerate_recovery_codes(officer_a)
    client.force_login(officer_a)
    verify_session(client, officer_a)
    page = client.get("/accounts/security/")
    assert page.status_code == 200 and "剩余 10 个" in page.content.decode()

    response = client.post("/accounts/security/recovery-codes/", {"code": next_code(device_for(officer_a))})
    assert response["Location"] == "/accounts/recovery-codes/"
    shown = client.get("/accounts/recovery-codes/")
    assert "no-store" in shown["Cache-Control"]
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", shown.content.decode())
    assert len(new) == 10
    assert client.get("/accounts/recovery-codes/")["Location"] == "/accounts/security/"  # shown once

    tokens = set(StaticToken.objects.filter(device__user=officer_a).values_list("token", flat=True))
    assert tokens == {code.replace("-", "") for code in new}
    assert not tokens & set(old)
    assert StaticDevice.objects.filter(user=officer_a).count() == 1


def test_regenerating_needs_a_signed_in_verified_session(client, officer_a) -> None:
    old = services.regenerate_recovery_codes(officer_a)
    client.force_login(officer_a)  # password only
    response = client.post("/accounts/security/recovery-codes/", {"code": next_code(device_for(officer_a))})
    assert response.status_code == 302 and response["Location"].startswith("/portal/login/")
    assert set(StaticToken.objects.filter(device__user=officer_a).values_list("token", flat=True)) == set(old)


def test_regenerating_needs_a_current_authenticator_code(client, officer_a) -> None:
    """A stolen session cookie alone cannot mint recovery codes (they would bypass the second factor for good): the
    POST must carry a current code of the user's authenticator; anything else is refused and changes nothing."""
    device = device_for(officer_a)
    old = services.regenerate_recovery_codes(officer_a)
    client.force_login(officer_a)
    verify_session(client, officer_a)
    url = "/accounts/security/recovery-codes/"
    refused = [
        ({}, "请输入验证器当前显示的6位数字"),
        ({"code": ""}, "请输入验证器当前显示的6位数字"),
        ({"code": old[0]}, "请输入验证器当前显示的6位数字"),  # a recovery code does not make recovery codes
        ({"code": "12345"}, "请输入验证器当前显示的6位数字"),
        ({"code": wrong_code(device)}, "验证码不正确"),
    ]
    for data, message in refused:
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), data
        assert "no-store" in response["Cache-Control"]
        assert set(StaticToken.objects.filter(device__user=officer_a).values_list("token", flat=True)) == set(old)
        assert services.NEW_CODES_KEY not in client.session
    assert client.get("/accounts/recovery-codes/")["Location"] == "/accounts/security/"

    # Straight after the wrong code the device's throttle applies here too.
    response = client.post(url, {"code": next_code(device)})
    assert re.search(r"请在 \d+ 秒后重试", response.content.decode())
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    code = next_code(device)
    typed = " ".join(chr(ord(c) + 0xFEE0) for c in code)  # full-width, as a Chinese input method types it
    assert client.post(url, {"code": typed})["Location"] == "/accounts/recovery-codes/"
    assert not set(StaticToken.objects.filter(device__user=officer_a).values_list("token", flat=True)) & set(old)
    again = services.recovery_codes_left(officer_a)
    assert client.post(url, {"code": code}).status_code == 200  # the same code is accepted once
    assert services.recovery_codes_left(officer_a) == again


# --- throttle ceiling and concurrent submits -----------------------------------------------------------------------


def test_the_wait_after_wrong_codes_is_capped(officer_a) -> None:
    """django-otp doubles the wait after each wrong code (2ⁿ⁻¹ s) without a ceiling: someone with the password could
    fail codes over many pending logins and lock the owner out for days. The wait never exceeds
    OTP_THROTTLE_MAX_SECONDS (15 minutes), for TOTP and recovery codes, and the right code works after it."""
    cap = settings.OTP_THROTTLE_MAX_SECONDS
    assert cap == 15 * 60
    device = device_for(officer_a)
    codes = services.regenerate_recovery_codes(officer_a)
    recovery = StaticDevice.objects.get(user=officer_a)
    for index, failures in enumerate((9, 10, 11, 12, 16, 30, 64, 1000)):
        for model, pk, right in ((TOTPDevice, device.pk, None), (StaticDevice, recovery.pk, codes[index])):
            client = Client()
            _password_step(client, "/portal/login/", officer_a.username)
            code = right or next_code(device)
            model.objects.filter(pk=pk).update(
                throttling_failure_count=failures, throttling_failure_timestamp=timezone.now()
            )
            html = client.post(VERIFY, {"code": code}).content.decode()
            seconds = int(re.search(r"请在 (\d+) 秒后重试", html).group(1))
            assert 0 < seconds <= cap, (model, failures, seconds)
            assert model.objects.get(pk=pk).throttling_failure_count <= 10  # 2⁹ = 512 s ≤ 900 s < 2¹⁰
            model.objects.filter(pk=pk).update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=cap + 1))
            assert client.post(VERIFY, {"code": code})["Location"] == "/portal/", (model, failures)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["totp", "recovery"])
def test_the_same_code_submitted_twice_at_once_is_accepted_once(kind, officer_a, monkeypatch) -> None:
    """Two requests with the same code at the same moment: the device row is locked while the code is checked and
    marked used, so exactly one signs in. Both threads are held at verify_token() until the other arrives (or 1 s):
    without the lock both read the unused code first and both are accepted."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (select_for_update is a no-op); the race is shown on PostgreSQL")
    device = device_for(officer_a)
    if kind == "totp":
        model, code = TOTPDevice, next_code(device)
    else:
        model, code = StaticDevice, services.regenerate_recovery_codes(officer_a)[0]
    barrier = threading.Barrier(2)
    original = model.verify_token

    def verify_token_together(self, token):  # type: ignore[no-untyped-def]
        with contextlib.suppress(threading.BrokenBarrierError):  # the other request is waiting for the row lock
            barrier.wait(timeout=1)
        return original(self, token)

    monkeypatch.setattr(model, "verify_token", verify_token_together)
    accepted: list[bool] = []

    def submit() -> None:
        try:
            request = RequestFactory().post(VERIFY)
            request.session = SessionStore()
            request.session[services.PENDING_KEY] = {"failures": 0}
            accepted.append(services.check_code(request, officer_a, code).device is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(accepted) == [False, True]


# --- enrolment -----------------------------------------------------------------------------------------------------


def test_enrolment_end_to_end(client, officer_a, django_assert_max_num_queries) -> None:
    assert not TOTPDevice.objects.filter(user=officer_a).exists()
    response = _password_step(client, "/portal/login/", officer_a.username)
    assert response["Location"] == SETUP
    assert client.get(VERIFY)["Location"] == SETUP

    with django_assert_max_num_queries(6):
        page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200 and "开启两步验证" in html
    assert "no-store" in page["Cache-Control"]
    assert re.search(r'<img class="qr" src="data:image/svg\+xml', html)  # drawn on the server, no external service
    assert "http://" not in html.split('class="qr"')[1].split(">")[0]
    secret = re.search(r'<code class="secret" id="otp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert client.get(SETUP).content.decode().count(secret) == 1  # the same secret until confirmed
    assert not TOTPDevice.objects.filter(user=officer_a).exists()  # nothing stored before the first code

    key = b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    wrong = f"{(totp.token() + 1) % 1000000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert not _signed_in(client)

    response = client.post(SETUP, {"code": f"{TOTP(key).token():06d}"})
    assert response.status_code == 302 and response["Location"] == "/accounts/recovery-codes/"
    assert _signed_in(client)
    device = TOTPDevice.objects.get(user=officer_a)
    assert device.confirmed and device.bin_key == key

    codes_page = client.get("/accounts/recovery-codes/")
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page.content.decode())
    assert len(codes) == 10
    assert 'href="/portal/"' in codes_page.content.decode()
    assert client.get("/portal/").status_code == 200

    # At the next login the code step asks for this device's codes.
    client.post("/portal/logout/")
    assert _password_step(client, "/portal/login/", officer_a.username)["Location"] == VERIFY
    assert client.post(VERIFY, {"code": next_code(device)})["Location"] == "/portal/"


def test_a_pending_user_with_a_device_cannot_enrol_another(client, officer_a) -> None:
    device = device_for(officer_a)
    _password_step(client, "/portal/login/", officer_a.username)
    assert client.get(SETUP)["Location"] == VERIFY
    assert client.post(SETUP, {"code": "123456"})["Location"] == VERIFY
    assert list(TOTPDevice.objects.filter(user=officer_a)) == [device]


def test_a_superuser_can_enrol_too(client) -> None:
    superuser = StaffUserFactory(is_superuser=True)
    assert _password_step(client, "/admin/login/", superuser.username)["Location"] == SETUP
    key = b32decode(
        re.search(r'id="otp-secret">([A-Z2-7 ]+)<', client.get(SETUP).content.decode()).group(1).replace(" ", "")
    )
    client.post(SETUP, {"code": f"{TOTP(key).token():06d}"})
    codes_page = client.get("/accounts/recovery-codes/")
    assert 'href="/admin/"' in codes_page.content.decode()
    assert client.get("/admin/").status_code == 200


# --- a superuser's reset -------------------------------------------------------------------------------------------


def _user_changelist() -> str:
    from django.contrib.auth import get_user_model

    opts = get_user_model()._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def test_a_superuser_resets_a_users_second_factor(officer_a) -> None:
    superuser = StaffUserFactory(is_superuser=True)
    admin_client = Client()
    admin_client.force_login(superuser)
    verify_session(admin_client, superuser)
    officer = Client()
    officer.force_login(officer_a)
    verify_session(officer, officer_a)
    services.regenerate_recovery_codes(officer_a)
    assert officer.get("/portal/").status_code == 200

    response = admin_client.post(
        _user_changelist(), {"action": "reset_second_factor", "_selected_action": [officer_a.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer_a).exists()
    assert not StaticDevice.objects.filter(user=officer_a).exists()
    assert "已重置 1 个账号的两步验证" in admin_client.get(_user_changelist()).content.decode()

    assert officer.get("/portal/")["Location"].startswith("/portal/login/")  # the old session is over
    assert _password_step(Client(), "/portal/login/", officer_a.username)["Location"] == SETUP  # enrol again


def test_only_superusers_may_reset_a_second_factor(officer_a) -> None:
    administrator = StaffUserFactory(groups=[Group.objects.get(name=ADMIN_GROUP)])
    client = Client()
    client.force_login(administrator)
    verify_session(client, administrator)
    device = device_for(officer_a)
    changelist = client.get(_user_changelist())
    assert changelist.status_code == 200
    assert "reset_second_factor" not in changelist.content.decode()
    client.post(_user_changelist(), {"action": "reset_second_factor", "_selected_action": [officer_a.pk]})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    with pytest.raises(PermissionDenied):
        services.reset_second_factor(user=officer_a, by=administrator)


def test_django_otps_own_device_admins_are_not_in_the_admin() -> None:
    """They are English and would show TOTP keys and recovery codes; the reset action replaces them."""
    assert TOTPDevice not in admin.site._registry
    assert StaticDevice not in admin.site._registry


# --- the reporter's identity ---------------------------------------------------------------------------------------


def test_revealing_a_reporters_identity_needs_a_verified_session(custodian) -> None:
    identity = ReporterIdentityFactory(name="郝双因", phone="13900000077")
    url = f"/admin/inspections/publicreport/{identity.report.pk}/reveal/"

    client = Client()
    client.force_login(custodian)  # the right permission, but a password-only session
    response = client.post(url, {"reason": "核实举报奖励发放对象"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "郝双因" not in response.content.decode()

    model_admin = admin.site._registry[PublicReport]
    request = RequestFactory().post(url, {"reason": "核实举报奖励发放对象"})
    request.user = custodian
    custodian.is_verified = lambda: False
    with pytest.raises(PermissionDenied):
        model_admin.reveal_view(request, str(identity.report.pk))
    del custodian.is_verified
    with pytest.raises(PermissionDenied):
        inspection_services.reveal_identity(report=identity.report, by=custodian, reason="核实举报奖励发放对象")
    assert not IdentityAccessLog.objects.exists()

    verify_session(client, custodian)
    html = client.post(url, {"reason": "核实举报奖励发放对象"}).content.decode()
    assert "郝双因" in html and "13900000077" in html
    assert inspection_services.reveal_identity(report=identity.report, by=as_verified(custodian), reason="电话回访")
    assert IdentityAccessLog.objects.count() == 2


# --- settings and demo ---------------------------------------------------------------------------------------------


def test_the_otp_apps_and_middleware_are_installed_in_order() -> None:
    for app in ("django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"):
        assert app in settings.INSTALLED_APPS
    middleware = settings.MIDDLEWARE
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[auth + 1] == "django_otp.middleware.OTPMiddleware"
    assert middleware[auth + 2] == "safetyportal.accounts.middleware.VerifiedSessionMiddleware"


def test_demo_accounts_are_enrolled_and_demo_otp_prints_a_working_code(client, settings, capsys) -> None:
    officer = OfficerProfileFactory(user__username="lingyuan").user
    enrol_demo_accounts()
    enrol_demo_accounts()  # idempotent
    device = TOTPDevice.objects.get(user=officer)
    assert device.key == demo_key("lingyuan") and device.confirmed

    call_command("demo_otp", "lingyuan")
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code)
    _password_step(client, "/portal/login/", "lingyuan")
    assert client.post(VERIFY, {"code": code})["Location"] == "/portal/"
    call_command("demo_otp", "lingyuan")  # the used code's successor, still within the tolerance
    assert capsys.readouterr().out.strip() == f"{hotp(device.bin_key, device.__class__.objects.get().last_t + 1):06d}"


def test_demo_otp_refuses_production_and_accounts_without_a_demo_key(settings) -> None:
    own = OfficerProfileFactory(user__username="qingyang").user
    device_for(own)  # a key the user enrolled themselves: never printed
    with pytest.raises(CommandError, match="没有演示验证器"):
        call_command("demo_otp", "qingyang")
    settings.DEBUG = False
    settings.TESTING = False
    settings.LOCAL_RUN = False
    settings.LOCAL_KEYS = False  # what settings.py derives from the three at start-up
    with pytest.raises(CommandError, match="生产配置"):
        call_command("demo_otp", "qingyang")


def test_the_admin_and_the_portal_link_to_the_second_factor_page(staff_user, officer_a) -> None:
    for user, home in ((staff_user, "/admin/"), (officer_a, "/portal/")):
        client = Client()
        client.force_login(user)
        verify_session(client, user)
        assert 'href="/accounts/security/">两步验证</a>' in client.get(home).content.decode()
        page = client.get("/accounts/security/")
        assert page.status_code == 200 and f'href="{home}"' in page.content.decode()
