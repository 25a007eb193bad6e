"""Worker tasks of the campaigns app: a few lines each, the work is in services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(name="campaigns.send_reminders", acks_late=True, ignore_result=True)
def send_reminders() -> None:
    """Each morning (CELERY_BEAT_SCHEDULE): tasks due within three days and overdue ones, once per task and day."""
    services.send_reminders()


@shared_task(
    name="campaigns.build_summary_xlsx",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=5,
    ignore_result=True,
)
def build_summary_xlsx(summary_id: int) -> None:
    services.build_summary_xlsx(summary_id=summary_id)
