"""``{% unread_messages as items %}``: the signed-in account's unread portal messages (portal/_messages.html)."""

from __future__ import annotations

from typing import Any

from django import template

from ..messaging.models import PortalMessage
from ..messaging.selectors import unread_messages as select_unread

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context: template.Context) -> list[PortalMessage]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return select_unread(user, limit=11)  # ten shown, the eleventh says "10+"


@register.filter
def message_link(message: Any) -> str:
    """Only the portal's own paths are linked (a message never sends anyone off-site)."""
    url = str(getattr(message, "url", "") or "")
    return url if url.startswith("/") and not url.startswith("//") else ""
