"""Legal records (notices, penalty decisions, certificates, issued documents) are never hard-deleted.

Models holding them use ``LegalRecordQuerySet`` as their manager and ``LegalRecordMixin``: ``delete()`` on an instance
or a queryset raises, and foreign keys to them use ``on_delete=PROTECT`` so no cascade removes them. They are voided
or superseded instead, with who, when and why."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .scoping import ScopedQuerySet


class LegalRecordQuerySet(models.QuerySet):
    def delete(self) -> Any:  # type: ignore[override]
        raise ProtectedError(_("法律文书记录不能删除，只能作废或被替代。"), set(self))


class LegalRecordMixin(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ProtectedError(_("法律文书记录不能删除，只能作废或被替代。"), {self})


# Append-only audit rows --------------------------------------------------------------------------------------------
#
# Audit trails (the role audit ``RoleChange``, inspections' ``HazardEvent``, ``RecordHistory``, ``IdentityAccessLog``)
# are created, never changed or removed, not even in bulk. A model names its own refusals in ``change_refused`` and
# ``delete_refused``; the queryset uses the model's.

AUDIT_CHANGE_REFUSED = gettext_lazy("审计记录不能修改。")
AUDIT_DELETE_REFUSED = gettext_lazy("审计记录不能删除。")


class AppendOnlyQuerySetMixin:
    """Rows of an audit trail: created, never changed or removed, not even in bulk."""

    model: type[models.Model]

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
