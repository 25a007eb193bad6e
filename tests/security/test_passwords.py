"""T07: the password policy. New hashes are Argon2 (PBKDF2 kept so that old hashes still log in, and are upgraded
at that login); at least 12 characters, 64 accepted; Django's common-password list; and a zxcvbn-based validator
refusing keyboard walks, repeats, sequences and passwords built from the user's own name, with a Chinese reason.

This module keeps the project's hashers (no fast test hasher): what it checks is the production setting."""

from __future__ import annotations

import random
import re
import secrets

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    get_default_password_validators,
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safetyportal.password_validation import GuessablePasswordValidator
from tests.core.factories import OfficerProfileFactory
from tests.otp import device_for, finish_login
from tests.security.prod import production_settings

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
STRONG = "Lu-Xiang7-Qiao-Bian3-Ming"  # no pattern, no name: passes every validator
ENGLISH = re.compile(r"\b(?:this|password|your|must|contain|similar|common|characters?|numeric|entirely)\b", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")

examples = hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _codes(password: str, user=None) -> set[str]:  # type: ignore[no-untyped-def]
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {item.code for item in error.error_list}
    return set()


def _guessable_message(password: str, user=None) -> str:  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        GuessablePasswordValidator().validate(password, user)
    assert caught.value.code == "password_too_guessable"
    return caught.value.messages[0]


# --- hashing -------------------------------------------------------------------------------------------------------


def test_the_production_hashers_are_argon2_first_with_pbkdf2_kept() -> None:
    values = production_settings("PASSWORD_HASHERS", "AUTH_PASSWORD_VALIDATORS")
    assert values["__pytest_imported__"] is False
    assert values["PASSWORD_HASHERS"][0] == ARGON2
    assert PBKDF2 in values["PASSWORD_HASHERS"]
    names = [validator["NAME"] for validator in values["AUTH_PASSWORD_VALIDATORS"]]
    assert "safetyportal.password_validation.GuessablePasswordValidator" in names
    assert "django.contrib.auth.password_validation.CommonPasswordValidator" in names
    assert values["PASSWORD_HASHERS"] == settings.PASSWORD_HASHERS  # and this module runs with them


def test_a_new_password_is_stored_as_argon2id_with_at_least_owasps_cost(db) -> None:
    user = get_user_model().objects.create_user("hash-check", password=STRONG)
    algorithm, variety, version, parameters, _salt, _hash = user.password.split("$")
    assert (algorithm, variety, version) == ("argon2", "argon2id", "v=19")
    cost = dict(item.split("=") for item in parameters.split(","))
    assert int(cost["m"]) >= 19456 and int(cost["t"]) >= 2  # OWASP's minimum: 19 MiB, 2 iterations
    assert user.check_password(STRONG) and not user.check_password(STRONG + "x")


def test_a_pbkdf2_hash_still_logs_in_and_is_rehashed_to_argon2(db) -> None:
    officer = OfficerProfileFactory().user
    officer.password = make_password(STRONG, hasher="pbkdf2_sha256")
    officer.save(update_fields=["password"])
    assert identify_hasher(officer.password).algorithm == "pbkdf2_sha256"
    device_for(officer)

    client = Client()
    response = client.post("/portal/login/", {"username": officer.username, "password": STRONG})
    assert finish_login(client, response, officer.username)["Location"] == "/portal/"
    officer.refresh_from_db()
    assert identify_hasher(officer.password).algorithm == "argon2"
    assert check_password(STRONG, officer.password)


# --- length --------------------------------------------------------------------------------------------------------


def test_the_minimum_length_is_twelve() -> None:
    assert "password_too_short" in _codes("Lu-Xiang7-Q")  # 11
    assert _codes("Lu-Xiang7-Qb") == set()  # 12


@examples
@given(st.integers(min_value=0, max_value=2**32))
def test_sixty_four_character_passwords_are_accepted_and_verify(seed: int) -> None:
    rng = random.Random(seed)
    password = "".join(rng.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_!#") for _ in range(64))
    assert _codes(password) == set()


def test_a_sixty_four_character_password_logs_in(db) -> None:
    officer = OfficerProfileFactory().user
    password = secrets.token_urlsafe(48)
    assert len(password) == 64
    validate_password(password, officer)
    officer.set_password(password)
    officer.save(update_fields=["password"])
    device_for(officer)
    client = Client()
    response = client.post("/portal/login/", {"username": officer.username, "password": password})
    assert finish_login(client, response, officer.username)["Location"] == "/portal/"


# --- common passwords ----------------------------------------------------------------------------------------------


def test_a_sample_of_a_hundred_common_passwords_is_refused() -> None:
    common = sorted(CommonPasswordValidator().passwords)
    sample = random.Random(7).sample(common, 100)
    refused = [password for password in sample if "password_too_common" in _codes(password)]
    assert refused == sample
    long_ones = [password for password in common if len(password) >= 12][:20]  # not only refused for length
    assert all("password_too_common" in _codes(password) for password in long_ones)


# --- patterns (zxcvbn) ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["qwertyuiop123", "1qaz2wsx3edc", "qazwsxedcrfv", "1q2w3e4r5t6y", "asdfghjkl;123", "zxcvbnm,./12"]
)
def test_keyboard_patterns_are_refused_with_a_chinese_reason(password: str) -> None:
    message = _guessable_message(password)
    assert "键盘上相邻按键" in message
    assert "请换一个更长" in message


ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
COLUMNS = ("1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik,", "9ol.")


@st.composite
def keyboard_walks(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        start = draw(st.integers(0, len(COLUMNS) - 3))
        count = draw(st.integers(3, len(COLUMNS) - start))
        walk = "".join(COLUMNS[start : start + count])
    else:
        row = draw(st.sampled_from(ROWS[1:3]))  # the digit row is a sequence too (see the sequence test)
        start = draw(st.integers(0, len(row) - 8))
        walk = row[start:] + draw(st.sampled_from(["", "123", "1234", "!@#"]))
    if draw(st.booleans()):
        walk = walk.capitalize()
    return walk


@examples
@given(keyboard_walks())
def test_generated_keyboard_walks_are_refused(password: str) -> None:
    assert len(password) >= 8
    assert "键盘上相邻按键" in _guessable_message(password)


@examples
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6), st.integers(2, 6))
def test_generated_repeats_are_refused(word: str, times: int) -> None:
    password = word * max(times, -(-12 // len(word)))
    assert len(password) >= 12
    assert "重复的字符或单词" in _guessable_message(password)


@examples
@given(st.sampled_from(["abcdefghijklmnopqrstuvwxyz", "0123456789"]), st.integers(0, 25), st.sampled_from([1, -1, 2]))
def test_generated_sequences_are_refused(alphabet: str, start: int, delta: int) -> None:
    chars = [chr(ord(alphabet[0]) + (start % len(alphabet)) + delta * i) for i in range(12)]
    if not all(alphabet[0] <= c <= alphabet[-1] for c in chars):
        chars = [chr(ord(alphabet[-1]) - i) for i in range(min(12, len(alphabet)))] * 2
    password = "".join(chars)[:12]
    message = _guessable_message(password)
    assert "连续的字母或数字" in message or "键盘上相邻按键" in message or "重复的字符" in message


@examples
@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=10),
    st.text(alphabet="0123456789!@#$%&*", min_size=3, max_size=6),
    st.booleans(),
    st.booleans(),
)
def test_passwords_built_from_the_users_own_name_are_refused(
    name: str, suffix: str, first: bool, capital: bool
) -> None:
    user = get_user_model()(username=name, first_name="测试", email=f"{name}@example.com")
    base = name.capitalize() if capital else name
    password = base + suffix if first else suffix + base
    password = password + "#" * max(0, 12 - len(password))
    assert "用户名、姓名或邮箱" in _guessable_message(password, user)


def test_the_demo_and_test_passwords_pass_and_random_ones_do() -> None:
    from safetyportal.demo.jinjiang import DEMO_PASSWORD
    from tests.core.factories import TEST_PASSWORD

    for password in (DEMO_PASSWORD, TEST_PASSWORD, STRONG, "correct horse battery staple"):
        assert _codes(password) == set(), password
    for _ in range(20):
        assert _codes(secrets.token_urlsafe(12)) == set()


def test_an_overlong_password_is_analysed_without_error() -> None:
    assert _codes(secrets.token_urlsafe(3000)) == set()


# --- messages ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Lu-Xiang7", "password_too_short"),
        ("112233445566", "password_too_common"),
        ("735194862051", "password_entirely_numeric"),
        ("lingyuanzhan", "password_too_similar"),
        ("qwertyuiop123", "password_too_guessable"),
    ],
)
def test_every_validator_speaks_chinese(password: str, code: str) -> None:
    user = get_user_model()(username="lingyuanzhan", first_name="灵源")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    messages = {item.code: str(item.message % (item.params or {})) for item in caught.value.error_list}
    assert code in messages
    for message in messages.values():
        assert CJK.search(message) and not ENGLISH.search(message), message
    with translation.override("zh-hans"):
        for text in password_validators_help_texts():
            assert CJK.search(text) and not ENGLISH.search(text), text
    assert len(get_default_password_validators()) == 5
