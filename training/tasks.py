"""Worker tasks: a few lines that load by id and call a service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from . import selectors, services

logger = logging.getLogger(__name__)


@shared_task(name="training.validate_import", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def validate_import_job(job_id: int) -> None:
    services.validate_import(job_id=job_id)


@shared_task(name="training.run_import", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_import_job(job_id: int) -> None:
    services.run_import(job_id=job_id)


@shared_task(
    name="training.refresh_certificate_statuses",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def refresh_certificate_statuses() -> dict[str, int]:
    """Daily: move statuses as dates pass, and list the certificates whose re-examination falls due within 60 days."""
    changed = services.refresh_certificate_statuses()
    services.purge_stale_import_files()
    due = selectors.review_due_soon().count()
    logger.info("certificate statuses refreshed: %s; %s due for re-examination within 60 days", changed, due)
    return {**changed, "due_within_60_days": due}
