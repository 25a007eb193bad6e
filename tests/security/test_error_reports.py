"""SECURITY.md T28: a 500 in a public form that takes an ID number, a name or a phone sends an error report (the
AdminEmailHandler e-mail, text and HTML, and the log record) in which those values are replaced by stars."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.test import Client
from django.utils.log import AdminEmailHandler

from safetyportal.demo.canary import CANARY_ID_NUMBERS, CANARY_NAMES, CANARY_PHONES
from safetyportal.models import JurisdictionLevel
from tests.core.factories import JurisdictionFactory

pytestmark = pytest.mark.django_db

NAME, PHONE, ID_NUMBER = CANARY_NAMES[2], CANARY_PHONES[2], CANARY_ID_NUMBERS[2]
STARS = "********"


@pytest.fixture
def reports(settings, caplog):
    """Collects what an error report carries: the e-mails (the default text one and an HTML one, which lists every
    frame's local variables) and the django.request log records, formatted with their tracebacks."""
    settings.ADMINS = [("运维", "ops@example.com")]
    settings.DEBUG = False
    html = AdminEmailHandler(include_html=True)
    html.setLevel(logging.ERROR)
    logger = logging.getLogger("django.request")
    logger.addHandler(html)
    mail.outbox.clear()
    caplog.set_level(logging.ERROR, logger="django.request")
    yield caplog
    logger.removeHandler(html)


def everything_reported(caplog) -> str:
    formatter = logging.Formatter("%(message)s")
    parts = [formatter.format(record) for record in caplog.records]
    for message in mail.outbox:
        parts += [message.subject, message.body]
        parts += [content for content, _mime in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def assert_nothing_personal(text: str, *values: str) -> None:
    for value in values:
        assert value not in text, value
        assert value[-6:] not in text, value  # not even the tail of a number


def test_certificate_lookup_error_report_shows_stars(reports, monkeypatch):
    def broken(query):
        raise RuntimeError("lookup failed")

    monkeypatch.setattr("training.views.selectors.verify_certificates", broken)
    client = Client(raise_request_exception=False)
    response = client.post("/certificates/verify/", {"q": ID_NUMBER, "name": NAME}, REMOTE_ADDR="192.0.2.90")
    assert response.status_code == 500
    assert len(mail.outbox) == 2  # the configured text report and the HTML one
    text = everything_reported(reports)
    assert "lookup failed" in text and STARS in text
    assert "'q'" in text or "q = " in text or ">q<" in text
    assert_nothing_personal(text, ID_NUMBER, NAME)


def test_hazard_report_error_report_shows_stars(reports, monkeypatch):
    town = JurisdictionFactory(level=JurisdictionLevel.SUBDISTRICT)

    def broken(**kwargs):
        raise RuntimeError("report failed")

    monkeypatch.setattr("inspections.views.services.submit_public_report", broken)
    client = Client(raise_request_exception=False)
    form = {
        "category": "fire",
        "jurisdiction": town.pk,
        "place": "某某路88号一楼楼道",
        "description": f"楼道堆放纸箱，堵塞安全出口，联系{NAME}。",
        "name": NAME,
        "phone": PHONE,
    }
    response = client.post("/report/", form, REMOTE_ADDR="192.0.2.91")
    assert response.status_code == 500
    assert len(mail.outbox) == 2
    text = everything_reported(reports)
    assert "report failed" in text and STARS in text
    assert_nothing_personal(text, NAME, PHONE)
