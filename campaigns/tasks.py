"""Worker tasks of the campaigns app: a few lines each, the work is in services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="campaigns.send_reminders", acks_late=True, ignore_result=True)
def send_reminders() -> None:
    """Each morning (CELERY_BEAT_SCHEDULE): tasks due within three days and overdue ones, once per task and day."""
    services.send_reminders()


@shared_task(name="campaigns.send_sign_reminders", acks_late=True, ignore_result=True)
def send_sign_reminders() -> None:
    """Each working morning (CELERY_BEAT_SCHEDULE): units that have not signed for a notice in time, once a day."""
    from . import inbox_services

    inbox_services.send_sign_reminders()
