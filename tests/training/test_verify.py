"""Public verification: masked results, byte-identical misses, one indexed query, rate limits, QR tokens, reports."""

from __future__ import annotations

import random
import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from safetyportal.demo.canary import CANARY_ID_NUMBERS, find_full_id_numbers
from safetyportal.models import Person
from safetyportal.validators import id_check_digit, mask_id_number
from tests.core.factories import PersonFactory
from training import selectors
from training.models import Certificate, FakeCertificateReport, OperationItem

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db

VERIFY = "/certificates/verify/"


@pytest.fixture
def certificate():
    holder = PersonFactory(name="甄金丝", id_number=CANARY_ID_NUMBERS[0])
    return CertificateFactory(holder=holder)


def lookup(client: Client, q: str, name: str, ip: str = "198.51.100.7"):
    return client.post(VERIFY, {"q": q, "name": name}, REMOTE_ADDR=ip)


CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def without_csrf_token(body: bytes) -> bytes:
    """The page minus the CSRF token's value, which is masked afresh on every response (it says nothing about the
    lookup)."""
    return CSRF_VALUE.sub(rb"\1\2", body)


def test_match_by_number_and_name_shows_the_masked_certificate(client, certificate):
    response = lookup(client, certificate.number, "甄金丝")
    page = response.content.decode()
    assert response.status_code == 200
    assert "低压电工作业" in page and "电工作业" in page and "有效" in page and certificate.authority in page
    assert "2024-05-10" in page and "2030-05-09" in page
    assert mask_id_number(certificate.number) in page and mask_id_number(certificate.holder.id_number) in page
    assert not find_full_id_numbers(page)
    assert certificate.holder.id_number[6:14] not in page  # no birth date


def test_match_by_id_number_and_name_lists_every_item_held(client, certificate):
    CertificateFactory(holder=certificate.holder, operation_item=OperationItem.FUSION_WELDING, category="welding")
    page = lookup(client, certificate.holder.id_number.lower(), " 甄金丝 ").content.decode()
    assert "低压电工作业" in page and "熔化焊接与热切割作业" in page
    assert not find_full_id_numbers(page)


MISSES = [
    ("{number}", "卞雀鸣"),  # right number, wrong name
    ("{id_number}", "甄金"),  # right ID, partial name
    ("{number}", ""),  # no name
    ("", "甄金丝"),  # no number
    ("T12345", "甄金丝"),  # malformed number
    ("<script>alert(1)</script>", "x" * 50),  # hostile input, too long
]


@pytest.mark.parametrize(("q", "name"), MISSES)
def test_a_miss_is_byte_identical_whether_or_not_the_certificate_exists(client, certificate, q, name):
    """The same input answered before and after the certificate (and its holder) are gone: not an existence
    oracle. Only the CSRF token's masking differs between two pages."""
    q = q.format(number=certificate.number, id_number=certificate.holder.id_number)
    exists = lookup(client, q, name, ip="198.51.100.20")
    Certificate.objects.filter(pk=certificate.pk).update(number="T110105194912310021")
    Person.objects.filter(pk=certificate.holder_id).update(id_number="110105194912310021", name="某某某")
    gone = lookup(client, q, name, ip="198.51.100.21")
    assert exists.status_code == gone.status_code == 200
    assert len(exists.content) == len(gone.content)
    assert without_csrf_token(exists.content) == without_csrf_token(gone.content)
    assert exists.headers["Cache-Control"] == gone.headers["Cache-Control"]
    assert "未查询到匹配的证书" in exists.content.decode()


def test_every_kind_of_miss_renders_the_same_page_around_what_was_typed(client, certificate):
    other = PersonFactory()
    misses = [(q.format(number=certificate.number, id_number=certificate.holder.id_number), n) for q, n in MISSES]
    misses += [("T" + other.id_number, other.name), ("T350582199001011231", "张三")]
    pages = set()
    for i, (q, name) in enumerate(misses, 20):
        body = lookup(client, q, name, ip=f"198.51.100.{i}").content.decode()
        assert "未查询到匹配的证书" in body and 'id="results"' not in body
        assert "<script>alert" not in body
        # The form keeps what was typed (escaped); blank it out and the rest of every miss page is the same.
        for field, value in (("q", q), ("name", name)):
            typed = f'id="id_{field}" maxlength="40" value="{escape(value)}"'
            assert typed in body, field
            body = body.replace(typed, f'id="id_{field}" maxlength="40" value=""')
        pages.add(without_csrf_token(body.encode()))
    assert len(pages) == 1
    body = pages.pop().decode()
    assert "甄金丝" not in body and "卞雀鸣" not in body
    assert not find_full_id_numbers(body)


def test_a_match_empties_the_form_and_shows_only_masked_numbers(client, certificate):
    page = lookup(client, certificate.holder.id_number, "甄金丝").content.decode()
    assert 'id="results"' in page
    assert f'value="{certificate.holder.id_number}"' not in page and 'value="甄金丝"' not in page
    assert not find_full_id_numbers(page)


def test_results_misses_and_limits_are_never_stored(client, certificate):
    responses = [lookup(client, certificate.number, "甄金丝"), lookup(client, certificate.number, "卞雀鸣")]
    responses += [lookup(client, "T350582199001011231", "张三", ip="198.51.100.99") for _ in range(11)]
    responses.append(client.get(reverse("certificates:token", args=[certificate.verify_token])))
    assert responses[-2].status_code == 429
    for response in responses:
        directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, response.status_code


@pytest.mark.parametrize(
    "query",
    [
        {"q": "{number}", "name": "甄金丝"},
        {"q": "{id_number}", "name": "甄金丝"},
        {"q": "{number}"},
        {"name": "甄金丝"},
    ],
)
def test_a_get_with_the_values_in_the_query_string_looks_nothing_up(client, certificate, query, caplog):
    params = {k: v.format(number=certificate.number, id_number=certificate.holder.id_number) for k, v in query.items()}
    with mock.patch("training.views.selectors.verify_certificates") as verify, caplog.at_level("DEBUG"):
        response = client.get(VERIFY, params, REMOTE_ADDR="198.51.100.30")
    page = response.content.decode()
    assert response.status_code == 200 and not verify.called
    assert 'id="results"' not in page and 'id="no-match"' not in page
    assert 'value=""' in page and "甄金丝" not in page and not find_full_id_numbers(page)
    assert "甄金丝" not in caplog.text and certificate.holder.id_number[6:] not in caplog.text


def test_lookup_needs_the_csrf_token(certificate):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(VERIFY, {"q": certificate.number, "name": "甄金丝"}).status_code == 403
    form = strict.get(VERIFY)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    response = strict.post(VERIFY, {"q": certificate.number, "name": "甄金丝", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and 'id="results"' in response.content.decode()


def test_lookup_is_one_indexed_query(certificate, django_assert_num_queries):
    query = selectors.VerifyQuery.parse(certificate.number, "甄金丝")
    with django_assert_num_queries(1) as captured:
        assert selectors.verify_certificates(query)
    sql = captured.captured_queries[0]["sql"]
    assert '"number_hmac" =' in sql and '"name" =' in sql  # the keyed HMAC of the encrypted number (T23)
    by_id = selectors.VerifyQuery.parse(certificate.holder.id_number, "甄金丝")
    with django_assert_num_queries(1):
        assert selectors.verify_certificates(by_id)


def test_empty_form_is_not_counted_and_lookups_are_limited_per_client(client, certificate):
    for _ in range(30):
        assert client.get(VERIFY, REMOTE_ADDR="203.0.113.1").status_code == 200
    statuses = [lookup(client, f"T35058219900101{n:04d}", "张三", ip="203.0.113.1").status_code for n in range(200)]
    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}
    # The right answer does not get through either once limited, and another client is unaffected.
    assert lookup(client, certificate.number, "甄金丝", ip="203.0.113.1").status_code == 429
    assert lookup(client, certificate.number, "甄金丝", ip="203.0.113.2").status_code == 200


def test_daily_limit_holds_across_minutes(client):
    now = 1_800_000_000.0
    statuses = []
    with mock.patch("safetyportal.throttle.time.time") as clock:
        for minute in range(12):
            clock.return_value = now + minute * 60
            statuses += [lookup(client, "T350582199001011231", "张三", ip="203.0.113.9").status_code for _ in range(10)]
    assert statuses.count(200) == 100 and statuses[-1] == 429


def test_masking_never_shows_birth_date_digits():
    rng = random.Random(5)
    for _ in range(10_000):
        body = f"35{rng.randint(0, 9999):04d}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        body += f"{rng.randint(0, 999):03d}"
        number = body + id_check_digit(body)
        for value in (number, "T" + number):
            masked = mask_id_number(value)
            visible = masked.replace("*", "")
            assert len(visible) <= (7 if value.startswith("T") else 6)
            assert masked[4:-2].strip("*") == "" and not find_full_id_numbers(masked)


def test_token_shows_only_its_certificate_and_altered_tokens_get_the_same_404(client, certificate):
    other = CertificateFactory()
    page = client.get(reverse("certificates:token", args=[certificate.verify_token])).content.decode()
    assert "甄某" in page and "甄金丝" not in page  # the QR page masks the name as well
    assert mask_id_number(certificate.number) in page and mask_id_number(other.number) not in page
    assert not find_full_id_numbers(page)
    missing = client.get(reverse("certificates:token", args=["no-such-token"]))
    assert missing.status_code == 404
    for token in (
        certificate.verify_token[:-1],
        certificate.verify_token.upper(),
        str(certificate.pk),
        certificate.number,
        "x" * 40,
    ):
        response = client.get(reverse("certificates:token", args=[token]))
        assert response.status_code == 404 and response.content == missing.content


def test_fake_report_reaches_staff_and_needs_csrf(client, certificate, admin_client):
    url = reverse("certificates:report", args=[certificate.verify_token])
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url, {"description": "证书照片与本人不符"}).status_code == 403
    response = client.post(url, {"description": "证书照片与本人不符", "where_seen": "某工地", "contact": "13800000000"})
    assert response.status_code == 200 and "已收到" in response.content.decode()
    report = FakeCertificateReport.objects.get()
    assert report.certificate == certificate and report.status == "new"
    changelist = admin_client.get(reverse("admin:training_fakecertificatereport_changelist")).content.decode()
    assert "某工地" in changelist
    # Another token's report route does not accept reports for a missing certificate.
    assert client.post(reverse("certificates:report", args=["nope"]), {"description": "x"}).status_code == 404


def test_fake_reports_are_rate_limited(client, certificate):
    url = reverse("certificates:report", args=[certificate.verify_token])
    statuses = [client.post(url, {"description": f"线索{i}"}, REMOTE_ADDR="203.0.113.50").status_code for i in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    assert FakeCertificateReport.objects.count() == 5


def test_result_page_has_no_inline_code_and_no_birth_date(client, certificate):
    from tests.security.crawl import inline_code

    page = lookup(client, certificate.number, "甄金丝").content.decode()
    assert not inline_code(page)
    assert "出生" not in page and "年龄" not in page
    assert not re.search(r"\b(19|20)\d{2}年\d{1,2}月\d{1,2}日\b", page)


def test_report_for_an_altered_token_is_the_same_404(client, certificate):
    missing = client.post(reverse("certificates:report", args=["no-such-token"]), {"description": "线索"})
    for token in (certificate.verify_token[:-1], certificate.verify_token.lower(), str(certificate.pk)):
        if token == certificate.verify_token:
            continue
        response = client.post(reverse("certificates:report", args=[token]), {"description": "线索"})
        assert response.status_code == 404 and response.content == missing.content
    assert not FakeCertificateReport.objects.exists()
