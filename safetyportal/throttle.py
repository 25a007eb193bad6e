"""Rate limits for public forms and lookups, per client address, several windows at once (e.g. 10 a minute and
100 a day).

Each count is one atomic operation, so that concurrent requests cannot read the same count and all pass
(SECURITY.md T68):

- with Redis as the cache (production), ``cache.add`` (SET NX EX) then ``cache.incr`` (INCR);
- on every other set-up (the embedded default's file cache reads and rewrites a file, which is not atomic), the
  database: one ``INSERT … ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING`` for all windows, on SQLite
  and PostgreSQL alike. Rows of past windows are deleted at most once a minute per process.

Who counts (``net.client_network``): an IPv4 address, or the /64 an IPv6 address is in, since one IPv6 client holds
a whole /64. The key stores an HMAC-SHA-256 of it keyed with ``SECRET_KEY``, never the address or an unkeyed hash
(2^32 IPv4 addresses are hashed in seconds).

If Redis is unreachable the request is let through and the failure logged: public pages keep working when Redis is
down (SECURITY.md T48). The database store has no such bypass: without the database the page fails anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .net import client_ip, client_network
from .throttle_models import ThrottleCounter

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A window's row (or key) is kept a little past its end, so that a clock a few seconds apart never counts a late
# request of the old window into a new row.
GRACE_SECONDS = 5
PURGE_EVERY_SECONDS = 60
_next_purge = 0.0


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _slash, unit = text.partition("/")
        return cls(int(count), _UNITS[unit])


def _digest(ident: str) -> str:
    """The counter's name for a client: keyed, so that neither the key nor the database row gives the address away."""
    key = hashlib.sha256(b"safetyportal.throttle:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, ident.encode(), hashlib.sha256).hexdigest()[:32]


def _key(group: str, ident: str, rate: Rate, now: float) -> str:
    window = int(now // rate.seconds)
    digest = _digest(ident)
    return f"throttle:{group}:{rate.count}/{rate.seconds}:{window}:{digest}"


def _expiry(rate: Rate, now: float) -> int:
    return (int(now // rate.seconds) + 1) * rate.seconds + GRACE_SECONDS


def uses_cache() -> bool:
    """True when the default cache counts atomically (Redis); otherwise the database counts."""
    return isinstance(caches["default"], RedisCache)


def hit(request: HttpRequest, group: str, rates: list[str], *, ident: str | None = None) -> bool:
    """Count one attempt; True when any window's limit is exceeded."""
    who = ident or client_network(client_ip(request))
    now = time.time()
    windows = {_key(group, who, rate, now): (rate, _expiry(rate, now)) for rate in map(Rate.parse, rates)}
    if uses_cache():
        return _hit_cache(group, windows, now)
    counts = _count_in_database(windows, now)
    return any(counts[key] > rate.count for key, (rate, _expires) in windows.items())


def _hit_cache(group: str, windows: dict[str, tuple[Rate, int]], now: float) -> bool:
    limited = False
    try:
        for key, (rate, expires) in windows.items():
            if _add_one(key, timeout=int(expires - now) + 1) > rate.count:
                limited = True
    except Exception:  # the cache is down: serve the public rather than fail closed
        logger.warning("throttle %s: cache unavailable, request let through", group, exc_info=True)
        return False
    return limited


def _add_one(key: str, *, timeout: int) -> int:
    """Add one to ``key`` (created at 1 if absent) and return the new count. The key may expire between ``add`` and
    ``incr`` (then ``incr`` raises ValueError): it is created at 1, or, if another request created it meanwhile,
    incremented again."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired since add(): this request opens the window
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)


def _count_in_database(windows: dict[str, tuple[Rate, int]], now: float) -> dict[str, int]:
    """Add one to every window's row (creating it at 1) in one statement; returns each window's new count."""
    global _next_purge
    table = connection.ops.quote_name(ThrottleCounter._meta.db_table)
    key, count, expires_at = (connection.ops.quote_name(name) for name in ("key", "count", "expires_at"))
    values = ", ".join(["(%s, 1, %s)"] * len(windows))
    sql = (
        f"INSERT INTO {table} ({key}, {count}, {expires_at}) VALUES {values} "  # noqa: S608 - names, not input
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {key}, {count}"
    )
    params = [value for name, (_rate, expires) in windows.items() for value in (name, expires)]
    with connection.cursor() as cursor:  # one statement: atomic on its own, in or out of a transaction
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
    if now >= _next_purge:
        _next_purge = now + PURGE_EVERY_SECONDS
        purge_expired(now=now)
    return counts


def purge_expired(*, now: float | None = None) -> int:
    """Delete the counters of windows that are over; returns how many."""
    deleted, _detail = ThrottleCounter.objects.filter(expires_at__lt=int(now or time.time())).delete()
    return deleted


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)
