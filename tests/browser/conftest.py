"""Browser-test harness: Debian's chromium driven by Playwright's sync API against pytest-django's live server.

See docs/browser-tests.md. Fixtures offered to every test under tests/browser/:

- ``browser`` (session): one headless chromium for the whole run;
- ``page`` (function): a fresh context (own cookies) per test, locale en-US, base URL = the live server, a default
  timeout of 10 s, and a screenshot in var/browser-artifacts/<test name>.png when the test fails;
- ``login``: ``login(username, password=TEST_PASSWORD, path="/portal/login/")`` fills and submits a login form, then
  the code step with a real TOTP code (tests/otp.py);
- ``screenshot``: ``screenshot(name)`` saves the current page to var/browser-artifacts/<name>.png;
- ``office_roles``: re-creates the office's groups (the transactional live-server database is flushed between tests).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.core.factories import TEST_PASSWORD
from tests.otp import device_for, next_code

# Playwright's sync API keeps an asyncio loop running in the main thread, so Django would refuse every ORM call made
# by a test (factories, assertions) with SynchronousOnlyOperation. The tests are plain synchronous code: allow it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1280, "height": 800}

_phase_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


def _skip_requested() -> bool:
    return os.environ.get("SKIP_BROWSER_TESTS", "").strip().lower() in {"1", "true", "yes", "on"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _skip_requested():
        return
    skip = pytest.mark.skip(reason="SKIP_BROWSER_TESTS=1 is set")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the item, so that the ``page`` fixture knows at teardown whether the test failed."""
    report = yield
    item.stash.setdefault(_phase_reports, {})[report.when] = report
    return report


def _artifact_path(name: str) -> Path:
    directory = Path(settings.VAR_DIR) / "browser-artifacts"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / (re.sub(r"[^\w.-]+", "_", name).strip("_") + ".png")


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        if _skip_requested():
            pytest.skip("SKIP_BROWSER_TESTS=1 is set")
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium and CJK fonts. Run the README's setup "
            "(apt-get install chromium fonts-noto-cjk), or set SKIP_BROWSER_TESTS=1 to skip them deliberately.",
            pytrace=False,
        )
    manager = sync_playwright()
    playwright = manager.start()
    try:
        yield playwright
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    try:
        browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        pytest.fail(f"Could not launch {CHROMIUM} (run the README's setup): {exc}", pytrace=False)
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Page]:
    # en-US on purpose: the portal must answer in Chinese whatever Accept-Language the browser sends.
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        reports = request.node.stash.get(_phase_reports, {})
        if "call" in reports and reports["call"].failed:
            try:
                path = _artifact_path(request.node.name)
                page.screenshot(path=str(path), full_page=True)
                print(f"\nbrowser screenshot of the failure: {path}")
            except Exception as exc:  # a broken page must not hide the test's own failure
                print(f"\ncould not take a failure screenshot: {exc}")
        context.close()


@pytest.fixture
def login(page: Page) -> Callable[..., Page]:
    """Return ``login(username, password=TEST_PASSWORD, path="/portal/login/", code=True)``, which submits that login
    form and then, when the password was right, the second step with a real TOTP code of the user's authenticator
    (created if the user has none; ``code=False`` stops at the code step).

    Works for the portal's form and for the admin's (/admin/login/), which both use id_username and id_password. It
    waits for the response to each POST and returns the page; the test asserts where it landed.
    """

    def _login(username: str, password: str = TEST_PASSWORD, path: str = "/portal/login/", code: bool = True) -> Page:
        from django.contrib.auth import get_user_model

        user = get_user_model()._default_manager.filter(username=username).first()
        device = device_for(user) if user is not None else None
        page.goto(path)
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.locator("form:has(#id_password) [type=submit]").click()
        if code and device is not None and page.url.endswith("/accounts/verify/"):
            # The second step: the code the user's authenticator shows now (computed from the device's key).
            page.locator("#id_code").fill(next_code(device))
            with page.expect_navigation():
                page.locator("form:has(#id_code) [type=submit]").click()
        return page

    return _login


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """Return ``screenshot(name)``, saving the whole current page to var/browser-artifacts/<name>.png."""

    def _screenshot(name: str) -> Path:
        path = _artifact_path(name)
        page.screenshot(path=str(path), full_page=True)
        return path

    return _screenshot


@pytest.fixture
def office_roles(transactional_db) -> None:
    """The office's groups with their permissions (created by a migration, but flushed with each live-server test)."""
    from safetyportal.roles import sync_roles

    sync_roles()
