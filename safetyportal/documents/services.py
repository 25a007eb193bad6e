"""Every write of the documents engine: request, render, sweep, and the one issue()/preview() of issued records."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, models, transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.services import record_history

from .context import AUTHORITY_KEY, authority_snapshot, chinese_date, engine_context
from .issuing import IssueStatus, _own_field
from .models import DocumentStatus, GeneratedDocument, IssuingAuthority
from .numbering import allocate_number
from .registry import RenderSpec, get_builder, get_kind
from .rendering import RenderError, render_template_to_pdf

if TYPE_CHECKING:
    from safetyportal.types import User

    from .issuing import IssuedRecord

    R = TypeVar("R", bound=IssuedRecord)

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
    source: models.Model | None = None,
    requested_by: User | None = None,
    is_preview: bool = False,
    authority: IssuingAuthority | None = None,
    number: str = "",
    issued_on: dt.date | None = None,
    verifiable: bool = True,
) -> GeneratedDocument:
    """Record a document to produce and enqueue its rendering once the surrounding transaction commits.

    Issued (non-preview) documents get a verification token unless ``verifiable`` is off (a workbook that goes
    with a PDF: the PDF is what a reader verifies); previews carry none and are marked as drafts."""
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
            verify_token=new_verify_token() if verifiable and not is_preview else None,
            enqueued_at=timezone.now(),
        )
        transaction.on_commit(lambda: enqueue(document.pk))
    return document


def enqueue(document_id: int) -> bool:
    """Publish the render task. A broker outage is logged, never raised: the row stays queued and the sweeper
    publishes it again once the broker is back."""
    from .tasks import render_document

    try:
        render_document.apply_async(args=(document_id,), retry=False)
    except Exception:  # kombu raises several types for an unreachable broker
        logger.warning("document %s: broker unavailable, left queued for the sweeper", document_id, exc_info=True)
        return False
    return True


def _set_progress(document_id: int, percent: int) -> None:
    GeneratedDocument.objects.filter(pk=document_id, status=DocumentStatus.RENDERING).update(
        progress=percent, updated_at=timezone.now()
    )


def render(*, document_id: int) -> GeneratedDocument | None:
    """Render one document (a PDF, or the bytes of an xlsx kind). Idempotent: a duplicate delivery of a finished
    document does nothing, and a re-run after a dead worker overwrites the same file name, so exactly one file
    exists per document."""
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

    kind = get_kind(document.kind)
    page_count: int | None = None
    try:
        built = kind.builder(document)
        _set_progress(document_id, 15)
        if kind.output == "pdf":
            spec: RenderSpec = built
            context = {**engine_context(document), **spec.context}
            rendered = render_template_to_pdf(
                spec.template_name, context, progress=lambda p: _set_progress(document_id, p)
            )
            data, page_count = rendered.data, rendered.page_count
        else:
            data, rendered = bytes(built), None
    except OperationalError:
        raise  # transient (database): the task retries with backoff
    except (TemplateDoesNotExist, TemplateSyntaxError) as error:
        return _fail(document_id, _("文书模板错误：%(error)s") % {"error": error})
    except RenderError as error:
        return _fail(document_id, _("文书生成失败：%(error)s") % {"error": error})
    except Exception as error:  # a bad source object, a missing image...: permanent, with a reason
        logger.exception("document %s failed", document_id)
        return _fail(document_id, _("文书生成失败：%(error)s") % {"error": f"{type(error).__name__}: {error}"})

    if rendered is not None and rendered.refused_urls:
        # A missing image or a reference outside the project's files: the document would be incomplete.
        shown = "、".join(url[:80] for url in rendered.refused_urls[:3])
        return _fail(document_id, _("文书引用了不存在或不允许的资源：%(urls)s") % {"urls": shown})

    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if document.status == DocumentStatus.DONE:
            return document  # another delivery finished first
        name = document.file.field.generate_filename(document, f"document.{kind.output}")
        storage = document.file.storage
        if storage.exists(name):
            storage.delete(name)
        document.file.save(name, ContentFile(data), save=False)
        document.sha256 = digest
        document.page_count = page_count
        document.size_bytes = len(data)
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


def sweep_stale_documents(*, now: dt.datetime | None = None) -> list[int]:
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


# --- Issued records: one preview and one issue for every numbered paper (see issuing.py) ----------------------------


def _request_companions(record: IssuedRecord, *, by: User, is_preview: bool) -> None:
    """The documents produced together with the record's PDF (the summary's workbook), same status machinery."""
    for field_name, kind in record.COMPANIONS:
        document = request_document(
            kind=kind,
            title=f"{record.document_title()}（{get_kind(kind).label}）",
            source=record,
            requested_by=by,
            is_preview=is_preview,
            authority=record.authority,
            number=record.number,
            issued_on=record.issued_on,
            verifiable=False,
        )
        if not is_preview:
            setattr(record, field_name, document)


def preview(record: IssuedRecord, *, by: User) -> GeneratedDocument:
    """A draft PDF (unnumbered, watermarked, not verifiable) and its companions, produced by the worker from the
    live data. Returns the PDF's row."""
    with transaction.atomic():
        document = request_document(
            kind=record.DOCUMENT_KIND,
            title=record.document_title(),
            source=record,
            requested_by=by,
            is_preview=True,
            authority=record.authority,
        )
        _request_companions(record, by=by, is_preview=True)
    return document


def _own_label(model: type[models.Model], name: str) -> str:
    return str(_own_field(model, name).verbose_name)


def issue(
    record: R,
    *,
    by: User,
    issued_on: dt.date | None = None,
    expected_number: str | None = None,
    expected_issued_on: dt.date | None = None,
) -> R:
    """Issue a numbered paper, in one transaction: the permission, the record's own checks, the next number (written
    in the register), the figures frozen in ``snapshot``, the official PDF and its companions requested from the
    worker, the record's history row (``issue``) and its ``after_issue`` hook. If anything fails, nothing of it
    persists, not even the number.

    ``expected_number`` is the number the confirmation page showed: if another paper took it meanwhile, the issue
    is refused (code ``number_changed``) so that the person confirms the new one. ``expected_issued_on`` is the date
    it showed: a confirmation made before midnight and posted after it is refused (code ``date_changed``).

    The snapshot is built once, before the number is taken (the register's lock is held only for the allocation),
    and it is what the record's ``check_snapshot`` checks: the paper's text and its frozen figures agree (a return
    accepted between the confirmation page and the issue refuses it, code ``stale_figures``). With it go the
    authority's name, header, code and seal file as they are now (``AUTHORITY_KEY``), from which the worker renders
    the issued paper whatever changes on the authority later."""
    model = type(record)
    if not record.may_issue(by):
        raise PermissionDenied
    with transaction.atomic():
        # the plugin types the default manager of a type[R] with the declaring base's model
        current = cast("R", model._default_manager.select_for_update().get(pk=record.pk))
        if not current.may_issue(by):  # the stored record decides (its authority), not the one passed in
            raise PermissionDenied
        if current.status != IssueStatus.DRAFT:
            names = {"name": model._meta.verbose_name, "verb": model.ISSUE_VERB}
            raise ValidationError(_("该%(name)s已%(verb)s，不能重复%(verb)s。") % names)
        current.full_clean()
        today = timezone.localdate()
        if expected_issued_on is not None and expected_issued_on != (issued_on or today):
            raise ValidationError(
                _("%(date_label)s已变为%(today)s（确认页显示的是%(shown)s，可能已过零点），请重新确认后再%(verb)s。")
                % {"date_label": _own_label(model, "issued_on"), "today": chinese_date(issued_on or today),
                   "shown": chinese_date(expected_issued_on), "verb": model.ISSUE_VERB},
                code="date_changed",
            )  # fmt: skip
        issued_on = issued_on or today
        current.check_issuable(issued_on)
        # The figures, once: checked against the text, then stored as they are (before the sequence's lock).
        snapshot = {**current.build_snapshot(), AUTHORITY_KEY: authority_snapshot(current.authority)}
        snapshot_taken_at = timezone.now()
        current.check_snapshot(snapshot)
        serial, number = allocate_number(
            authority=current.authority,
            year=issued_on.year,
            kind=model.DOCUMENT_KIND,
            title=current.register_title(),
            source=current,
            by=by,
        )
        if expected_number and number != expected_number:
            raise ValidationError(
                _("%(label)s已变为%(number)s（其他文书先行%(verb)s或预留了%(expected)s），请重新确认。")
                % {"label": model.number_label(), "number": number, "verb": model.ISSUE_VERB,
                   "expected": expected_number},
                code="number_changed",
            )  # fmt: skip
        current.year, current.serial, current.number = issued_on.year, serial, number
        current.issued_on = issued_on
        current.issued_at = timezone.now()
        current.issued_by = by
        current.status = current.STATUS_CHOICES(IssueStatus.ISSUED)  # the kind's own member (its own label)
        current.snapshot = snapshot
        current.snapshot_taken_at = snapshot_taken_at
        current.document = request_document(
            kind=model.DOCUMENT_KIND,
            title=current.document_title(),
            source=current,
            requested_by=by,
            authority=current.authority,
            number=number,
            issued_on=issued_on,
        )
        _request_companions(current, by=by, is_preview=False)
        current.save()
        changes = {
            "status": [current.STATUS_CHOICES(IssueStatus.DRAFT), current.status],
            "number": ["", number],
            "issued_on": [None, issued_on.isoformat()],
            "document": [None, current.document_id],
        }
        record_history(current, action="issue", by=by, changes=changes)
        current.after_issue(by)
    return current
