"""Types for annotations: the portal's users, and the bases that let mixins be type-checked.

``User`` is the portal's user model (Django's ``auth.User``; AUTH_USER_MODEL is not swapped): every ``by=`` of a
service and every ``user`` of a selector that needs a signed-in person. ``UserOrAnonymous`` is what
``request.user`` is, for the reads and checks that also answer for a visitor (they see nothing, may do nothing).
``AuthenticatedRequest`` is a request behind the portal's login, whose ``user`` is a ``User``; ``signed_in_user()``
gives that user where a view's signature must stay Django's (admin views, overridden methods).

The aliases are strings resolved only by the type checker, so importing this module never imports Django's auth
models (services are imported while the app registry is still loading).

``QuerySetMixinBase`` and ``ModelAdminMixinBase`` are what a queryset or admin mixin derives from: the class it will
be mixed into for the type checker, ``object`` at run time (so the method resolution order stays the mixin's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.auth.models import User as _User
    from django.db.models import QuerySet
    from django.http import HttpRequest

    class AuthenticatedRequest(HttpRequest):
        user: _User

    QuerySetMixinBase = QuerySet[Any]
    ModelAdminMixinBase = ModelAdmin[Any]
else:
    from django.http import HttpRequest as AuthenticatedRequest

    QuerySetMixinBase = ModelAdminMixinBase = object

User: TypeAlias = "_User"
UserOrAnonymous: TypeAlias = "_User | AnonymousUser"


def signed_in_user(request: HttpRequest) -> User:
    """``request.user`` of a view behind a login (the admin site, ``officer_required``): PermissionDenied for a
    visitor, whom such a view never sees."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


__all__ = [
    "AuthenticatedRequest",
    "ModelAdminMixinBase",
    "QuerySetMixinBase",
    "User",
    "UserOrAnonymous",
    "signed_in_user",
]
