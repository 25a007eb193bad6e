"""Security harness items of this issue on the demo city: no public page, feed, JSON, sitemap, e-mail or PDF shows
a full ID number or a canary identity (T20/T21/T24/T29); user text is escaped everywhere (T54); pages carry no
inline code (CSP) and the security headers (T03)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from django.core import mail
from django.test import Client

from inspections import services
from inspections.demo import load_demo_inspections
from inspections.models import CaseStatus, ExposureCase, Hazard, PublicReport, RectificationOrder
from safetyportal.demo.builder import build_demo
from safetyportal.demo.canary import CANARIES, find_canaries, find_full_id_numbers
from safetyportal.documents import services as document_services
from safetyportal.models import OfficerProfile
from tests.core.factories import JurisdictionFactory, StaffUserFactory
from tests.inspections.conftest import grant
from tests.inspections.factories import HazardFactory
from tests.security.crawl import crawl, inline_code, security_header_problems
from tests.security.routes import PORTAL, PUBLIC, crawl_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city(settings, django_capture_on_commit_callbacks, no_broker):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_demo()
    for profile in OfficerProfile.objects.select_related("user"):
        profile.user.email = f"{profile.user.username}@example.cn"
        profile.user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_inspections()
        services.flag_overdue_hazards()


def body(response) -> str:  # type: ignore[no-untyped-def]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8", errors="replace")


def public_urls(client: Client) -> list[str]:
    urls = [*crawl_urls(PUBLIC), "/exposure/feed.atom", "/exposure/sitemap.xml"]
    url = "/exposure/"
    while url:  # every page of the list, through the keyset links
        urls.append(url)
        match = re.search(r'<a href="\?([^"]*after=[^"]*)">下一页', body(client.get(url)))
        url = "/exposure/?" + match.group(1).replace("&amp;", "&") if match else ""
    url = "/exposure/data.json"
    while url:
        urls.append(url)
        url = json.loads(body(client.get(url)))["next"] or ""
        url = "/" + url.split("://", 1)[1].split("/", 1)[1] if url else ""
    index = body(client.get("/exposure/sitemap.xml"))
    for loc in re.findall(r"<loc>([^<]+)</loc>", index):
        path = "/" + loc.split("://", 1)[1].split("/", 1)[1]
        urls.append(path)
        urls += [
            "/" + u.split("://", 1)[1].split("/", 1)[1]
            for u in re.findall(r"<loc>([^<]+)</loc>", body(client.get(path)))
        ]
    urls += [
        f"/exposure/{pk}/" for pk in ExposureCase.objects.exclude(status=CaseStatus.DRAFT).values_list("pk", flat=True)
    ]
    return list(dict.fromkeys(urls))


def test_no_public_url_of_the_demo_city_shows_a_full_id_or_a_canary(demo_city):
    client = Client()
    urls = public_urls(client)
    assert len(urls) > 100 and ExposureCase.objects.public().count() >= 90
    found_gone = 0
    for response in crawl(client, urls):
        text = body(response)
        # other apps' routes crawled with dummy ids: 404; /readyz is 503 without a beat's worker heartbeats
        assert response.status_code < 500 or response.crawl_url == "/readyz", response.crawl_url
        found_gone += response.status_code == 410
        assert not find_full_id_numbers(text), response.crawl_url
        assert not find_canaries(text), (response.crawl_url, find_canaries(text))
    assert found_gone >= 2  # the withdrawn and the expired demo cases answer 410
    # The demo drafts really contained canaries: masking, not luck, kept them out.
    drafts = "".join(ExposureCase.objects.values_list("body", flat=True))
    assert find_canaries(drafts) and find_full_id_numbers(drafts)


def test_no_portal_page_of_the_demo_city_shows_a_canary_to_any_officer(demo_city):
    for profile in OfficerProfile.objects.select_related("user")[:19]:
        client = Client()
        client.force_login(profile.user)
        hazards = Hazard.objects.for_user(profile.user).values_list("pk", flat=True)
        urls = crawl_urls(PUBLIC, PORTAL) + ["/portal/hazards/?page=2"] + [f"/portal/hazards/{pk}/" for pk in hazards]
        for response in crawl(client, urls):
            text = body(response)
            assert not find_full_id_numbers(text), response.crawl_url
            assert not find_canaries(text), (response.crawl_url, find_canaries(text))


def test_no_email_or_order_pdf_of_the_demo_workflow_shows_a_canary(demo_city):
    assert len(mail.outbox) >= 38  # one per citizen's report, plus the overdue warnings
    for message in mail.outbox:
        text = message.subject + message.body
        assert not find_canaries(text) and not find_full_id_numbers(text), message.subject
    assert PublicReport.objects.filter(identity__name__in=CANARIES).count() == 4
    for order in RectificationOrder.objects.exclude(document=None):
        document = document_services.render(document_id=order.document_id)
        assert document.status == "done", document.error
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=document.file.read(), capture_output=True, check=True
        ).stdout.decode()
        assert "责令限期整改指令书" in re.sub(r"\s+", "", text)
        assert not find_canaries(text) and not find_full_id_numbers(text)


PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "{{7*7}}<b>粗体</b>",
    "';alert(1);//",
    "<iframe src=//evil>",
    "<body onload=alert(1)>",
    "<style>*{display:none}</style>",
]


def unescaped(response) -> list[str]:  # type: ignore[no-untyped-def]
    """Live markup from a payload: real tags or attributes (escaped text like "&lt;img onerror=…&gt;" is harmless)."""
    text = body(response)
    if "json" in response["Content-Type"]:
        return []  # JSON is data, served as application/json with nosniff
    problems = [
        tag
        for tag in ("<script>alert", "<img src=x", "<svg onload", "<iframe", "<body onload", "<style>*")
        if tag in text
    ]
    if "html" in response["Content-Type"]:
        problems += [item for item in inline_code(text) if "alert" in item or "javascript" in item]
    return problems


def test_user_text_is_escaped_on_every_surface(client, unit_a, officer_a, django_capture_on_commit_callbacks):
    """T54: payloads in every free-text field of a report and a case, rendered on public pages, the portal, the admin
    changelists and change forms, and in e-mails."""
    officer_a.email = "xss@example.cn"
    officer_a.save()
    unit = unit_a
    payload = " ".join(PAYLOADS)
    with django_capture_on_commit_callbacks(execute=True):
        report, code = services.submit_public_report(
            category="fire", jurisdiction=unit, place=payload[:200], description=payload, name="<b>名</b>", phone=""
        )
    publisher = grant(StaffUserFactory(is_superuser=True), "publish_exposurecase")
    case = services.draft_case_from_hazard(hazard=report.hazard, by=publisher)
    for field in ("title", "summary", "display_name"):
        setattr(case, field, payload[:120])
    case.body = case.warning = payload
    case.media_url = "https://example.cn/report"
    services.save_record(instance=case, by=publisher)
    services.publish_case(case=case, by=publisher)

    pages = [
        client.get(url) for url in ("/exposure/", f"/exposure/{case.pk}/", "/exposure/feed.atom", "/exposure/data.json")
    ]
    pages.append(client.post("/report/track/", {"code": code}))
    officer = Client()
    officer.force_login(officer_a)
    pages += [officer.get("/portal/hazards/"), officer.get(f"/portal/hazards/{report.hazard.pk}/")]
    staff = Client()
    staff.force_login(publisher)
    pages += [
        staff.get(url)
        for url in (
            "/admin/inspections/hazard/",
            f"/admin/inspections/hazard/{report.hazard.pk}/change/",
            "/admin/inspections/exposurecase/",
            f"/admin/inspections/exposurecase/{case.pk}/change/",
            f"/admin/inspections/exposurecase/{case.pk}/preview/",
            f"/admin/inspections/exposurecase/{case.pk}/publish/",
            "/admin/inspections/publicreport/",
            f"/admin/inspections/publicreport/{report.pk}/change/",
            "/admin/safetyportal/recordhistory/",
        )
    ]
    for response in pages:
        assert response.status_code == 200, response.wsgi_request.path
        assert not unescaped(response), (response.wsgi_request.path, unescaped(response))
    for message in mail.outbox:
        assert "<script" not in message.body or message.content_subtype == "plain"


def test_my_pages_have_no_inline_code_and_carry_the_security_headers(client, officer_a, unit_a):
    from tests.inspections.factories import ExposureCaseFactory

    case = ExposureCaseFactory()
    hazard = HazardFactory(jurisdiction=unit_a)
    public = ["/report/", "/report/track/", "/exposure/", f"/exposure/{case.pk}/", "/exposure/?q=x"]
    officer = Client()
    officer.force_login(officer_a)
    portal = [
        "/portal/hazards/",
        "/portal/hazards/new/",
        f"/portal/hazards/{hazard.pk}/",
        "/portal/hazards/inspections-due/",
    ]
    for who, urls in ((client, public), (officer, portal + public)):
        for url in urls:
            response = who.get(url, secure=True)
            assert response.status_code == 200, url
            assert not inline_code(response.content.decode()), (url, inline_code(response.content.decode()))
            assert not security_header_problems(response, authenticated=who is officer), url


def test_the_tracking_code_and_identity_never_reach_a_url_or_the_error_report(client, unit_a):
    from django.views.debug import SafeExceptionReporterFilter

    response = client.post(
        "/report/",
        {
            "category": "fire",
            "jurisdiction": unit_a.pk,
            "place": "某地",
            "description": "安全出口被堵塞十分危险。",
            "anonymous": "",
            "name": "卞雀鸣",
            "phone": "13900000002",
        },
    )
    assert response.status_code == 200
    request = response.wsgi_request
    cleaned = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleaned["name"] != "卞雀鸣" and cleaned["phone"] != "13900000002"
    track = client.post("/report/track/", {"code": "some-secret-code-123456"})
    assert SafeExceptionReporterFilter().get_post_parameters(track.wsgi_request)["code"] != "some-secret-code-123456"


def test_a_jurisdiction_filter_value_cannot_reveal_drafts(client):
    unit = JurisdictionFactory()
    ExposureCase.objects.create(kind="penalty", category="fire", jurisdiction=unit, title="未发布草稿", body="x")
    assert "未发布草稿" not in client.get("/exposure/", {"jurisdiction": unit.pk}).content.decode()
