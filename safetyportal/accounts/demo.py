"""Demo accounts come with an authenticator already enrolled, so that a new user of the demo can sign in: the key
of each is derived from the account name and a demo-only constant, and ``manage.py demo_otp <user>`` prints the
current code (or the secret, to add the account to a phone). Nothing here runs outside ``seed_demo``."""

from __future__ import annotations

import hashlib
import hmac

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..demo.jinjiang import COMMUNITY_ACCOUNTS, MEMBER_UNIT_ACCOUNTS, TOWNSHIPS
from ..demo.registry import register_demo_loader
from .services import TOTP_NAME

# Public on purpose, like the demo password: it only ever keys the demo accounts' authenticators.
DEMO_OTP_CONSTANT = b"anweiban-demo-totp-2024"
# The accounts seed_demo creates (safetyportal/demo/builder.py: admin, staff, one officer per township, a community's
# and two member units' officers).
DEMO_USERNAMES = (
    "admin",
    "staff",
    *(township.username for township in TOWNSHIPS),
    *(username for username, _unit, _name in (*COMMUNITY_ACCOUNTS, *MEMBER_UNIT_ACCOUNTS)),
)


def demo_key(username: str) -> str:
    """The demo account's TOTP key (20 bytes, hex), the same on every demo installation."""
    return hmac.new(DEMO_OTP_CONSTANT, username.encode(), hashlib.sha1).hexdigest()


def demo_device(username: str) -> TOTPDevice | None:
    """The account's authenticator if it is the demo one (a key a user enrolled themselves is never printed)."""
    return (
        TOTPDevice.objects.filter(user__username=username, confirmed=True, key=demo_key(username))
        .select_related("user")
        .first()
    )


@register_demo_loader("accounts.otp", order=90)
def enrol_demo_accounts() -> dict[str, int]:
    users = get_user_model()._default_manager.filter(username__in=DEMO_USERNAMES)
    enrolled = set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=user, name=TOTP_NAME, key=demo_key(user.username), confirmed=True)
            for user in users
            if user.pk not in enrolled
        ]
    )
    return {"演示账号两步验证（验证码：manage.py demo_otp 用户名）": TOTPDevice.objects.filter(user__in=users).count()}
