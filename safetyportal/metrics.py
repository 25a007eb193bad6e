"""Prometheus metrics at /metrics, for the monitoring network only (docs/monitoring.md).

Two sources, one page:

- Requests (django-prometheus): latency by view and method, responses by status, exceptions by view, counted in the
  web process that served them. Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty
  folder of the web service (prometheus-client's multiprocess mode): every worker then writes its counters there and
  whichever worker answers the scrape adds them all up. Each web node is scraped on its own.
- The portal as a whole, read at scrape time: Celery task durations and outcomes by task, queue lengths, documents
  by status and the age of each queue's worker heartbeat. Task figures are *pushed* by the worker processes, on any
  host, into one Redis hash (``<prefix>:metrics:tasks``, one pipelined round trip at the end of each task), so any
  web node shows the totals of every worker; nothing has to be scraped on the worker hosts and a worker child that
  is replaced (max memory per child) loses nothing. These series are the same on every web node: aggregate them with
  ``max without (instance)``. Without Redis (the embedded single-machine default) the figures live in the local
  cache and may miss an increment when two tasks end at the same instant.

Label values are task names, queue names, statuses and view names: never a user, a path or anything typed."""

from __future__ import annotations

import bisect
import functools
import ipaddress
import logging
import math
import os
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus import middleware as django_prometheus
from django_prometheus.utils import Time
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from . import probes
from .net import client_ip

logger = logging.getLogger(__name__)

TASK_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, math.inf)
OUTCOMES = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried", "REJECTED": "rejected"}
FIELD_SEP = "|"


# Access ---------------------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _networks(values: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def is_monitoring_address(address: str) -> bool:
    """Whether a client address is inside METRICS_ALLOWED_NETWORKS (an IPv4-mapped IPv6 address as its IPv4)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _networks(tuple(settings.METRICS_ALLOWED_NETWORKS)))


# Task figures (written by the workers) ----------------------------------------------------------------------------


def _bucket_label(bound: float) -> str:
    return "+Inf" if math.isinf(bound) else repr(bound)


def _tasks_key() -> str:
    return f"{probes._key_prefix()}:metrics:tasks"


def record_task(name: str, seconds: float, state: str) -> None:
    """Add one finished task to the shared figures. Never raises: a metrics outage must not fail a task."""
    outcome = OUTCOMES.get(state, state.lower() or "unknown")
    bound = TASK_BUCKETS[bisect.bisect_left(TASK_BUCKETS, seconds)]
    fields = {
        f"{name}{FIELD_SEP}count": 1,
        f"{name}{FIELD_SEP}b{FIELD_SEP}{_bucket_label(bound)}": 1,
        f"{name}{FIELD_SEP}o{FIELD_SEP}{outcome}": 1,
    }
    try:
        url = probes._cache_redis_url()
        if url:
            with probes.redis_client(url, probes.probe_timeout()).pipeline(transaction=False) as pipe:
                for field, amount in fields.items():
                    pipe.hincrby(_tasks_key(), field, amount)
                pipe.hincrbyfloat(_tasks_key(), f"{name}{FIELD_SEP}sum", seconds)
                pipe.execute()
        else:
            figures = cache.get(_tasks_key()) or {}
            for field, amount in fields.items():
                figures[field] = figures.get(field, 0) + amount
            figures[f"{name}{FIELD_SEP}sum"] = figures.get(f"{name}{FIELD_SEP}sum", 0.0) + seconds
            cache.set(_tasks_key(), figures, None)
    except Exception:  # Redis down or a cache file error: the task itself went fine
        logger.warning("task metrics not recorded", exc_info=True)


def task_figures() -> dict[str, dict[str, Any]]:
    """Per task name: count, sum, buckets (non-cumulative, by bound label) and outcomes."""
    url = probes._cache_redis_url()
    if url:
        raw = {
            key.decode(): value.decode()
            for key, value in probes.redis_client(url, probes.probe_timeout()).hgetall(_tasks_key()).items()
        }
    else:
        raw = cache.get(_tasks_key()) or {}
    figures: dict[str, dict[str, Any]] = {}
    for field, value in raw.items():
        name, _sep, rest = field.partition(FIELD_SEP)
        entry = figures.setdefault(name, {"count": 0, "sum": 0.0, "buckets": {}, "outcomes": {}})
        kind, _sep, label = rest.partition(FIELD_SEP)
        if kind == "count":
            entry["count"] = int(value)
        elif kind == "sum":
            entry["sum"] = float(value)
        elif kind == "b":
            entry["buckets"][label] = int(value)
        elif kind == "o":
            entry["outcomes"][label] = int(value)
    return figures


# The portal collector (read at scrape time) -----------------------------------------------------------------------


class PortalCollector:
    """Series read from Redis and the database when Prometheus scrapes: one query, three Redis round trips."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "portal_backend_up", "Whether the scrape could read the service (1) or not (0).", labels=["service"]
        )
        yield from self._tasks(up)
        yield from self._queues(up)
        yield from self._documents(up)
        yield from self._heartbeats()
        yield up

    def _tasks(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        duration = HistogramMetricFamily(
            "portal_celery_task_duration_seconds", "Run time of finished Celery tasks, by task.", labels=["task"]
        )
        runs = CounterMetricFamily(
            "portal_celery_tasks", "Finished Celery tasks by task and outcome.", labels=["task", "outcome"]
        )
        failures = CounterMetricFamily("portal_celery_task_failures", "Failed Celery tasks, by task.", labels=["task"])
        try:
            figures = task_figures()
        except Exception:
            logger.warning("task metrics unavailable", exc_info=True)
            figures = None
        up.add_metric(["task_metrics"], 0 if figures is None else 1)
        for name, entry in sorted((figures or {}).items()):
            cumulative, buckets = 0, []
            for bound in TASK_BUCKETS:
                cumulative += entry["buckets"].get(_bucket_label(bound), 0)
                buckets.append((_bucket_label(bound), cumulative))
            duration.add_metric([name], buckets, entry["sum"])
            for outcome, count in sorted(entry["outcomes"].items()):
                runs.add_metric([name, outcome], count)
            failures.add_metric([name], entry["outcomes"].get("failed", 0))
        yield from (duration, runs, failures)

    def _queues(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        length = GaugeMetricFamily("portal_celery_queue_length", "Messages waiting in each queue.", labels=["queue"])
        try:
            lengths = probes.queue_lengths()
        except Exception:
            logger.warning("queue lengths unavailable", exc_info=True)
            lengths = None
        up.add_metric(["broker"], 0 if lengths is None else 1)
        for queue, count in (lengths or {}).items():
            length.add_metric([queue], count)
        yield length

    def _documents(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        from django.db.models import Count

        from .documents.models import DocumentStatus, GeneratedDocument

        documents = GaugeMetricFamily("portal_documents", "Generated documents by status.", labels=["status"])
        try:
            counts = dict(
                GeneratedDocument.objects.order_by()
                .values_list("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
        except DatabaseError:
            logger.warning("document counts unavailable", exc_info=True)
            counts = None
        up.add_metric(["database"], 0 if counts is None else 1)
        if counts is not None:
            for status in DocumentStatus.values:
                documents.add_metric([status], counts.get(status, 0))
        yield documents

    def _heartbeats(self) -> Iterator[Metric]:
        age = GaugeMetricFamily(
            "portal_worker_heartbeat_age_seconds",
            "Seconds since a worker last consumed the heartbeat task of each queue (absent: never or unknown).",
            labels=["queue"],
        )
        for queue, seconds in probes.heartbeat_ages().items():
            if seconds is not None:
                age.add_metric([queue], seconds)
        yield age


_portal_registry = CollectorRegistry(auto_describe=False)
_portal_registry.register(PortalCollector())


def exposition() -> bytes:
    """The text the scrape receives: this process's (or, in multiprocess mode, every web worker's) request metrics,
    then the portal-wide series."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return _short_values(generate_latest(registry) + generate_latest(_portal_registry))


_SAMPLE = re.compile(rb"^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$", re.MULTILINE)


def _short_values(text: bytes) -> bytes:
    """Sample values with at most 10 significant digits. prometheus-client writes a float's full repr (a latency sum
    such as 0.028236778000064078), and 17 digits in a row can pass for an ID number in the portal's own scans for
    leaked ones; ten digits keep every counter exact up to 10^10 and timestamps to the second."""

    def shorten(match: re.Match[bytes]) -> bytes:
        value = match.group(2)
        try:
            number = float(value)
        except ValueError:
            return match.group(0)
        if math.isinf(number) or math.isnan(number):
            return match.group(0)
        return match.group(1) + b" " + format(number, ".10g").encode()

    return _SAMPLE.sub(shorten, text)


@require_safe
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Anyone outside METRICS_ALLOWED_NETWORKS gets the ordinary 404: the page does not exist for them."""
    if not is_monitoring_address(client_ip(request)):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


# Request metrics (django-prometheus) ------------------------------------------------------------------------------


PrometheusBeforeMiddleware = django_prometheus.PrometheusBeforeMiddleware


class PrometheusAfterMiddleware(django_prometheus.PrometheusAfterMiddleware):
    """django-prometheus with two holes closed: the latency histogram took the raw request method as a label (a
    client inventing methods would add series without end), and a Content-Length that is not a number raised."""

    def label_metric(self, metric: Any, request: HttpRequest, response: Any = None, **labels: str) -> Any:
        if "method" in labels:
            labels["method"] = self._method(request)
        return super().label_metric(metric, request, response, **labels)

    def process_request(self, request: HttpRequest) -> None:
        try:
            super().process_request(request)
        except ValueError:  # a Content-Length that is not a number (Django itself reads it as 0)
            # django-prometheus's own request attribute, set here as its process_request would have
            request.prometheus_after_middleware_event = Time()  # type: ignore[attr-defined]
