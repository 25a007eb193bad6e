"""Periodic jobs of the inspections app (see CELERY_BEAT_SCHEDULE): a few lines each, the work is in services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from safetyportal.messaging.transports import TransportError

from . import services


@shared_task(name="inspections.flag_overdue_hazards", acks_late=True)
def flag_overdue_hazards() -> int:
    return len(services.flag_overdue_hazards())


@shared_task(name="inspections.expire_exposure_cases", acks_late=True)
def expire_exposure_cases() -> int:
    return services.expire_cases()


@shared_task(
    name="inspections.send_tracking_code_sms",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(TransportError,),
    retry_backoff=True,
    retry_backoff_max=settings.MESSAGES_RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=settings.MESSAGES_MAX_RETRIES,
)
def send_tracking_code_sms(sealed: str) -> None:
    """The broker holds only ciphertext: the phone number and the code are sealed with the field key."""
    services.send_tracking_code_sms(sealed)
