"""The exposure pages: masking before publishing, publish and withdraw (list, feed, JSON, sitemap and cache change on
the next request; the URL answers 410), public-until dates, keyset pages, constant queries, allowlisted filters."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import selectors, services
from inspections.masking import mask_public_text
from inspections.models import CaseKind, CaseStatus, ExposureCase, RecordHistory
from safetyportal.demo.canary import CANARY_ID_NUMBERS, CANARY_NAMES, CANARY_PHONES, find_canaries, find_full_id_numbers
from tests.core.factories import EnterpriseFactory, JurisdictionFactory, PersonFactory, StaffUserFactory
from tests.inspections.conftest import grant
from tests.inspections.factories import ExposureCaseFactory, PenaltyCaseFactory

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ("/exposure/", "/exposure/feed.atom", "/exposure/data.json", "/exposure/sitemap.xml")


@pytest.fixture
def publisher(db):
    return grant(StaffUserFactory(), "publish_exposurecase", "add_exposurecase", "change_exposurecase")


def sitemap_and_months(client: Client) -> str:
    index = client.get("/exposure/sitemap.xml").content.decode()
    parts = [index]
    for loc in re.findall(r"<loc>([^<]+)</loc>", index):
        path = loc.split("://", 1)[1].split("/", 1)[1]
        parts.append(client.get("/" + path).content.decode())
    return "".join(parts)


def everything_public(client: Client) -> str:
    return "".join(client.get(url).content.decode() for url in PUBLIC_URLS[:3]) + sitemap_and_months(client)


# Masking ----------------------------------------------------------------------------------------------------------


def test_masking_covers_ids_phones_and_names():
    text = (
        f"主要负责人{CANARY_NAMES[0]}（身份证号{CANARY_ID_NUMBERS[0]}，手机{CANARY_PHONES[0]}）；"
        "驾驶员王建华无证驾驶叉车；举报人：李秀英；现场负责人张伟等三人；陈建国先生；座机0595-85612345；"
        f"证号T{CANARY_ID_NUMBERS[1]}；旧证号350582800101123。负责人未履行职责，孙某已被处罚。"
    )
    masked = mask_public_text(text, names=[CANARY_NAMES[0]]).text
    assert not find_canaries(masked) and not find_full_id_numbers(masked)
    for name in ("王建华", "李秀英", "张伟", "陈建国"):
        assert name not in masked
    assert f"{CANARY_NAMES[0][0]}某" in masked and "王某" in masked and "李某" in masked and "陈某先生" in masked
    assert "85612345" not in masked and "350582800101123" not in masked
    assert "负责人未履行职责" in masked and "孙某已被处罚" in masked  # no false positive, no double masking
    assert "3505************" in masked  # the one site-wide mask: first four, last two


def test_masked_ids_never_show_birth_date_digits():
    from tests.core.factories import make_id_number

    for n in range(2000):
        number = make_id_number(n * 37)
        masked = mask_public_text(f"身份证{number}").text
        assert number[6:14] not in masked and number not in masked


def test_publishing_masks_everyone_the_office_knows_about(publisher):
    enterprise = EnterpriseFactory(legal_representative="甄金丝", contact_name="卞雀鸣")
    PersonFactory(name="岑哨兵", enterprise=enterprise, jurisdiction=enterprise.jurisdiction)
    penalty = PenaltyCaseFactory(enterprise=enterprise, principal_person="隗探针")
    case = services.draft_case_from_penalty(penalty=penalty, by=publisher)
    case.body = "法定代表人甄金丝、联系人卞雀鸣、员工岑哨兵与负责人隗探针均在现场。隗探针电话13900000004。"
    services.save_record(instance=case, by=publisher)

    preview = services.masked_case_text(case)
    case = services.publish_case(case=case, by=publisher)

    assert preview["public_body"] == case.public_body
    assert not find_canaries(case.public_body)
    assert "甄某" in case.public_body and "隗某" in case.public_body and "139******04" in case.public_body
    assert case.body.startswith("法定代表人甄金丝")  # the draft keeps the real text, for the office


# Publish, withdraw, expire ----------------------------------------------------------------------------------------


def test_a_published_case_appears_everywhere_at_once_and_a_withdrawn_one_disappears(client, publisher):
    unit = JurisdictionFactory(name="灵源街道")
    case = services.save_record(
        instance=ExposureCase(
            kind=CaseKind.COVERT,
            category="fire",
            jurisdiction=unit,
            title="暗访曝光：某鞋厂堵塞安全出口",
            body="暗访组发现安全出口被堵塞。",
        ),
        by=publisher,
    )
    assert "某鞋厂堵塞安全出口" not in everything_public(client)  # drafts are never public, and this fills the cache
    assert client.get(f"/exposure/{case.pk}/").status_code == 404

    with pytest.raises(PermissionDenied):
        services.publish_case(case=case, by=StaffUserFactory())

    services.publish_case(case=case, by=publisher)
    from inspections import public_cache

    public_cache.bump_version()  # what on_commit does after the (test-wrapped) transaction
    html = everything_public(client)
    assert html.count("某鞋厂堵塞安全出口") >= 4  # list, feed, JSON (title), sitemap links to the detail
    assert f"/exposure/{case.pk}/" in sitemap_and_months(client)
    assert client.get(f"/exposure/{case.pk}/").status_code == 200

    services.withdraw_case(case=case, by=publisher, reason="当事单位名称有误")
    public_cache.bump_version()
    assert "某鞋厂堵塞安全出口" not in everything_public(client)
    assert f"/exposure/{case.pk}/" not in sitemap_and_months(client)
    gone = client.get(f"/exposure/{case.pk}/")
    assert gone.status_code == 410 and "已不再公开" in gone.content.decode()
    assert RecordHistory.objects.filter(object_id=case.pk, action__in=["publish", "withdraw"]).count() == 2


def test_publish_and_withdraw_bump_the_cache_version_on_commit(publisher, django_capture_on_commit_callbacks):
    from inspections import public_cache

    case = ExposureCaseFactory(status=CaseStatus.DRAFT, published_at=None)
    before = public_cache.current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.publish_case(case=case, by=publisher)
    assert len(callbacks) == 1 and public_cache.current_version() == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_case(case=case, by=publisher, reason="撤回")
    assert public_cache.current_version() == before + 2


def test_a_case_past_its_public_until_date_leaves_the_pages_at_midnight(client, publisher):
    today = timezone.localdate()
    case = ExposureCaseFactory(public_title="公开期满的案例", public_until=today)
    assert "公开期满的案例" in client.get("/exposure/").content.decode()
    case.public_until = today - dt.timedelta(days=1)
    case.save()  # what the admin does (its save path also bumps the version): here the date alone must hide it
    from inspections import public_cache

    public_cache.bump_version()
    assert "公开期满的案例" not in everything_public(client)
    assert client.get(f"/exposure/{case.pk}/").status_code == 410
    assert services.expire_cases() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.EXPIRED


def test_the_cache_key_carries_the_date(monkeypatch):
    from inspections import public_cache

    key_today = public_cache.page_key("list", "")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2099, 1, 1))
    assert public_cache.page_key("list", "") != key_today


def test_a_worker_never_serves_its_memory_copy_after_a_version_bump(client):
    from inspections import public_cache

    case = ExposureCaseFactory(public_title="版本号测试")
    assert client.get("/exposure/")["X-Exposure-Cache"] == "miss"
    assert client.get("/exposure/")["X-Exposure-Cache"] == "hit"
    case.public_title = "版本号测试（已更新）"
    case.save()
    public_cache.bump_version()  # another worker published: only the shared version changed
    response = client.get("/exposure/")
    assert response["X-Exposure-Cache"] == "miss" and "版本号测试（已更新）" in response.content.decode()


def test_pages_work_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    ExposureCaseFactory(public_title="缓存故障时也能看到")
    assert "缓存故障时也能看到" in client.get("/exposure/").content.decode()


def test_detail_shows_only_public_cases(client):
    """The public detail route (IDOR registry): drafts answer 404, withdrawn and expired ones 410, only a published
    case 200 — and it shows the masked text, never the draft."""
    published = ExposureCaseFactory(body="草稿原文：负责人甄金丝", public_body="公开文本：负责人甄某")
    draft = ExposureCaseFactory(status=CaseStatus.DRAFT, published_at=None)
    withdrawn = ExposureCaseFactory(status=CaseStatus.WITHDRAWN)
    expired = ExposureCaseFactory(status=CaseStatus.EXPIRED)
    page = client.get(f"/exposure/{published.pk}/")
    assert page.status_code == 200 and "公开文本" in page.content.decode() and "甄金丝" not in page.content.decode()
    assert client.get(f"/exposure/{draft.pk}/").status_code == 404
    assert client.get(f"/exposure/{withdrawn.pk}/").status_code == 410
    assert client.get(f"/exposure/{expired.pk}/").status_code == 410
    assert client.get("/exposure/99999999/").status_code == 404


def test_sitemap_months_list_only_public_cases(client):
    case = ExposureCaseFactory()
    draft = ExposureCaseFactory(status=CaseStatus.WITHDRAWN)
    when = timezone.localtime(case.published_at)
    month = client.get(f"/exposure/sitemap-{when.year}-{when.month}.xml").content.decode()
    assert f"/exposure/{case.pk}/" in month and f"/exposure/{draft.pk}/" not in month
    assert client.get("/exposure/sitemap-1999-13.xml").status_code == 200  # empty, not an error


# Lists --------------------------------------------------------------------------------------------------------------


def walk(client: Client, url: str) -> list[int]:
    seen: list[int] = []
    while url:
        html = client.get(url).content.decode()
        seen += [int(pk) for pk in re.findall(r'href="/exposure/(\d+)/"', html)]
        match = re.search(r'<a href="\?([^"]*after=[^"]*)">下一页', html)
        url = "/exposure/?" + match.group(1).replace("&amp;", "&") if match else ""
    return seen


def test_keyset_pages_cover_every_case_once_in_order(client):
    same_time = timezone.now() - dt.timedelta(days=1)
    cases = [ExposureCaseFactory() for _ in range(70)] + [
        ExposureCaseFactory(published_at=same_time) for _ in range(40)
    ]
    seen = walk(client, "/exposure/")
    expected = [c.pk for c in sorted(cases, key=lambda c: (c.published_at, c.pk), reverse=True)]
    assert seen == expected


def test_previous_page_links_back(client):
    [ExposureCaseFactory() for _ in range(120)]
    first = client.get("/exposure/").content.decode()
    after = re.search(r'\?(after=[^"]+)"', first).group(1)
    second = client.get(f"/exposure/?{after}").content.decode()
    before = re.search(r'\?(before=[^"]+)">« 上一页', second).group(1)
    back = client.get(f"/exposure/?{before}").content.decode()
    assert re.findall(r'href="/exposure/(\d+)/"', back) == re.findall(r'href="/exposure/(\d+)/"', first)


def test_filters_narrow_the_list(client):
    unit = JurisdictionFactory(name="磁灶镇")
    fire = ExposureCaseFactory(category="fire", public_title="消防案例")
    gas = ExposureCaseFactory(category="gas", kind=CaseKind.ACCIDENT, jurisdiction=unit, public_title="燃气事故通报")
    old = ExposureCaseFactory(public_title="去年的案例", published_at=timezone.now() - dt.timedelta(days=400))
    html = client.get("/exposure/", {"category": "fire"}).content.decode()
    assert "消防案例" in html and "燃气事故通报" not in html
    html = client.get("/exposure/", {"kind": "accident"}).content.decode()
    assert "燃气事故通报" in html and "消防案例" not in html
    html = client.get("/exposure/", {"jurisdiction": unit.pk}).content.decode()
    assert "燃气事故通报" in html and "消防案例" not in html
    month = timezone.localtime(old.published_at).strftime("%Y-%m")
    html = client.get("/exposure/", {"month": month}).content.decode()
    assert "去年的案例" in html and "消防案例" not in html
    html = client.get("/exposure/", {"q": "燃气"}).content.decode()
    assert "燃气事故通报" in html and "消防案例" not in html
    data = json.loads(client.get("/exposure/data.json", {"category": "gas"}).content)
    assert [row["id"] for row in data["cases"]] == [gas.pk] and data["cases"][0]["category_label"] == "燃气"
    assert fire.pk not in [row["id"] for row in data["cases"]]


MALICIOUS = [
    "' OR 1=1 --",
    "1; DROP TABLE inspections_exposurecase",
    "reporter__phone",
    "-published_at",
    "identity__name",
    "\x00",
    "\r\n",
    "%00",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "9" * 40,
    "-1",
    "1e9",
    "2026-13",
    "2026-00",
    "0000-01",
    "99999-01",
    "２０２６-０１",
    "${7*7}",
    "{{7*7}}",
    "__class__",
    "pk__gte=1",
    "fire' --",
    "fire\x00",
    "FIRE",
    " fire ",
    "published_at__lt",
    "jurisdiction__path__startswith",
    "1 OR 1",
    "1)",
    "(1",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "\\",
    '"',
    "'",
    "%",
    "_",
    "*",
    "a" * 5000,
    "Zm9v",
    "MTIzLjQ1",
    "LTEuLTE",
    "OTk5OTk5OTk5OTk5OTk5OTk5OS45OTk5OTk5OTk5OTk5OTk5OTk5",
    "MC4w",
    "=HYPERLINK()",
    "@SUM(1)",
]


def test_fifty_malicious_filter_values_never_cause_a_server_error(client):
    ExposureCaseFactory()
    assert len(MALICIOUS) >= 50
    for value in MALICIOUS:
        for name in (
            "category",
            "kind",
            "jurisdiction",
            "month",
            "q",
            "after",
            "before",
            "o",
            "order",
            "sort",
            "filter",
        ):
            for url in ("/exposure/", "/exposure/data.json"):
                response = client.get(url, {name: value})
                assert response.status_code in (200, 429), (url, name, value, response.status_code)


def test_filters_keep_only_allowlisted_values():
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(
        {
            "category": "reporter__phone",
            "kind": "'--",
            "jurisdiction": "1 OR 1",
            "month": "2026-13",
            "after": "../../x",
            "q": "  x  " * 30,
            "o": "identity__name",
        }
    )
    filters = selectors.ExposureFilters.from_query(query)
    assert filters.category == filters.kind == filters.month == filters.after == ""
    assert filters.jurisdiction is None and len(filters.q) <= 40


# Queries ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 120])
def test_public_pages_run_a_constant_number_of_queries(client, count, django_assert_max_num_queries):
    cases = [ExposureCaseFactory() for _ in range(count)]
    urls = [
        "/exposure/",
        "/exposure/?category=industry",
        f"/exposure/{cases[0].pk}/",
        "/exposure/feed.atom",
        "/exposure/data.json",
        "/exposure/sitemap.xml",
    ]
    for url in urls:
        with django_assert_max_num_queries(2):  # the page (with its jurisdiction), and the filter's unit list
            assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        for url in urls:
            assert client.get(url)["X-Exposure-Cache"] == "hit"
    assert len(cached) == 0


def test_no_exact_count_on_public_lists(client):
    ExposureCaseFactory()
    with CaptureQueriesContext(connection) as queries:
        client.get("/exposure/")
        client.get("/exposure/data.json")
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


# For the campaigns summary -------------------------------------------------------------------------------------------


def test_published_case_counts_per_jurisdiction():
    a, b = JurisdictionFactory(), JurisdictionFactory()
    now = timezone.now()
    ExposureCaseFactory(jurisdiction=a, published_at=now)
    ExposureCaseFactory(jurisdiction=a, published_at=now, status=CaseStatus.EXPIRED)
    ExposureCaseFactory(jurisdiction=a, published_at=now, status=CaseStatus.WITHDRAWN)
    ExposureCaseFactory(jurisdiction=b, published_at=now - dt.timedelta(days=60))
    ExposureCaseFactory(jurisdiction=b, status=CaseStatus.DRAFT, published_at=None)
    today = timezone.localdate()
    assert selectors.published_case_counts(start=today - dt.timedelta(days=7), end=today) == {a.pk: 2}
    assert selectors.published_case_counts(start=today - dt.timedelta(days=90), end=today) == {a.pk: 2, b.pk: 1}


def test_the_board_shows_each_units_months_against_the_quota():
    from safetyportal.models import JurisdictionLevel

    a = JurisdictionFactory(level=JurisdictionLevel.SUBDISTRICT, name="青阳街道")
    b = JurisdictionFactory(level=JurisdictionLevel.SUBDISTRICT, name="梅岭街道")
    ExposureCaseFactory(jurisdiction=a, published_at=timezone.now())
    board = selectors.exposure_board(months=3)
    rows = {unit.name: cells for unit, cells in board["rows"]}
    assert rows["青阳街道"][-1] == (1, True) and rows["梅岭街道"][-1] == (0, False)
    assert board["missing_this_month"] >= 1 and len(board["months"]) == 3 and b
