import random

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from safetyportal.demo.canary import find_full_id_numbers
from safetyportal.validators import (
    id_check_digit,
    mask_id_number,
    mask_name,
    mask_phone,
    validate_credit_code,
    validate_id_number,
)
from tests.core.factories import make_credit_code, make_id_number

# GB 11643's own sample, a Jinjiang number checked by hand (sum 264, 264 mod 11 = 0 → "1"), stdnum's doctest
# number, and the factory's.
REAL_SHAPED_IDS = ["11010519491231002X", "350582199001011231", "360426199101010071", make_id_number(7)]


@pytest.mark.parametrize("number", REAL_SHAPED_IDS)
def test_valid_id_numbers_pass(number):
    validate_id_number(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("35058219900101123", "length"),
        ("3505821990010112345", "length"),
        ("35058219900101123A", "format"),
        ("990582199001011231", "province"),
        ("350582199002301234", "birth_date"),
        ("350582299001011234", "birth_date"),
        ("350582199001011235", "checksum"),
        ("350582199001011234", "checksum"),  # accepted before issue 10 (the old, wrong check digit)
        ("110105194912310022", "checksum"),
        ("3.50582199001012E+17", "excel"),
    ],
)
def test_broken_id_numbers_are_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert caught.value.code == code


def test_unknown_county_under_known_prefecture_is_judged_by_arithmetic_not_a_crash():
    # stdnum's ric.validate() raises KeyError for this number; ours checks shape, province, birth date and digit.
    validate_id_number("350199199001011237")
    with pytest.raises(ValidationError):
        validate_id_number("350199199001011238")


def test_lowercase_x_is_accepted():
    validate_id_number("11010519491231002x")


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", make_credit_code(5)])
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "91310000775785552L"])
def test_stdnum_uscc_check_digit_weighs_seventeen_characters_whether_given_seventeen_or_eighteen(code):
    # Unlike cn.ric, cn.uscc's calc_check_digit zips 17 weights, so code[:17] (what validate_credit_code passes) is
    # right; published codes (the third is stdnum's own doctest) confirm it.
    assert uscc.calc_check_digit(code[:17]) == uscc.calc_check_digit(code) == code[17]


def test_full_width_credit_code_is_normalised():
    from safetyportal.validators import normalize_credit_code

    assert normalize_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100YI3", "format"),
        ("91350100M000100Y44", "checksum"),
    ],
)
def test_broken_credit_codes_are_refused(code, reason):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == reason


def test_mask_keeps_four_leading_and_two_trailing_characters():
    assert mask_id_number("350582199001011231") == "3505************31"
    assert mask_id_number("T350582199001011231") == "T350*************31"


def test_mask_never_shows_birth_date_digits_for_ten_thousand_ids():
    rng = random.Random(20240616)
    for _ in range(10_000):
        body = (
            f"350582{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
        )
        number = body + id_check_digit(body)
        masked = mask_id_number(number)
        assert masked[4:16] == "*" * 12
        assert number[6:14] not in masked
        assert not find_full_id_numbers(masked)


def test_phone_and_name_masks():
    assert mask_phone("13812345678") == "138******78"
    assert mask_name("孙国强") == "孙某"
    assert mask_id_number("") == ""


def test_mobile_check_refuses_landlines_where_a_mobile_is_required():
    from phonenumber_field.phonenumber import PhoneNumber

    from safetyportal.validators import validate_mobile

    validate_mobile(PhoneNumber.from_string("13905950001", region="CN"))
    with pytest.raises(ValidationError) as caught:
        validate_mobile(PhoneNumber.from_string("0595-85612345", region="CN"))
    assert caught.value.code == "mobile"
