"""A task really travels through a broker to a separate worker process and back."""

from __future__ import annotations

import uuid

import pytest
from celery import Celery
from django.conf import settings

from safetyportal.tasks import ping
from tests.worker import celery_worker

pytestmark = pytest.mark.worker


@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_the_configured_broker():
    """Through Redis when REDIS_URL is set (CI), through the embedded broker otherwise."""
    token = uuid.uuid4().hex
    with celery_worker() as worker:
        result = ping.delay(token)
        answer = result.get(timeout=90)
    assert answer["token"] == token
    assert answer["pid"] != worker.pid  # a prefork child of the worker process, not this one


@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_the_embedded_broker(tmp_path):
    """The no-server default a new user gets: kombu's filesystem transport and file results."""
    broker_dir = tmp_path / "broker"
    results_dir = tmp_path / "results"
    for sub in ("queue", "processed", "control"):
        (broker_dir / sub).mkdir(parents=True)
    results_dir.mkdir()
    # Not the current app: shared tasks published later in the run must still go to the project's broker.
    client = Celery("probe", broker="filesystem://", backend=f"file://{results_dir}", set_as_current=False)
    client.conf.broker_transport_options = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "processed_folder": str(broker_dir / "processed"),
        "control_folder": str(broker_dir / "control"),
        "store_processed": False,
    }
    token = uuid.uuid4().hex
    with celery_worker(REDIS_URL="", CELERY_FS_BROKER_DIR=str(broker_dir), CELERY_FS_RESULTS_DIR=str(results_dir)):
        answer = client.send_task("safetyportal.tasks.ping", args=[token]).get(timeout=90)
    assert answer["token"] == token


@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set; CI sets it and runs this test")
def test_redis_is_the_broker_when_redis_url_is_set():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
