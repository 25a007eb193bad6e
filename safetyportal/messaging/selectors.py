"""Reads of the messaging package."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from .models import MessagePreference, PortalMessage

UNREAD_SHOWN = 10


def unread_messages(user: AbstractBaseUser, limit: int = UNREAD_SHOWN) -> list[PortalMessage]:
    """The account's newest unread portal messages (one query)."""
    return list(
        PortalMessage.objects.filter(user_id=user.pk, read_at__isnull=True).order_by("-created_at", "-pk")[:limit]
    )


def preference_for(user: AbstractBaseUser) -> MessagePreference:
    """The account's choice, or the default (portal only) unsaved."""
    return MessagePreference.objects.filter(user_id=user.pk).first() or MessagePreference(user_id=user.pk)
