from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="committee.send_meeting_reminders", acks_late=True, ignore_result=True)
def send_meeting_reminders() -> None:
    """Daily (beat, queue messages): remind units of accidents whose 现场警示教育会议 is due soon or overdue."""
    services.send_meeting_reminders()


@shared_task(name="committee.escalate_supervisions", acks_late=True, ignore_result=True)
def escalate_supervisions() -> None:
    """Daily (beat): open 挂牌督办 past their deadline move to the level above, once per deadline (idempotent)."""
    from . import supervision_services

    supervision_services.escalate_overdue()
