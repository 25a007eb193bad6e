"""A reference to exactly one unit of the network: a Jurisdiction (county, subdistrict/town, community) or a committee
MemberUnit (成员单位). Officers' accounts, notice and circular receipts, the units' 企业微信 groups and every later
"addressed to a unit" row carry the same pair of nullable foreign keys, the same database check and the same reads;
they take them from here instead of writing them again.

Fields are made by ``unit_fields()`` (the caller names them, so labels, ``related_name`` and the one-to-one choice
stay as each model had them and no migration changes), the check by ``exactly_one_unit()``, and the reads by the
``UnitReferenceMixin`` (``unit``, ``unit_name``, ``unit_key``). ``unit_condition()`` filters rows of one unit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from .models import Jurisdiction, MemberUnit

    Label = str | _StrPromise
else:
    Label = str | Promise

JURISDICTION = "jurisdiction"
MEMBER_UNIT = "member_unit"


def unit_fields(
    *,
    related_name: str,
    jurisdiction_label: Label,
    member_unit_label: Label,
    on_delete: Any = models.PROTECT,
    one_to_one: bool = False,
    jurisdiction_help: Label = "",
    member_unit_help: Label = "",
) -> tuple[models.ForeignKey[Any, Any], models.ForeignKey[Any, Any]]:
    """The two nullable keys: ``jurisdiction, member_unit = unit_fields(...)`` in a model's body."""
    field = models.OneToOneField if one_to_one else models.ForeignKey
    common: dict[str, Any] = {"null": True, "blank": True, "on_delete": on_delete, "related_name": related_name}
    return (
        field("safetyportal.Jurisdiction", verbose_name=jurisdiction_label, help_text=jurisdiction_help, **common),
        field("safetyportal.MemberUnit", verbose_name=member_unit_label, help_text=member_unit_help, **common),
    )


def exactly_one_unit(name: str) -> models.CheckConstraint:
    """The database check: a jurisdiction or a member unit, never both, never neither."""
    return models.CheckConstraint(
        condition=(
            Q(jurisdiction__isnull=False, member_unit__isnull=True)
            | Q(jurisdiction__isnull=True, member_unit__isnull=False)
        ),
        name=name,
    )


def unit_condition(unit: Jurisdiction | MemberUnit, prefix: str = "") -> Q:
    """The rows that refer to ``unit`` itself (``prefix`` for a related model, e.g. "receipts__")."""
    from .models import MemberUnit

    if isinstance(unit, MemberUnit):
        return Q(**{f"{prefix}member_unit": unit})
    return Q(**{f"{prefix}jurisdiction": unit, f"{prefix}member_unit__isnull": True})


class UnitReferenceMixin:
    """Reads of a model with the two keys of ``unit_fields()`` (a plain mixin: no fields, no migration)."""

    jurisdiction_id: int | None
    member_unit_id: int | None

    @property
    def unit(self) -> Jurisdiction | MemberUnit | None:
        return self.member_unit if self.member_unit_id else self.jurisdiction  # type: ignore[attr-defined]

    @property
    def unit_name(self) -> str:
        unit = self.unit
        return str(unit.name) if unit is not None else ""

    @property
    def unit_key(self) -> tuple[str, int] | None:
        """("jurisdiction", pk) or ("member_unit", pk), as safetyportal.unit_figures keys units."""
        if self.member_unit_id:
            return (MEMBER_UNIT, self.member_unit_id)
        if self.jurisdiction_id:
            return (JURISDICTION, self.jurisdiction_id)
        return None

    def check_one_unit(self, message: Label, field: str = JURISDICTION) -> None:
        """The form-level twin of ``exactly_one_unit``: a clear message instead of an IntegrityError."""
        if (self.jurisdiction_id is None) == (self.member_unit_id is None):
            raise ValidationError({field: message})
