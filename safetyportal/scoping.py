"""The one way a queryset is narrowed to what a user may see.

Every model an officer can reach uses ``ScopedQuerySet`` as its manager and names, in ``scope_path``, the lookup
path from the model to its Jurisdiction (default ``"jurisdiction"``; ``"campaign_task__jurisdiction"`` for a row
hanging off another). Views, exports, imports and workers all call ``for_user(user)``, so an object of another
unit is simply not found (404) rather than forbidden.

- office staff (``is_staff``) see everything;
- an officer sees their jurisdiction and everything below it;
- anyone else sees nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from .models import Jurisdiction
    from .types import UserOrAnonymous

M = TypeVar("M", bound=models.Model)


def officer_jurisdiction(user: UserOrAnonymous | None) -> Jurisdiction | None:
    """The jurisdiction of an active officer, or None for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "officer_profile", None)
    return profile.jurisdiction if profile is not None else None


def is_officer(user: UserOrAnonymous | None) -> bool:
    return user is not None and officer_jurisdiction(user) is not None and not user.is_staff


def is_office_staff(user: UserOrAnonymous | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def scope_lookup(model: type[models.Model]) -> str:
    path = getattr(model, "scope_path", "jurisdiction")
    return f"{path}__path__startswith" if path else "path__startswith"


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user: UserOrAnonymous | None) -> Self:
        if is_office_staff(user):
            return self
        jurisdiction = officer_jurisdiction(user)
        if jurisdiction is None:
            return self.none()
        return self.filter(**{scope_lookup(self.model): jurisdiction.path})

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


def in_scope(user: UserOrAnonymous | None, jurisdiction: Jurisdiction | None) -> bool:
    """Whether a jurisdiction (e.g. one named in a form or a spreadsheet row) is inside the user's scope."""
    if jurisdiction is None:
        return False
    if is_office_staff(user):
        return True
    own = officer_jurisdiction(user)
    return own is not None and jurisdiction.path.startswith(own.path)
