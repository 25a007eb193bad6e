"""Shared helpers for security crawls: fetch many URLs, check the security headers of each response, find inline
code a strict CSP would block, and fingerprint the database to prove a crawl changed nothing.

Typical use::

    responses = crawl(client, crawl_urls() + admin_sample_urls(), secure=True)
    assert_no_problems(responses, security_header_problems, authenticated=True)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.http import HttpResponse
from django.test import Client

HSTS_MIN_SECONDS = 31_536_000
REQUIRED_CSP = {"object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'"}

# Tables a read-only crawl may legitimately change, and why. Everything else must stay byte-identical.
CHECKSUM_EXCLUDED_MODELS = {
    "sessions.session": "SESSION_SAVE_EVERY_REQUEST renews the expiry of the session row on every request",
    "axes.accessattempt": "django-axes records login attempts (only on login POSTs, excluded for safety)",
    "axes.accesslog": "django-axes logs logins and logouts",
    "axes.accessfailurelog": "django-axes logs failed logins",
    "axes.accessattemptexpiration": "django-axes expiry of attempts (when AXES_USE_ATTEMPT_EXPIRATION is on)",
    "safetyportal.throttlecounter": "rate-limit windows counted for throttled GETs (Redis keys on a Redis set-up)",
}
CHECKSUM_EXCLUDED_FIELDS = {
    "auth.user": {"last_login": "updated by login itself, which happens before the first checksum"},
}


def crawl(client: Client, urls: Iterable[str], method: str = "get", **extra: Any) -> list[HttpResponse]:
    """Request every URL with ``client`` (no redirects followed). Each response gets ``crawl_url`` and
    ``crawl_method`` attributes, so that failure messages can name what was requested."""
    responses = []
    send = getattr(client, method.lower())
    for url in urls:
        response = send(url, **extra)
        response.crawl_url = url
        response.crawl_method = method.upper()
        responses.append(response)
    return responses


def where(response: HttpResponse) -> str:
    url = getattr(response, "crawl_url", None) or response.wsgi_request.get_full_path()
    return f"{getattr(response, 'crawl_method', response.wsgi_request.method)} {url} -> {response.status_code}"


def parse_csp(header: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for directive in header.split(";"):
        parts = directive.split()
        if parts:
            policy[parts[0].lower()] = parts[1:]
    return policy


def hsts_max_age(header: str) -> int | None:
    for part in header.split(";"):
        key, _sep, value = part.strip().partition("=")
        if key.lower() == "max-age" and value.strip().isdigit():
            return int(value.strip())
    return None


def security_header_problems(response: HttpResponse, authenticated: bool) -> list[str]:
    """What is missing or weak in the security headers of one response (T03); empty when all is well.

    HSTS is only sent on HTTPS requests: crawl with ``secure=True``."""
    problems = []
    max_age = hsts_max_age(response.headers.get("Strict-Transport-Security", ""))
    if max_age is None or max_age < HSTS_MIN_SECONDS:
        problems.append(f"HSTS max-age {max_age} < {HSTS_MIN_SECONDS}")
    csp_header = response.headers.get("Content-Security-Policy")
    if not csp_header:
        problems.append("no Content-Security-Policy")
    else:
        policy = parse_csp(csp_header)
        for directive, value in REQUIRED_CSP.items():
            if policy.get(directive) != [value]:
                problems.append(f"CSP {directive} is {policy.get(directive)}, not {value}")
        scripts = policy.get("script-src", policy.get("default-src"))
        if scripts is None:
            problems.append("CSP restricts no scripts (neither script-src nor default-src)")
        elif any(source in {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} for source in scripts):
            problems.append(f"CSP script-src allows {scripts}")
    if response.headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if not response.headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    if response.headers.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append(f"COOP is {response.headers.get('Cross-Origin-Opener-Policy')!r}")
    if authenticated:
        cache_control = {part.strip().lower() for part in response.headers.get("Cache-Control", "").split(",")}
        if "no-store" not in cache_control:
            problems.append(
                f"authenticated page without Cache-Control no-store ({response.headers.get('Cache-Control')!r})"
            )
    return problems


def assert_security_headers(response: HttpResponse, authenticated: bool) -> None:
    problems = security_header_problems(response, authenticated)
    assert not problems, f"{where(response)}: {problems}"


def assert_no_problems(responses: Iterable[HttpResponse], check: Callable[..., list[str]], **kwargs: Any) -> None:
    """Run ``check(response, **kwargs)`` on every response and fail once, listing every URL that has problems."""
    failures = {where(response): problems for response in responses if (problems := check(response, **kwargs))}
    assert not failures, "\n".join(f"{url}: {problems}" for url, problems in failures.items())


class _InlineCodeFinder(HTMLParser):
    DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template", "text/x-template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_inline_script = False
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> event handler")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
            if name == "style":
                self.found.append(f"<{tag} style=…> inline style")
        if tag == "script" and "src" not in attributes:
            script_type = (attributes.get("type") or "").lower()
            self._in_inline_script = script_type not in self.DATA_SCRIPT_TYPES
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if data.strip():
            if self._in_inline_script:
                self.found.append(f"inline <script>: {data.strip()[:60]!r}")
            if self._in_style:
                self.found.append(f"inline <style>: {data.strip()[:60]!r}")


def inline_code(html: str) -> list[str]:
    """Inline scripts, event handlers, javascript: URLs and inline styles: what the CSP (script-src and style-src
    'self', no 'unsafe-inline') blocks in a browser. JSON data blocks (``json_script``) are not code."""
    finder = _InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def inline_script_problems(response: HttpResponse) -> list[str]:
    if "html" not in response.headers.get("Content-Type", ""):
        return []
    return [item for item in inline_code(response.content.decode(errors="replace")) if "style" not in item]


def inline_style_problems(response: HttpResponse) -> list[str]:
    if "html" not in response.headers.get("Content-Type", ""):
        return []
    return [item for item in inline_code(response.content.decode(errors="replace")) if "style" in item]


def _model_fingerprint(model: type[models.Model], skip: set[str]) -> tuple[int, str, str]:
    fields = [field.attname for field in model._meta.concrete_fields if field.attname not in skip]
    rows = model._base_manager.order_by("pk").values_list(*fields)
    digest = hashlib.sha256()
    count = 0
    for row in rows.iterator():
        digest.update(repr(row).encode())
        count += 1
    timestamps = [field.attname for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
    latest = ""
    if timestamps:
        latest = str(model._base_manager.aggregate(latest=models.Max(timestamps[0]))["latest"])
    return count, latest, digest.hexdigest()


def db_checksum() -> dict[str, tuple[int, str, str]]:
    """Row count, latest auto_now timestamp and a hash of every row, for every table of every installed model
    (project, auth, contenttypes, admin log, Celery results…), except the ones a read-only request may change
    (CHECKSUM_EXCLUDED_MODELS / CHECKSUM_EXCLUDED_FIELDS)."""
    tables = set(connection.introspection.table_names())
    checksum = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.proxy or not model._meta.managed or label in CHECKSUM_EXCLUDED_MODELS:
            continue
        if model._meta.db_table not in tables:
            continue
        checksum[label] = _model_fingerprint(model, set(CHECKSUM_EXCLUDED_FIELDS.get(label, {})))
    return checksum


def checksum_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        label: (before.get(label), after.get(label))
        for label in sorted(set(before) | set(after))
        if before.get(label) != after.get(label)
    }
