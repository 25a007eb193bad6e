"""Reads behind /readyz and the Prometheus metrics: is each service reachable, are the workers alive, is anything
stuck. Every probe is bounded: a constant number of queries, one Redis round trip, and a socket timeout of its own
(``HEALTH_PROBE_TIMEOUT_SECONDS``, no retries), so a dead or black-holed Redis answers within about a second instead of
redis-py's ten retries or the result backend's 19 s.

Worker heartbeats: the beat schedule sends ``safetyportal.tasks.heartbeat`` to every queue once a minute
(``portal-heartbeat-<queue>`` in settings.py); whichever worker consumes that queue records the time here. A fresh
heartbeat proves beat, broker and a worker of that queue all work. Stored in Redis when ``REDIS_URL`` is set (a key
per queue), otherwise in the local cache (the embedded single-machine default).

Nothing returned here names a person: only booleans, counts, ages in seconds and error class names."""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

HEARTBEAT_TTL_SECONDS = 24 * 60 * 60


@dataclass
class Check:
    """One line of the readiness answer."""

    ok: bool
    ms: float = 0.0
    error: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"ok": self.ok, "ms": round(self.ms, 1)}
        if self.error:
            answer["error"] = self.error
        answer.update(self.details)
        return answer


@dataclass
class Readiness:
    checks: dict[str, Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "fail",
            "checks": {name: check.as_dict() for name, check in self.checks.items()},
        }


# Redis ----------------------------------------------------------------------------------------------------------------


def is_redis_url(url: str) -> bool:
    return urlsplit(url).scheme in ("redis", "rediss", "unix")


@functools.lru_cache(maxsize=8)
def redis_client(url: str, timeout: float) -> Any:
    """A client for probes and metrics: short socket timeouts and no retries (redis-py retries ten times by default).
    One per process and address; redis-py's pool reconnects after a fork."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


def probe_timeout() -> float:
    return float(getattr(settings, "HEALTH_PROBE_TIMEOUT_SECONDS", 1.0))


def _error_name(error: BaseException) -> str:
    """The class of an error, never its message (which may carry addresses or values)."""
    return type(error).__name__


def _key_prefix() -> str:
    return str(settings.CACHES["default"].get("KEY_PREFIX") or "portal")


def heartbeat_key(queue: str) -> str:
    return f"{_key_prefix()}:health:heartbeat:{queue}"


def _cache_redis_url() -> str:
    location = settings.CACHES["default"].get("LOCATION", "")
    first = location[0] if isinstance(location, (list, tuple)) else location
    return str(first) if "RedisCache" in settings.CACHES["default"]["BACKEND"] else ""


# Heartbeats -----------------------------------------------------------------------------------------------------------


def portal_queues() -> tuple[str, ...]:
    return tuple(settings.PORTAL_QUEUES)


def record_heartbeat(queue: str, *, now: float | None = None) -> None:
    """Called by the heartbeat task in the worker that consumed it from ``queue``."""
    stamp = time.time() if now is None else now
    url = _cache_redis_url()
    if url:
        redis_client(url, probe_timeout()).set(heartbeat_key(queue), repr(stamp), ex=HEARTBEAT_TTL_SECONDS)
    else:
        cache.set(heartbeat_key(queue), stamp, HEARTBEAT_TTL_SECONDS)


def _ages(stamps: list[Any], now: float) -> dict[str, float | None]:
    ages: dict[str, float | None] = {}
    for queue, stamp in zip(portal_queues(), stamps, strict=True):
        try:
            ages[queue] = round(max(0.0, now - float(stamp)), 1) if stamp is not None else None
        except (TypeError, ValueError):
            ages[queue] = None
    return ages


def check_cache_and_heartbeats() -> tuple[Check, dict[str, float | None]]:
    """Reads every queue's heartbeat in one round trip, which also proves the cache answers. Returns the cache check
    and the heartbeat age per queue (None: never seen, or the cache is down)."""
    keys = [heartbeat_key(queue) for queue in portal_queues()]
    started = time.perf_counter()
    url = _cache_redis_url()
    try:
        if url:
            stamps = redis_client(url, probe_timeout()).mget(keys)
        else:
            found = cache.get_many(keys)
            stamps = [found.get(key) for key in keys]
    except Exception as error:  # redis raises ConnectionError/TimeoutError; a file cache OSError
        return Check(False, (time.perf_counter() - started) * 1000, _error_name(error)), dict.fromkeys(portal_queues())
    return Check(True, (time.perf_counter() - started) * 1000), _ages(stamps, time.time())


def check_heartbeats(ages: dict[str, float | None], *, cache_ok: bool) -> Check:
    limit = settings.HEALTH_HEARTBEAT_MAX_AGE_MINUTES * 60
    if not cache_ok:
        return Check(False, error="cache unavailable", details={"max_age_seconds": limit})
    stale = sorted(queue for queue, age in ages.items() if age is None or age > limit)
    return Check(
        not stale,
        error=f"no recent heartbeat: {', '.join(stale)}" if stale else "",
        details={"max_age_seconds": limit, "age_seconds": ages},
    )


# Broker ---------------------------------------------------------------------------------------------------------------


def _broker_queue_names(queue: str) -> list[str]:
    """The Redis lists kombu keeps for one queue: the queue itself and one per priority step above 0."""
    from kombu.transport.redis import PRIORITY_STEPS, Channel

    return [queue] + [f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS if step]


def _filesystem_queue_lengths(queues: tuple[str, ...]) -> dict[str, int]:
    folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
    counts = dict.fromkeys(queues, 0)
    with os.scandir(folder) as entries:  # file names are "<ms>_<uuid>.<queue>.msg"
        for entry in entries:
            name = entry.name
            if name.endswith(".msg"):
                queue = name[:-4].split(".", 1)[-1]
                if queue in counts:
                    counts[queue] += 1
    return counts


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each portal queue (not those a worker has taken). Raises when the broker is down."""
    queues = portal_queues()
    broker = settings.CELERY_BROKER_URL
    if not is_redis_url(broker):
        return _filesystem_queue_lengths(queues)
    client = redis_client(broker, probe_timeout())
    names = {queue: _broker_queue_names(queue) for queue in queues}
    with client.pipeline(transaction=False) as pipe:
        for queue in queues:
            for name in names[queue]:
                pipe.llen(name)
        sizes = iter(pipe.execute())
    return {queue: sum(int(next(sizes)) for _ in names[queue]) for queue in queues}


def check_broker() -> tuple[Check, dict[str, int]]:
    started = time.perf_counter()
    try:
        lengths = queue_lengths()
    except Exception as error:  # ConnectionError, TimeoutError, OSError for a missing broker folder
        return Check(False, (time.perf_counter() - started) * 1000, _error_name(error)), {}
    return Check(True, (time.perf_counter() - started) * 1000, details={"queued": lengths}), lengths


# Database -------------------------------------------------------------------------------------------------------------


def pending_max_age_seconds() -> int:
    return int(settings.HEALTH_PENDING_MAX_AGE_SECONDS)


def check_database_and_documents() -> tuple[Check, Check]:
    """One indexed query (status, enqueued_at): the oldest document still waiting for a worker. It also proves the
    database answers."""
    from django.utils import timezone

    from .documents.models import DocumentStatus, GeneratedDocument

    started = time.perf_counter()
    try:
        oldest = (
            GeneratedDocument.objects.filter(status=DocumentStatus.QUEUED, enqueued_at__isnull=False)
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
    except DatabaseError as error:
        failed = Check(False, (time.perf_counter() - started) * 1000, _error_name(error))
        return failed, Check(False, error="database unavailable")
    database = Check(True, (time.perf_counter() - started) * 1000)
    limit = pending_max_age_seconds()
    age = round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0.0
    documents = Check(
        age <= limit,
        error="documents waiting longer than the sweeper period" if age > limit else "",
        details={"oldest_queued_seconds": age, "max_age_seconds": limit},
    )
    return database, documents


# Together -------------------------------------------------------------------------------------------------------------


def readiness() -> Readiness:
    """Database, cache, broker, worker heartbeats and pending documents: 1 query and 2 Redis round trips."""
    database, documents = check_database_and_documents()
    cache_check, ages = check_cache_and_heartbeats()
    broker, _lengths = check_broker()
    workers = check_heartbeats(ages, cache_ok=cache_check.ok)
    return Readiness(
        {"database": database, "cache": cache_check, "broker": broker, "workers": workers, "documents": documents}
    )


def heartbeat_ages() -> dict[str, float | None]:
    """For the metrics: the age of each queue's last heartbeat (None when unknown or the cache is down)."""
    return check_cache_and_heartbeats()[1]
