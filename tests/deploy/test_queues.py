"""Growing past one server (docs/scaling.md): two real worker processes with different node names and queues on the
same Redis share a load of documents without rendering any twice, and a task of one kind runs only on the worker that
consumes that kind's queue.

Worker A consumes ``documents`` and ``imports``, worker B ``documents`` and ``messages``. Which worker ran a task is
read from each worker's own log: one JSON line per finished task (safetyportal/logs.py). Every wait is bounded."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from campaigns.tasks import send_reminders
from safetyportal import metrics, probes
from safetyportal.celery import app as celery_app
from safetyportal.documents import services
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder
from safetyportal.tasks import ping
from tests.worker import celery_worker, child_pids, wait_for
from training.tasks import run_import_job

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set; CI sets it and runs these tests"),
]

QUICK = "queues_quick"
DOCUMENTS = 8
WORKER_ARGS = [f"--include={__name__}"]  # the workers register the test kind below by importing this module


@register_builder(QUICK, "队列测试：一页报告")
def build_quick(document: GeneratedDocument) -> RenderSpec:
    row = {"unit": "青阳街道", "activity": "培训", "sessions": 1, "participants": 20, "materials": 50, "note": "按计划"}
    return RenderSpec("documents/sample_report.html", {"sections": [{"index": 1, "rows": [row]}], "chart_svg": ""})


@dataclass
class Worker:
    process: object
    log: Path

    def finished(self, task: str) -> list[dict]:
        """The JSON lines this worker wrote for finished tasks of that name."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{") and '"safetyportal.task"' in line:
                record = json.loads(line)
                if record.get("task") == task:
                    found.append(record)
        return found


def rendered_successfully() -> int:
    return metrics.task_figures().get("documents.render", {}).get("outcomes", {}).get("succeeded", 0)


def purge_portal_queues() -> None:
    """Messages left in this Redis database by an earlier, interrupted run would otherwise reach these workers."""
    client = probes.redis_client(settings.CELERY_BROKER_URL, 2.0)
    for queue in settings.PORTAL_QUEUES:
        client.delete(*probes._broker_queue_names(queue))
    client.delete("unacked", "unacked_index")


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("queues-media")


@pytest.fixture(scope="module")
def workers(  # type: ignore[no-untyped-def]
    django_db_setup, django_db_blocker, media_dir: Path, tmp_path_factory
) -> Iterator[tuple[Worker, Worker]]:
    """Worker A (documents, imports) and worker B (documents, messages), each with its own node name and log, ready
    when each has answered a ping sent to the queue only it consumes."""
    logs = tmp_path_factory.mktemp("queues-logs")
    started = time.monotonic()
    purge_portal_queues()
    env = {"MEDIA_ROOT": str(media_dir), "LOG_FORMAT": "json"}
    with django_db_blocker.unblock():  # worker_env() reads the test database's name from the connection
        a_log, b_log = logs / "a.log", logs / "b.log"
        with (
            celery_worker(log_path=a_log, extra_args=[*WORKER_ARGS, "--queues=documents,imports"], **env) as a,
            celery_worker(log_path=b_log, extra_args=[*WORKER_ARGS, "--queues=documents,messages"], **env) as b,
        ):
            pair = (Worker(a, a_log), Worker(b, b_log))
            for worker, queue in zip(pair, ("imports", "messages"), strict=True):
                try:
                    ping.apply_async(args=["ready"], queue=queue).get(timeout=120)
                except Exception as error:
                    tail = worker.log.read_text()[-3000:]
                    raise AssertionError(f"{queue} worker not ready: {error}\n{tail}") from None
            print(f"workers ready after {time.monotonic() - started:.1f} s")
            yield pair
            for worker in pair:  # cold shutdown: nothing is running, and the queues are purged before the next run
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.process.pid, signal.SIGQUIT)  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_documents_and_render_each_once(workers, media_dir: Path, settings) -> None:
    a, b = workers
    settings.MEDIA_ROOT = media_dir
    succeeded_before = rendered_successfully()
    documents = [services.request_document(kind=QUICK, title=f"队列测试 {n}") for n in range(DOCUMENTS)]
    pks = [document.pk for document in documents]

    def all_finished() -> bool:
        return not GeneratedDocument.objects.filter(
            pk__in=pks, status__in=[DocumentStatus.QUEUED, DocumentStatus.RENDERING]
        ).exists()

    wait_for(all_finished, timeout=120, message=f"{DOCUMENTS} documents rendered by two workers")
    rows = list(GeneratedDocument.objects.filter(pk__in=pks))
    assert [row.status for row in rows] == [DocumentStatus.DONE] * DOCUMENTS, [row.error for row in rows]
    assert [row.attempts for row in rows] == [1] * DOCUMENTS  # nobody rendered a document a second time
    files = sorted(path.name for path in (media_dir / "documents").rglob("*") if path.is_file())
    assert files == sorted(f"{row.uuid}.pdf" for row in rows)  # exactly one file each
    # A line per run; on SQLite a run can meet a locked database and retry (OperationalError) before it starts.
    by_a, by_b = (len([r for r in w.finished("documents.render") if r["outcome"] == "success"]) for w in (a, b))
    assert by_a + by_b == DOCUMENTS
    assert by_a >= 1 and by_b >= 1, f"one worker rendered everything: A {by_a}, B {by_b}"
    # Both workers' pool processes pushed their runs into the one Redis hash /metrics reads (docs/monitoring.md).
    wait_for(
        lambda: rendered_successfully() - succeeded_before == DOCUMENTS,
        timeout=30,
        message="the task metrics of both workers",
    )


def test_a_task_of_one_kind_runs_only_on_the_worker_of_its_queue(workers) -> None:
    a, b = workers
    # Routed by CELERY_TASK_ROUTES alone: no queue is named at publishing.
    send_reminders.apply_async()  # messages
    run_import_job.apply_async(args=[0])  # imports (job 0 does not exist: it fails on A, which is fine here)
    wait_for(lambda: b.finished("campaigns.send_reminders"), timeout=60, message="the reminders on worker B")
    wait_for(lambda: a.finished("training.run_import"), timeout=60, message="the import on worker A")
    assert not a.finished("campaigns.send_reminders")
    assert not b.finished("training.run_import")
    # And by queue: every message to "imports" is answered by one of A's pool processes, every one to "messages" by B's.
    answers = {
        queue: [ping.apply_async(args=[queue], queue=queue) for _ in range(4)] for queue in ("imports", "messages")
    }
    pids = {queue: {result.get(timeout=60)["pid"] for result in results} for queue, results in answers.items()}
    assert pids["imports"] <= set(child_pids(a.process.pid))  # type: ignore[attr-defined]
    assert pids["messages"] <= set(child_pids(b.process.pid))  # type: ignore[attr-defined]


def test_every_kind_is_routed_to_its_queue_and_a_worker_without_q_consumes_all() -> None:
    route = celery_app.amqp.router.route
    assert route({}, "documents.render")["queue"].name == "documents"
    assert route({}, "training.run_import")["queue"].name == "imports"
    assert route({}, "training.validate_import")["queue"].name == "imports"
    assert route({}, "campaigns.send_reminders")["queue"].name == "messages"
    assert route({}, "documents.sweep")["queue"].name == "celery"
    # `manage.py runportal` starts its worker without -Q: it consumes every declared queue.
    assert set(celery_app.amqp.queues) == set(settings.PORTAL_QUEUES)


def test_each_worker_records_the_heartbeat_of_the_queues_it_consumes(workers) -> None:
    """What beat sends every minute (portal-heartbeat-<queue>), taken by whichever worker consumes the queue."""
    from safetyportal.tasks import heartbeat

    queues = ("documents", "imports", "messages")
    for queue in queues:
        probes.record_heartbeat(queue, now=0)  # "never": a heartbeat of an earlier run must not count
        entry = settings.CELERY_BEAT_SCHEDULE[f"portal-heartbeat-{queue}"]
        heartbeat.apply_async(args=entry["args"], **entry["options"])

    def fresh() -> bool:
        ages = probes.heartbeat_ages()
        return all(ages[queue] is not None and ages[queue] < 60 for queue in queues)

    wait_for(fresh, timeout=60, message="heartbeats of documents, imports and messages")
