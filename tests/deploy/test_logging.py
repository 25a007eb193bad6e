"""Structured logs (safetyportal/logs.py): one JSON object per line with request id, user id, view and status, and
no ID number, phone or name anywhere, also in an error's traceback; the Sentry hook sends no personal data either."""

from __future__ import annotations

import io
import json
import logging
import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from safetyportal import logs
from safetyportal import urls as portal_urls
from safetyportal.demo.canary import CANARY_ID_NUMBERS, CANARY_NAMES, CANARY_PHONES, find_full_id_numbers
from safetyportal.tasks import ping
from tests.worker import ROOT

NAME, PHONE, ID_NUMBER = CANARY_NAMES[1], CANARY_PHONES[1], CANARY_ID_NUMBERS[1]


def failing_view(request: HttpRequest) -> HttpResponse:
    # What a database error can look like: PostgreSQL quotes the values of a violated unique key.
    raise RuntimeError(
        f"duplicate key value violates unique constraint DETAIL: Key (id_number)=({ID_NUMBER}) already exists; "
        f"联系电话 {PHONE}，当事人{NAME}"
    )


def greeting_view(request: HttpRequest) -> HttpResponse:
    logging.getLogger("tests.deploy").info("looked at by %s", "somebody")
    return HttpResponse(f"hello {request.user.pk}")


urlpatterns = [
    path("boom/", failing_view, name="boom"),
    path("hello/", greeting_view, name="hello"),
    *portal_urls.urlpatterns,  # the error page links to the portal's pages
]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The root logger's output through the production formatter and filter, whatever LOG_FORMAT this run has."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.ContextFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    text = stream.getvalue()
    parsed = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line is one JSON object
    assert parsed, "nothing was logged"
    return parsed


def assert_nothing_personal(text: str, *also: str) -> None:
    for value in (NAME, PHONE, ID_NUMBER, *also):
        assert value not in text, value
    assert PHONE[-6:] not in text and ID_NUMBER[-8:] not in text
    assert find_full_id_numbers(text) == []


def test_production_logs_are_json_and_debug_logs_are_text() -> None:
    assert django_settings.LOGGING["handlers"]["console"]["formatter"] == ("text" if django_settings.DEBUG else "json")
    assert django_settings.LOGGING["handlers"]["console"]["filters"] == ["context"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_request_line_has_request_id_user_id_view_and_status(captured, client: Client, staff_user) -> None:
    client.force_login(staff_user)
    response = client.get("/hello/?q=" + ID_NUMBER, HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
    assert response["X-Request-ID"] == "lb-7f3a9c21-0001"
    records = lines(captured)
    request_line = next(line for line in records if line["logger"] == "safetyportal.request")
    assert request_line["request_id"] == "lb-7f3a9c21-0001"
    assert request_line["user_id"] == staff_user.pk
    assert request_line["view"] == "hello" and request_line["route"] == "hello/"
    assert request_line["status"] == 200 and request_line["method"] == "GET"
    assert request_line["duration_ms"] >= 0
    assert {"ts", "level", "message"} <= set(request_line)
    inner = next(line for line in records if line["logger"] == "tests.deploy")
    assert inner["request_id"] == "lb-7f3a9c21-0001" and inner["user_id"] == staff_user.pk
    text = captured.getvalue()
    assert_nothing_personal(text, staff_user.username)
    assert staff_user.get_full_name() == "" or staff_user.get_full_name() not in text


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_error_is_one_json_line_with_its_traceback_masked(captured) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_X_REQUEST_ID="bad id\nwith a newline")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and request_id != "bad id\nwith a newline"  # a new id instead of the bad one
    records = lines(captured)
    error = next(line for line in records if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["request_id"] == request_id and error["view"] == "boom" and error["status"] == 500
    assert error["exc_type"] == "RuntimeError"
    assert "duplicate key value" in error["exc"] and "failing_view" in error["exc"]
    assert "user_id" not in error  # anonymous
    request_line = next(line for line in records if line["logger"] == "safetyportal.request")
    assert request_line["status"] == 500 and request_line["request_id"] == request_id
    assert_nothing_personal(captured.getvalue())


@pytest.mark.django_db
def test_a_task_line_carries_the_task_name_id_and_outcome(captured) -> None:
    result = ping.apply(args=["logs"])
    line = next(line for line in lines(captured) if line["logger"] == "safetyportal.task")
    assert line["task"] == "safetyportal.tasks.ping" and line["task_id"] == result.id
    assert line["outcome"] == "success" and line["duration_ms"] >= 0


def test_quiet_probes_are_logged_at_debug_only(captured, client: Client) -> None:
    client.get("/healthz")
    assert not [line for line in captured.getvalue().splitlines() if '"safetyportal.request"' in line]


def test_the_text_format_masks_too() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "called %s", (PHONE,), None)
    logs.ContextFilter().filter(record)
    text = logs.TextFormatter("%(request_id)s %(message)s").format(record)
    assert PHONE not in text and text.startswith("- called")


# Paths: Django's own lines quote the path, and a path can carry a secret token -----------------------------------

SECRET_TOKEN = secrets.token_urlsafe(15)  # 20 characters, a fresh one each run (no literal secret)


@pytest.mark.django_db
def test_django_request_lines_name_the_route_never_a_token_id_number_or_phone(captured, monkeypatch) -> None:
    def broken(token: str) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("safetyportal.documents.views.verifiable_document", broken)
    client = Client(raise_request_exception=False)
    assert client.get(f"/certificates/c/{SECRET_TOKEN}/").status_code == 404  # routed, unknown token
    assert client.get(f"/certificates/c/T{ID_NUMBER}/").status_code == 404
    assert client.get(f"/no-such-page/{SECRET_TOKEN}/{PHONE}/{ID_NUMBER}/?q={PHONE}").status_code == 404  # unrouted
    assert client.get(f"/verify/{SECRET_TOKEN}/").status_code == 500
    django_lines = [line for line in lines(captured) if line["logger"] == "django.request"]
    messages = [line["message"] for line in django_lines]
    assert "Not Found: /certificates/c/<str:token>/" in messages
    assert "Internal Server Error: /verify/<str:token>/" in messages
    assert any(message.startswith("Not Found: /no-such-page/") for message in messages)
    text = captured.getvalue()
    assert SECRET_TOKEN not in text
    assert_nothing_personal(text)


def test_server_and_security_lines_mask_paths_even_without_the_filter() -> None:
    server = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /verify/{SECRET_TOKEN}/ HTTP/1.1", "404", "9"),
        None,
    )
    security = logging.LogRecord(
        "django.security.csrf", logging.WARNING, __file__, 1, "Forbidden (%s): %s", ("CSRF", f"/c/{PHONE}/"), None
    )
    for record in (server, security):
        text = logs.JsonFormatter().format(record)  # no ContextFilter: the formatter masks on its own
        assert SECRET_TOKEN not in text and PHONE not in text and PHONE[-6:] not in text
    assert json.loads(logs.JsonFormatter().format(server))["message"] == '"GET /verify/…/ HTTP/1.1" 404 9'
    assert logs.mask_path("/admin/training/certificate/") == "/admin/training/certificate/"  # plain paths stay


# Sentry ----------------------------------------------------------------------------------------------------------


def test_sentry_is_not_imported_without_a_dsn() -> None:
    code = "import django, sys; django.setup(); print('sentry_sdk' in sys.modules)"
    env = {"PATH": "/usr/bin:/bin", "TESTING": "1", "DJANGO_SETTINGS_MODULE": "safetyportal.settings"}
    answer = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert answer.stdout.strip() == "False"


def test_an_error_event_leaves_without_request_data_or_personal_values() -> None:
    event = {
        "request": {
            "method": "POST",
            "url": f"https://portal.example.gov.cn/certificates/verify/?q={ID_NUMBER}",
            "query_string": f"q={ID_NUMBER}",
            "data": {"name": NAME, "phone": PHONE},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc"},
        },
        "user": {"username": "officer", "email": "x@example.com", "ip_address": "192.0.2.1"},
        "extra": {"id_number": ID_NUMBER},
        "logentry": {"message": "lookup of %s failed", "params": [ID_NUMBER]},
        "exception": {
            "values": [
                {
                    "type": "RuntimeError",
                    "value": f"Key (id_number)=({ID_NUMBER}) exists; 联系电话 {PHONE}",
                    "stacktrace": {"frames": [{"function": "view", "vars": {"name": NAME}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": f"query for {PHONE}", "data": {"q": NAME}}]},
    }
    scrubbed = logs.scrub_event(event, {})
    assert scrubbed["request"] == {"method": "POST", "url": "https://portal.example.gov.cn/certificates/verify/"}
    assert scrubbed["user"] == {}
    assert "extra" not in scrubbed
    assert scrubbed["exception"]["values"][0]["type"] == "RuntimeError"
    assert_nothing_personal(json.dumps(scrubbed, ensure_ascii=False), "sessionid", "officer")


SENTRY_PROBE = """
import json, os, sys
import django
django.setup()
import sentry_sdk
from django.test import Client
from django.test.utils import override_settings
from sentry_sdk.transport import Transport

events = []


class Capture(Transport):
    def capture_envelope(self, envelope):
        events.extend(item.payload.json for item in envelope.items if item.type == "event")


from safetyportal import logs

logs.init_sentry(os.environ["SENTRY_DSN"], environment="test", transport=Capture)
with override_settings(ROOT_URLCONF="tests.deploy.test_logging"):
    client = Client(raise_request_exception=False, HTTP_HOST="localhost")
    client.post("/boom/", HTTP_HOST="bad.example")
    client.post("/boom/?q=" + sys.argv[1], {"name": sys.argv[2], "phone": sys.argv[3]})
sentry_sdk.flush()
print(json.dumps(events, ensure_ascii=False))
"""


def test_with_a_dsn_errors_reach_sentry_masked_and_without_the_request() -> None:
    """A real sentry-sdk client (started by settings.py from SENTRY_DSN) with a transport that keeps the events."""
    env = {
        "PATH": "/usr/bin:/bin",
        "TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "safetyportal.settings",
        "SENTRY_DSN": "https://public@127.0.0.1:9/1",
    }
    answer = subprocess.run(
        [sys.executable, "-c", SENTRY_PROBE, ID_NUMBER, NAME, PHONE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == 0, answer.stderr[-3000:]
    events = json.loads(answer.stdout.strip().splitlines()[-1])
    assert events, answer.stderr[-3000:]
    event = events[0]
    assert len(events) == 1, [event["exception"]["values"][-1]["type"] for event in events]  # a bad Host is no error
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "duplicate key value" in event["exception"]["values"][-1]["value"]
    assert set(event.get("request", {})) <= {"method", "url"}
    assert event["tags"]["view"] == "boom" and len(event["tags"]["request_id"]) == 32
    assert_nothing_personal(json.dumps(events, ensure_ascii=False))


def test_durations_keep_their_digits_while_numbers_around_them_are_masked() -> None:
    """Celery's "succeeded in 0.45678912300000013s" is a measurement, not a card number: kept as written; an ID, a
    phone or a card number in the same line is still masked, and a long number without a time unit is still masked."""
    assert (
        logs.mask("Task x succeeded in 0.45678912300000013s: None") == "Task x succeeded in 0.45678912300000013s: None"
    )
    assert logs.mask("耗时 12.0039283740001843 ms") == "耗时 12.0039283740001843 ms"
    line = logs.mask("电话 13812345678，身份证 11010519491231002X，用时 0.45678912300000013s")
    assert "13812345678" not in line and "11010519491231002X" not in line
    assert "0.45678912300000013s" in line
    assert "6222021234567890123" not in logs.mask("卡号 0.6222021234567890123")
