from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="committee.send_meeting_reminders", acks_late=True, ignore_result=True)
def send_meeting_reminders() -> None:
    """Daily (beat, queue messages): remind units of accidents whose 现场警示教育会议 is due soon or overdue."""
    services.send_meeting_reminders()
