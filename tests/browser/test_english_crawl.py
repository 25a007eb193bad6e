"""No English anywhere a person looks (issue 13).

As each role — administrator, staff, an officer of each unit kind (office, community, member unit) and anonymous —
the crawl opens every admin changelist, add, change, history, import and export page (and the other admin pages
without arguments), every portal page and every public page, asking for English (Accept-Language: en), and fails on
any visible Latin word outside a short allowlist. It also reads an exported workbook's sheet name and headers and
an import's error messages. Pages come from the URL resolver and the admin registry; objects from the demo builder.

A Django-client crawl (one logged-in client per role, a constant number of pages): the visible text is the text of
the HTML outside <script>/<style> plus the attributes people read (title, alt, placeholder, aria-label, button
values). Run alone: ``.venv/bin/python -m pytest -q tests/browser/test_english_crawl.py``.
"""

from __future__ import annotations

import io
import re
import time
from collections import defaultdict
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from safetyportal.demo.builder import build_demo
from safetyportal.demo.registry import demo_loaders
from safetyportal.spreadsheets import SafeImportExportAdmin
from tests.core import test_translations  # noqa: F401  (compiles the project's catalogue when it is stale)
from tests.security.routes import ADMIN, PORTAL, PUBLIC, routes_in

EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
# Latin words a Chinese page may show: file formats, units, algorithm and feed names, and the accessible texts the
# portal decides to keep.
ALLOWED_WORDS = {
    "PDF", "Excel", "JSON", "Atom", "SHA", "CSV", "csv", "xlsx", "XLSX", "RSS", "QR", "ID",
    "MB", "KB", "GB", "px", "cm", "mm", "km", "kg", "KiB", "MiB",
    "WeCom", "SMS", "TOTP", "OTP", "URL", "HTTP", "HTTPS", "IP", "Cookie", "PNG", "JPEG", "JPG", "WebP", "AM", "PM",
    "Word", "Webhook", "LDAP",  # file and protocol names
    "pdf", "jpg", "jpeg", "png", "docx",  # extensions of the file names people upload (现场照片.jpg)
    "Control", "Command", "Mac",  # key names in Django's "按住 Control 键或 Mac 上的 Command 键来选择多项"
}  # fmt: skip
# Demo data of the kind a real office types in Latin letters (e-mail hosts, road names on enterprise addresses).
NOT_WORDS = re.compile(
    # Random tokens (verify tokens, hashes): 8+ characters of [A-Za-z0-9_-] with a digit, or in mixed case.
    r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]{8,}(?![A-Za-z0-9_-]))"
    r"(?:(?=[A-Za-z0-9_-]*[0-9])|(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z]))[A-Za-z0-9_-]+"
    r"|[\w.+-]+@[\w.-]+"  # e-mail addresses
    r"|\b[a-z][a-z0-9+.-]*://\S+"  # URLs
    r"|\b(?:[\w-]+\.)+(?:cn|com|gov|org|net)\b\S*"  # host names
    r"|/[\w/.-]+"  # paths
    r"|\b[A-Za-z0-9]*\d[A-Za-z0-9]*\b"  # codes mixing letters and digits (credit codes, numbers)
    r"|[A-Za-z_]+="  # a URL parameter named in a help text ("key=")
    r"|[A-Za-z0-9+/$]+\*{3,}"  # masked values (the start of a password hash, 'oCNFyQ****')
    r"|<unknown>"  # django-axes' value for a login without a User-Agent header (data, not interface text)
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
SKIP_TAGS = {"script", "style", "template", "noscript"}
# Admin URLs that are not pages (JavaScript, JSON, downloads) or that end the session.
SKIP_URL = re.compile(
    r"logout|jsi18n|autocomplete|/download/|/status/|\.(?:pdf|xlsx|csv|png|jpg|js|css)$|/metrics|/readyz|/healthz"
)


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1
        attributes = dict(attrs)
        for name in VISIBLE_ATTRIBUTES:
            if attributes.get(name):
                self.parts.append(str(attributes[name]))
        if tag == "input" and (attributes.get("type") or "").lower() in {"submit", "button", "reset"}:
            self.parts.append(str(attributes.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


# Login names are Latin by design (admin, staff, lingyuan …): data, not interface text.
LOGIN_NAMES: set[str] = set()


def english_words(text: str) -> list[str]:
    text = NOT_WORDS.sub(" ", text)
    return [word for word in LATIN_WORD.findall(text) if word not in ALLOWED_WORDS and word not in LOGIN_NAMES]


def page_words(html: str) -> dict[str, str]:
    """Each English word of a page with the snippet it was found in."""
    parser = VisibleText()
    parser.feed(html)
    found: dict[str, str] = {}
    for part in parser.parts:
        for word in english_words(part):
            found.setdefault(word, part[:80])
    return found


def _admin_object_ids() -> dict[str, str]:
    """The first object of each model in the admin, by "<app>_<model>" (one query per model)."""
    ids = {}
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            ids[f"{model._meta.app_label}_{model._meta.model_name}"] = str(first)
    return ids


def admin_urls() -> list[str]:
    ids = _admin_object_ids()
    prefixes = sorted(ids, key=len, reverse=True)
    urls: list[str] = []
    for route in routes_in(ADMIN):
        values: dict[str, Any] = {}
        if route.kwargs:
            short = (route.name or "").split(":")[-1]
            prefix = next((p for p in prefixes if short.startswith(p + "_")), None)
            if prefix is None:
                continue  # a model without rows, or an admin view of another kind: nothing real to show
            values = {name: ids[prefix] for name in route.kwargs if name in {"object_id", "pk", "id"}}
            if len(values) != len(route.kwargs):
                continue
        if route.name and route.name.endswith("_delete"):
            continue  # a confirmation page per object: Django's own, checked through one model below
        url = route.url(**values)
        if url and not SKIP_URL.search(url) and url not in urls:
            urls.append(url)
    return urls


def site_urls(*areas: str) -> list[str]:
    urls: list[str] = []
    for route in routes_in(*areas):
        url = route.url()
        if url and not SKIP_URL.search(url) and url not in urls:
            urls.append(url)
    return urls


def crawl(client: Client, urls: list[str]) -> dict[str, dict[str, str]]:
    problems: dict[str, dict[str, str]] = {}
    for url in urls:
        response = client.get(url, **EN)
        if response.status_code in (301, 302, 303, 405) or "text/html" not in response.get("Content-Type", ""):
            continue
        if getattr(response, "streaming", False):
            continue
        words = page_words(response.content.decode("utf-8", "replace"))
        if words:
            problems[f"{url} ({response.status_code})"] = words
    return problems


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _officer_usernames() -> dict[str, str]:
    """One demo officer of each unit kind (office, community, member unit), by kind."""
    from safetyportal.scoping import officer_unit

    found: dict[str, str] = {}
    for user in get_user_model().objects.filter(officer_profile__isnull=False).order_by("username"):
        unit = officer_unit(user)
        if unit is not None and unit.kind not in found:
            found[unit.kind] = user.username
    return found


def export_and_import_problems(client: Client) -> dict[str, dict[str, str]]:
    """One export of every import-export admin (sheet name and headers) and one bad import (its messages)."""
    problems: dict[str, dict[str, str]] = {}
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, SafeImportExportAdmin):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
        page = client.get(url, **EN)
        if page.status_code != 200:
            continue
        form = page.context["form"]
        data = {"format": "0", "resource": "0"}
        data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})
        response = client.post(url, data, **EN)
        if response.status_code != 200 or "spreadsheetml" not in response.get("Content-Type", ""):
            problems[url] = {"export": f"status {response.status_code}"}
            continue
        found = {}
        disposition = response["Content-Disposition"]
        if "filename*=" not in disposition:
            found["file name"] = disposition
        body = b"".join(response.streaming_content) if response.streaming else response.content  # large: streamed
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
        for word in english_words(sheet.title):
            found[word] = f"sheet {sheet.title}"
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        for cell in header:
            for word in english_words(str(cell or "")):
                found[word] = f"header {cell}"
        # A bad import: the exported header with one row of nonsense under it.
        book = openpyxl.Workbook()
        book.active.append(list(header))
        book.active.append(["?x?"] * len(header))
        buffer = io.BytesIO()
        book.save(buffer)
        result = client.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_import"),
            {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("bad.xlsx", buffer.getvalue())},
            **EN,
        )
        found.update(page_words(result.content.decode()))
        if found:
            problems[f"{url} (export/import)"] = found
    return problems


@pytest.mark.django_db
def test_no_english_on_any_page_for_any_role() -> None:
    started = time.monotonic()
    build_demo()
    for _name, loader in demo_loaders():
        loader()
    built = time.monotonic() - started

    LOGIN_NAMES.update(get_user_model().objects.values_list("username", flat=True))
    officers = _officer_usernames()
    roles: dict[str, Any] = {
        "administrator": "admin",
        "staff": "staff",
        **{f"officer ({kind})": username for kind, username in officers.items()},
        "anonymous": None,
    }
    admin_pages = admin_urls()
    portal_pages = site_urls(PORTAL)
    public_pages = site_urls(PUBLIC)
    problems: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    pages = 0
    for role, username in roles.items():
        client = Client()
        if username:
            client.force_login(_user(username))
        urls = public_pages + portal_pages
        if role in {"administrator", "staff"}:
            urls = urls + admin_pages
        pages += len(urls)
        problems[role].update(crawl(client, urls))
        if role == "administrator":
            problems[role].update(export_and_import_problems(client))
    elapsed = time.monotonic() - started
    report = "\n".join(
        f"[{role}] {url}: " + "; ".join(f"{word!r} in {snippet!r}" for word, snippet in words.items())
        for role, by_url in problems.items()
        for url, words in sorted(by_url.items())
    )
    assert {"office", "community", "member"} <= set(officers), officers
    (settings.VAR_DIR / "english-crawl-report.txt").write_text(report or "clean\n")
    assert not report, f"English on {sum(map(len, problems.values()))} pages (of {pages}):\n{report}"
    print(f"crawled {pages} pages in {elapsed - built:.1f} s (demo built in {built:.1f} s)")


# The browser pass: what JavaScript adds (the admin's date and filter widgets, the export picker's "select all",
# charts) is visible only in a browser. Chromium asks for English (the ``page`` fixture's locale is en-US).
BROWSER_PAGES = {
    "staff": [
        "/admin/",
        "/admin/safetyportal/enterprise/",
        "/admin/campaigns/campaigntask/add/",
        "/admin/campaigns/campaigntask/export/",
        "/admin/campaigns/campaigntask/import/",
        "/admin/safetyportal/recordhistory/",
    ],
    "officer": ["/portal/"],
    "anonymous": ["/"],
}


@pytest.mark.browser
def test_no_english_in_the_browser(page, login, office_roles) -> None:
    from django.contrib.auth.models import Group

    from safetyportal.roles import STAFF_GROUP
    from tests.core.factories import JurisdictionFactory, OfficerProfileFactory, StaffUserFactory

    staff = StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)], first_name="王丽")
    officer = OfficerProfileFactory(jurisdiction=JurisdictionFactory(name="罗山街道")).user
    LOGIN_NAMES.update({staff.username, officer.username})
    found: dict[str, list[str]] = {}
    for role, paths in BROWSER_PAGES.items():
        if role == "staff":
            login(staff.username, path="/admin/login/?next=/admin/")
        elif role == "officer":
            page.context.clear_cookies()
            login(officer.username)
        else:
            page.context.clear_cookies()
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("load")
            words = english_words(page.inner_text("body"))
            if words:
                found[f"{role} {path}"] = sorted(set(words))
    assert not found, found
