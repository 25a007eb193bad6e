"""Worker tasks of the messaging package (queue ``messages``): a few lines each, the work is in services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from . import services
from .transports import TransportError


@shared_task(
    bind=True,
    name="messaging.deliver",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(TransportError,),
    retry_backoff=True,
    retry_backoff_max=settings.MESSAGES_RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=settings.MESSAGES_MAX_RETRIES,
)
def deliver(self: Any, delivery_ids: list[int]) -> None:
    services.deliver(delivery_ids=delivery_ids, final=self.request.retries >= self.max_retries)


@shared_task(name="messaging.sweep", acks_late=True, ignore_result=True)
def sweep() -> None:
    """Every few minutes (CELERY_BEAT_SCHEDULE): deliveries left pending are published again."""
    services.sweep_deliveries()
