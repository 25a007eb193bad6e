"""How a person is shown on every screen: by name (姓名), never by login name when a name is known.

``person_name(user)`` is the one display rule; ``install()`` makes it the User model's ``str()`` (called from
``SafetyPortalConfig.ready``), so every admin list, filter, select and history row that shows a user — reviewed_by,
created_by, issued_by, requested_by, actor … — shows the name without each admin repeating the rule."""

from __future__ import annotations

import re
from typing import Any

_CJK = re.compile(r"[\u3400-\u9fff]")


def person_name(user: Any) -> str:
    """姓名 as Chinese writes it (family name first, no space), a Latin name as "first last", else the login name."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if first or last:
        if _CJK.search(first + last):
            return f"{last}{first}"
        return " ".join(part for part in (first, last) if part)
    return str(user.get_username())


def _user_str(user: Any) -> str:
    return person_name(user)


def install() -> None:
    """Make ``str(user)`` the person's name (idempotent)."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    if model.__str__ is not _user_str:
        model.__str__ = _user_str  # type: ignore[method-assign]
