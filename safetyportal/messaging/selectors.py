"""Reads of the messaging package."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from .models import MessagePreference, PortalMessage, UnitChannel

UNREAD_SHOWN = 10


def unread_messages(user: AbstractBaseUser, limit: int = UNREAD_SHOWN) -> list[PortalMessage]:
    """The account's newest unread portal messages (one query)."""
    return list(
        PortalMessage.objects.filter(user_id=user.pk, read_at__isnull=True).order_by("-created_at", "-pk")[:limit]
    )


def unit_has_robot(user: AbstractBaseUser) -> bool:
    """Whether the account's unit has an active 企业微信 group robot with a key (one query)."""
    profile = getattr(user, "officer_profile", None)
    if profile is None:
        return False
    if profile.member_unit_id:
        lookup = {"member_unit_id": profile.member_unit_id}
    else:
        lookup = {"jurisdiction_id": profile.jurisdiction_id}
    return UnitChannel.objects.filter(is_active=True, **lookup).exclude(wecom_key_hmac="").exists()


def preference_for(user: AbstractBaseUser) -> MessagePreference:
    """The account's choice, or the default (portal only) unsaved."""
    return MessagePreference.objects.filter(user_id=user.pk).first() or MessagePreference(user_id=user.pk)
