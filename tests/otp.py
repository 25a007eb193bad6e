"""Second-factor helpers for tests: a real TOTP device per user and the codes it would show.

``tests/conftest.py`` uses ``verify_session`` to make every ``Client.force_login``/``login`` an OTP-verified session
(tests that prove the second factor is required opt out with ``@pytest.mark.unverified_login``). Tests that go
through the real login pages use ``next_code`` and ``pass_second_factor``."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safetyportal.accounts.services import TOTP_NAME


def device_for(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator, created if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)
    return device


def next_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step's, or the next step's (within the tolerance) when the
    current one was already used, since each code is accepted once."""
    device.refresh_from_db()
    step = (int(time.time()) - device.t0) // device.step + device.drift
    step = max(step, device.last_t + 1)
    return f"{hotp(device.bin_key, step, device.digits):0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A 6-digit code the device does not accept at any step within its tolerance."""
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step + device.drift
    valid = {f"{hotp(device.bin_key, now + offset, device.digits):06d}" for offset in range(-2, 3)}
    return next(f"{n:06d}" for n in range(1000, 1000000, 7919) if f"{n:06d}" not in valid)


def verify_session(client: Any, user: Any) -> None:
    """Mark the client's (signed-in) session as verified by the user's authenticator, as the code step would."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
    session.save()


def as_verified(user: Any) -> Any:
    """``user`` as request.user is after the code step (OTPMiddleware's attributes), for calling services directly."""
    device = device_for(user)
    user.otp_device = device
    user.is_verified = lambda: True
    return user


def pass_second_factor(client: Any, user: Any) -> Any:
    """After a correct password POST: submit the user's current code to the code step. Returns the response."""
    device = device_for(user)
    return client.post(reverse("accounts:verify"), {"code": next_code(device)})


def finish_login(client: Any, response: Any, username: str, **request: Any) -> Any:
    """If ``response`` is a correct password step (a redirect to the code or enrolment step), pass the second factor
    with a real code and return that response; otherwise return ``response`` unchanged."""
    steps = (reverse("accounts:verify"), reverse("accounts:setup"))
    if response.status_code != 302 or response["Location"] not in steps:
        return response
    user = get_user_model()._default_manager.get(username=username)
    return client.post(reverse("accounts:verify"), {"code": next_code(device_for(user))}, **request)
