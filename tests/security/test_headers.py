"""T03: every response, on every route, for every kind of visitor, carries the security headers; pages contain no
inline code that the CSP would block."""

from __future__ import annotations

import fnmatch

import pytest
from django.test import Client, override_settings

from tests.security.crawl import (
    assert_no_problems,
    crawl,
    inline_script_problems,
    inline_style_problems,
    parse_csp,
    security_header_problems,
)
from tests.security.routes import ADMIN, admin_sample_urls, all_admin_urls, crawl_urls

pytestmark = pytest.mark.usefixtures("crawl_data")


def _site_urls() -> list[str]:
    return crawl_urls() + admin_sample_urls()


def test_the_crawl_covers_public_portal_and_admin_pages() -> None:
    urls = _site_urls()
    assert {"/", "/portal/", "/portal/login/", "/admin/", "/admin/login/"} <= set(urls)
    assert any(url.endswith("/add/") for url in urls)


def test_every_page_carries_the_security_headers_for_an_anonymous_visitor(client: Client) -> None:
    responses = crawl(client, _site_urls(), secure=True)
    assert_no_problems(responses, security_header_problems, authenticated=False)


def test_every_page_carries_the_security_headers_and_no_store_for_a_signed_in_officer(officer_client: Client) -> None:
    responses = crawl(officer_client, _site_urls(), secure=True)
    assert any(response.status_code == 200 and response.crawl_url == "/portal/" for response in responses)
    assert_no_problems(responses, security_header_problems, authenticated=True)


def test_every_page_carries_the_security_headers_and_no_store_for_office_staff(staff_client: Client) -> None:
    responses = crawl(staff_client, _site_urls() + all_admin_urls(), secure=True)
    assert any(response.status_code == 200 and response.crawl_url.endswith("/add/") for response in responses)
    assert_no_problems(responses, security_header_problems, authenticated=True)


def test_error_and_refusal_responses_carry_the_security_headers(client: Client) -> None:
    responses = [
        client.get("/no-such-page/", secure=True),  # 404
        client.get("/", secure=True, headers={"host": "evil.example"}),  # 400 DisallowedHost
        client.get("/", secure=True, headers={"x-forwarded-host": "evil.example"}),  # 400 forwarded-host guard
        Client(enforce_csrf_checks=True).post("/portal/login/", secure=True),  # 403 CSRF
        client.post("/", secure=True),  # 405
    ]
    assert [response.status_code for response in responses] == [404, 400, 400, 403, 405]
    assert_no_problems(responses, security_header_problems, authenticated=False)


def test_the_csp_allows_scripts_and_styles_from_our_own_origin_only(client: Client) -> None:
    policy = parse_csp(client.get("/", secure=True).headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


def test_public_and_portal_pages_contain_no_inline_script_or_style(client: Client, officer_client: Client) -> None:
    responses = crawl(client, crawl_urls()) + crawl(officer_client, crawl_urls())
    assert_no_problems(responses, inline_script_problems)
    assert_no_problems(responses, inline_style_problems)


# Inline code the CSP blocks in a browser, found in third-party admin templates: (URL glob, finding) -> reason.
# Not a hole (the browser refuses to run it), but the feature it drives is broken until fixed.
KNOWN_CSP_BLOCKED_INLINE_CODE: dict[tuple[str, str], str] = {}


def _unexpected_inline_scripts(response) -> list[str]:
    return [
        item
        for item in inline_script_problems(response)
        if not any(
            fnmatch.fnmatch(response.crawl_url, glob) and item == finding
            for glob, finding in KNOWN_CSP_BLOCKED_INLINE_CODE
        )
    ]


def test_admin_pages_contain_no_inline_script_beyond_the_known_list(staff_client: Client) -> None:
    """Django 5.2's admin loads its scripts from files (its data blocks are JSON or data-* attributes), so the
    strict script-src works there too; KNOWN_CSP_BLOCKED_INLINE_CODE lists third-party exceptions."""
    responses = crawl(staff_client, admin_sample_urls() + all_admin_urls())
    assert_no_problems(responses, _unexpected_inline_scripts)


def test_the_admin_export_form_has_no_inline_event_handler(staff_client: Client) -> None:
    """Turns XPASS (and so fails) once the export template is fixed: then empty KNOWN_CSP_BLOCKED_INLINE_CODE."""
    export_urls = [url for url in all_admin_urls() if url.endswith("/export/")]
    assert export_urls
    assert_no_problems(crawl(staff_client, export_urls), inline_script_problems)


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_requests_are_redirected_to_https_in_production(client: Client) -> None:
    for url in crawl_urls() + admin_sample_urls():
        response = client.get(url)
        assert response.status_code == 301, url
        assert response.headers["Location"].startswith("https://"), url


def test_admin_urls_are_classified_as_admin() -> None:
    assert all(url.startswith("/admin/") for url in crawl_urls(ADMIN))
