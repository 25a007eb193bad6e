"""Writes of the campaigns app: notices (通知) for now."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.numbering import allocate_number
from safetyportal.documents.services import request_document

from .models import Notice, NoticeStatus

NOTICE_KIND = "notice"


def preview_notice(*, notice: Notice, by: Any) -> GeneratedDocument:
    """A draft PDF, unnumbered and watermarked, produced by the worker."""
    return request_document(
        kind=NOTICE_KIND,
        title=notice.title,
        source=notice,
        requested_by=by,
        is_preview=True,
        authority=notice.authority,
    )


def issue_notice(*, notice: Notice, by: Any, issued_on: date | None = None) -> Notice:
    """Allocate the document number, lock the notice and have the worker render the official PDF.

    The number is allocated in this transaction: if anything fails, neither the number nor the issue persists."""
    if not by.has_perm("campaigns.issue_notice"):
        raise PermissionDenied
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != NoticeStatus.DRAFT:
            raise ValidationError(_("该通知已印发，不能重复印发。"))
        notice.full_clean()
        issued_on = issued_on or timezone.localdate()
        serial, number = allocate_number(authority=notice.authority, year=issued_on.year)
        notice.year, notice.serial, notice.number = issued_on.year, serial, number
        notice.issued_on = issued_on
        notice.issued_at = timezone.now()
        notice.issued_by = by
        notice.status = NoticeStatus.ISSUED
        notice.document = request_document(
            kind=NOTICE_KIND,
            title=notice.title,
            source=notice,
            requested_by=by,
            authority=notice.authority,
            number=number,
            issued_on=issued_on,
        )
        notice.save()
        if notice.supersedes_id:
            Notice.objects.filter(pk=notice.supersedes_id, status=NoticeStatus.ISSUED).update(
                status=NoticeStatus.SUPERSEDED
            )
    return notice


def draft_correction(*, notice: Notice, by: Any) -> Notice:
    """A new draft copying an issued notice, which supersedes it once issued."""
    if notice.status == NoticeStatus.DRAFT:
        raise ValidationError(_("草稿可以直接修改，无需创建更正通知。"))
    with transaction.atomic():
        correction = Notice.objects.create(
            authority=notice.authority,
            title=notice.title,
            urgency=notice.urgency,
            recipients_text=notice.recipients_text,
            body=notice.body,
            attachments_text=notice.attachments_text,
            contact_note=notice.contact_note,
            copy_to=notice.copy_to,
            supersedes=notice,
            created_by=by,
        )
        correction.recipient_jurisdictions.set(notice.recipient_jurisdictions.all())
        correction.recipient_units.set(notice.recipient_units.all())
    return correction
