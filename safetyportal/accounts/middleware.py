"""A signed-in session counts only with a verified second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject


def _anonymous() -> AnonymousUser:
    user = AnonymousUser()
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
            request.user = SimpleLazyObject(lambda: self._checked(user))
        return self.get_response(request)

    @staticmethod
    def _checked(user: Any) -> Any:
        if user.is_authenticated and not user.is_verified():
            return _anonymous()
        return user
