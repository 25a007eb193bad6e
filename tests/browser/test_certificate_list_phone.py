"""A published list (公示名单) on a 390×844 phone: one small card per person, no sideways scrolling, the 公示期 and the
objection contact shown."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.core.factories import EnterpriseFactory
from tests.training.factories import CertificateFactory, PublicationBatchFactory
from training.models import PublicationEntry

pytestmark = pytest.mark.browser


def test_the_public_list_fits_a_phone(page, screenshot):
    batch = PublicationBatchFactory(
        publicity_from=dt.date(2025, 1, 2),
        publicity_to=dt.date(2025, 1, 8),
        objection_unit="晋江市应急管理局",
        objection_phone="0595-85612345",
        objection_address="晋江市青阳街道世纪大道行政服务中心",
        objection_email="yjj@jinjiang.example.cn",
    )
    employers = [
        EnterpriseFactory(name="中国石化销售股份有限公司福建泉州晋江石油分公司"),
        EnterpriseFactory(name="晋江华侨职业中专学校"),
    ]
    for i in range(6):
        certificate = CertificateFactory(employer=employers[i % 2])
        PublicationEntry.objects.create(batch=batch, certificate=certificate, position=i)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/certificates/lists/{batch.code}/")
    expect(page.locator("main h1")).to_have_text(batch.title)
    expect(page.locator(".list-publicity").first).to_contain_text("公示期：2025年1月2日至2025年1月8日")
    expect(page.locator(".list-publicity-end")).to_contain_text("请以书面形式向晋江市应急管理局反映")
    expect(page.locator("table.people-list tbody tr")).to_have_count(6)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    # No part of the list scrolls sideways on its own either.
    assert page.evaluate(
        "document.querySelector('.table-wrap').scrollWidth <= document.querySelector('.table-wrap').clientWidth"
    )
    screenshot("certificate-list-390")
