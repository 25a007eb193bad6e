"""SECURITY.md T64 end to end, T24/T26/T29 style: variants of planted numbers and names (full-width digits, dots,
spaces, dashes of every kind, +86/0086, parentheses around area codes, zero-width characters, T-prefixed ID numbers,
bank cards in groups of four, names after role words and before 先生) go into every free-text field of a public
report, a hazard, a rectification order, an exposure case and an activity return. The real flows run (report →
hazard → order PDF read back with pypdf; publish → list, detail, feed, open data, sitemap; portal pages as the
officer) and no page or PDF shows any of them, compared on NFKC'd, separator-stripped text. Dates, document
numbers, amounts, credit codes and times in the same fields survive."""

from __future__ import annotations

import io
import json
import re
import unicodedata

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from stdnum.cn import uscc

from campaigns.models import ReturnStatus
from inspections import public_cache, services
from inspections.models import Hazard
from safetyportal.documents import services as document_services
from tests.campaigns.factories import ActivityReturnFactory, ReturnEventFactory
from tests.core.factories import EnterpriseFactory, OfficerProfileFactory, StaffUserFactory
from tests.inspections.conftest import grant
from tests.inspections.factories import RectificationOrderFactory

pytestmark = pytest.mark.django_db

REPORTER_NAME, REPORTER_PHONE = "卞雀鸣", "13907550123"
THIRD_MOBILE = "13812340987"
LANDLINE_AREA, LANDLINE_LOCAL = "0595", "85671234"
ID_BODY = "35058219850615123"
ID_NUMBER = (
    ID_BODY
    + "10X98765432"[
        sum(int(d) * w for d, w in zip(ID_BODY, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True))
        % 11
    ]
)
BANK_CARD = "6222021234567890128"
NAMES = ("岑哨兵", "隗探针", "甄金丝")
CREDIT_CODE = "91350582MA2Y4B3C1" + uscc.calc_check_digit("91350582MA2Y4B3C1")
KEPT = ["2024-06-16", "晋安办〔2024〕63号", "罚款人民币20000元", CREDIT_CODE, "14:30"]
STRIP = re.compile(r"[\s.\-\u2010-\u2015\u2212/·()\u200b]")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def mobile_spellings(number: str) -> list[str]:
    a, b, c = number[:3], number[3:7], number[7:]
    return [
        number,
        full_width(number),
        f"{a}.{b}.{c}",
        f"{a} {b} {c}",
        f"{a}\u3000{b}\u3000{c}",
        f"{a}-{b}-{c}",
        f"{a}－{b}－{c}",
        f"{a}—{b}—{c}",
        f"{a}‑{b}‑{c}",
        f"+86 {a} {b} {c}",
        f"0086-{number}",
        f"86{number}",
        full_width(f"{a}.{b}") + f".{c}",
        "\u200b".join(number),
        f"（+86）{a}/{b}/{c}",
    ]


def landline_spellings(area: str, local: str) -> list[str]:
    return [
        f"{area}-{local[:4]} {local[4:]}",
        f"({area}){local}",
        full_width(f"（{area}）{local[:4]}－{local[4:]}"),
        f"{area} {local}",
        f"{area}.{local[:4]}.{local[4:]}",
        f"+86 {area[1:]} {local[:4]} {local[4:]}",
        f"{area}-{local}-801",
    ]


def id_spellings(number: str) -> list[str]:
    return [
        number,
        f"T{number}",
        f"{number[:6]} {number[6:14]} {number[14:]}",
        full_width(number),
        f"{number[:6]}-{number[6:14]}-{number[14:]}",
        " ".join(number[i : i + 4] for i in range(0, 18, 4)),
    ]


def card_spellings(number: str) -> list[str]:
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    return [number, " ".join(groups), "\u3000".join(groups), full_width("-".join(groups))]


def planted_text(part: int = 0) -> str:
    """One free-text field's worth of planted personal data (``part`` rotates the spellings between fields)."""
    mobiles = mobile_spellings(THIRD_MOBILE)
    own = mobile_spellings(REPORTER_PHONE)
    pieces = [
        f"举报人{REPORTER_NAME}，本人电话{own[part % len(own)]}、{own[(part + 7) % len(own)]}；",
        f"我叫{' '.join(REPORTER_NAME)}。",
        f"当事人{NAMES[0]}承认违规，驾驶员{NAMES[1]}无证驾驶，负责人{NAMES[2]}在现场。",
        f"联系{NAMES[0]}先生，电话{mobiles[part % len(mobiles)]}或{mobiles[(part + 5) % len(mobiles)]}。",
        f"座机{landline_spellings(LANDLINE_AREA, LANDLINE_LOCAL)[part % 7]}；",
        f"身份证号{id_spellings(ID_NUMBER)[part % 6]}，银行卡{card_spellings(BANK_CARD)[part % 4]}。",
        f"{KEPT[part % len(KEPT)]}。",
    ]
    return "".join(pieces)


def everything_planted() -> str:
    """Every spelling at least once (for the description, the longest field)."""
    parts = [planted_text(n) for n in range(3)]
    parts += ["电话" + s + "；" for s in mobile_spellings(THIRD_MOBILE) + mobile_spellings(REPORTER_PHONE)]
    parts += ["座机" + s + "；" for s in landline_spellings(LANDLINE_AREA, LANDLINE_LOCAL)]
    parts += ["证号" + s + "；" for s in id_spellings(ID_NUMBER)]
    parts += ["卡号" + s + "；" for s in card_spellings(BANK_CARD)]
    parts += ["发现时间" + "，".join(KEPT) + "。"]
    return "".join(parts)


def hits(text: str) -> list[str]:
    """Planted values found in a page, compared as a scanner must: NFKC'd, separators stripped."""
    flat = STRIP.sub("", unicodedata.normalize("NFKC", text))
    needles = [REPORTER_PHONE, THIRD_MOBILE, LANDLINE_LOCAL, ID_NUMBER, ID_NUMBER[6:14], BANK_CARD, REPORTER_NAME]
    needles += list(NAMES)
    return [needle for needle in needles if needle in flat]


@pytest.fixture
def flows(client, unit_a, staff, no_broker, django_capture_on_commit_callbacks):
    """The real flows with planted text in every free-text field."""
    description = everything_planted()
    assert len(description) <= 2000
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/report/",
            {
                "category": "fire",
                "jurisdiction": unit_a.pk,
                "place": planted_text(1)[:200],
                "description": description,
                "name": REPORTER_NAME,
                "phone": REPORTER_PHONE,
            },
        )
    assert response.status_code == 200, response.content.decode()[:2000]
    hazard = Hazard.objects.get()
    grant(staff, "change_hazard", "issue_rectificationorder", "change_rectificationorder")
    enterprise = EnterpriseFactory(jurisdiction=unit_a)
    services.update_hazard(hazard=hazard, by=staff, values={"enterprise": enterprise})
    services.transition_hazard(hazard=hazard, to_status="verifying", by=staff, reason=planted_text(2))
    services.transition_hazard(
        hazard=hazard,
        to_status="rectifying",
        by=staff,
        reason=planted_text(3),
        deadline=timezone.localdate() + timezone.timedelta(days=10),
    )
    orders = []
    for findings in ("", planted_text(4)):  # from the hazard's description, and typed by staff
        order = RectificationOrderFactory(enterprise=enterprise, findings=findings, requirements=planted_text(5))
        order.hazards.set([hazard])
        orders.append(document_services.issue(order, by=staff))

    publisher = grant(StaffUserFactory(), "publish_exposurecase", "add_exposurecase", "change_exposurecase")
    case = services.draft_case_from_hazard(hazard=hazard, by=publisher)
    case.title = ("曝光：" + planted_text(6))[:200]
    case.summary = planted_text(7)[:300]
    case.body = case.body + planted_text(8)
    case.legal_basis = planted_text(9)[:300]
    case.penalty_text = planted_text(10)[:300]
    case.warning = planted_text(11)
    case.principal_person = NAMES[2]
    services.save_record(instance=case, by=publisher)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.publish_case(case=case, by=publisher)

    officer = OfficerProfileFactory(jurisdiction=unit_a).user
    activity_return = ActivityReturnFactory(
        jurisdiction=unit_a,
        place=planted_text(12)[:128],
        description=planted_text(13),
        return_reason=planted_text(14),
        status=ReturnStatus.RETURNED,
    )
    ReturnEventFactory(activity_return=activity_return, reason=planted_text(0), actor=staff)
    return {"hazard": hazard, "orders": orders, "case": case, "officer": officer, "return": activity_return}


def test_the_planted_text_really_holds_every_value():
    text = everything_planted()
    flat = STRIP.sub("", unicodedata.normalize("NFKC", text))
    assert all(value in flat for value in (REPORTER_PHONE, THIRD_MOBILE, LANDLINE_LOCAL, ID_NUMBER, BANK_CARD))
    assert hits(text) and "１３８" in text and "\u3000" in text and "+86" in text and "—" in text


def test_the_reporters_identity_is_removed_at_intake(flows):
    hazard = flows["hazard"]
    stored = hazard.description + hazard.address + hazard.public_report.place
    flat = STRIP.sub("", unicodedata.normalize("NFKC", stored))
    assert REPORTER_PHONE not in flat and REPORTER_NAME not in flat
    assert THIRD_MOBILE in flat  # third parties are masked where text is shown, not destroyed in the record


def test_rectification_order_pdfs_carry_no_planted_value(flows):
    for order in flows["orders"]:
        document = document_services.render(document_id=order.document_id)
        assert document.status == "done", document.error
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document.file.read())).pages)
        squeezed = re.sub(r"\s+", "", text)
        assert "责令限期整改指令书" in squeezed
        assert not hits(text), hits(text)
        assert "罚款人民币20000元" in squeezed or "晋安办〔2024〕63号" in squeezed or "2024-06-16" in squeezed


def public_pages(client: Client, case_pk: int) -> list[tuple[str, str]]:
    urls = [
        "/exposure/",
        f"/exposure/{case_pk}/",
        "/exposure/feed.atom",
        "/exposure/data.json",
        "/exposure/sitemap.xml",
    ]
    pages = [(url, client.get(url).content.decode()) for url in urls]
    for loc in re.findall(r"<loc>([^<]+)</loc>", pages[-1][1]):
        path = "/" + loc.split("://", 1)[1].split("/", 1)[1]
        pages.append((path, client.get(path).content.decode()))
    data = json.loads(pages[3][1])
    pages.append(("data.json decoded", json.dumps(data, ensure_ascii=False)))
    return pages


def test_public_pages_feed_and_open_data_carry_no_planted_value(flows, client):
    public_cache.bump_version()
    case = flows["case"]
    pages = public_pages(client, case.pk)
    detail = pages[1][1]
    assert "曝光" in detail and case.public_body[:10] in detail
    for url, text in pages:
        assert not hits(text), (url, hits(text))
    for kept in ("2024-06-16", "晋安办〔2024〕63号", "罚款人民币20000元", CREDIT_CODE):
        assert kept in detail, kept
    assert f"{NAMES[0][0]}某" in detail and "138******87" in detail  # masked, not dropped


def test_portal_pages_show_free_text_masked_to_the_officer(flows):
    client = Client()
    client.force_login(flows["officer"])
    urls = [
        "/portal/",
        "/portal/hazards/",
        f"/portal/hazards/{flows['hazard'].pk}/",
        "/portal/returns/",
        f"/portal/returns/{flows['return'].pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert not hits(text), (url, hits(text))
    detail = client.get(f"/portal/returns/{flows['return'].pk}/").content.decode()
    assert "138******87" in detail and CREDIT_CODE in detail  # masked, not dropped; the credit code kept
