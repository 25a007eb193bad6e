"""Writes of the legal-record kit shared by every app: a record's history row and voiding with a reason.

Each app's services call these inside their own transaction, so the change and its history row commit together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .fields import BlindIndexField, EncryptedIdNumberField
from .history import RecordHistory
from .records import Voidable
from .validators import mask_id_number

if TYPE_CHECKING:
    from .types import User, UserOrAnonymous

V = TypeVar("V", bound=Voidable)


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: None, booleans, integers and strings as they are, anything else as its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited values of a row: every concrete field except the primary key and timestamps kept by Django.

    An ID number encrypted at rest is kept masked and its lookup index not at all: the history is read by every
    member of staff and must not become a plaintext copy of what the column protects."""
    values = {}
    for field in instance._meta.concrete_fields:
        if getattr(field, "auto_now", False) or field.primary_key or isinstance(field, BlindIndexField):
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, EncryptedIdNumberField) and value:
            value = mask_id_number(str(value))
        values[field.name] = _plain(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [before, after] for every value of ``after`` that differs from ``before``."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _actor(by: UserOrAnonymous | None) -> User | None:
    """The user to name, or None for the system (no user, a visitor, an unsaved user)."""
    return by if by is not None and by.is_authenticated and by.pk else None


def record_history(
    obj: models.Model,
    *,
    action: str,
    by: UserOrAnonymous | None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> RecordHistory:
    """One history row for ``obj`` (any app's legal record); ``by`` None (or anonymous) is the system."""
    return RecordHistory.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        action=action,
        actor=_actor(by),
        changes=changes or {},
        note=note,
    )


def void_record(*, record: V, by: UserOrAnonymous | None, reason: str, status: str | None = None) -> V:
    """Void a legal record: the row stays, with who, when and why, and a history row says so.

    ``status`` is the voided status to take (one of ``record.void_actions``; the first by default). Permission checks
    are the caller's. Returns the record as saved (a fresh instance read under a row lock)."""
    model = type(record)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(str(model.void_reason_required))
    status = status or next(iter(model.void_actions))
    if status not in model.void_actions:
        raise ValidationError(_("不是可用的作废状态：%(status)s") % {"status": status})
    field = model.void_status_field
    limit = getattr(model._meta.get_field("void_reason"), "max_length", None)
    with transaction.atomic():
        current = model._base_manager.select_for_update().get(pk=record.pk)
        if current.is_voided:
            raise ValidationError(str(model.already_voided))
        before = getattr(current, field)
        setattr(current, field, status)
        current.voided_at = timezone.now()
        current.voided_by = _actor(by)
        current.void_reason = reason[:limit] if limit else reason
        update_fields = [field, "voided_at", "voided_by", "void_reason"]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            update_fields.append("updated_at")
        current.save(update_fields=update_fields)
        record_history(
            current, action=model.void_actions[status], by=by, changes={field: [before, status]}, note=reason
        )
    return current
