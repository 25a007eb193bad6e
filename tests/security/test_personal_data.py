"""The harness for personal data (T20/T24 style): with the demo city loaded, canary identities included, no page
reachable by the public or by an officer shows a full ID number or a canary identity."""

from __future__ import annotations

import pytest
from django.test import Client

from safetyportal.demo.builder import build_demo
from safetyportal.demo.canary import CANARY_ID_NUMBERS, find_canaries, find_full_id_numbers
from safetyportal.models import OfficerProfile, Person
from safetyportal.validators import is_valid_id_number
from tests.security.crawl import crawl
from tests.security.routes import PORTAL, PUBLIC, crawl_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city():
    build_demo()


def test_demo_city_carries_the_canaries(demo_city):
    assert Person.objects.filter(id_number__in=CANARY_ID_NUMBERS).count() == len(CANARY_ID_NUMBERS)


def test_canary_numbers_are_valid_by_gb_11643():
    assert all(is_valid_id_number(number) for number in CANARY_ID_NUMBERS)


def test_finder_catches_a_full_id_in_text():
    assert find_full_id_numbers(f"证号：T{CANARY_ID_NUMBERS[0]}。") == [CANARY_ID_NUMBERS[0]]
    assert find_full_id_numbers("3505************34") == []


@pytest.mark.parametrize(
    "written",
    [
        "{n}",
        "T{n}",
        "{n:fullwidth}",
        "{n:spaced}",
        "{n:hyphenated}",
        "{n:lowercase}",
    ],
)
def test_finder_catches_every_canary_however_it_is_written(written):
    for number in CANARY_ID_NUMBERS:
        forms = {
            "{n}": number,
            "T{n}": "T" + number,
            "{n:fullwidth}": "".join(chr(ord(c) + 0xFEE0) for c in number),
            "{n:spaced}": " ".join([number[:6], number[6:14], number[14:]]),
            "{n:hyphenated}": "-".join([number[:4], number[4:8], number[8:12], number[12:16], number[16:]]),
            "{n:lowercase}": number.lower(),
        }
        assert find_full_id_numbers(f"<td>身份证：{forms[written]}</td>") == [number], written


def test_finder_catches_a_wrong_check_digit_by_shape():
    """A real number typed with a wrong last digit (or stored before the check was fixed) is still a leak."""
    number = CANARY_ID_NUMBERS[0]
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert find_full_id_numbers(f"号码{wrong}") == [wrong]


def test_no_public_or_portal_page_shows_a_full_id_or_a_canary(demo_city):
    anonymous, officer = Client(), Client()
    officer.force_login(OfficerProfile.objects.select_related("user").first().user)
    for client in (anonymous, officer):
        responses = crawl(client, crawl_urls(PUBLIC, PORTAL))
        assert responses
        for response in responses:
            text = response.content.decode("utf-8", errors="replace")
            assert not find_full_id_numbers(text), response.request["PATH_INFO"]
            assert not find_canaries(text), response.request["PATH_INFO"]
