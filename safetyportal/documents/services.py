"""Every write of the documents engine: request, render, sweep."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import engine_context
from .models import DocumentStatus, GeneratedDocument, IssuingAuthority
from .registry import get_builder
from .rendering import RenderError, render_template_to_pdf

logger = logging.getLogger(__name__)

# A document queued this long without a worker taking it, or rendering this long, is re-enqueued by the sweeper.
STALE_QUEUED = timedelta(seconds=int(getattr(settings, "DOCUMENT_STALE_QUEUED_SECONDS", 120)))
STALE_RENDERING = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
MAX_ATTEMPTS = 5


def new_verify_token() -> str:
    return secrets.token_urlsafe(12)  # 96 bits, 16 characters


def request_document(
    *,
    kind: str,
    title: str,
    source: Any | None = None,
    requested_by: Any | None = None,
    is_preview: bool = False,
    authority: IssuingAuthority | None = None,
    number: str = "",
    issued_on: Any | None = None,
) -> GeneratedDocument:
    """Record a document to produce and enqueue its rendering once the surrounding transaction commits.

    Issued (non-preview) documents get a verification token; previews carry none and are marked as drafts."""
    get_builder(kind)  # unknown kinds fail here, in the request, not later in the worker
    with transaction.atomic():
        document = GeneratedDocument.objects.create(
            kind=kind,
            title=title[:255],
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=source.pk if source is not None else None,
            requested_by=requested_by if getattr(requested_by, "pk", None) else None,
            is_preview=is_preview,
            authority=authority,
            number=number,
            issued_on=issued_on,
            verify_token=None if is_preview else new_verify_token(),
            enqueued_at=timezone.now(),
        )
        transaction.on_commit(lambda: enqueue(document.pk))
    return document


def enqueue(document_id: int) -> bool:
    """Publish the render task. A broker outage is logged, never raised: the row stays queued and the sweeper
    publishes it again once the broker is back."""
    from .tasks import render_document

    try:
        render_document.apply_async(args=[document_id], retry=False)
    except Exception:  # kombu raises several types for an unreachable broker
        logger.warning("document %s: broker unavailable, left queued for the sweeper", document_id, exc_info=True)
        return False
    return True


def _set_progress(document_id: int, percent: int) -> None:
    GeneratedDocument.objects.filter(pk=document_id, status=DocumentStatus.RENDERING).update(
        progress=percent, updated_at=timezone.now()
    )


def render(*, document_id: int) -> GeneratedDocument | None:
    """Render one document. Idempotent: a duplicate delivery of a finished document does nothing, and a re-run
    after a dead worker overwrites the same file name, so exactly one PDF exists per document."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status in (DocumentStatus.DONE, DocumentStatus.FAILED):
            return document
        document.status = DocumentStatus.RENDERING
        document.progress = 5
        document.attempts += 1
        document.started_at = timezone.now()
        document.error = ""
        document.save(update_fields=["status", "progress", "attempts", "started_at", "error", "updated_at"])

    try:
        spec = get_builder(document.kind)(document)
        _set_progress(document_id, 15)
        context = {**engine_context(document), **spec.context}
        rendered = render_template_to_pdf(spec.template_name, context, progress=lambda p: _set_progress(document_id, p))
    except OperationalError:
        raise  # transient (database): the task retries with backoff
    except (TemplateDoesNotExist, TemplateSyntaxError) as error:
        return _fail(document_id, _("文书模板错误：%(error)s") % {"error": error})
    except RenderError as error:
        return _fail(document_id, _("文书生成失败：%(error)s") % {"error": error})
    except Exception as error:  # a bad source object, a missing image...: permanent, with a reason
        logger.exception("document %s failed", document_id)
        return _fail(document_id, _("文书生成失败：%(error)s") % {"error": f"{type(error).__name__}: {error}"})

    if rendered.refused_urls:
        # A missing image or a reference outside the project's files: the document would be incomplete.
        shown = "、".join(url[:80] for url in rendered.refused_urls[:3])
        return _fail(document_id, _("文书引用了不存在或不允许的资源：%(urls)s") % {"urls": shown})

    digest = hashlib.sha256(rendered.data).hexdigest()
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if document.status == DocumentStatus.DONE:
            return document  # another delivery finished first
        name = document.file.field.generate_filename(document, "document.pdf")
        storage = document.file.storage
        if storage.exists(name):
            storage.delete(name)
        document.file.save(name, ContentFile(rendered.data), save=False)
        document.sha256 = digest
        document.page_count = rendered.page_count
        document.size_bytes = len(rendered.data)
        document.status = DocumentStatus.DONE
        document.progress = 100
        document.finished_at = timezone.now()
        document.save()
    return document


def _fail(document_id: int, message: str) -> GeneratedDocument:
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if document.status != DocumentStatus.DONE:
            document.status = DocumentStatus.FAILED
            document.error = message[:2000]
            document.finished_at = timezone.now()
            document.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return document


def mark_failed(*, document_id: int, message: str) -> GeneratedDocument:
    return _fail(document_id, message)


def sweep_stale_documents(*, now: Any | None = None) -> list[int]:
    """Re-enqueue documents a worker never took (broker outage, lost message) or abandoned mid-render (worker
    killed). Gives up after MAX_ATTEMPTS with a failed status and a reason."""
    now = now or timezone.now()
    stale = list(
        GeneratedDocument.objects.filter(status=DocumentStatus.QUEUED, enqueued_at__lt=now - STALE_QUEUED).values_list(
            "pk", flat=True
        )
    )
    abandoned = GeneratedDocument.objects.filter(
        status=DocumentStatus.RENDERING, started_at__lt=now - STALE_RENDERING
    ).values_list("pk", "attempts")
    for pk, attempts in abandoned:
        if attempts >= MAX_ATTEMPTS:
            _fail(pk, _("多次尝试后仍未生成，请联系管理员。"))
            continue
        GeneratedDocument.objects.filter(pk=pk, status=DocumentStatus.RENDERING).update(
            status=DocumentStatus.QUEUED, progress=0
        )
        stale.append(pk)
    enqueued = []
    for pk in stale:
        GeneratedDocument.objects.filter(pk=pk).update(enqueued_at=now)
        if enqueue(pk):
            enqueued.append(pk)
    return enqueued
