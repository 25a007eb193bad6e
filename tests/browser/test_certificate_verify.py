"""Verifying a certificate in chromium, on a desktop and a phone-sized screen; the office's statistics page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from safetyportal.roles import ADMIN_GROUP
from safetyportal.validators import mask_id_number
from tests.core.factories import PersonFactory, StaffUserFactory
from tests.training.factories import CertificateFactory, EnrolmentFactory, TrainingSessionFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_verify_a_certificate_and_see_the_result(page, screenshot, viewport):
    page.set_viewport_size(viewport)
    holder = PersonFactory(name="林建明", id_number="350582198507153419")  # valid by GB 11643
    certificate = CertificateFactory(holder=holder)
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    page.goto("/certificates/verify/")
    expect(page.locator("main h1")).to_have_text("特种作业操作证查询核验")
    page.locator("#id_q").fill(certificate.number)
    page.locator("#id_name").fill("林建明")
    page.get_by_role("button", name="查询").click()
    result = page.locator("article.certificate")
    expect(result).to_have_count(1)
    expect(result.locator(".certificate-item")).to_have_text("低压电工作业")
    expect(result.locator(".badge")).to_have_text("有效")
    expect(result).to_contain_text(mask_id_number(certificate.number))
    expect(result).to_contain_text("2024-05-10 至 2030-05-09")
    assert holder.id_number not in page.content()
    assert page.url.endswith("/certificates/verify/") and certificate.number not in page.url
    screenshot(f"certificate-verify-{viewport['width']}")

    page.locator("#id_q").fill(certificate.number)
    page.locator("#id_name").fill("林建")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#no-match h2")).to_have_text("未查询到匹配的证书")
    # After a miss the form keeps what was typed, to correct it; nothing of it ever reaches the address bar.
    expect(page.locator("#id_q")).to_have_value(certificate.number)
    expect(page.locator("#id_name")).to_have_value("林建")
    assert page.url.endswith("/certificates/verify/")
    assert all("林建" not in url and holder.id_number not in url for url in visited)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_staff_sees_the_statistics_with_charts(page, login, screenshot, office_roles):
    user = StaffUserFactory(groups=[Group.objects.get(name=ADMIN_GROUP)])
    CertificateFactory.create_batch(3)
    CertificateFactory.create_batch(2, operation_item="fusion_welding", category="welding")
    session = TrainingSessionFactory(category="principal", operation_item="")
    EnrolmentFactory.create_batch(5, session=session)
    login(user.username, path="/admin/login/?next=/admin/")
    page.goto("/admin/training/certificate/statistics/?year=2024")
    expect(page.locator("#content h1")).to_have_text(re.compile("培训与持证统计"))
    expect(page.locator(".chart svg").first).to_be_visible()
    expect(page.locator(".stat-grid .num").first).to_have_text("5")
    screenshot("certificate-statistics")
