"""The issued record: what every numbered paper the office signs has in common.

A notice, a campaign summary, a rectification order (and every later numbered paper: circulars, supervision orders,
interview notices) inherits ``IssuedRecord``: its authority, number (年份, 序号, 发文字号), date, who issued it, the
official document, the figures frozen at issue (``snapshot``), the status and the edit guard. The one
``services.issue()`` / ``services.preview()`` pair and the one admin mixin (``issuing_admin.IssuingAdminMixin``)
work for all of them through the class attributes and hooks below.

A subclass sets ``DOCUMENT_KIND`` (the registered builder of its PDF), ``CONTENT_FIELDS`` (attribute names locked
once issued), optionally ``COMPANIONS`` (other documents produced with the PDF, e.g. the summary's workbook, as
``(foreign key field, kind)``), ``STATUS_CHOICES`` / ``FIELD_LABELS`` / ``ISSUE_VERB`` for its own wording, and
overrides the hooks it needs: ``document_title``, ``addressees``, ``check_issuable``, ``build_snapshot``,
``check_snapshot``, ``after_issue``."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import class_prepared, m2m_changed
from django.utils.translation import gettext_lazy as _

from safetyportal.records import LegalRecordMixin, LegalRecordQuerySet

from .models import GeneratedDocument, IssuingAuthority

if TYPE_CHECKING:
    from safetyportal.types import User


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")
    SUPERSEDED = "superseded", _("已被更正")


# Locked once issued, whatever the kind: the number and what was issued under it.
ISSUE_FIELDS = ("authority_id", "year", "serial", "number", "issued_on", "document_id", "snapshot")


class IssuedRecord(LegalRecordMixin, models.Model):
    DOCUMENT_KIND: ClassVar[str] = ""
    CONTENT_FIELDS: ClassVar[tuple[str, ...]] = ()
    CONTENT_M2M: ClassVar[tuple[str, ...]] = ()  # many-to-many fields locked once issued (m2m_changed guard below)
    COMPANIONS: ClassVar[tuple[tuple[str, str], ...]] = ()
    STATUS_CHOICES: ClassVar[type[models.TextChoices]] = IssueStatus
    FIELD_LABELS: ClassVar[dict[str, Any]] = {}
    ISSUE_VERB: ClassVar[Any] = _("印发")
    locked_message: ClassVar[Any] = _("已印发的文书不能修改。")
    issue_permission: ClassVar[str] = ""  # "<app_label>.issue_<model_name>" unless a subclass names another

    authority = models.ForeignKey(
        IssuingAuthority, verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.DRAFT, db_index=True, editable=False
    )
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True, editable=False)
    serial = models.PositiveIntegerField(_("序号"), null=True, blank=True, editable=False)
    number = models.CharField(_("发文字号"), max_length=64, blank=True, editable=False, db_index=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    document = models.ForeignKey(
        GeneratedDocument,
        verbose_name=_("正式文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    snapshot = models.JSONField(_("印发时的数据"), null=True, blank=True, editable=False)
    snapshot_taken_at = models.DateTimeField(_("数据取数时间"), null=True, blank=True, editable=False)

    objects = LegalRecordQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="%(app_label)s_%(class)s_number",
            )
        ]

    # The edit guard: the content and the number of an issued record never change -------------------------------

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = self.__dict__.get("_loaded") or {}
        if loaded.get("status", IssueStatus.DRAFT) != IssueStatus.DRAFT:
            current = self._guarded_values()
            changed = [name for name, value in loaded.items() if name in current and current[name] != value]
            # The status may move on (issued -> superseded), never back to draft.
            if [name for name in changed if name != "status"] or current.get("status") == IssueStatus.DRAFT:
                raise ValidationError(self.locked_message)
        super().save(*args, **kwargs)
        self._loaded = self._guarded_values()

    def _guarded_values(self) -> dict[str, Any]:
        names = ("status", *self.CONTENT_FIELDS, *ISSUE_FIELDS)
        return {name: copy.deepcopy(self.__dict__[name]) for name in names if name in self.__dict__}

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any) -> Self:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded = instance._guarded_values()
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._loaded = self._guarded_values()

    # Hooks ---------------------------------------------------------------------------------------------------------

    def document_title(self) -> str:
        """The title of the generated documents (and of the register line)."""
        return str(getattr(self, "title", "") or self)

    def register_title(self) -> str:
        return self.document_title()

    def addressees(self) -> list[str]:
        """Who the paper is addressed to (主送), as the confirmation page lists them."""
        return []

    def may_issue(self, by: User) -> bool:
        """Whether ``by`` may issue this record (under its authority): the kind's issue permission by default; a kind
        may let others issue too (a county's or subdistrict's office officer under its own unit's authority, see
        ``campaigns.Notice``). ``services.issue()`` asks here, on the locked row."""
        return by.has_perm(self.issue_permission)

    def check_issuable(self, issued_on: dt.date) -> None:
        """Raise ValidationError if the record cannot be issued on that date (called with the row locked)."""

    def build_snapshot(self) -> dict[str, Any]:
        """The figures the issued paper shows, computed once at issue and stored with it (JSON)."""
        return {}

    def check_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Raise ValidationError (code ``stale_figures``) if the paper's text disagrees with the figures about to be
        frozen: the binding check, on the very snapshot that is stored (``check_issuable`` may warn earlier, on live
        figures). Called in the issuing transaction before the number is taken."""

    def after_issue(self, by: User) -> None:
        """What else issuing changes (history rows, superseded papers), in the issuing transaction."""

    # State -----------------------------------------------------------------------------------------------------------

    @property
    def is_editable(self) -> bool:
        return self.status == IssueStatus.DRAFT

    @classmethod
    def number_label(cls) -> str:
        return str(_own_field(cls, "number").verbose_name)


def _own_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A field of the model itself (``get_field()`` also finds reverse relations, which these names never are)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a field of the model")
    return field


def _prepare_issued_record(sender: type[models.Model], **kwargs: Any) -> None:
    """Apply a subclass's wording (status labels, field labels) and its default issue permission."""
    if not issubclass(sender, IssuedRecord) or sender._meta.abstract:
        return
    sender._meta.get_field("status").choices = sender.STATUS_CHOICES.choices
    for name, label in sender.FIELD_LABELS.items():
        field = _own_field(sender, name)
        # _verbose_name (Django's private copy, not in the stubs) is what migrations see (deconstruct)
        field.verbose_name = field._verbose_name = label  # type: ignore[attr-defined]
    if not sender.issue_permission:
        sender.issue_permission = f"{sender._meta.app_label}.issue_{sender._meta.model_name}"


class_prepared.connect(_prepare_issued_record)


def _issued_m2m_field(record_model: type[models.Model], through: type[models.Model]) -> str | None:
    """The name of the record model's locked many-to-many field whose through table is ``through``, if any."""
    if not issubclass(record_model, IssuedRecord):
        return None
    for name in record_model.CONTENT_M2M:
        if getattr(record_model, name).through is through:
            return name
    return None


def _guard_issued_m2m(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """The edit guard of the many-to-many content (``CONTENT_M2M``: a notice's addressees, an order's hazards):
    adding, removing or clearing on an issued record is refused with its ``locked_message``, from either side of the
    relation (``notice.recipient_units.add(...)`` as well as ``unit.notices.add(notice)``)."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        if _issued_m2m_field(type(instance), sender) is None:
            return
        record = cast(IssuedRecord, instance)
        loaded = record.__dict__.get("_loaded") or {}  # the status as loaded, as the save() guard reads it
        if record.status != IssueStatus.DRAFT or loaded.get("status", IssueStatus.DRAFT) != IssueStatus.DRAFT:
            raise ValidationError(record.locked_message)
        return
    name = _issued_m2m_field(model, sender)
    if name is None:
        return
    record_model = cast(type[IssuedRecord], model)
    # Clearing from the other side (no pk_set) touches every record linked to the instance.
    linked = models.Q(pk__in=pk_set) if pk_set is not None else models.Q(**{name: instance})
    if record_model._default_manager.exclude(status=IssueStatus.DRAFT).filter(linked).exists():
        raise ValidationError(record_model.locked_message)


m2m_changed.connect(_guard_issued_m2m, dispatch_uid="safetyportal.documents.issuing.guard_issued_m2m")
