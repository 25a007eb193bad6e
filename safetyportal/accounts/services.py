"""Logins in two steps and the second factor's life cycle.

A correct password does not sign anyone in: ``begin_login()`` only records a *pending* login in the session (user,
backend, password-hash fingerprint, time, where to go next). Django's ``login()`` runs in ``complete_login()``, after
a code from the user's TOTP device or one of their recovery codes, together with ``django_otp.login()``; so there is
never a signed-in session without a verified second factor (``VerifiedSessionMiddleware`` treats any other as
anonymous, for sessions from before this change or whose device a superuser has reset).

Wrong codes are throttled by django-otp per device (``OTP_TOTP_THROTTLE_FACTOR``: 1, 2, 4, 8 … seconds, capped
here at ``OTP_THROTTLE_MAX_SECONDS`` so that someone holding the password cannot lock the owner out for days) and a
pending login ends after ``OTP_PENDING_MAX_FAILURES`` wrong codes, so that guessing goes back through the password
step, where django-axes counts failures.

Every code is checked with the device row locked (``select_for_update`` in a transaction): two requests carrying the
same TOTP or recovery code at the same moment cannot both be accepted.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

if TYPE_CHECKING:
    from safetyportal.types import User, UserOrAnonymous

PENDING_KEY = "_2fa_pending"
NEW_CODES_KEY = "_2fa_new_recovery_codes"
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"

TOTP_CODE = re.compile(r"\d{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")
_SEPARATORS = re.compile(r"[\s\-_.·—]+")


def is_verified(user: UserOrAnonymous | None) -> bool:
    """Whether ``user`` (request.user) passed the second factor in this session (django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(user is not None and user.is_authenticated and callable(check) and check())


# --- pending logins ------------------------------------------------------------------------------------------------


def begin_login(request: HttpRequest, user: User, *, next_url: str, login_url: str) -> bool:
    """The password was right: remember a pending login (and the login page it came from, to go back to). Returns
    True when the user must first enrol an authenticator."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "auth_hash": user.get_session_auth_hash(),
        "started": time.time(),
        "next": next_url,
        "login_url": login_url,
        "failures": 0,
    }
    return totp_device(user) is None


def pending_user(request: HttpRequest) -> User | None:
    """The user whose password step this session passed, if that was recent and nothing has changed since."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("started", 0)) > settings.OTP_PENDING_SECONDS:
        cancel_pending(request)
        return None
    user_id = pending.get("user_id")
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first() if user_id is not None else None
    if user is None or not constant_time_compare(pending.get("auth_hash", ""), user.get_session_auth_hash()):
        cancel_pending(request)
        return None
    return user


def pending_next(request: HttpRequest) -> str:
    pending = request.session.get(PENDING_KEY) or {}
    return str(pending.get("next") or settings.LOGIN_REDIRECT_URL)


def pending_login_url(request: HttpRequest) -> str:
    pending = request.session.get(PENDING_KEY) or {}
    return str(pending.get("login_url") or resolve_url(settings.LOGIN_URL))


def cancel_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def _count_failure(request: HttpRequest) -> bool:
    """One more wrong code for this pending login; True when that was the last one allowed (the login is ended)."""
    pending = request.session[PENDING_KEY]
    pending["failures"] = int(pending.get("failures", 0)) + 1
    request.session.modified = True
    if pending["failures"] >= settings.OTP_PENDING_MAX_FAILURES:
        cancel_pending(request)
        return True
    return False


def complete_login(request: HttpRequest, user: User, device: Any) -> str:
    """Sign the user in, with the device that verified them. Returns where to go next."""
    next_url = pending_next(request)
    backend = (request.session.get(PENDING_KEY) or {}).get("backend")
    cancel_pending(request)
    auth_login(request, user, backend=backend)
    otp_login(request, device)
    return next_url


# --- codes ---------------------------------------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """What people type: full-width digits from a Chinese input method, spaces or hyphens between groups, capitals."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).lower()


@dataclass
class CodeCheck:
    device: Any = None  # the device that accepted the code
    error: str = ""
    ended: bool = False  # too many wrong codes: the pending login is over, the password is asked again


def _max_failure_count(device: Any) -> int:
    """The largest failure count whose django-otp delay (factor × 2ⁿ⁻¹ seconds) stays within the cap."""
    factor = device.get_throttle_factor()
    count = 1
    while factor > 0 and factor * 2**count <= settings.OTP_THROTTLE_MAX_SECONDS:
        count += 1
    return count


def _cap_throttle(device: Any) -> None:
    """Keep the device's failure count (and so its delay) within ``OTP_THROTTLE_MAX_SECONDS``: django-otp doubles
    the delay without a ceiling (its ThrottlingMixin.verify_is_allowed), which would let anyone with the password
    lock the owner out for days. Called with the device row locked."""
    ceiling = _max_failure_count(device)
    if device.throttling_failure_count > ceiling:
        device.throttling_failure_count = ceiling
        device.save(update_fields=["throttling_failure_count"])


def verify_on_device(device: Any, code: str) -> tuple[Any | None, str | None]:
    """Check ``code`` on ``device`` with its row locked until the check is written (a used TOTP step, a deleted
    recovery code, the throttle). Returns (the device if it accepted the code, the throttle message if it is
    waiting)."""
    with transaction.atomic():
        locked = type(device).objects.select_for_update().filter(pk=device.pk, confirmed=True).first()
        if locked is None:
            return None, None
        _cap_throttle(locked)
        throttled = _throttle_error(locked)
        if throttled:
            return None, throttled
        if locked.verify_token(code):
            return locked, None
        _cap_throttle(locked)
        return None, None


def _throttle_error(device: Any) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    return _("验证码错误次数较多，请在 %(seconds)d 秒后重试。") % {"seconds": seconds}


def check_code(request: HttpRequest, user: User, raw: str) -> CodeCheck:
    """Verify a 6-digit TOTP code or an 8-character recovery code for the pending ``user``."""
    code = normalise_code(raw)
    if TOTP_CODE.fullmatch(code):
        device = totp_device(user)
        wrong = _("验证码不正确。请确认手机时间准确，输入验证器当前显示的6位数字。")
    elif RECOVERY_CODE.fullmatch(code):
        device = recovery_device(user)
        wrong = _("恢复码不正确或已经用过。")
    else:
        return CodeCheck(error=_("请输入验证器显示的6位数字，或一个8位恢复码。"))
    if device is not None:
        verified, throttled = verify_on_device(device, code)
        if verified is not None:
            return CodeCheck(device=verified)
        if throttled:
            return CodeCheck(error=throttled, ended=_count_failure(request))
    return CodeCheck(error=wrong, ended=_count_failure(request))


# --- devices -------------------------------------------------------------------------------------------------------


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_key(request: HttpRequest) -> str:
    """The secret offered to a pending user without a device; kept in the session (nothing is written before the
    user proves, with a first code, that their app holds it)."""
    pending = request.session[PENDING_KEY]
    if not pending.get("enrol_key"):
        pending["enrol_key"] = random_hex(20)
        request.session.modified = True
    return str(pending["enrol_key"])


def enrolment_device(user: User, key: str) -> TOTPDevice:
    """An unsaved device for the QR code and the secret shown on the enrolment page."""
    return TOTPDevice(user=user, name=TOTP_NAME, key=key)


def enrol(request: HttpRequest, user: User, raw: str) -> tuple[TOTPDevice | None, list[str], CodeCheck]:
    """Confirm the pending user's new device with its first code. On success the device is saved, ten recovery codes
    replace any earlier ones and the user is signed in; returns (device, recovery codes, check)."""
    key = enrolment_key(request)
    code = normalise_code(raw)
    if not TOTP_CODE.fullmatch(code):
        return None, [], CodeCheck(error=_("请输入验证器显示的6位数字。"))
    candidate = enrolment_device(user, key)
    totp = TOTP(candidate.bin_key, candidate.step, candidate.t0, candidate.digits)
    totp.time = time.time()  # fixed, so that t() below is the step the code matched
    if not totp.verify(int(code), tolerance=candidate.tolerance):
        check = CodeCheck(error=_("验证码不正确。请确认已扫描本页的二维码，且手机时间准确。"))
        check.ended = _count_failure(request)
        return None, [], check
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        candidate.confirmed = True
        candidate.last_t = totp.t()
        candidate.drift = totp.drift
        candidate.set_last_used_timestamp(commit=False)
        candidate.save()
        codes = regenerate_recovery_codes(user)
    return candidate, codes, CodeCheck(device=candidate)


def confirm_and_regenerate_recovery_codes(user: User, raw: str) -> tuple[list[str], str]:
    """New recovery codes from the security page, only against a current code of the user's authenticator: a
    stolen session cookie alone must not mint codes that bypass the second factor for good. Returns (codes, "") or
    ([], the message); a wrong code counts towards the device's throttle like one at login."""
    code = normalise_code(raw)
    if not TOTP_CODE.fullmatch(code):
        return [], _("请输入验证器当前显示的6位数字。")
    device = totp_device(user)
    if device is None:
        return [], _("您的账号没有身份验证器，不能生成恢复码。请联系安委办系统管理员重置两步验证。")
    verified, throttled = verify_on_device(device, code)
    if throttled:
        return [], throttled
    if verified is None:
        return [], _("验证码不正确。请确认手机时间准确，输入验证器当前显示的6位数字。")
    return regenerate_recovery_codes(user), ""


def regenerate_recovery_codes(user: User) -> list[str]:
    """A fresh set of recovery codes; every earlier code stops working."""
    with transaction.atomic():
        device = recovery_device(user)
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        device.token_set.all().delete()
        codes = _unique_codes(settings.OTP_RECOVERY_CODES)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        device.throttle_reset(commit=True)
    return codes


def _unique_codes(count: int) -> list[str]:
    codes: list[str] = []
    while len(codes) < count:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    return codes


def format_code(code: str) -> str:
    """How a recovery code is shown: two groups of four (typed back with or without the hyphen)."""
    return f"{code[:4]}-{code[4:]}"


def remember_new_codes(request: HttpRequest, codes: list[str], next_url: str) -> None:
    """Keep freshly made recovery codes for the one page that shows them (they are never shown again)."""
    request.session[NEW_CODES_KEY] = {"codes": codes, "next": next_url}


def take_new_codes(request: HttpRequest) -> tuple[list[str], str]:
    data = request.session.pop(NEW_CODES_KEY, None) or {}
    return list(data.get("codes") or []), str(data.get("next") or "")


def reset_second_factor(*, user: User, by: UserOrAnonymous | None) -> int:
    """A superuser removes every device of ``user``: their sessions stop counting as signed in and they enrol again
    at the next login. Returns the number of devices removed."""
    if not (by is not None and by.is_active and by.is_superuser):
        raise PermissionDenied
    removed = 0
    with transaction.atomic():
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
            removed += 1
    return removed
