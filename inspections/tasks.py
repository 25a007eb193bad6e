"""Periodic jobs of the inspections app (see CELERY_BEAT_SCHEDULE): a few lines each, the work is in services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="inspections.flag_overdue_hazards", acks_late=True)
def flag_overdue_hazards() -> int:
    return len(services.flag_overdue_hazards())


@shared_task(name="inspections.expire_exposure_cases", acks_late=True)
def expire_exposure_cases() -> int:
    return services.expire_cases()
