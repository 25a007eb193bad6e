"""The legal-record kit every app uses.

Legal records (notices, penalty decisions, certificates, issued documents) are never hard-deleted. Models holding
them use ``LegalRecordQuerySet`` as their manager and ``LegalRecordMixin``: ``delete()`` on an instance or a queryset
raises, and foreign keys to them use ``on_delete=PROTECT`` so no cascade removes them. They are voided or superseded
instead, with who, when and why: ``VoidableRecord`` (or, for a model with its own status and void columns, the
``Voidable`` contract) and the one ``safetyportal.services.void_record`` service, which also writes the record's
history row (``safetyportal.history.RecordHistory``).

Audit trails and event logs are append-only (``AppendOnlyModel`` with an ``AppendOnlyQuerySet``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .scoping import ScopedQuerySet
from .types import QuerySetMixinBase


class LegalRecordQuerySet(models.QuerySet[Any]):
    def delete(self) -> NoReturn:
        raise ProtectedError(_("法律文书记录不能删除，只能作废或被替代。"), set(self))

    def update(self, **kwargs: Any) -> int:
        """The edit guard of issued records (``IssuedRecord.save``) for queryset updates too: a model's
        ``CONTENT_FIELDS`` never change on a row that is no longer a draft; status-only updates (issued ->
        superseded) and updates of drafts pass."""
        locked = self._locked_fields(kwargs)
        if locked and self.exclude(status="draft").exists():
            raise ValidationError(str(getattr(self.model, "locked_message", "") or _("已印发的文书不能修改。")))
        return super().update(**kwargs)

    def _locked_fields(self, kwargs: dict[str, Any]) -> list[str]:
        content = set(getattr(self.model, "CONTENT_FIELDS", ()))
        if not content:
            return []
        names: list[str] = []
        for name in kwargs:
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if {name, field.name, getattr(field, "attname", name)} & content:
                names.append(name)
        return names


class LegalRecordMixin(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ProtectedError(_("法律文书记录不能删除，只能作废或被替代。"), {self})


# The plugin gives each queryset's as_manager() a manager class of its own, not a subclass of the parents' managers.
class ScopedLegalQuerySet(LegalRecordQuerySet, ScopedQuerySet):  # type: ignore[override]
    """Legal records an officer may reach: scoped reads, no deletes."""


# Voiding -----------------------------------------------------------------------------------------------------------


class RecordStatus(models.TextChoices):
    ACTIVE = "active", gettext_lazy("有效")
    VOIDED = "voided", gettext_lazy("已作废")


class Voidable(LegalRecordMixin):
    """What ``safetyportal.services.void_record`` needs of a legal record (no columns of its own).

    The model has ``voided_at``, ``voided_by`` and ``void_reason`` columns and a status column named by
    ``void_status_field``; ``void_actions`` maps each voided status it may take to the action code written in the
    record's history (``RecordHistory.action``). The messages are the model's to word."""

    void_status_field: ClassVar[str] = "record_status"
    void_actions: ClassVar[Mapping[str, str]] = {RecordStatus.VOIDED: "void"}
    void_reason_required: ClassVar[Any] = gettext_lazy("请填写作废理由。")
    already_voided: ClassVar[Any] = gettext_lazy("该记录已作废。")

    if TYPE_CHECKING:  # the columns each model declares itself
        voided_at: dt.datetime | None
        voided_by: Any
        void_reason: str

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return getattr(self, self.void_status_field) in self.void_actions


class VoidableRecord(Voidable):
    """A legal record: never deleted, voided with who, when and why (through ``void_record``)."""

    record_status = models.CharField(
        gettext_lazy("记录状态"),
        max_length=8,
        choices=RecordStatus.choices,
        default=RecordStatus.ACTIVE,
        editable=False,
    )
    voided_at = models.DateTimeField(gettext_lazy("作废时间"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("作废人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    void_reason = models.CharField(gettext_lazy("作废理由"), max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(gettext_lazy("登记时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(gettext_lazy("更新时间"), auto_now=True)

    class Meta:
        abstract = True


# Append-only audit rows --------------------------------------------------------------------------------------------
#
# Audit trails and event logs (the role audit ``RoleChange``, ``RecordHistory``, inspections' ``HazardEvent`` and
# ``IdentityAccessLog``, campaigns' ``ReturnEvent``) are created, never changed or removed, not even in bulk. (Django's
# deletion collector works through the base manager: a row an ``on_delete=CASCADE`` or ``SET_NULL`` reaches still
# goes; models choose ``PROTECT`` where that must not happen.) A model names its own refusals in ``change_refused`` and
# ``delete_refused``; the queryset uses the model's.

AUDIT_CHANGE_REFUSED = gettext_lazy("审计记录不能修改。")
AUDIT_DELETE_REFUSED = gettext_lazy("审计记录不能删除。")


class AppendOnlyQuerySetMixin(QuerySetMixinBase):
    """Rows of an audit trail: created, never changed or removed, not even in bulk."""

    def _refusal(self, name: str, default: Any) -> str:
        return str(getattr(self.model, name, default))

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied(self._refusal("change_refused", AUDIT_CHANGE_REFUSED))

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise PermissionDenied(self._refusal("change_refused", AUDIT_CHANGE_REFUSED))

    def delete(self) -> Any:
        raise PermissionDenied(self._refusal("delete_refused", AUDIT_DELETE_REFUSED))


class AppendOnlyQuerySet(AppendOnlyQuerySetMixin, models.QuerySet):
    pass


class ScopedAppendOnlyQuerySet(AppendOnlyQuerySetMixin, ScopedQuerySet):
    pass


class AppendOnlyModel(models.Model):
    change_refused: Any = AUDIT_CHANGE_REFUSED
    delete_refused: Any = AUDIT_DELETE_REFUSED

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied(str(self.change_refused))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied(str(self.delete_refused))
