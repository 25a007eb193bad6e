"""The Celery app. Tasks live in each app's tasks.py and are discovered automatically."""

import os
import time
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyportal.settings")

app = Celery("safetyportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def warm_up_renderer(**_kwargs: object) -> None:
    """Load WeasyPrint and the CJK fonts once in the parent, so every forked child's first document renders warm."""
    import django

    django.setup()
    from safetyportal.documents.rendering import warm_up

    try:
        warm_up()
    except Exception:  # a broken font setup must not stop the worker; documents will report the error
        import logging

        logging.getLogger(__name__).exception("renderer warm-up failed")


# Task metrics and log context (safetyportal/metrics.py, safetyportal/logs.py), in whichever process runs the task.
_task_started: dict[str, float] = {}


@task_prerun.connect
def task_started(task_id: str | None = None, task: Any = None, **_kwargs: object) -> None:
    from safetyportal import logs

    if task_id is None or task is None:
        return
    _task_started[task_id] = time.monotonic()
    logs.enter_task(task_id, task.name)


@task_postrun.connect
def task_finished(task_id: str | None = None, task: Any = None, state: str | None = None, **_kwargs: object) -> None:
    from safetyportal import logs, metrics

    if task_id is None or task is None:
        return
    started = _task_started.pop(task_id, None)
    seconds = time.monotonic() - started if started is not None else None
    if seconds is not None:
        metrics.record_task(task.name, seconds, state or "")
    logs.leave_task(task_id, task.name, state or "", seconds)
