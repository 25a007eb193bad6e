"""A signed-in session counts only with a verified second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

if TYPE_CHECKING:
    from safetyportal.types import UserOrAnonymous


def _anonymous() -> AnonymousUser:
    user = AnonymousUser()
    # django-otp's attributes, which OTPMiddleware sets on every request.user (the stubs do not know them)
    user.otp_device = None  # type: ignore[attr-defined]
    user.is_verified = lambda: False  # type: ignore[attr-defined]
    return user


class VerifiedSessionMiddleware:
    """After django-otp's OTPMiddleware: a session that is signed in but not verified (its device was reset by a
    superuser, or it dates from before the second factor) is treated as anonymous on every page, so no view, admin
    check or scoped queryset can ever see such a user. Logins themselves never create one (see services.py).
    Lazy like AuthenticationMiddleware: a request that never looks at the user costs no query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            # lazy like AuthenticationMiddleware's, which the stubs type as the user it stands for
            request.user = cast("UserOrAnonymous", SimpleLazyObject(lambda: self._checked(user)))
        return self.get_response(request)

    @staticmethod
    def _checked(user: UserOrAnonymous) -> UserOrAnonymous:
        # is_verified() is django-otp's, set by OTPMiddleware on every request.user (the stubs do not know it)
        if user.is_authenticated and not user.is_verified():  # type: ignore[attr-defined]
            return _anonymous()
        return user
