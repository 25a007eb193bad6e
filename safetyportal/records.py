"""Legal records (notices, penalty decisions, certificates, issued documents) are never hard-deleted.

Models holding them use ``LegalRecordQuerySet`` as their manager and ``LegalRecordMixin``: ``delete()`` on an instance
or a queryset raises, and foreign keys to them use ``on_delete=PROTECT`` so no cascade removes them. They are voided
or superseded instead, with who, when and why."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _


class LegalRecordQuerySet(models.QuerySet):
    def delete(self) -> Any:  # type: ignore[override]
        raise ProtectedError(_("法律文书记录不能删除，只能作废或被替代。"), set(self))


class LegalRecordMixin(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ProtectedError(_("法律文书记录不能删除，只能作废或被替代。"), {self})
