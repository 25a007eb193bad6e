"""/metrics (docs/monitoring.md): Prometheus text for the monitoring networks only, with request latency by view, task
durations and failures by task, queue lengths and documents by status."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from safetyportal import metrics
from safetyportal.demo.canary import find_full_id_numbers
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from safetyportal.tasks import ping
from tests.worker import free_port

pytestmark = pytest.mark.django_db
PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"

NAMED = (
    "django_http_requests_latency_seconds_by_view_method",
    "portal_celery_task_duration_seconds",
    "portal_celery_tasks",
    "portal_celery_task_failures",
    "portal_celery_queue_length",
    "portal_documents",
    "portal_worker_heartbeat_age_seconds",
    "portal_backend_up",
)


def scrape(client: Client, **extra: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def families(client: Client) -> set[str]:
    return {family.name for family in text_string_to_metric_families(client.get("/metrics").content.decode())}


# Access ----------------------------------------------------------------------------------------------------------


def test_loopback_may_read_the_metrics(client: Client, own_keys: str) -> None:
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


@pytest.mark.parametrize("address", ["192.0.2.10", "10.20.0.5", "2001:db8::1", "not-an-address"])
def test_any_other_address_gets_the_ordinary_404(client: Client, address: str) -> None:
    response = client.get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == 404
    assert b"portal_" not in response.content and b"django_http" not in response.content


def test_a_client_behind_the_proxy_is_judged_by_its_own_address(client: Client, settings) -> None:
    """Through nginx every request comes from 127.0.0.1: the forwarded address (TRUSTED_PROXY_COUNT) decides."""
    settings.TRUSTED_PROXY_COUNT = 1
    outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert outside.status_code == 404
    forged = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7")
    assert forged.status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


def test_the_allowed_networks_are_a_setting(client: Client, settings, own_keys: str) -> None:
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/24"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::ffff:10.20.0.5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.20.1.5").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


# Content ---------------------------------------------------------------------------------------------------------


def test_the_page_carries_every_named_metric(client: Client, own_keys: str) -> None:
    client.get("/healthz")
    metrics.record_task("documents.render", 0.4, "SUCCESS")
    assert set(NAMED) <= families(client)


def test_request_latency_is_counted_by_view_and_a_method_label_stays_bounded(client: Client, own_keys: str) -> None:
    before = scrape(client)
    client.get("/healthz")
    client.generic("BREW", "/healthz")
    client.get("/healthz", CONTENT_LENGTH="not-a-number")
    after = scrape(client)
    name = "django_http_requests_latency_seconds_by_view_method_count"
    get_before = value(before, name, view="healthz", method="GET") or 0
    assert value(after, name, view="healthz", method="GET") == get_before + 2
    assert value(after, name, view="healthz", method="<invalid method>") >= 1
    assert not [key for key in after if ("method", "BREW") in key[1]]


def test_task_durations_and_failures_by_task(client: Client, own_keys: str) -> None:
    ping.apply(args=["metrics"])  # through Celery's own tracer: the task_prerun/postrun signals record it
    metrics.record_task("documents.render", 0.3, "SUCCESS")
    metrics.record_task("documents.render", 7.0, "FAILURE")
    samples = scrape(client)
    task = "documents.render"
    assert value(samples, "portal_celery_task_duration_seconds_count", task=task) == 2
    assert value(samples, "portal_celery_task_duration_seconds_sum", task=task) == pytest.approx(7.3)
    assert value(samples, "portal_celery_task_duration_seconds_bucket", task=task, le="0.5") == 1
    assert value(samples, "portal_celery_task_duration_seconds_bucket", task=task, le="10.0") == 2
    assert value(samples, "portal_celery_task_duration_seconds_bucket", task=task, le="+Inf") == 2
    assert value(samples, "portal_celery_task_failures_total", task=task) == 1
    assert value(samples, "portal_celery_tasks_total", task=task, outcome="failed") == 1
    assert value(samples, "portal_celery_tasks_total", task=task, outcome="succeeded") == 1
    assert value(samples, "portal_celery_tasks_total", task="safetyportal.tasks.ping", outcome="succeeded") == 1
    assert value(samples, "portal_celery_task_failures_total", task="safetyportal.tasks.ping") == 0


def test_documents_by_status_and_queue_lengths(client: Client, own_keys: str) -> None:
    for status in (DocumentStatus.DONE, DocumentStatus.DONE, DocumentStatus.FAILED):
        GeneratedDocument.objects.create(kind="notice", title="通知", status=status, enqueued_at=timezone.now())
    samples = scrape(client)
    assert value(samples, "portal_documents", status="done") == 2
    assert value(samples, "portal_documents", status="failed") == 1
    assert value(samples, "portal_documents", status="queued") == 0
    for queue in ("celery", "documents", "imports", "messages"):
        assert value(samples, "portal_celery_queue_length", queue=queue) is not None
    assert value(samples, "portal_backend_up", service="broker") == 1
    assert value(samples, "portal_backend_up", service="database") == 1


def test_heartbeat_ages_are_exposed(client: Client, own_keys: str) -> None:
    from safetyportal import probes

    probes.record_heartbeat("documents", now=timezone.now().timestamp() - 42)
    age = value(scrape(client), "portal_worker_heartbeat_age_seconds", queue="documents")
    assert 41 <= age < 60


def test_the_scrape_costs_one_query(client: Client, own_keys: str, django_assert_num_queries) -> None:
    for _ in range(5):
        GeneratedDocument.objects.create(kind="notice", title="通知", enqueued_at=timezone.now() - timedelta(hours=1))
    with django_assert_num_queries(1):
        client.get("/metrics")


def test_with_redis_down_the_page_still_answers_quickly_and_says_so(client: Client, settings, own_keys: str) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": own_keys}
    }
    settings.CELERY_BROKER_URL = url
    samples = scrape(client)
    assert value(samples, "portal_backend_up", service="broker") == 0
    assert value(samples, "portal_backend_up", service="task_metrics") == 0
    assert value(samples, "portal_backend_up", service="database") == 1
    metrics.record_task("documents.render", 0.1, "SUCCESS")  # a task ending meanwhile is not failed by this


def test_no_label_carries_a_path_or_a_user(client: Client, own_keys: str, staff_user) -> None:
    client.force_login(staff_user)
    client.get("/certificates/verify/?q=350582199001015131")
    text = client.get("/metrics").content.decode()
    assert "350582199001015131" not in text
    assert staff_user.username not in text
    assert not re.search(r'view="/', text)


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool (Debian package prometheus) is not installed")
def test_the_page_and_the_shipped_prometheus_files_pass_promtool(client: Client, own_keys: str, tmp_path) -> None:
    metrics.record_task("documents.render", 0.4, "FAILURE")
    page = client.get("/metrics").content.decode()
    # The portal's own families: by metric name (a label value such as view="portal_dashboard" of another family,
    # present once an earlier test raised in a portal view, does not count).
    portal_lines = "".join(
        line + "\n" for line in page.splitlines() if line.startswith(("portal_", "# HELP portal_", "# TYPE portal_"))
    )
    lint = subprocess.run(["promtool", "check", "metrics"], input=portal_lines, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    rules = subprocess.run(["promtool", "check", "rules", str(PROMETHEUS / "alerts.yml")], capture_output=True)
    assert rules.returncode == 0, rules.stdout + rules.stderr
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "portal-alerts.yml").write_text((PROMETHEUS / "alerts.yml").read_text())
    config = (PROMETHEUS / "prometheus.yml").read_text().replace("/etc/prometheus/rules", str(tmp_path / "rules"))
    (tmp_path / "prometheus.yml").write_text(config)
    check = subprocess.run(["promtool", "check", "config", str(tmp_path / "prometheus.yml")], capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_no_value_is_a_run_of_digits_that_could_pass_for_an_id_number(client: Client, own_keys: str) -> None:
    for _ in range(30):
        client.get("/healthz")
    metrics.record_task("documents.render", 0.028236778000064078, "SUCCESS")
    page = client.get("/metrics").content.decode()
    samples = [line for line in page.splitlines() if line and not line.startswith("#")]
    long = [line for line in samples if re.search(r"\d{15}", line.rsplit(" ", 1)[1])]  # 10 significant digits
    assert samples and not long
    assert find_full_id_numbers(page) == []
    assert 'view="<unnamed view>"' in page or "<unnamed view>" not in page  # labels with spaces survive


def test_multiprocess_mode_adds_up_the_web_workers_folder(client: Client, own_keys: str, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"portal_documents" in response.content


SETTINGS_PROBE = """
import json, os, runpy, sys
cases = json.loads(sys.argv[1])
for overrides in cases:
    saved = dict(os.environ)
    os.environ.update(overrides)
    try:
        runpy.run_path("safetyportal/settings.py")
        print("started")
    except Exception as error:
        print(type(error).__name__, str(error).replace(chr(10), " "))
    os.environ.clear()
    os.environ.update(saved)
"""


def test_monitoring_settings_that_cannot_work_stop_start_up() -> None:
    cases = [
        {"METRICS_ALLOWED_NETWORKS": "127.0.0.1,monitoring-host"},
        {"LOG_FORMAT": "xml"},
        {"HEALTH_HEARTBEAT_MAX_AGE_MINUTES": "1"},
        {"HEALTH_PENDING_MAX_AGE_SECONDS": "soon"},
        {"METRICS_ALLOWED_NETWORKS": "10.20.0.0/24, ::1", "LOG_FORMAT": "text"},
    ]
    env = {"PATH": "/usr/bin:/bin", "TESTING": "1", "DJANGO_SETTINGS_MODULE": "safetyportal.settings"}
    answer = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE, json.dumps(cases)],
        cwd=PROMETHEUS.parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = answer.stdout.strip().splitlines()
    assert len(lines) == len(cases), answer.stderr[-2000:]
    for overrides, line in zip(cases[:4], lines, strict=False):
        assert line.startswith("ConfigurationError"), line
        assert next(iter(overrides)) in line, line
    assert lines[4] == "started"
