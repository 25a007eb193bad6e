"""Infrastructure tasks: a health probe the tests and monitoring send through the real broker."""

from __future__ import annotations

import os
import socket

from celery import shared_task
from django.utils import timezone


@shared_task(name="safetyportal.tasks.ping")
def ping(token: str) -> dict[str, str | int]:
    """Echo a token back with the worker's identity: proves a message made the round trip."""
    return {"token": token, "pid": os.getpid(), "host": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task(name="safetyportal.tasks.heartbeat", ignore_result=True)
def heartbeat(queue: str = "") -> str:
    """Sent to every queue by beat each minute; records that a worker of that queue is alive (/readyz)."""
    if queue:
        from .probes import record_heartbeat

        record_heartbeat(queue)
    return timezone.now().isoformat()


# Tasks of the documents engine, registered with the app when Celery autodiscovers this module.
from .documents.tasks import render_document, sweep_documents  # noqa: E402

# Tasks of the messaging package (queue "messages", docs/messaging.md).
from .messaging.tasks import deliver as deliver_message  # noqa: E402
from .messaging.tasks import sweep as sweep_messages  # noqa: E402

__all__ = ["deliver_message", "heartbeat", "ping", "render_document", "sweep_documents", "sweep_messages"]
