"""Messages to officers: the portal, the unit's 企业微信 group robot and SMS (docs/messaging.md).

``notify(users=..., key=..., text=..., url=...)`` is the one entry point; the work is in ``services``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def notify(*, users: Iterable[Any], key: str, text: str, url: str = "", portal: bool = True) -> int:
    """See ``safetyportal.messaging.services.notify`` (imported on first use: this package's models load with the
    ``safetyportal`` app)."""
    from .services import notify as _notify

    return _notify(users=users, key=key, text=text, url=url, portal=portal)


__all__ = ["notify"]
