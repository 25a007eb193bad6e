"""Server-side cache of the public exposure pages (list, detail, feed, open data, sitemap).

A *version* number in the shared cache says which copies are current: publishing or withdrawing a case bumps it
(``bump_version``, on commit). Each page is stored with the version it was rendered under, in the shared cache and in
a small in-process memory in front of it. A worker re-reads the version at most every ``EXPOSURE_VERSION_CHECK_SECONDS``
(default 1 s; 0 = on every request), so a hit usually costs no round trip at all: with Django's Redis backend one
``cache.get`` costs about three times a whole trivial request. The process that publishes sees the change at once;
the other workers within that second. Keys also carry today's date, so a case whose public-until date has passed
disappears at midnight even before the expiry job runs; entries live at most ``CACHE_SECONDS`` anyway.

If the shared cache is unreachable (Redis down) the pages are rendered uncached: slower, never broken or stale.

A stored copy is served to everyone, so it must hold nothing of the visitor it was rendered for (SECURITY.md T65):
pages are rendered with ``render_page()``, which never sees the request. The context processors run on a blank,
anonymous request, so ``messages`` is empty (and the visitor's pending messages stay stored for their next page),
``user`` is anonymous and no ``{% csrf_token %}`` can carry a session's token. A hit stays a copy of bytes."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

VERSION_KEY = "inspections:exposure:version"
CACHE_SECONDS = int(getattr(settings, "EXPOSURE_CACHE_SECONDS", 600))
LOCAL_MAX_ENTRIES = int(getattr(settings, "EXPOSURE_LOCAL_CACHE_ENTRIES", 256))

Entry = tuple[int, float, tuple[int, str, bytes]]  # (version, stored at, (status, content type, content))

_local: OrderedDict[str, Entry] = OrderedDict()
_lock = threading.Lock()
_version_memo: tuple[int, float] | None = None  # (version, read at)


def _check_interval() -> float:
    return float(getattr(settings, "EXPOSURE_VERSION_CHECK_SECONDS", 1.0))


def _fresh_version() -> int:
    # Never reuse an old number if the version key was lost while page entries survived.
    return time.time_ns() // 1000


def current_version() -> int | None:
    """The current version (re-read at most every few seconds), or None when the shared cache is unavailable."""
    global _version_memo
    memo = _version_memo
    if memo is not None and time.monotonic() - memo[1] < _check_interval():
        return memo[0]
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, _fresh_version(), timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:
        logger.warning("exposure cache unavailable", exc_info=True)
        _version_memo = None
        return None
    if version is None:
        return None
    _version_memo = (int(version), time.monotonic())
    return int(version)


def bump_version() -> None:
    global _version_memo
    _version_memo = None  # this process sees its own change at once
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # missing key
            cache.set(VERSION_KEY, _fresh_version(), timeout=None)
    except Exception:
        logger.warning("exposure cache unavailable; pages expire within %ss", CACHE_SECONDS, exc_info=True)


def bump_version_on_commit() -> None:
    transaction.on_commit(bump_version)


def page_key(name: str, params: str) -> str:
    digest = hashlib.sha256(params.encode()).hexdigest()[:32]
    return f"inspections:exposure:{timezone.localdate():%Y%m%d}:{name}:{digest}"


def _local_get(key: str, version: int) -> Entry | None:
    with _lock:
        entry = _local.get(key)
        if entry is None:
            return None
        if entry[0] != version or time.monotonic() - entry[1] > CACHE_SECONDS:
            del _local[key]
            return None
        _local.move_to_end(key)
        return entry


def _local_put(key: str, entry: Entry) -> None:
    with _lock:
        _local[key] = entry
        _local.move_to_end(key)
        while len(_local) > LOCAL_MAX_ENTRIES:
            _local.popitem(last=False)


def clear_local() -> None:
    global _version_memo
    with _lock:
        _local.clear()
        _shell.clear()
        _version_memo = None


def _blank_request() -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.user = AnonymousUser()
    return request


def render_page(template_name: str, context: dict | None = None, *, status: int = 200) -> HttpResponse:
    """A public page as every visitor gets it: rendered for a blank anonymous request, never the visitor's."""
    return HttpResponse(render_to_string(template_name, context, request=_blank_request()), status=status)


# The public shell (header, one navigation bar, footer) -----------------------------------------------------------
# Rendered for a blank anonymous request it is the same bytes on every exposure page, yet it cost about as much as a
# whole list of rows (a dozen URL reversals, static tags, includes). It is rendered once per process from
# ``inspections/_exposure_shell.html`` (which extends the public base) and the page's own part is put in its slots.
# Not with DEBUG (templates reload); ``clear_local()`` forgets it; the key holds the settings the shell shows.

_SLOTS = ("title", "head", "content")
_shell: dict[tuple, tuple[str, ...]] = {}


def _shell_key() -> tuple:
    return (settings.OFFICE_NAME, settings.CITY_NAME, settings.STATIC_URL, settings.ROOT_URLCONF, settings.DEBUG)


def _shell_parts() -> tuple[str, ...]:
    key = _shell_key()
    parts = _shell.get(key)
    if parts is None:
        marks = {slot: f"\x00{slot}\x00" for slot in _SLOTS}
        html = render_to_string("inspections/_exposure_shell.html", {"slots": marks}, request=_blank_request())
        parts = tuple(re.split("\x00(?:title|head|content)\x00", html))
        if len(parts) != len(_SLOTS) + 1:
            raise ValueError("the exposure shell must show each slot once")
        if not settings.DEBUG:
            _shell.clear()
            _shell[key] = parts
    return parts


def render_in_shell(
    content_template: str, context: dict, *, title: str, head: str = "", status: int = 200
) -> HttpResponse:
    """A public page made of the cached shell and ``content_template`` rendered for a blank anonymous request (like
    ``render_page``: nothing of the visitor). ``title`` and ``head`` are HTML, escaped by the caller."""
    content = render_to_string(content_template, context, request=_blank_request())
    before_title, before_head, before_content, after = _shell_parts()
    return HttpResponse(
        "".join((before_title, title, before_head, head, before_content, content, after)), status=status
    )


def _response(page: tuple[int, str, bytes]) -> HttpResponse:
    status, content_type, content = page
    response = HttpResponse(content, status=status, content_type=content_type)
    response["X-Exposure-Cache"] = "hit"
    return response


def cached_response(name: str, params: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The current cached copy of a public response, or ``render()`` stored for next time (200, 404, 410 alike)."""
    version = current_version()
    if version is None:
        return render()
    key = page_key(name, params)
    entry = _local_get(key, version)
    if entry is not None:
        return _response(entry[2])
    try:
        shared = cache.get(key)
    except Exception:
        shared = None
    if shared is not None and shared[0] == version:
        _local_put(key, (version, time.monotonic(), shared[1]))
        return _response(shared[1])
    response = render()
    if response.status_code in (200, 404, 410) and not response.streaming:
        page = (response.status_code, response["Content-Type"], response.content)
        try:
            cache.set(key, (version, page), CACHE_SECONDS)
        except Exception:
            logger.warning("exposure cache unavailable", exc_info=True)
        _local_put(key, (version, time.monotonic(), page))
    response["X-Exposure-Cache"] = "miss"
    return response
