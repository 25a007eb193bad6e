"""Cross-cutting request handling: host guard, session lifetime and private caching."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.request import split_domain_port, validate_host
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]


class ForwardedHostGuardMiddleware:
    """Refuse a request whose X-Forwarded-Host names a host we do not serve.

    Django ignores that header unless USE_X_FORWARDED_HOST is set, but a proxy or cache in front of the portal may
    not: a forged value is answered with 400 rather than trusted anywhere down the line."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_HOST")
        if forwarded is not None:
            host = forwarded.split(",")[-1].strip()
            domain, _port = split_domain_port(host)
            if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
                return HttpResponseBadRequest("Bad Request (400)")
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """End a session SESSION_ABSOLUTE_SECONDS after login, however active it was (the idle timeout is the
    cookie age, renewed on each request)."""

    KEY = "_login_started_at"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(self.KEY)
            now = time.time()
            if started is None:
                request.session[self.KEY] = now
            elif now - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Pages seen by a signed-in user are never stored by a browser or proxy cache."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
