"""Rate limits for public forms and lookups, per client address, counted in the shared cache (Redis in production).

Several windows can apply at once (e.g. 10 a minute and 100 a day). The counter uses ``cache.add`` then
``cache.incr``, atomic on Redis. If the cache is unreachable the request is let through and the failure logged:
public pages keep working when Redis is down (SECURITY.md T48)."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .net import client_ip

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _slash, unit = text.partition("/")
        return cls(int(count), _UNITS[unit])


def _key(group: str, ident: str, rate: Rate, now: float) -> str:
    window = int(now // rate.seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]
    return f"throttle:{group}:{rate.count}/{rate.seconds}:{window}:{digest}"


def hit(request: HttpRequest, group: str, rates: list[str], *, ident: str | None = None) -> bool:
    """Count one attempt; True when any window's limit is exceeded."""
    who = ident or client_ip(request)
    now = time.time()
    limited = False
    try:
        for text in rates:
            rate = Rate.parse(text)
            key = _key(group, who, rate, now)
            cache.add(key, 0, timeout=rate.seconds + 5)
            if cache.incr(key) > rate.count:
                limited = True
    except Exception:  # the cache is down: serve the public rather than fail closed
        logger.warning("throttle %s: cache unavailable, request let through", group, exc_info=True)
        return False
    return limited


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)
