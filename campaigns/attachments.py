"""Attachments of returns and notices (issue 12, "Returns that hold what offices send"): the writes and reads.

Files are checked and stored by safetyportal.uploads (content-checked, random names under MEDIA_ROOT/private/); this
module records them on a return or a notice, removes them, and finds the one a request may download:

- a return's attachments: seen by the units that see the return (``ReturnAttachment.objects.for_user``: the
  officer's unit and the offices above it), added and removed only by the return's own unit
  (``services.may_write_return``) while the return is a draft or returned; staff see every one;
- a notice's attachments: staff, and officers of the units the issued notice is addressed to
  (``Notice.recipient_jurisdictions`` / ``recipient_units``). A draft notice is nobody's but the office's.

Anything else is "not found" (404), exactly like an attachment that does not exist."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from safetyportal.scoping import is_office_staff, officer_unit
from safetyportal.uploads import CONTENT_TYPES, CheckedAttachment, delete_private, store_private

from .models import (
    ActivityReturn,
    AttachmentKind,
    Notice,
    NoticeAttachment,
    NoticeStatus,
    ReturnAttachment,
)

if TYPE_CHECKING:
    from safetyportal.types import User

MAX_ATTACHMENTS = 10  # per return
RETURN_FOLDER = "returns"
NOTICE_FOLDER = "notices"


def _user_or_none(by: User) -> User | None:
    return by if getattr(by, "pk", None) else None


def store_files(files: Iterable[CheckedAttachment], folder: str) -> list[tuple[CheckedAttachment, str]]:
    """Write checked files under random names; the caller records them or calls ``delete_private`` on failure."""
    return [(checked, store_private(checked, folder)) for checked in files]


def record_return_attachments(
    activity_return: ActivityReturn,
    stored: Sequence[tuple[CheckedAttachment, str]],
    *,
    kind: str = AttachmentKind.OTHER,
    by: User,
) -> list[ReturnAttachment]:
    """Create the rows of files already stored, inside the caller's transaction (the return locked)."""
    if not stored:
        return []
    if kind not in AttachmentKind.values:
        raise ValidationError({"attachment_kind": _("请选择附件类别。")})
    existing = activity_return.attachments.count()
    if existing + len(stored) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("每份报送最多%(max)s个附件（已有%(existing)s个）。") % {"max": MAX_ATTACHMENTS, "existing": existing}
        )
    rows = []
    for checked, name in stored:
        row = ReturnAttachment(activity_return=activity_return, kind=kind, uploaded_by=_user_or_none(by))
        row.set_file(checked, name)
        rows.append(row)
    return ReturnAttachment.objects.bulk_create(rows)


def add_return_attachments(
    *, activity_return: ActivityReturn, files: Sequence[CheckedAttachment], kind: str, by: User
) -> list[ReturnAttachment]:
    """Attach checked files to a draft or returned return of the officer's own unit. If anything is refused, the
    files written are removed again: a refusal leaves nothing behind."""
    from .services import _ensure_officer_scope

    _ensure_officer_scope(by, activity_return)  # the unit's own return only (services.may_write_return)
    stored = store_files(files, RETURN_FOLDER)
    try:
        with transaction.atomic():
            current = ActivityReturn.objects.select_for_update().get(pk=activity_return.pk)
            if not current.is_editable:
                raise ValidationError(_("只有草稿或被退回的报送可以添加附件。"))
            return record_return_attachments(current, stored, kind=kind, by=by)
    except BaseException:
        delete_private([name for _checked, name in stored])
        raise


def delete_return_attachment(*, attachment: ReturnAttachment, by: User) -> None:
    """Remove an attachment of a draft or returned return (the row, and the file once committed)."""
    from .services import _ensure_officer_scope

    if not ReturnAttachment.objects.for_user(by).filter(pk=attachment.pk).exists():
        raise PermissionDenied
    _ensure_officer_scope(by, ActivityReturn(pk=attachment.activity_return_id))  # services.may_write_return
    with transaction.atomic():
        current = ActivityReturn.objects.select_for_update().get(pk=attachment.activity_return_id)
        if not current.is_editable:
            raise ValidationError(_("只有草稿或被退回的报送可以删除附件。"))
        name = attachment.stored_name
        ReturnAttachment.objects.filter(pk=attachment.pk, activity_return=current).delete()
        transaction.on_commit(lambda: delete_private([name]))


def return_attachment_files(activity_return: ActivityReturn) -> list[str]:
    """The stored names of a return's attachments (deleted with a draft)."""
    return list(ReturnAttachment.objects.filter(activity_return=activity_return).values_list("stored_name", flat=True))


def add_notice_attachments(*, notice: Notice, files: Sequence[CheckedAttachment], by: User) -> list[NoticeAttachment]:
    """Attach checked files to a draft notice (staff)."""
    if not (is_office_staff(by) and by.has_perm("campaigns.change_notice")):
        raise PermissionDenied
    stored = store_files(files, NOTICE_FOLDER)
    try:
        with transaction.atomic():
            current = Notice.objects.select_for_update().get(pk=notice.pk)
            if not current.is_editable:
                raise ValidationError(current.locked_message)
            created = []
            for checked, name in stored:
                row = NoticeAttachment(notice=current, uploaded_by=_user_or_none(by))
                row.set_file(checked, name)
                row.save()
                created.append(row)
            return created
    except BaseException:
        delete_private([name for _checked, name in stored])
        raise


def copy_notice_attachments(*, source: Notice, target: Notice, by: User | None) -> list[NoticeAttachment]:
    """A correction's draft starts with the original's 附件: each file copied under a new private name (an issued
    notice's files stay its own), in the order they were attached. Called last inside the transaction creating
    ``target``; the copied files are removed again if copying fails."""
    kinds = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}
    stored: list[tuple[CheckedAttachment, str]] = []
    try:
        for original in source.attachments.order_by("pk"):
            with default_storage.open(original.stored_name, "rb") as handle:
                data = handle.read()
            checked = CheckedAttachment(
                data=data,
                kind=kinds[original.content_type],
                display_name=original.display_name,
                content_type=original.content_type,
                size=original.size,
                sha256=original.sha256,
            )
            stored.append((checked, store_private(checked, NOTICE_FOLDER)))
        copies = []
        for checked, name in stored:
            row = NoticeAttachment(notice=target, uploaded_by=_user_or_none(by) if by is not None else None)
            row.set_file(checked, name)
            row.save()
            copies.append(row)
        return copies
    except BaseException:
        delete_private([name for _checked, name in stored])
        raise


# --- Reads ----------------------------------------------------------------------------------------------------------


def return_attachment_for(user: User, return_id: int, attachment_id: int) -> ReturnAttachment:
    """An attachment of a return the user may see, or 404 (staff need the permission to view returns, as on the
    admin's pages: a staff account of another trade's group downloads nothing)."""
    if is_office_staff(user) and not user.has_perm("campaigns.view_activityreturn"):
        raise Http404
    attachment = ReturnAttachment.objects.for_user(user).filter(pk=attachment_id, activity_return_id=return_id).first()
    if attachment is None:
        raise Http404
    return attachment


def notices_for(user: User) -> QuerySet[Notice]:
    """The notices whose attachments the user may download: all for staff allowed to view notices; for an officer the
    issued notices addressed to their unit."""
    if is_office_staff(user):
        return Notice.objects.all() if user.has_perm("campaigns.view_notice") else Notice.objects.none()
    unit = officer_unit(user)
    issued = Notice.objects.exclude(status=NoticeStatus.DRAFT)
    if unit is None:
        return Notice.objects.none()
    if unit.member_unit is not None:
        return issued.filter(recipient_units=unit.member_unit)
    if unit.jurisdiction is not None:
        return issued.filter(recipient_jurisdictions=unit.jurisdiction)
    return Notice.objects.none()


def notice_attachment_for(user: User, notice_id: int, attachment_id: int) -> NoticeAttachment:
    """An attachment of a notice the user may read, or 404."""
    if not notices_for(user).filter(pk=notice_id).exists():
        raise Http404
    attachment = NoticeAttachment.objects.filter(pk=attachment_id, notice_id=notice_id).first()
    if attachment is None:
        raise Http404
    return attachment
