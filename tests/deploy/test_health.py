"""/healthz and /readyz (docs/monitoring.md): JSON, no personal data, constant queries, and a dead or silent Redis
answered with 503 within a bounded time."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safetyportal import probes
from safetyportal.demo.canary import CANARY_ID_NUMBERS, CANARY_NAMES, CANARY_PHONES, find_full_id_numbers
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from tests.worker import free_port

CHECKS = {"database", "cache", "broker", "workers", "documents"}


def fresh_heartbeats() -> None:
    for queue in probes.portal_queues():
        probes.record_heartbeat(queue)


def queued_document(age: timedelta, title: str = "安全生产通知") -> GeneratedDocument:
    return GeneratedDocument.objects.create(
        kind="notice", title=title, status=DocumentStatus.QUEUED, enqueued_at=timezone.now() - age
    )


def assert_no_personal_data(text: str) -> None:
    for value in (*CANARY_NAMES, *CANARY_PHONES, *CANARY_ID_NUMBERS):
        assert value not in text
    assert find_full_id_numbers(text) == []


# Liveness -------------------------------------------------------------------------------------------------------------


def test_healthz_answers_ok_without_touching_the_database_or_setting_a_cookie(client: Client) -> None:
    response = client.get("/healthz")  # no django_db mark: any query would raise here
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_still_checks_the_host_header(client: Client) -> None:
    assert client.get("/healthz", HTTP_HOST="attacker.example").status_code == 400


def test_healthz_refuses_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_healthz_is_not_rate_limited(client: Client, settings) -> None:
    assert all(client.get("/healthz").status_code == 200 for _ in range(50))


# Readiness ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_is_ok_with_every_service_and_fresh_heartbeats(client: Client, own_keys: str) -> None:
    fresh_heartbeats()
    queued_document(timedelta(seconds=5))
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert set(body["checks"]["broker"]["queued"]) == set(probes.portal_queues())
    assert set(body["checks"]["workers"]["age_seconds"]) == set(probes.portal_queues())
    assert 5 <= body["checks"]["documents"]["oldest_queued_seconds"] < 60
    assert not response.cookies


@pytest.mark.parametrize("address", ["192.0.2.10", "2001:db8::1"])
def test_readyz_answers_only_the_monitoring_networks(client: Client, address: str, settings) -> None:
    """Internal state and a query per call: outside METRICS_ALLOWED_NETWORKS the page does not exist (no query)."""
    assert client.get("/readyz", REMOTE_ADDR=address).status_code == 404
    settings.TRUSTED_PROXY_COUNT = 1  # through nginx: the forwarded address decides, not nginx's own
    assert client.get("/readyz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address).status_code == 404


@pytest.mark.django_db
def test_readyz_fails_when_a_queue_has_no_recent_heartbeat(client: Client, own_keys: str, settings) -> None:
    fresh_heartbeats()
    stale = time.time() - settings.HEALTH_HEARTBEAT_MAX_AGE_MINUTES * 60 - 30
    probes.record_heartbeat("imports", now=stale)
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["workers"]["ok"] is False
    assert "imports" in body["checks"]["workers"]["error"]
    assert "documents" not in body["checks"]["workers"]["error"]
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"] and body["checks"]["broker"]["ok"]


@pytest.mark.django_db
def test_readyz_fails_when_no_worker_ever_sent_a_heartbeat(client: Client, own_keys: str) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"]["age_seconds"] == dict.fromkeys(probes.portal_queues())


@pytest.mark.django_db
def test_readyz_fails_when_a_document_waits_longer_than_the_sweeper_period(
    client: Client, own_keys: str, settings
) -> None:
    fresh_heartbeats()
    queued_document(timedelta(seconds=settings.HEALTH_PENDING_MAX_AGE_SECONDS + 10))
    response = client.get("/readyz")
    documents = response.json()["checks"]["documents"]
    assert response.status_code == 503
    assert documents["ok"] is False
    assert documents["oldest_queued_seconds"] > settings.HEALTH_PENDING_MAX_AGE_SECONDS


@pytest.mark.django_db
def test_readyz_ignores_finished_documents_however_old(client: Client, own_keys: str) -> None:
    fresh_heartbeats()
    old = queued_document(timedelta(days=3))
    GeneratedDocument.objects.filter(pk=old.pk).update(status=DocumentStatus.DONE)
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_costs_one_query_however_many_documents(
    client: Client, own_keys: str, django_assert_num_queries
) -> None:
    fresh_heartbeats()
    with django_assert_num_queries(1):
        client.get("/readyz")
    for _ in range(20):
        queued_document(timedelta(seconds=1))
    with django_assert_num_queries(1):
        assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_shows_no_personal_data(client: Client, own_keys: str) -> None:
    fresh_heartbeats()
    queued_document(
        timedelta(days=1), title=f"关于{CANARY_NAMES[0]}（{CANARY_ID_NUMBERS[0]}，{CANARY_PHONES[0]}）的决定书"
    )
    response = client.get("/readyz")
    assert response.status_code == 503  # the stale document
    assert_no_personal_data(response.content.decode())


# Dead services --------------------------------------------------------------------------------------------------------


def redis_settings(settings, url: str, prefix: str) -> None:
    """Cache and broker pointed at ``url`` (what the portal would use with REDIS_URL set to it)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_BROKER_URL = url


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never answers: a hung Redis, or one behind a black hole."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


@pytest.mark.django_db
def test_readyz_with_redis_unreachable_answers_503_within_3_seconds(client: Client, settings, own_keys: str) -> None:
    redis_settings(settings, f"redis://127.0.0.1:{free_port()}/0", own_keys)  # nothing listens there
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    checks = response.json()["checks"]
    assert response.status_code == 503
    assert elapsed < 3, f"{elapsed:.1f} s"
    assert checks["database"]["ok"] is True
    assert checks["cache"]["ok"] is False and checks["cache"]["error"] == "ConnectionError"
    assert checks["broker"]["ok"] is False and checks["workers"]["ok"] is False
    assert str(settings.CELERY_BROKER_URL.rsplit(":", 1)[1]) not in json.dumps(checks)  # no addresses


@pytest.mark.django_db
def test_readyz_with_a_redis_that_never_answers_gives_503_within_3_seconds(
    client: Client, settings, own_keys: str, silent_server: int
) -> None:
    redis_settings(settings, f"redis://127.0.0.1:{silent_server}/0", own_keys)
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < 3, f"{elapsed:.1f} s"
    assert response.json()["checks"]["cache"]["error"] == "TimeoutError"


def test_healthz_does_not_depend_on_redis(client: Client, settings) -> None:
    redis_settings(settings, f"redis://127.0.0.1:{free_port()}/0", "unused")
    assert client.get("/healthz").status_code == 200
