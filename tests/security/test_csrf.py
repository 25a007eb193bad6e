"""T10: every state-changing method without a CSRF token is refused on every route, no view is exempt, and GET
changes nothing in the database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.core.factories import TEST_PASSWORD
from tests.security.crawl import checksum_diff, crawl, db_checksum, where
from tests.security.repo import BASE_DIR, project_files
from tests.security.routes import admin_sample_urls, all_admin_urls, all_routes, crawl_urls

pytestmark = pytest.mark.usefixtures("crawl_data")

UNSAFE_METHODS = ("post", "put", "patch", "delete")
CSRF_PAGE_TEXT = "请求已过期"  # templates/403_csrf.html


def _site_urls() -> list[str]:
    return crawl_urls() + admin_sample_urls()


def _clients(officer_a, staff_user) -> dict[str, Client]:
    clients = {"anonymous": Client(enforce_csrf_checks=True)}
    for role, user in (("officer", officer_a), ("staff", staff_user)):
        clients[role] = Client(enforce_csrf_checks=True)
        clients[role].force_login(user)
    return clients


def _csrf_refusals(client: Client, urls: list[str]) -> list[str]:
    """Requests that were not refused by the CSRF check (403 with the CSRF page)."""
    bad = []
    for method in UNSAFE_METHODS:
        for response in crawl(client, urls, method=method, secure=True, headers={"referer": "https://testserver/"}):
            if response.status_code != 403 or CSRF_PAGE_TEXT not in response.content.decode():
                bad.append(where(response))
    return bad


def test_unsafe_requests_without_a_token_are_refused_on_every_route(officer_a, staff_user) -> None:
    for role, client in _clients(officer_a, staff_user).items():
        urls = _site_urls() + (all_admin_urls() if role == "staff" else [])
        assert not _csrf_refusals(client, urls), role


def test_unsafe_requests_with_the_cookie_but_without_the_token_are_refused(officer_a, staff_user) -> None:
    """The victim's browser holds a valid CSRF cookie; the forged form cannot know the token."""
    for role, client in _clients(officer_a, staff_user).items():
        client.get("/portal/login/")
        client.get("/admin/login/")
        assert settings.CSRF_COOKIE_NAME in client.cookies, role
        urls = _site_urls() + (all_admin_urls() if role == "staff" else [])
        assert not _csrf_refusals(client, urls), role


def test_a_post_with_the_token_passes_the_csrf_check(officer_a) -> None:
    """Control for the tests above: the 403s come from the token check, not from the routes themselves."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/portal/login/")
    token = page.context["csrf_token"]
    data = {"username": officer_a.username, "password": TEST_PASSWORD, "csrfmiddlewaretoken": str(token)}
    assert client.post("/portal/login/", data).status_code == 302


def test_no_view_of_any_route_is_exempt_from_csrf() -> None:
    exempt = [route.label for route in all_routes() if getattr(route.callback, "csrf_exempt", False)]
    assert not exempt


def _csrf_exempt_uses(path: Path) -> list[str]:
    """Names, attributes and imports of csrf_exempt (comments and strings do not count)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError:  # a file being edited by someone else right now: fall back to text
        return ["(unparsable) csrf_exempt"] if "csrf_exempt" in path.read_text(encoding="utf-8") else []
    uses = []
    for node in ast.walk(tree):
        if (
            (isinstance(node, ast.Name) and node.id == "csrf_exempt")
            or (isinstance(node, ast.Attribute) and node.attr == "csrf_exempt")
            or (isinstance(node, ast.alias) and node.name == "csrf_exempt")
        ):
            uses.append(f"line {getattr(node, 'lineno', '?')}")
    return uses


def test_the_project_source_uses_csrf_exempt_nowhere() -> None:
    files = project_files(".py")
    assert "safetyportal/settings.py" in files
    uses = {name: found for name in files if (found := _csrf_exempt_uses(BASE_DIR / name))}
    assert uses == {}


def test_get_requests_change_nothing_in_the_database(officer_a, staff_user) -> None:
    clients = {"anonymous": Client()}
    for role, user in (("officer", officer_a), ("staff", staff_user)):
        clients[role] = Client()
        clients[role].force_login(user)  # login itself writes last_login and the session: before the snapshot
    before = db_checksum()
    assert before  # the checksum sees tables
    for _round in range(2):
        for role, client in clients.items():
            urls = _site_urls() + (all_admin_urls() if role == "staff" else [])
            for response in crawl(client, urls):
                # /readyz answers 503 by design here: the suite runs no beat, so no worker heartbeat exists
                assert response.status_code < 500 or response.crawl_url == "/readyz", where(response)
    assert checksum_diff(before, db_checksum()) == {}


def test_the_database_checksum_notices_a_change(officer_a) -> None:
    """Guards the test above against a checksum that sees nothing."""
    before = db_checksum()
    officer_a.first_name = "改"
    officer_a.save()
    diff = checksum_diff(before, db_checksum())
    assert "auth.user" in diff
