"""SECURITY.md T65: a public page cached while an officer with a pending message, a session and a name viewed it
shows nothing of theirs to the next visitor — on every cached route (list, filtered list, detail, 404, 410, feed,
open data, sitemap and its months). And the reverse: an officer who opens a page another visitor cached keeps their
own messages for their next page. The other apps' public pages (certificate lists, publicity) are rendered per
request and never stored by a shared cache."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from inspections.models import CaseStatus
from tests.core.factories import OfficerProfileFactory
from tests.inspections.factories import ExposureCaseFactory

pytestmark = pytest.mark.django_db

OFFICER_NAME = ("卞", "哨岗")  # last name, first name: shown in the portal header as 卞哨岗


@pytest.fixture
def cases():
    published = ExposureCaseFactory(public_title="缓存测试案例")
    withdrawn = ExposureCaseFactory(status=CaseStatus.WITHDRAWN)
    return published, withdrawn


def cached_routes(published, withdrawn) -> list[str]:  # type: ignore[no-untyped-def]
    when = timezone.localtime(published.published_at)
    return [
        "/exposure/",
        "/exposure/?category=industry",
        f"/exposure/?q={published.public_title[:4]}",
        f"/exposure/{published.pk}/",
        f"/exposure/{withdrawn.pk}/",
        "/exposure/99999999/",
        "/exposure/feed.atom",
        "/exposure/data.json",
        "/exposure/sitemap.xml",
        f"/exposure/sitemap-{when.year}-{when.month}.xml",
    ]


def officer_with_a_pending_message(unit) -> tuple[Client, list[str]]:  # type: ignore[no-untyped-def]
    """An officer who has just filed a hazard (the real flow): the success message waits for their next page."""
    user = OfficerProfileFactory(
        jurisdiction=unit, user__last_name=OFFICER_NAME[0], user__first_name=OFFICER_NAME[1]
    ).user
    client = Client()
    client.force_login(user)
    form = client.get("/portal/hazards/new/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    response = client.post(
        "/portal/hazards/new/",
        {
            "source": "routine",
            "category": "fire",
            "level": "general",
            "jurisdiction": unit.pk,
            "address": "测试路1号",
            "description": "安全出口被堵塞。",
            "csrfmiddlewaretoken": csrf,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    message = [str(m) for m in get_messages(response.wsgi_request)]
    # get_messages() above read the request's storage, not the cookie the client holds: the message is still pending.
    assert message and message[0].startswith("隐患已登记，编号YH")
    secrets = [
        message[0],
        "".join(OFFICER_NAME),
        OFFICER_NAME[1],
        user.get_username(),
        client.cookies["csrftoken"].value,
        client.cookies["sessionid"].value,
        csrf,
        "退出",
    ]
    return client, secrets


def leaks(text: str, secrets: list[str]) -> list[str]:
    found = [secret for secret in secrets if secret and secret in text]
    if "csrfmiddlewaretoken" in text:
        found.append("csrfmiddlewaretoken")
    return found


def test_a_page_cached_for_an_officer_shows_nothing_of_theirs_to_the_next_visitor(cases, unit_a):
    officer, secrets = officer_with_a_pending_message(unit_a)
    routes = cached_routes(*cases)
    for url in routes:
        response = officer.get(url)
        assert response["X-Exposure-Cache"] == "miss", url  # the officer's visit is what filled the cache
        assert response.status_code in (200, 404, 410), url
        assert not leaks(response.content.decode(), secrets), (url, leaks(response.content.decode(), secrets))

    anonymous = Client()
    for url in routes:
        response = anonymous.get(url)
        assert response["X-Exposure-Cache"] == "hit", url
        assert not leaks(response.content.decode(), secrets), (url, leaks(response.content.decode(), secrets))
        assert not response.cookies, url  # nothing per visitor is set either
    assert "缓存测试案例" in anonymous.get("/exposure/").content.decode()


def test_the_officers_message_waits_for_their_next_page_after_a_cached_one(cases, unit_a):
    anonymous = Client()
    routes = cached_routes(*cases)
    for url in routes:
        anonymous.get(url)  # an anonymous visitor fills the cache first
    officer, secrets = officer_with_a_pending_message(unit_a)
    message = secrets[0]
    for url in routes:
        response = officer.get(url)
        assert response["X-Exposure-Cache"] == "hit", url
        assert message not in response.content.decode(), url
    portal = officer.get("/portal/hazards/").content.decode()
    assert message in portal  # still pending, shown on the officer's own next page, once
    assert message not in officer.get("/portal/hazards/").content.decode()


def test_an_officer_filling_the_cache_keeps_their_message_too(cases, unit_a):
    officer, secrets = officer_with_a_pending_message(unit_a)
    assert officer.get("/exposure/")["X-Exposure-Cache"] == "miss"
    assert secrets[0] in officer.get("/portal/hazards/").content.decode()


def test_cached_pages_are_marked_private_for_a_signed_in_visitor_and_public_for_others(cases, unit_a):
    officer, _secrets = officer_with_a_pending_message(unit_a)
    url = f"/exposure/{cases[0].pk}/"
    signed_in = officer.get(url)
    assert "private" in signed_in["Cache-Control"] and "public" not in signed_in["Cache-Control"]
    anonymous = Client().get(url)
    assert "public" in anonymous["Cache-Control"] and not anonymous.cookies


@pytest.mark.parametrize("url", ["/certificates/lists/", "/publicity/"])
def test_other_apps_public_pages_are_rendered_per_visitor_and_never_shared(url, unit_a):
    officer, secrets = officer_with_a_pending_message(unit_a)
    seen = officer.get(url)
    assert seen.status_code == 200
    assert "no-store" in seen["Cache-Control"]  # no browser or proxy keeps what the officer saw
    response = Client().get(url)
    assert response.status_code == 200
    assert not leaks(response.content.decode(), secrets), leaks(response.content.decode(), secrets)
    assert "public" not in response.get("Cache-Control", "")
