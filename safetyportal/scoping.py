"""The one way a queryset is narrowed to what a user may see.

Every model an officer can reach uses ``ScopedQuerySet`` as its manager and names, in ``scope_path``, the lookup
path from the model to its Jurisdiction (default ``"jurisdiction"``; ``"campaign_task__jurisdiction"`` for a row
hanging off another). Views, exports, imports and workers all call ``for_user(user)``, so an object of another
unit is simply not found (404) rather than forbidden.

An officer belongs to exactly one portal unit (``officer_unit``): the office of a county or subdistrict/town, a
community/village (both a Jurisdiction), or a committee member unit (成员单位, not geographic). A model a member-unit
officer may reach also names, in ``member_scope_path``, the lookup from the model to its MemberUnit's pk (e.g.
``"member_unit"``, ``"activity_return__member_unit"``, ``"member_units"`` for a many-to-many, ``"pk"`` on MemberUnit
itself).

- office staff (``is_staff``) see everything;
- an office or community officer sees their jurisdiction and everything below it;
- a member-unit officer sees the rows of models declaring ``member_scope_path`` that belong to their unit, and
  nothing of any other model (fail closed);
- anyone else sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from .models import Jurisdiction, MemberUnit
    from .types import UserOrAnonymous

M = TypeVar("M", bound=models.Model)

UnitKind = Literal["office", "community", "member"]

UNIT_KIND_LABELS: dict[str, Promise] = {
    "office": _("区划办公室"),
    "community": _("社区（村）"),
    "member": _("成员单位"),
}


@dataclass(frozen=True)
class PortalUnit:
    """The unit an officer works for: ``kind`` is "office" (a county's or subdistrict/town's office), "community"
    (社区/村) or "member" (a committee member unit, 成员单位). ``jurisdiction`` is None for a member unit;
    ``member_unit`` is None for the others."""

    kind: UnitKind
    jurisdiction: Jurisdiction | None
    member_unit: MemberUnit | None

    @property
    def name(self) -> str:
        unit = self.member_unit if self.kind == "member" else self.jurisdiction
        return str(unit) if unit is not None else ""

    @property
    def kind_label(self) -> str:
        if self.kind == "office" and self.jurisdiction is not None:
            return str(self.jurisdiction.get_level_display())
        return str(UNIT_KIND_LABELS[self.kind])

    @property
    def pk(self) -> int | None:
        unit = self.member_unit if self.kind == "member" else self.jurisdiction
        return unit.pk if unit is not None else None

    def own_condition(self, prefix: str = "") -> Q:
        """The rows that refer to this unit itself (not its communities): ``unit_reference.unit_condition``."""
        from .unit_reference import unit_condition

        unit = self.member_unit if self.kind == "member" else self.jurisdiction
        return unit_condition(unit, prefix) if unit is not None else Q(pk__in=[])


def officer_unit(user: UserOrAnonymous | None) -> PortalUnit | None:
    """The portal unit of an active officer (never a staff account), or None for anyone else (an account of a member
    unit no longer in use, ``MemberUnit.is_active`` False, included)."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_staff:
        return None
    profile = getattr(user, "officer_profile", None)
    if profile is None:
        return None
    if profile.member_unit_id is not None:
        if profile.jurisdiction_id is not None:  # the database forbids it; fail closed all the same
            return None
        if not profile.member_unit.is_active:  # a dissolved or merged unit: its accounts reach nothing
            return None
        return PortalUnit(kind="member", jurisdiction=None, member_unit=profile.member_unit)
    jurisdiction = profile.jurisdiction
    if jurisdiction is None:
        return None
    kind: UnitKind = "community" if jurisdiction.level == "community" else "office"
    return PortalUnit(kind=kind, jurisdiction=jurisdiction, member_unit=None)


def officer_jurisdiction(user: UserOrAnonymous | None) -> Jurisdiction | None:
    """The jurisdiction of an active office or community officer; None for a member-unit officer (code written for
    jurisdictions gives them nothing) and anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "officer_profile", None)
    if profile is None or profile.member_unit_id is not None:
        return None
    return profile.jurisdiction


def officer_member_unit(user: UserOrAnonymous | None) -> MemberUnit | None:
    """The member unit of an active member-unit officer, or None for anyone else."""
    unit = officer_unit(user)
    return unit.member_unit if unit is not None else None


def is_officer(user: UserOrAnonymous | None) -> bool:
    """Whether the user is an active officer of any kind of portal unit (never a staff account)."""
    return officer_unit(user) is not None


def is_office_staff(user: UserOrAnonymous | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def scope_lookup(model: type[models.Model]) -> str:
    path = getattr(model, "scope_path", "jurisdiction")
    return f"{path}__path__startswith" if path else "path__startswith"


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user: UserOrAnonymous | None) -> Self:
        if is_office_staff(user):
            return self
        unit = officer_unit(user)
        if unit is None:
            return self.none()
        if unit.member_unit is not None:
            path = getattr(self.model, "member_scope_path", None)
            if not path:
                return self.none()
            return self.filter(**{path: unit.member_unit.pk})
        if unit.jurisdiction is None:
            return self.none()
        return self.filter(**{scope_lookup(self.model): unit.jurisdiction.path})

    def for_jurisdiction(self, jurisdiction: Jurisdiction) -> Self:
        return self.filter(**{scope_lookup(self.model): jurisdiction.path})


def scoped(model_or_queryset: type[M] | models.QuerySet, user: UserOrAnonymous | None) -> models.QuerySet:
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, models.QuerySet)
        else model_or_queryset._default_manager.all()
    )
    if not isinstance(queryset, ScopedQuerySet):
        raise TypeError(f"{queryset.model.__name__} has no ScopedQuerySet manager; it cannot be scoped.")
    return queryset.for_user(user)


def get_scoped_object_or_404(
    model_or_queryset: type[M] | models.QuerySet, user: UserOrAnonymous | None, **lookup: Any
) -> M:
    """The object if the user may see it; 404 whether it exists elsewhere or not at all."""
    try:
        return scoped(model_or_queryset, user).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def in_scope(
    user: UserOrAnonymous | None, jurisdiction: Jurisdiction | None = None, member_unit: MemberUnit | None = None
) -> bool:
    """Whether a unit (e.g. one named in a form or a spreadsheet row) is inside the user's scope.

    - a jurisdiction: inside an office or community officer's tree; never for a member-unit officer;
    - a member unit: a member-unit officer's own unit, or one whose jurisdiction is inside an officer's tree;
    - both (a member unit's row, whose jurisdiction is its unit's): the member unit decides for a member-unit
      officer, both must be in scope for the others;
    - neither: False."""
    if jurisdiction is None and member_unit is None:
        return False
    if is_office_staff(user):
        return True
    unit = officer_unit(user)
    if unit is None:
        return False
    if unit.member_unit is not None:
        return member_unit is not None and member_unit.pk == unit.member_unit.pk
    own = unit.jurisdiction
    if own is None:
        return False
    if jurisdiction is not None and not jurisdiction.path.startswith(own.path):
        return False
    return member_unit is None or member_unit.jurisdiction.path.startswith(own.path)
