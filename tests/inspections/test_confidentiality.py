"""T24 and T26: 200 reports (100 named, 100 anonymous) with canary reporters. For every non-custodian role, every
reachable page, admin view, export, PDF, e-mail and log line holds no reporter name or phone; the rectification
orders sent to enterprises carry no reporter identifier and no report photo. Custodians see them on one screen."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import subprocess

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from inspections import services
from inspections.documents import build_order
from inspections.models import HazardPhoto, PublicReport, RectificationOrder
from safetyportal.demo.canary import CANARY_NAMES, CANARY_PHONES
from safetyportal.documents import services as document_services
from safetyportal.documents.models import GeneratedDocument
from safetyportal.roles import STAFF_GROUP
from tests.core.factories import EnterpriseFactory, OfficerProfileFactory, StaffUserFactory
from tests.inspections.conftest import grant, jpeg_with_exif
from tests.inspections.factories import RectificationOrderFactory
from tests.security.crawl import crawl
from tests.security.routes import PORTAL, PUBLIC, crawl_urls

pytestmark = pytest.mark.django_db

NAMED, ANONYMOUS = 100, 100


def reporter(n: int) -> tuple[str, str]:
    """Canary identities: the four of safetyportal.demo.canary, then unusual names and 139 0000 xxxx numbers."""
    if n < len(CANARY_NAMES):
        return CANARY_NAMES[n], CANARY_PHONES[n]
    return f"隗探针{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{'子丑寅卯辰巳午未申酉戌亥'[n // 10 % 12]}", f"1390001{n:04d}"


IDENTITIES = [reporter(n) for n in range(NAMED)]
NEEDLES = sorted({value for pair in IDENTITIES for value in pair} | set(CANARY_NAMES) | set(CANARY_PHONES))


def leaks(text: str) -> list[str]:
    digits = re.sub(r"[\s-]", "", text)
    return [needle for needle in NEEDLES if needle in text or (needle.isdigit() and needle in digits)]


@pytest.fixture
def world(unit_a, unit_b, staff, django_capture_on_commit_callbacks):
    """Officers with e-mail in both units (so the workflow sends mail), 200 reports, half of them advanced to
    rectification (some overdue), a rectification order for each of ten enterprises, and one published case."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from safetyportal.images import process_image

    for unit in (unit_a, unit_b):
        OfficerProfileFactory(jurisdiction=unit, user__email=f"officer-{unit.pk}@example.cn")
    photo = process_image(SimpleUploadedFile("p.jpg", jpeg_with_exif()))
    with django_capture_on_commit_callbacks(execute=True):
        reports = []
        for n in range(NAMED + ANONYMOUS):
            unit = unit_a if n % 2 else unit_b
            name, phone = IDENTITIES[n] if n < NAMED else ("", "")
            text = "楼道里堆满杂物，电动车在楼道充电。"
            if name:
                text += f"我叫{name}，电话{phone[:3]}-{phone[3:7]}-{phone[7:]}，请回电。"
            report, _code = services.submit_public_report(
                category="ebike",
                jurisdiction=unit,
                place=f"测试小区{n}号楼（{name or '匿名'}家楼下）",
                description=text,
                photos=[photo] if n % 10 == 0 else [],
                name=name,
                phone=phone,
            )
            reports.append(report)
        enterprises = [EnterpriseFactory(jurisdiction=unit_a if n % 2 else unit_b) for n in range(10)]
        for n, report in enumerate(reports[:100]):
            hazard = services.transition_hazard(hazard=report.hazard, to_status="verifying", by=staff, reason="转核查")
            hazard.enterprise = enterprises[n % 10]
            services.update_hazard(hazard=hazard, by=staff, values={"enterprise": enterprises[n % 10]})
            services.transition_hazard(
                hazard=hazard,
                to_status="rectifying",
                by=staff,
                reason="属实，责令整改",
                deadline=timezone.localdate() - dt.timedelta(days=1)
                if n % 3 == 0
                else timezone.localdate() + dt.timedelta(days=9),
            )
        services.flag_overdue_hazards()
        orders = []
        for n, enterprise in enumerate(enterprises):
            order = RectificationOrderFactory(enterprise=enterprise)
            order.hazards.set([r.hazard for i, r in enumerate(reports[:100]) if i % 10 == n])
            orders.append(order)
        publisher = grant(StaffUserFactory(), "publish_exposurecase")
        case = services.draft_case_from_hazard(hazard=reports[1].hazard, by=publisher)
        case.body += f"（举报人{IDENTITIES[1][0]}，电话{IDENTITIES[1][1]}）"  # a careless draft
        services.save_record(instance=case, by=publisher)
        services.publish_case(case=services.save_record(instance=case, by=publisher), by=publisher)
    return {"reports": reports, "orders": orders, "enterprises": enterprises}


def test_the_sweep_data_is_what_it_claims(world):
    assert PublicReport.objects.filter(is_anonymous=False).count() == NAMED
    assert PublicReport.objects.filter(is_anonymous=True).count() == ANONYMOUS
    assert len(mail.outbox) >= 200  # a new-report mail per report, plus the overdue warnings
    assert not leaks("".join(str(r.hazard.description) + r.place for r in world["reports"]))  # removed at intake


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _pages(client: Client, urls: list[str]) -> list[tuple[str, str]]:
    return [(r.crawl_url, _body(r).decode("utf-8", errors="replace")) for r in crawl(client, urls)]


def test_no_public_page_shows_a_reporter(world):
    anonymous = Client()
    urls = [*crawl_urls(PUBLIC), "/exposure/", "/exposure/feed.atom", "/exposure/data.json", "/exposure/sitemap.xml"]
    urls += [f"/exposure/{pk}/" for pk in range(1, 5)]
    for url, text in _pages(anonymous, urls):
        assert not leaks(text), url


def test_no_portal_page_shows_a_reporter_to_an_officer(world, officer_a):
    client = Client()
    client.force_login(officer_a)
    hazards = [r.hazard for r in world["reports"]]
    urls = crawl_urls(PUBLIC, PORTAL) + [f"/portal/hazards/?page={n}" for n in range(1, 7)]
    urls += [f"/portal/hazards/{h.pk}/" for h in hazards] + ["/portal/hazards/?status=overdue"]
    pages = _pages(client, urls)
    assert sum("隐患 YH" in text for _url, text in pages) >= 100  # the officer really saw the hazard pages
    for url, text in pages:
        assert not leaks(text), url


def test_no_admin_screen_or_export_shows_a_reporter_to_office_staff(world, staff, admin_user_office):
    from tests.security.routes import all_admin_urls

    for user in (staff, admin_user_office):  # a case handler and an administrator, neither a custodian
        client = Client()
        client.force_login(user)
        reports = world["reports"]
        urls = [
            *all_admin_urls(),
            "/admin/inspections/hazard/?p=1",
            "/admin/inspections/hazard/?p=2",
            "/admin/inspections/hazard/?p=3",
            "/admin/inspections/hazard/?p=4",
            "/admin/inspections/publicreport/",
            "/admin/inspections/publicreport/?p=2",
            "/admin/inspections/publicreport/?p=3",
            "/admin/inspections/publicreport/?p=4",
            "/admin/safetyportal/recordhistory/",
            "/admin/inspections/exposurecase/",
        ]
        urls += [f"/admin/inspections/hazard/{r.hazard.pk}/change/" for r in reports[::7]]
        urls += [f"/admin/inspections/publicreport/{r.pk}/change/" for r in reports[::7]]
        urls += [f"/admin/inspections/publicreport/{r.pk}/reveal/" for r in reports[:3]]
        urls += [f"/admin/inspections/rectificationorder/{o.pk}/change/" for o in world["orders"]]
        for url, text in _pages(client, urls):
            assert not leaks(text), (user, url)
        for fmt in ("0", "1"):
            fields = {f"hazardresource_{name}": "on" for name in ("number", "address", "description", "status")}
            response = client.post("/admin/inspections/hazard/export/", {"format": fmt, **fields})
            assert response.status_code == 200
            if fmt == "1":
                text = response.content.decode("utf-8-sig")
                rows = list(csv.reader(io.StringIO(text)))
            else:
                book = openpyxl.load_workbook(io.BytesIO(response.content))
                rows = [[str(c.value) for c in row] for row in book.active.iter_rows()]
                text = "\n".join(",".join(row) for row in rows)
            assert len(rows) > 200 and not leaks(text)


def test_the_custodian_sees_the_reporter_on_the_reveal_screen_only(world, custodian):
    client = Client()
    client.force_login(custodian)
    report = next(r for r in world["reports"] if not r.is_anonymous)
    name = report.identity.name
    for url in (
        f"/admin/inspections/publicreport/{report.pk}/change/",
        f"/admin/inspections/hazard/{report.hazard.pk}/change/",
        "/admin/inspections/publicreport/",
    ):
        assert name not in client.get(url).content.decode()
    assert (
        name
        in client.post(
            f"/admin/inspections/publicreport/{report.pk}/reveal/", {"reason": "核实奖励对象"}
        ).content.decode()
    )


def test_no_email_names_a_reporter(world):
    assert mail.outbox
    for message in mail.outbox:
        assert not leaks(message.subject + message.body + " ".join(message.to)), message.subject


def test_orders_sent_to_enterprises_carry_no_reporter_and_no_report_photo(world, staff, no_broker):
    """T26 for the 100 reports behind the ten orders: the HTML handed to the renderer, then two real PDFs."""
    from django.template.loader import render_to_string

    from safetyportal.documents.context import engine_context

    grant(staff, "issue_rectificationorder")
    report_photos = list(HazardPhoto.objects.filter(stage="report").values_list("image", flat=True))
    assert report_photos
    for order in world["orders"]:
        assert order.hazards.count() == 10
        issued = document_services.issue(order, by=staff)
        document = GeneratedDocument.objects.get(pk=issued.document_id)
        spec = build_order(document)
        html = render_to_string(spec.template_name, {**engine_context(document), **spec.context})
        assert not leaks(html), order
        assert "<img" not in html and not any(name.split("/")[-1] in html for name in report_photos)
        assert "电动车在楼道充电" in html and order.enterprise.name in html
    for order in RectificationOrder.objects.order_by("pk")[:2]:
        rendered = document_services.render(document_id=order.document_id)
        assert rendered.status == "done", rendered.error
        pdf = rendered.file.read()
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "责令限期整改指令书" in text.replace(" ", "") and order.number in text.replace(" ", "")
        assert not leaks(text)
        images = subprocess.run(
            ["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=False
        ).stdout.decode()
        assert len(images.strip().splitlines()) <= 2  # header lines only: no image at all in the order


def test_application_logs_hold_no_reporter(world, caplog, client, staff):
    caplog.set_level(logging.DEBUG)
    client.post(
        "/report/",
        {
            "category": "fire",
            "jurisdiction": str(world["reports"][0].hazard.jurisdiction_id),
            "place": "x",
            "description": "短",
            "name": IDENTITIES[5][0],
            "phone": IDENTITIES[5][1],
        },
    )
    client.force_login(staff)
    client.get(f"/admin/inspections/hazard/{world['reports'][5].hazard.pk}/change/")
    assert not leaks(caplog.text)


def test_the_roles_fixture_is_sane(staff):
    assert staff.groups.filter(name=STAFF_GROUP).exists() and Group.objects.filter(name=STAFF_GROUP).exists()
