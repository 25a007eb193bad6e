"""Reliability of the documents engine (SECURITY.md section H: T45, T46, T48, T49).

The database row, not the broker, is the truth: a document is published only after its row commits, a duplicate or
repeated delivery leaves one PDF, a worker killed mid-render is followed by a finished document, and with Redis down a
request returns at once with the row queued; the sweeper publishes it again when Redis is back.

The worker tests start real worker processes (tests/worker.py) that import this module (``--include``) so that they
know the test document kinds registered below."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from safetyportal.celery import app as celery_app
from safetyportal.documents import services
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from safetyportal.documents.registry import RenderSpec, register_builder
from safetyportal.documents.tasks import render_document, sweep_documents
from tests.worker import celery_app_configured, celery_worker, child_pids, private_redis, wait_for

CHINESE = re.compile(r"[\u4e00-\u9fff]")
WORKER_ARGS = [f"--include={__name__}"]  # the worker registers the test kinds below by importing this module
QUICK = "reliability_quick"
BROKEN = "reliability_broken_source"
NO_TEMPLATE = "reliability_missing_template"
STUCK_ONCE = "reliability_stuck_first_attempt"


@register_builder(QUICK, "可靠性测试：一页报告")
def build_quick(document: GeneratedDocument) -> RenderSpec:
    row = {
        "unit": "青阳街道",
        "activity": "培训",
        "sessions": 1,
        "participants": 20,
        "materials": 50,
        "note": "按计划完成",
    }
    return RenderSpec("documents/sample_report.html", {"sections": [{"index": 1, "rows": [row]}], "chart_svg": ""})


@register_builder(STUCK_ONCE, "可靠性测试：首次生成卡住")
def build_stuck_first_attempt(document: GeneratedDocument) -> RenderSpec:
    """The first attempt stays in the rendering state long enough to be killed (bounded); a retry is quick."""
    if document.attempts == 1:
        time.sleep(60)
    return build_quick(document)


@register_builder(BROKEN, "可靠性测试：来源有误")
def build_broken(document: GeneratedDocument) -> RenderSpec:
    raise ValueError("来源记录缺少必填字段")


@register_builder(NO_TEMPLATE, "可靠性测试：模板缺失")
def build_without_template(document: GeneratedDocument) -> RenderSpec:
    return RenderSpec("documents/reliability-no-such-template.html", {})


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """PDFs of this test in a folder of their own, shared with the worker processes it starts."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def published():
    """Count publishes at the broker boundary (the task's apply_async) instead of talking to a broker."""
    with mock.patch.object(render_document, "apply_async") as apply_async:
        yield apply_async


def pdf_files(root: Path) -> list[Path]:
    return sorted(path for path in (root / "documents").rglob("*") if path.is_file())


def status_of(pk: int) -> str | None:
    return GeneratedDocument.objects.filter(pk=pk).values_list("status", flat=True).first()


def finished(pks: list[int]) -> bool:
    return not GeneratedDocument.objects.filter(
        pk__in=pks, status__in=[DocumentStatus.QUEUED, DocumentStatus.RENDERING]
    ).exists()


def assert_one_pdf_each(root: Path, documents: list[GeneratedDocument]) -> None:
    """Exactly one file per document, named after it, whose hash the row records."""
    files = pdf_files(root)
    assert sorted(path.name for path in files) == sorted(f"{document.uuid}.pdf" for document in documents)
    for document in documents:
        document.refresh_from_db()
        assert document.status == DocumentStatus.DONE, document.error
        path = Path(document.file.path)
        assert path in files
        assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256
        assert path.read_bytes()[:5] == b"%PDF-"


def wait_showing_log(predicate, log: Path, *, what: str, timeout: float, interval: float = 0.1, worker=None) -> None:  # type: ignore[no-untyped-def]
    """wait_for, with the end of the worker's log in the failure message; gives up at once if the worker died."""

    def done_or_worker_dead() -> bool:
        if predicate():
            return True
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.returncode}) while waiting for {what}")
        return False

    try:
        wait_for(done_or_worker_dead, timeout=timeout, interval=interval, message=what)
    except AssertionError as error:
        tail = log.read_text(errors="replace")[-4000:] if log.exists() else "(no log)"
        raise AssertionError(f"{error}\n--- worker log ---\n{tail}") from None


# T45: enqueue after commit -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rolled_back_request_publishes_nothing_and_a_committed_one_publishes_once(
    published, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.request_document(kind=QUICK, title="回滚的文书")
        raise RuntimeError("the view fails after requesting the document")
    assert callbacks == []
    assert published.call_count == 0
    assert not GeneratedDocument.objects.filter(title="回滚的文书").exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = services.request_document(kind=QUICK, title="提交的文书")
        assert published.call_count == 0  # not before the commit
    assert len(callbacks) == 1
    assert published.call_count == 1
    assert list(published.call_args.kwargs["args"]) == [document.pk]
    assert status_of(document.pk) == DocumentStatus.QUEUED


# Idempotent rendering ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rendering_twice_and_after_a_dead_worker_leaves_one_pdf(media_root, published):
    document = services.request_document(kind=QUICK, title="重复投递")
    first = services.render(document_id=document.pk)
    assert first.status == DocumentStatus.DONE, first.error
    name = first.file.name
    assert name.endswith(f"{document.uuid}.pdf")

    second = services.render(document_id=document.pk)  # a duplicate delivery of a finished document
    assert (second.status, second.attempts, second.file.name) == (DocumentStatus.DONE, 1, name)
    assert_one_pdf_each(media_root, [document])

    # A worker that wrote (part of) the file and died before committing: the row says rendering, without a file.
    Path(first.file.path).write_bytes(b"%PDF-1.7 truncated by SIGKILL")
    GeneratedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.RENDERING, file="", sha256="")
    third = services.render(document_id=document.pk)
    assert (third.status, third.attempts, third.file.name) == (DocumentStatus.DONE, 2, name)
    assert_one_pdf_each(media_root, [document])
    assert GeneratedDocument.objects.filter(pk=document.pk, status=DocumentStatus.DONE).count() == 1


# Configuration -------------------------------------------------------------------------------------------------------


def test_tasks_and_broker_are_configured_for_at_least_once_delivery():
    task = celery_app.tasks["documents.render"]
    assert task.acks_late and task.reject_on_worker_lost
    assert task.ignore_result  # no result-backend subscription on publish (it retries ~19 s when Redis is down)
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff and task.retry_jitter and task.max_retries >= 3
    assert celery_app.conf.worker_prefetch_multiplier == 1
    assert celery_app.conf.task_acks_late and celery_app.conf.task_reject_on_worker_lost
    assert celery_app.conf.broker_connection_timeout <= 2
    assert celery_app.conf.task_publish_retry is False  # the sweeper, not a blocking retry, publishes again
    beat = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert beat["documents.sweep"] <= timedelta(minutes=1)


@pytest.mark.django_db
def test_a_transient_database_error_is_retried(published):
    document = services.request_document(kind=QUICK, title="数据库短暂不可用")
    flaky = [OperationalError("server closed the connection unexpectedly"), None]
    with (
        mock.patch.object(services, "render", side_effect=flaky) as render,
        mock.patch.object(render_document, "retry", wraps=render_document.retry) as retry,
    ):
        result = render_document.apply(args=[document.pk])
    assert result.successful()
    assert retry.call_count == 1 and render.call_count == 2


@pytest.mark.django_db
def test_a_soft_time_limit_fails_the_document_with_a_reason(published):
    document = services.request_document(kind=QUICK, title="超时")
    with mock.patch.object(services, "render", side_effect=SoftTimeLimitExceeded()):
        render_document.run(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "超时" in document.error


# The sweeper ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def enqueued(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(services, "enqueue", lambda pk: calls.append(pk) or True)
    return calls


def make_document(title: str, **fields) -> GeneratedDocument:  # type: ignore[no-untyped-def]
    document = GeneratedDocument.objects.create(kind=QUICK, title=title, enqueued_at=timezone.now())
    GeneratedDocument.objects.filter(pk=document.pk).update(**fields)
    document.refresh_from_db()
    return document


@pytest.mark.django_db
def test_sweeper_republishes_a_stale_queued_document_only(enqueued):
    now = timezone.now()
    stale = make_document("久未处理", enqueued_at=now - services.STALE_QUEUED - timedelta(seconds=1))
    fresh = make_document("刚刚申请", enqueued_at=now - timedelta(seconds=5))
    assert services.sweep_stale_documents(now=now) == [stale.pk]
    assert enqueued == [stale.pk]
    stale.refresh_from_db()
    assert stale.status == DocumentStatus.QUEUED and stale.enqueued_at == now
    assert services.sweep_stale_documents(now=now) == []  # not again until it is stale again
    assert enqueued == [stale.pk] and status_of(fresh.pk) == DocumentStatus.QUEUED


@pytest.mark.django_db
def test_sweeper_requeues_a_document_abandoned_mid_render(enqueued):
    now = timezone.now()
    abandoned = make_document(
        "生成中断",
        status=DocumentStatus.RENDERING,
        attempts=1,
        started_at=now - services.STALE_RENDERING - timedelta(seconds=1),
    )
    running = make_document(
        "正在生成", status=DocumentStatus.RENDERING, attempts=1, started_at=now - timedelta(seconds=30)
    )
    assert services.sweep_stale_documents(now=now) == [abandoned.pk]
    assert enqueued == [abandoned.pk]
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.progress) == (DocumentStatus.QUEUED, 0)
    assert status_of(running.pk) == DocumentStatus.RENDERING


@pytest.mark.django_db
def test_sweeper_gives_up_after_max_attempts_with_a_chinese_reason(enqueued):
    now = timezone.now()
    hopeless = make_document(
        "屡次失败",
        status=DocumentStatus.RENDERING,
        attempts=services.MAX_ATTEMPTS,
        started_at=now - services.STALE_RENDERING - timedelta(seconds=1),
    )
    assert services.sweep_stale_documents(now=now) == []
    assert enqueued == []
    hopeless.refresh_from_db()
    assert hopeless.status == DocumentStatus.FAILED
    assert CHINESE.search(hopeless.error) and "多次尝试" in hopeless.error


@pytest.mark.django_db
def test_sweeper_with_the_broker_still_down_leaves_the_row_queued(monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda pk: False)
    now = timezone.now()
    stale = make_document("仍在排队", enqueued_at=now - services.STALE_QUEUED - timedelta(seconds=1))
    assert services.sweep_stale_documents(now=now) == []
    assert status_of(stale.pk) == DocumentStatus.QUEUED


@pytest.mark.django_db
def test_the_beat_task_runs_the_sweeper(enqueued):
    stale = make_document("由定时任务补发", enqueued_at=timezone.now() - services.STALE_QUEUED - timedelta(minutes=1))
    assert sweep_documents.run() == 1
    assert enqueued == [stale.pk]


# Permanent errors ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "expected"), [(BROKEN, "文书生成失败：ValueError: 来源记录缺少必填字段"), (NO_TEMPLATE, "文书模板错误")]
)
def test_a_permanent_error_fails_the_document_with_a_chinese_reason(published, media_root, kind, expected):
    document = services.request_document(kind=kind, title="无法生成")
    result = services.render(document_id=document.pk)
    assert result.status == DocumentStatus.FAILED
    assert expected in result.error
    assert result.attempts == 1 and not result.file
    assert not (media_root / "documents").exists()
    assert services.render(document_id=document.pk).attempts == 1  # a redelivery does not try again


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_permanent_errors(media_root, tmp_path):
    log = tmp_path / "worker.log"
    with celery_worker(log_path=log, extra_args=WORKER_ARGS, MEDIA_ROOT=str(media_root)) as worker:
        broken = services.request_document(kind=BROKEN, title="来源有误")
        missing = services.request_document(kind=NO_TEMPLATE, title="模板缺失")
        wait_showing_log(lambda: finished([broken.pk, missing.pk]), log, what="failures", timeout=90, worker=worker)
        after = services.request_document(kind=QUICK, title="其后的文书")
        wait_showing_log(lambda: finished([after.pk]), log, what="the next document", timeout=60, worker=worker)
        assert worker.poll() is None
    for document, expected in ((broken, "ValueError"), (missing, "文书模板错误")):
        document.refresh_from_db()
        assert document.status == DocumentStatus.FAILED and document.attempts == 1
        assert expected in document.error and CHINESE.search(document.error)
    assert_one_pdf_each(media_root, [after])


# T46: a worker killed mid-render -------------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_child_killed_mid_render_is_followed_by_one_finished_pdf(media_root, tmp_path):
    """Through Redis when REDIS_URL is set (CI), through the embedded filesystem broker otherwise: with acks_late and
    reject_on_worker_lost the worker requeues the message of its dead child and a new child renders it again."""
    log = tmp_path / "worker.log"
    with celery_worker(log_path=log, extra_args=WORKER_ARGS, MEDIA_ROOT=str(media_root)) as worker:
        document = services.request_document(kind="sample_report", title="进程被强制终止的报告")

        def rendering_in_weasyprint() -> bool:
            row = GeneratedDocument.objects.filter(pk=document.pk).values("status", "progress").first()
            return row["status"] == DocumentStatus.RENDERING and row["progress"] >= 15

        wait_showing_log(rendering_in_weasyprint, log, what="rendering", timeout=60, interval=0.02, worker=worker)
        children = child_pids(worker.pid)
        assert len(children) == 1, children  # concurrency 1
        os.kill(children[0], signal.SIGKILL)
        killed_at = time.monotonic()
        wait_showing_log(
            lambda: status_of(document.pk) == DocumentStatus.DONE,
            log,
            what="the document after SIGKILL",
            timeout=120,
            worker=worker,
        )
        recovery = time.monotonic() - killed_at
        assert worker.poll() is None
        assert children[0] not in child_pids(worker.pid)
    document.refresh_from_db()
    assert document.attempts == 2  # requeued by the broker once, not by the sweeper
    assert_one_pdf_each(media_root, [document])
    print(f"SIGKILL mid-render ({settings.CELERY_BROKER_URL.split(':')[0]}): done {recovery:.1f} s after the kill")


def redis_settings(url: str) -> dict[str, object]:
    """The Celery configuration the settings module produces for REDIS_URL=url (whatever this run uses)."""
    import runpy

    with mock.patch.dict(os.environ, {"REDIS_URL": url}):
        module = runpy.run_path(str(Path(settings.BASE_DIR) / "safetyportal" / "settings.py"))
    return {
        "broker_url": module["CELERY_BROKER_URL"],
        "result_backend": module["CELERY_RESULT_BACKEND"],
        "broker_transport_options": module["CELERY_BROKER_TRANSPORT_OPTIONS"],
        "result_backend_transport_options": module["CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS"],
    }


@contextmanager
def isolated_broker() -> Iterator[dict[str, str]]:
    """The embedded filesystem broker of this run, or with REDIS_URL set a private Redis: a worker killed outright
    leaves its message unacknowledged in Redis for the visibility timeout (an hour), which must not linger in the
    shared server. Yields the worker's environment."""
    if not settings.REDIS_URL:
        yield {}
        return
    with private_redis() as server, celery_app_configured(celery_app, **redis_settings(server.url())):
        yield {"REDIS_URL": server.url()}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_whole_worker_killed_mid_render_is_recovered_by_the_sweeper(media_root, tmp_path):
    """No process is left to requeue the message: the row, still rendering, is what the sweeper acts on."""
    log = tmp_path / "worker.log"
    with isolated_broker() as broker_env:
        with celery_worker(log_path=log, extra_args=WORKER_ARGS, MEDIA_ROOT=str(media_root), **broker_env) as worker:
            document = services.request_document(kind=STUCK_ONCE, title="整个进程组被强制终止的报告")
            wait_showing_log(
                lambda: status_of(document.pk) == DocumentStatus.RENDERING,
                log,
                what="rendering",
                timeout=60,
                interval=0.02,
                worker=worker,
            )
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        assert status_of(document.pk) == DocumentStatus.RENDERING
        with celery_worker(log_path=log, extra_args=WORKER_ARGS, MEDIA_ROOT=str(media_root), **broker_env) as worker:
            started = time.monotonic()
            # The beat's sweep, once the rendering has been stale for longer than the task time limit.
            later = timezone.now() + services.STALE_RENDERING + timedelta(seconds=1)
            assert services.sweep_stale_documents(now=later) == [document.pk]
            wait_showing_log(
                lambda: status_of(document.pk) == DocumentStatus.DONE,
                log,
                what="the swept document",
                timeout=90,
                worker=worker,
            )
            recovery = time.monotonic() - started
    document.refresh_from_db()
    assert document.attempts == 2
    assert_one_pdf_each(media_root, [document])
    print(f"whole worker SIGKILLed: done {recovery:.1f} s after the sweep")


# T48: Redis down -----------------------------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_requests_return_at_once_and_documents_are_done_once_it_is_back(
    media_root, tmp_path, client, django_user_model
):
    log = tmp_path / "worker.log"
    with private_redis() as redis_server:
        conf = redis_settings(redis_server.url())
        with (
            celery_app_configured(celery_app, **conf),
            celery_worker(
                log_path=log, extra_args=WORKER_ARGS, REDIS_URL=redis_server.url(), MEDIA_ROOT=str(media_root)
            ) as worker,
        ):
            broker = celery_app.connection_for_write()
            assert (broker.transport_cls, broker.hostname, broker.port) == ("redis", "127.0.0.1", redis_server.port)
            # The worker is up and the pooled connection of this process is live before Redis goes away.
            warm = services.request_document(kind=QUICK, title="停机前的文书")
            wait_showing_log(lambda: finished([warm.pk]), log, what="the first document", timeout=90, worker=worker)

            redis_server.stop()
            durations, documents = [], []
            for index in range(10):
                started = time.monotonic()
                documents.append(services.request_document(kind=QUICK, title=f"Redis停机期间申请的文书{index + 1}"))
                durations.append(time.monotonic() - started)
            pks = [document.pk for document in documents]
            assert max(durations) < 2, durations
            assert GeneratedDocument.objects.filter(pk__in=pks, status=DocumentStatus.QUEUED).count() == 10
            # What the officer sees while Redis is down: "queued", not an error.
            client.force_login(django_user_model.objects.create_superuser("reliability-admin", "a@example.com", "x"))
            for pk in pks:
                answer = client.get(reverse("admin:safetyportal_generateddocument_status", args=[pk]))
                assert answer.status_code == 200
                assert (answer.json()["status"], answer.json()["status_label"]) == ("queued", "排队中")

            redis_server.start()
            restarted = time.monotonic()
            # The beat runs the sweeper every minute; run it now, as if the queued rows had become stale.
            swept = services.sweep_stale_documents(now=timezone.now() + services.STALE_QUEUED + timedelta(seconds=1))
            assert sorted(swept) == sorted(pks)
            wait_showing_log(lambda: finished(pks), log, what="the ten documents", timeout=90, worker=worker)
            recovery = time.monotonic() - restarted
    documents.append(warm)
    assert_one_pdf_each(media_root, documents)
    assert [document.attempts for document in documents] == [1] * 11  # each rendered exactly once
    assert celery_app.connection_for_write().transport_cls == settings.CELERY_BROKER_URL.split(":")[0]  # restored
    p95 = statistics.quantiles(durations, n=20, method="inclusive")[-1]
    print(
        f"Redis down: request p95 {p95 * 1000:.0f} ms, max {max(durations) * 1000:.0f} ms; "
        f"10/10 done {recovery:.1f} s after Redis restarted"
    )
