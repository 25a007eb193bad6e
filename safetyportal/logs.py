"""Structured logs: one JSON object per line (``LOG_FORMAT=json``, the default without DEBUG), or readable text.

Every line written while a request or a Celery task is running carries its context: ``request_id`` (the client's or
proxy's ``X-Request-ID`` when it is a plain token, otherwise a new one; sent back in the response header), ``user_id``
(the account's number, never its name; only when the request already looked at the user, so logging costs no query),
``view`` and, on the request's own line, ``method``, ``status`` and ``duration_ms``; inside a task, ``task`` and
``task_id``. The request line names the view and route pattern, never the path or query string, which can carry
tokens or search terms.

Django's own loggers (``django.request``, ``django.security``, ``django.server``) quote the path ("Not Found: %s",
"Internal Server Error: %s", the server's request line), and a path can carry a certificate's or a document's secret
token: ``PathFilter`` (in ``ContextFilter``, the handlers' filter) and the JSON formatter replace such a path by its
route pattern (``/verify/<str:token>/``) when the request resolved, otherwise mask each segment that is longer than
12 characters or has the shape of a token, an ID, phone or card number; the query string is dropped.

Messages and tracebacks pass through the masking of safetyportal/masking.py (ID numbers, phone and card numbers,
names after role words) before they are written, because an exception text can quote a value (PostgreSQL's
"Key (...)=(...) already exists").

Errors also go to Sentry when ``SENTRY_DSN`` is set (``init_sentry``; sentry-sdk is imported only then), without
request bodies, cookies, headers, query strings or local variables, with the same masking applied."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

if TYPE_CHECKING:
    from sentry_sdk._types import Event, Hint

_context: ContextVar[dict[str, Any] | None] = ContextVar("portal_log_context", default=None)
_task_tokens: dict[str, Token[dict[str, Any] | None]] = {}

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")
# Views polled every few seconds: their request lines are written at DEBUG so they do not flood the log.
QUIET_VIEWS = frozenset({"healthz", "readyz", "metrics"})
# Context and ``extra=`` fields a line may carry; anything else passed as extra (Django passes the request object)
# is never written.
FIELDS = ("request_id", "user_id", "view", "route", "method", "status", "duration_ms", "task", "task_id", "outcome")


# A duration with a long fraction (Celery's "succeeded in 0.45678912300000013s"): its digits are a measurement, not
# an ID or card number, so it is kept while the text around it is masked. Only a number followed by a time unit.
_DECIMAL = re.compile(r"(?<![\d.])\d{1,6}\.\d{7,17}(?=\s?(?:ms|s|秒)(?![A-Za-z]))")


def mask(text: str) -> str:
    """Personal data in a log text replaced by the portal's masks (long decimal fractions kept as they are)."""
    from .masking import mask_public_text

    if not text:
        return text
    pieces: list[str] = []
    last = 0
    for match in _DECIMAL.finditer(text):
        pieces.append(mask_public_text(text[last : match.start()]).text if match.start() > last else "")
        pieces.append(match.group(0))
        last = match.end()
    if not pieces:
        return mask_public_text(text).text
    pieces.append(mask_public_text(text[last:]).text if last < len(text) else "")
    return "".join(pieces)


# Paths ----------------------------------------------------------------------------------------------------------------

# Loggers whose messages quote a request's path.
PATH_LOGGERS = ("django.request", "django.security", "django.server")
MASKED_SEGMENT = "…"
_LONGEST_PLAIN_SEGMENT = 12
# A token-like segment: letters and digits mixed, 8 characters or more; or a run of six digits and more.
_TOKEN_SEGMENT = re.compile(r"(?=[^/]*[0-9])(?=[^/]*[A-Za-z])[A-Za-z0-9_=-]{8,}|.*[0-9]{6}")
# A path inside a message: after a space, a quote, a colon or the start, up to whitespace or a quote.
_PATH_IN_TEXT = re.compile(r"""(?:^|(?<=[\s"':(]))/[^\s"']*""")


def _secret_segment(segment: str) -> bool:
    from .masking import is_id_shaped, mask_numbers

    return (
        len(segment) > _LONGEST_PLAIN_SEGMENT
        or bool(_TOKEN_SEGMENT.match(segment))
        or is_id_shaped(segment)
        or mask_numbers(segment)[1] > 0
    )


def mask_path(path: str) -> str:
    """A path with its query string dropped and every segment that could be a secret (longer than 12 characters,
    token-, ID- or phone-shaped) replaced by ``…``: ``/certificates/c/…/``."""
    bare, _sep, query = path.partition("?")
    masked = "/".join(MASKED_SEGMENT if _secret_segment(segment) else segment for segment in bare.split("/"))
    return masked + ("?…" if query else "")


def mask_paths(text: str) -> str:
    """Every path quoted in a text masked (``mask_path``): Django's request lines and "Not Found: /…" messages."""
    return _PATH_IN_TEXT.sub(lambda match: mask_path(match.group(0)), text) if "/" in text else text


def _route_path(request: Any) -> str | None:
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None)
    return "/" + str(route).lstrip("^").removesuffix("$") if route else None


def mask_record_paths(record: logging.LogRecord) -> None:
    """A Django record's path arguments replaced by the route pattern (the record's request resolved) or masked;
    any other path in its arguments or message masked too. Idempotent."""
    if getattr(record, "_paths_masked", False) or not record.name.startswith(PATH_LOGGERS):
        return
    request = getattr(record, "request", None)
    paths: set[str] = set()
    if isinstance(request, HttpRequest):
        with contextlib.suppress(Exception):  # a broken request must not stop logging
            paths = {request.path, request.path_info, request.get_full_path()}
    route = _route_path(request) if paths else None

    def clean(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if value in paths:
            return route or mask_path(value)
        return mask_paths(value)

    if isinstance(record.args, tuple):
        record.args = tuple(clean(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: clean(value) for key, value in record.args.items()}
    if isinstance(record.msg, str):
        record.msg = mask_paths(record.msg)
    record._paths_masked = True


class PathFilter(logging.Filter):
    """Masks the paths Django's request, security and server loggers quote (``mask_record_paths``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record_paths(record)
        return True


# Context --------------------------------------------------------------------------------------------------------------


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request has already resolved its user; never triggers the session query."""
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # a broken session backend must not break logging
        return None


def _view(request: HttpRequest) -> tuple[str | None, str | None]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None, None
    return match.view_name, match.route


def current_fields() -> dict[str, Any]:
    """The context of the request or task running in this thread, for a log line or an error report."""
    context = _context.get()
    if not context:
        return {}
    fields = {key: value for key, value in context.items() if key != "request" and value is not None}
    request = context.get("request")
    if request is not None:
        fields["user_id"] = _user_id(request)
        fields["view"], _route = _view(request)
    return {key: value for key, value in fields.items() if value is not None}


class ContextFilter(logging.Filter):
    """Adds the running request's or task's fields to every record (handlers' filter in settings.LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record_paths(record)
        for key, value in current_fields().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return True


# Formatters -----------------------------------------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, the context fields, and exc_type/exc for errors."""

    def format(self, record: logging.LogRecord) -> str:
        mask_record_paths(record)  # the last line of defence when a handler lacks the filter
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for key in FIELDS:
            value = getattr(record, key, None)
            if value is not None and value != "-":
                line[key] = value if isinstance(value, (int, float, bool)) else str(value)
        status_code = getattr(record, "status_code", None)
        if "status" not in line and isinstance(status_code, int):
            line["status"] = status_code
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            line["exc"] = mask("".join(traceback.format_exception(*record.exc_info)))
        elif record.exc_text:
            line["exc"] = mask(record.exc_text)
        if record.stack_info:
            line["stack"] = mask(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The readable form for DEBUG: the usual line with the request id, masked like the JSON form."""

    def format(self, record: logging.LogRecord) -> str:
        mask_record_paths(record)
        return mask(super().format(record))


# Requests -------------------------------------------------------------------------------------------------------------


def incoming_request_id(request: HttpRequest) -> str:
    """The proxy's or client's request id when it is a plain token of 8–128 characters, otherwise a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Outermost: gives the request its id, makes it the context of every line logged meanwhile, and writes one line
    per request (view, route, method, status, duration, user id)."""

    logger = logging.getLogger("safetyportal.request")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_request_id(request)
        request.request_id = request_id  # type: ignore[attr-defined]  # the portal's own attribute
        token = _context.set({"request": request, "request_id": request_id})
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self.log(request, response, (time.perf_counter() - started) * 1000)
            return response
        finally:
            _context.reset(token)

    def log(self, request: HttpRequest, response: HttpResponse, duration_ms: float) -> None:
        view, route = _view(request)
        level = logging.DEBUG if view in QUIET_VIEWS and response.status_code < 500 else logging.INFO
        self.logger.log(
            level,
            "%s %s %s",
            request.method,
            view or "-",
            response.status_code,
            extra={
                "route": route,
                "method": request.method if request.method in _METHODS else "OTHER",
                "status": response.status_code,
                "duration_ms": round(duration_ms, 1),
            },
        )


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


# Tasks ----------------------------------------------------------------------------------------------------------------


task_logger = logging.getLogger("safetyportal.task")


def enter_task(task_id: str, name: str) -> None:
    """Celery task_prerun: the task's lines carry its name and id."""
    outer = {key: value for key, value in (_context.get() or {}).items() if key not in ("task", "task_id")}
    _task_tokens[task_id] = _context.set({**outer, "task": name, "task_id": task_id})


def leave_task(task_id: str, name: str, state: str, seconds: float | None) -> None:
    """Celery task_postrun: one line per finished task, then the previous context again."""
    task_logger.info(
        "task %s %s",
        name,
        (state or "").lower(),
        extra={"outcome": (state or "").lower(), "duration_ms": round(seconds * 1000, 1) if seconds else None},
    )
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        with contextlib.suppress(ValueError):  # set in another context (should not happen): leave it
            _context.reset(token)


# Sentry ---------------------------------------------------------------------------------------------------------------


def _mask_strings(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [_mask_strings(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_mask_strings(item) for item in value)
    if isinstance(value, dict):
        return {key: _mask_strings(item) for key, item in value.items()}
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry before_send: keep the error's type, masked message and stack; drop what a request carried."""
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {key: request[key] for key in ("method", "url") if key in request}
        if "url" in event["request"]:
            event["request"]["url"] = str(event["request"]["url"]).split("?", 1)[0]
    fields = current_fields()
    event["user"] = {"id": str(fields["user_id"])} if fields.get("user_id") else {}
    tags = event.setdefault("tags", {})
    for key in ("request_id", "view", "task", "task_id"):
        if fields.get(key):
            tags[key] = str(fields[key])
    event.pop("extra", None)
    for key in ("message", "logentry", "exception", "breadcrumbs"):
        if key in event:
            event[key] = _mask_strings(event[key])
    crumbs = event.get("breadcrumbs")
    for crumb in (crumbs.get("values", []) if isinstance(crumbs, dict) else crumbs) or []:
        if isinstance(crumb, dict):
            crumb.pop("data", None)
    for entry in (event.get("exception") or {}).get("values", []) or []:
        for frame in (entry.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
    return event


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any] | None:
    crumb.pop("data", None)
    if "message" in crumb:
        crumb["message"] = mask(str(crumb["message"]))
    return crumb


def _sentry_before_send(event: Event, hint: Hint) -> Event | None:
    """``scrub_event`` as Sentry's typed hook (Sentry's Event is a TypedDict; at run time a plain dict)."""
    return cast("Event", scrub_event(cast("dict[str, Any]", event), hint))


def init_sentry(dsn: str, *, environment: str, release: str = "", **options: Any) -> None:
    """Start sentry-sdk for errors only (no tracing, no personal data). Imported here, so that an installation
    without a DSN never loads it."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration, ignore_logger

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        include_source_context=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
        before_send=_sentry_before_send,
        before_breadcrumb=scrub_breadcrumb,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        **options,
    )
    # Requests naming a host we do not serve are scanners, not errors (answered 400 and logged as usual).
    ignore_logger("django.security.DisallowedHost")
