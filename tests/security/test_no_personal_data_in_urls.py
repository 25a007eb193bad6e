"""SECURITY.md T66: no ID number, name or phone in a URL. Every public page is crawled for forms; every form that
takes personal data must be sent by POST, and submitting each with canary values must leave no trace in any URL:
not in the request lines an access log would keep (method, path and query, redirects followed), not in a Location
header, not in a link, form action or resource of the answer. Lookup answers are marked no-store."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from safetyportal.demo.canary import CANARY_ID_NUMBERS, CANARY_NAMES, CANARY_PHONES, find_canaries
from safetyportal.models import JurisdictionLevel
from tests.core.factories import JurisdictionFactory, PersonFactory
from tests.security.routes import PUBLIC, routes_in
from tests.training.factories import CertificateFactory

pytestmark = pytest.mark.django_db

NAME, PHONE, ID_NUMBER = CANARY_NAMES[1], CANARY_PHONES[1], CANARY_ID_NUMBERS[1]
# What a person would type into a field of each name (any other field gets a neutral value or its first choice).
PERSONAL = {"q": ID_NUMBER, "id_number": ID_NUMBER, "name": NAME, "phone": PHONE, "contact": PHONE, "code": ID_NUMBER}
# A form with one of these takes personal data; "q" alone is a search of published content (the exposure list's
# enterprise search, a GET by design), with "name" it is the certificate lookup.
PERSONAL_FIELDS = {"id_number", "name", "phone", "contact", "code"}
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="(?P<name>[^"]+)"', re.I)
URL_ATTR = re.compile(r'\b(?:href|src|action|formaction|data-url)="(?P<url>[^"]*)"', re.I)


def attr(attrs: str, name: str) -> str:
    found = re.search(rf'\b{name}="([^"]*)"', attrs, re.I)
    return found.group(1) if found else ""


def access_log_line(method: str, path: str, query: str = "") -> str:
    """What gunicorn's and Django's access logs keep of a request: method, path and query string."""
    return f"{method} {path}{'?' + query if query else ''}"


def assert_clean(text: str, where: str) -> None:
    decoded = unquote(text)
    leaked = find_canaries(decoded) + [value for value in (NAME, PHONE, ID_NUMBER) if value in decoded]
    assert not leaked, f"{where}: {leaked}"


def public_pages() -> list[str]:
    pages = ["/"] + [f"/{route.route}" for route in routes_in(PUBLIC) if not route.takes_object and not route.is_regex]
    return sorted(set(pages))


@pytest.fixture
def world(db):
    town = JurisdictionFactory(level=JurisdictionLevel.SUBDISTRICT)
    certificate = CertificateFactory(holder=PersonFactory(name=NAME, id_number=ID_NUMBER))
    return {"town": town, "certificate": certificate}


def fill(body: str, world: dict) -> dict[str, str]:
    data: dict[str, str] = {}
    for name in dict.fromkeys(FIELD.findall(body)):
        if name in PERSONAL:
            data[name] = PERSONAL[name]
        elif name == "jurisdiction":
            data[name] = str(world["town"].pk)
        elif name == "category":
            data[name] = "fire"
        elif name in ("description", "place", "where_seen"):
            data[name] = f"楼道堆放纸箱，联系人{NAME}，电话{PHONE}"
        elif name == "csrfmiddlewaretoken":
            continue
        elif name not in ("website", "anonymous", "photos"):
            data[name] = "x"
    return data


def test_every_public_form_with_personal_data_is_posted_and_leaves_no_trace_in_urls(world):
    certificate = world["certificate"]
    pages = [*public_pages(), reverse("certificates:token", args=[certificate.verify_token])]
    client = Client()
    log: list[str] = []
    personal_forms = 0
    for page in pages:
        response = client.get(page, REMOTE_ADDR="192.0.2.66")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in FORM.finditer(response.content.decode()):
            body = form.group("body")
            if not set(FIELD.findall(body)) & PERSONAL_FIELDS:
                continue
            personal_forms += 1
            action = attr(form.group("attrs"), "action") or page
            assert attr(form.group("attrs"), "method").lower() == "post", f"form on {page} to {action} is not POST"
            answer = client.post(action, fill(body, world), REMOTE_ADDR="192.0.2.66", follow=True)
            log.append(access_log_line("POST", action))
            log += [access_log_line("GET", *([*url.split("?", 1), ""])[:2]) for url, _status in answer.redirect_chain]
            for url, _status in answer.redirect_chain:
                assert_clean(url, f"redirect after {action}")
            text = answer.content.decode("utf-8", errors="replace")
            for link in URL_ATTR.finditer(text):
                assert_clean(link.group("url"), f"link in the answer to {action}")
            assert answer.status_code in (200, 400), action
            if action.startswith(("/certificates/verify/", "/report/")):
                directives = {d.strip() for d in answer.headers.get("Cache-Control", "").split(",")}
                assert {"no-store", "private"} <= directives, action
    # the certificate lookup, the hazard report, its tracking lookup and the fake-certificate report at least
    assert personal_forms >= 4, personal_forms
    assert len(log) >= personal_forms
    for line in log:
        assert_clean(line, "access log")


def test_a_lookup_link_with_the_values_in_the_query_string_is_not_followed(world):
    """An old bookmark or a crafted link (GET ?q=…&name=…) shows the empty form: nothing is looked up, so nobody is
    led to put the values in URLs."""
    certificate = world["certificate"]
    response = Client().get("/certificates/verify/", {"q": certificate.number, "name": NAME}, REMOTE_ADDR="192.0.2.67")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="results"' not in page and 'id="no-match"' not in page
    assert_clean(page, "the form page")
