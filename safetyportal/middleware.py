"""Cross-cutting request handling: host guard, session lifetime, private caching, and early refusals before a
request body is read."""

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
    not: a forged value is answered with 400 rather than trusted anywhere down the line. Every entry of a
    comma-separated list must be one of ours, since a proxy or cache may read the first (client-written) one."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_HOST")
        if forwarded is not None and not all(self.is_ours(host) for host in forwarded.split(",")):
            return HttpResponseBadRequest("Bad Request (400)")
        return self.get_response(request)

    @staticmethod
    def is_ours(host: str) -> bool:
        domain, _port = split_domain_port(host.strip())
        return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


class SessionLifetimeMiddleware:
    """End a session SESSION_ABSOLUTE_SECONDS after login, however active it was (the idle timeout is the
    cookie age, renewed on each request)."""

    KEY = "_login_started_at"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(self.KEY)
            if started is None:
                request.session[self.KEY] = time.time()
            elif time.time() - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        user_before = request.user
        response = self.get_response(request)
        # The clock starts at the login itself, not at the next request. django.contrib.auth.login() replaces
        # request.user, so a login during this request (also the same user signing in again, whose session data
        # login() keeps) restarts it; a password change (update_session_auth_hash) does not.
        if request.user.is_authenticated and (request.user is not user_before or self.KEY not in request.session):
            request.session[self.KEY] = time.time()
        return response


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


class AuditActorMiddleware:
    """Tell the role-change audit (safetyportal.audit) who is acting during this request. The user is resolved only
    when something is audited, so requests that change no role cost no query."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .audit import acting_request

        with acting_request(request):
            return self.get_response(request)


class EarlyRefusalMiddleware:
    """Before CsrfViewMiddleware (which parses a POST's whole body for its token): a view may refuse a request that
    needs no body to be refused (a client over its limit, an upload declaring more than the cap) through its
    ``refuse_early(request, *args, **kwargs)`` attribute, e.g. safetyportal/documents/views.py ``verify``."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        check = getattr(view_func, "refuse_early", None)
        return check(request, *view_args, **view_kwargs) if check is not None else None
