"""The published list (公示名单) as a PDF: compact (≤ 30 pages for 1,280 people), legible (≥ 9 pt), names and masked
numbers never broken, the table heading on every page, the 公示期 and the objection contact in the heading and at
the end; publishing asks for them."""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
import time
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safetyportal.demo.canary import find_full_id_numbers
from safetyportal.documents import services as document_services
from safetyportal.documents.context import engine_context
from safetyportal.documents.models import DocumentStatus, GeneratedDocument
from safetyportal.documents.rendering import render_template_to_pdf
from safetyportal.validators import mask_id_number
from tests.core.documents_support import require_poppler
from tests.core.factories import EnterpriseFactory, PersonFactory
from training import services
from training.documents import list_context
from training.forms import BatchAdminForm
from training.models import ITEM_CATEGORY, OperationCategory, OperationItem, PublicationBatch, PublicationEntry

from .factories import CertificateFactory, PublicationBatchFactory

pytestmark = pytest.mark.django_db

PUBLICITY = {
    "publicity_from": dt.date(2025, 1, 2),
    "publicity_to": dt.date(2025, 1, 8),
    "objection_unit": "晋江市应急管理局",
    "objection_phone": "0595-85612345",
    "objection_address": "晋江市青阳街道世纪大道行政服务中心",
    "objection_email": "yjj@jinjiang.example.cn",
}
OBJECTION = "公示期间，如对公示对象有异议，请以书面形式向晋江市应急管理局反映"
# Employers as long as real ones: 6 to 26 characters (the longest wrap onto a second line). None contains 某, so
# that a broken name ("王" / "某") cannot hide in an employer's text.
EMPLOYERS = [
    "晋江华侨职业中专学校",
    "晋江市金井镇人民政府",
    "晋江市恒安卫生用品有限公司",
    "晋江市安海镇建筑工程有限公司",
    "泉州市电力安装工程有限公司晋江分公司",
    "福建省晋江市陈埭镇鸿星尔克鞋业发展有限公司",
    "晋江市永和镇石材加工厂",
    "中国石化销售股份有限公司福建泉州晋江石油分公司",
    "晋江市磁灶镇陶瓷建材有限公司",
    "福建省晋江市第二建筑工程有限公司第三工程处",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"


def synthetic_rows(count: int, seed: int = 11) -> list[dict[str, str]]:
    """What list_rows() gives for ``count`` people, ordered by operation item as create_batch orders them."""
    rnd = random.Random(seed)
    items = list(OperationItem)
    rows = []
    for index in range(1, count + 1):
        item = items[(index - 1) * len(items) // count]
        birth = f"{rnd.randrange(1960, 2004)}{rnd.randrange(1, 13):02d}{rnd.randrange(1, 29):02d}"
        id_number = f"350582{birth}{index % 1000:03d}{rnd.choice('0123456789X')}"
        rows.append(
            {
                "index": str(index),
                "name": rnd.choice(SURNAMES) + "某",
                "gender": rnd.choice(["男", "男", "男", "女"]),
                "category": str(OperationCategory(ITEM_CATEGORY[item]).label),
                "item": str(item.label),
                "number": mask_id_number("T" + id_number),
                "employer": rnd.choice(EMPLOYERS),
            }
        )
    return rows


@dataclass
class Word:
    page: int
    text: str
    width: float


def pdf_words(data: bytes) -> list[Word]:
    """Every word pdftotext finds, with its page and width (a CJK glyph is as wide as its font size)."""
    require_poppler()
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True, timeout=120
    ).stdout.decode()
    words, page = [], 0
    for match in re.finditer(r'<page |<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>', xhtml):
        if match.group(0) == "<page ":
            page += 1
            continue
        words.append(Word(page, match.group(3), float(match.group(2)) - float(match.group(1))))
    return words


def render_list(count: int) -> tuple[bytes, int]:
    """The real template and stylesheets, rendered as the engine renders them (context from list_context)."""
    batch = PublicationBatch(
        code="2024-01", title="2024年特种作业新取证人员名单", kind="new", issued_on=dt.date(2024, 12, 31), **PUBLICITY
    )
    document = GeneratedDocument(title=batch.title, verify_token="a" * 24, kind="certificate_list")
    context = {**engine_context(document), **list_context(batch, synthetic_rows(count))}
    rendered = render_template_to_pdf("training/certificate_list_pdf.html", context)
    return rendered.data, rendered.page_count


def test_1280_people_fit_in_30_pages_legibly_with_the_heading_on_every_page():
    started = time.monotonic()
    data, pages = render_list(1280)
    elapsed = time.monotonic() - started
    assert pages <= 30, f"1,280 people take {pages} pages"
    words = pdf_words(data)
    text = "".join(word.text for word in words)
    assert not find_full_id_numbers(text)

    names = [word for word in words if re.fullmatch(r"[\u4e00-\u9fff]某", word.text)]
    assert len(names) == 1280, "every name is one unbroken word"
    assert not [word for word in words if word.text.startswith("某")], "a name broken across lines"
    assert min(word.width / 2 for word in names) >= 8.99, "names are set in 9 pt or larger"
    numbers = [word for word in words if re.fullmatch(r"T\d{3}\*{13}[\dX]{2}", word.text)]
    assert len(numbers) == 1280, "every masked number is one unbroken word"

    table_pages = {word.page for word in names}
    for page in table_pages:
        headings = [word.text for word in words if word.page == page and word.text in ("序号", "姓名", "用人单位")]
        assert headings.count("序号") >= 2 and headings.count("用人单位") >= 2, f"page {page}: no table heading"
    print(f"\n1,280 people: {pages} pages, rendered in {elapsed:.1f} s")


def test_the_list_carries_its_publicity_period_and_the_objection_contact_in_the_heading_and_at_the_end(
    monkeypatch, admin_user_office
):
    monkeypatch.setattr(document_services, "enqueue", lambda pk: True)
    enterprise = EnterpriseFactory(name="晋江市安海镇建筑工程有限公司")
    holder = PersonFactory(name="岑哨兵")
    certificate = CertificateFactory(holder=holder, employer=enterprise, first_issued_on=dt.date(2024, 3, 1))
    CertificateFactory(first_issued_on=dt.date(2024, 3, 2))
    batch = services.create_batch(
        code="2024-01",
        title="2024年第一批特种作业新取证人员名单",
        kind="new",
        issued_on=dt.date(2024, 3, 31),
        date_from=dt.date(2024, 3, 1),
        date_to=dt.date(2024, 3, 31),
        **PUBLICITY,
    )
    batch = services.publish_batch(batch=batch, by=admin_user_office)
    document = document_services.render(document_id=batch.document_id)
    assert document.status == DocumentStatus.DONE, document.error
    words = pdf_words(document.file.read())
    text = "".join(word.text for word in words)
    assert "现予公示" in text
    assert text.count("公示期：2025年1月2日至2025年1月8日") == 2
    assert text.count(OBJECTION) == 2  # in the heading and at the end
    assert "0595-85612345" in text and "yjj@jinjiang.example.cn" in text and "世纪大道行政服务中心" in text
    assert "以个人名义反映的，须署真实姓名并提供联系方式" in text
    assert mask_id_number(certificate.number) in text and "岑某" in text
    assert "岑哨兵" not in text and not find_full_id_numbers(text)
    assert text.index(OBJECTION) < text.index("岑某") < text.rindex(OBJECTION)


def test_publishing_asks_for_the_period_and_a_contact():
    batch = PublicationBatchFactory(is_published=False)
    PublicationEntry.objects.create(batch=batch, certificate=CertificateFactory(), position=1)
    with pytest.raises(ValidationError) as refused:
        services.publish_batch(batch=batch)
    assert "请填写公示期（起止日期）。" in refused.value.messages
    assert "请填写异议受理的联系电话、通信地址或电子邮箱（至少一项）。" in refused.value.messages
    PublicationBatch.objects.filter(pk=batch.pk).update(publicity_from=dt.date(2025, 1, 2))
    batch.refresh_from_db()
    assert "请填写公示期（起止日期）。" in batch.publication_problems()
    batch.publicity_to, batch.objection_email = dt.date(2025, 1, 8), "yjj@jinjiang.example.cn"
    assert batch.publication_problems() == []

    form = BatchAdminForm(
        data={
            "code": "2025-01",
            "title": "2025年第一批",
            "kind": "new",
            "issued_on": "2025-01-01",
            "date_from": "2024-12-01",
            "date_to": "2024-12-31",
            "publicity_from": "2025-01-08",
            "publicity_to": "2025-01-02",
        }
    )
    assert not form.is_valid()
    assert form.errors["publicity_to"] == ["公示期的截止日期不能早于起始日期。"]
    assert form.errors["objection_phone"] == ["请填写异议受理的联系电话、通信地址或电子邮箱（至少一项）。"]


def test_the_public_list_page_shows_the_period_and_the_contact(client):
    batch = PublicationBatchFactory(**PUBLICITY)
    PublicationEntry.objects.create(batch=batch, certificate=CertificateFactory(), position=1)
    page = client.get(reverse("certificates:list_detail", args=[batch.code])).content.decode()
    page = re.sub(r"<[^>]+>|\s+", "", page)
    assert page.count("公示期：2025年1月2日至2025年1月8日") == 2
    assert page.count(OBJECTION) == 2
    assert "联系电话：0595-85612345" in page
