"""Validators and masking for Chinese identifiers.

The check-digit arithmetic comes from python-stdnum (cn.ric, cn.uscc). stdnum's own ``cn.ric.validate()`` is not
used on user input: it rejects real numbers whose county code changed after the holder's birth and raises an
uncaught KeyError for an unknown county under a known prefecture (e.g. 350199199001011237).
"""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc

# GB/T 2260 province-level codes (the first two digits of a resident ID number).
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_SHAPE = re.compile(rf"^[{_USCC_ALPHABET}]{{18}}$")


def normalize_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def validate_id_number(value: str) -> None:
    """GB 11643 resident ID number: 18 characters, known province, real birth date not in the future, check digit."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位。"), code="length")
    if not _ID_SHAPE.match(number):
        raise ValidationError(_("身份证号码前17位应为数字，最后一位为数字或X。"), code="format")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(_("身份证号码的省级行政区划代码无效。"), code="province")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="birth_date") from None
    if birth > timezone.localdate() or birth.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="birth_date")
    if ric.calc_check_digit(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对后重新输入。"), code="checksum")


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def validate_credit_code(value: str) -> None:
    """GB 32100 unified social credit code: 18 characters from its alphabet and a correct check character."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="length")
    if not _USCC_SHAPE.match(code):
        raise ValidationError(_("统一社会信用代码含有无效字符（不使用I、O、Z、S、V）。"), code="format")
    if uscc.calc_check_digit(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位错误，请核对后重新输入。"), code="checksum")


def validate_mobile(value: object) -> None:
    """A mainland mobile number (where a mobile is required, e.g. for reminders)."""
    number = getattr(value, "national_number", None)
    if number is None:
        return
    try:
        parsed = phonenumbers.parse(str(value), "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("请输入有效的手机号码。"), code="mobile") from None
    kind = phonenumbers.number_type(parsed)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise ValidationError(_("请输入有效的手机号码。"), code="mobile")


def mask_id_number(value: str | None) -> str:
    """The one site-wide mask for ID numbers and numbers derived from them (certificate number = "T" + ID).

    Shows at most the first four and the last two characters, so no birth-date digit is ever visible:
    ``350582199001011234`` → ``3505************34``; ``T350582199001011234`` → ``T350*************34``.
    """
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) <= 6:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 6) + text[-2:]


def mask_phone(value: object) -> str:
    """Phone numbers: keep the first three and last two digits (``138******78``)."""
    digits = re.sub(r"\D", "", str(getattr(value, "national_number", None) or value or ""))
    if not digits:
        return ""
    if len(digits) <= 5:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


def mask_name(value: str | None) -> str:
    """A person's name as published: surname kept (孙某), the rest replaced."""
    text = (value or "").strip()
    if not text:
        return ""
    return text[0] + "某"
