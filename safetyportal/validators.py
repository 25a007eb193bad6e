"""Validators and masking for Chinese identifiers.

Resident ID numbers (GB 11643) are checked by this module's own arithmetic (``id_check_digit``): weights
7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over the first 17 digits, the sum modulo 11 indexing ``10X98765432``. This is the
one implementation in the project; demo data, factories, importers and the full-ID scanners all call it. (stdnum's
``cn.ric.calc_check_digit`` expects the whole 18-character number and silently computes nonsense from 17, which is
how every check digit here was once wrong; its ``validate()`` also rejects real numbers whose county code changed
after the holder's birth.) Unified social credit codes use python-stdnum's ``cn.uscc``, whose
``calc_check_digit`` weighs only the first 17 characters, so passing 17 or 18 gives the same answer.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

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

# GB 11643-1999: weight of each of the first 17 digits, and the check character for (sum mod 11).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_YEAR = 1900

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_SHAPE = re.compile(rf"^[{_USCC_ALPHABET}]{{18}}$")
# What people type inside a number: spaces of every kind and hyphens or dashes between digit groups.
_INNER_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc]+")
# What Excel makes of an 18-digit number stored as a number: "3.50582199001012E+17" or "350582199001011000.0".
_EXCEL_NUMBER = re.compile(r"^\d+(?:\.\d*)?E[+-]?\d+$|^\d{11,}\.\d*$")

EXCEL_NUMBER_MESSAGE = _("身份证号码被Excel转换成了科学计数法或数字，请将该列设置为“文本”格式后重新填写。")


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of a resident ID number.

    Takes exactly 17 ASCII digits (never the whole number: that is the trap stdnum's API sets)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("id_check_digit() takes exactly the first 17 digits of an ID number")
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def is_spreadsheet_number(value: object) -> bool:
    """A value a spreadsheet delivered as a number (a cell formatted as number, or its text form)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    if isinstance(value, str):
        return _EXCEL_NUMBER.match(normalize_id_number(value)) is not None
    return False


def normalize_id_number(value: object) -> str:
    """What people type, as stored: NFKC first (full-width digits and ``Ｘ`` become ASCII), spaces and hyphens
    removed wherever they are (spreadsheets and forms often group the digits), a leading apostrophe (Excel's "text"
    marker typed into a CSV) dropped, ``x`` upper-cased. Never guesses: a number that is not 18 characters stays as
    typed for the validator to refuse. Also used for certificate numbers ("T" + ID)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.startswith("'"):
        text = text[1:]
    return _INNER_SEPARATORS.sub("", text).upper()


def id_birth_date(number: str) -> dt.date | None:
    """The birth date encoded in an 18-character number, if it is a real date from 1900 to today."""
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth.year < EARLIEST_BIRTH_YEAR or birth > timezone.localdate():
        return None
    return birth


def has_id_shape(number: str) -> bool:
    """17 digits and a digit or X, a known province code and a real birth date (check digit not considered)."""
    return _ID_SHAPE.match(number) is not None and number[:2] in PROVINCE_CODES and id_birth_date(number) is not None


def has_valid_check_digit(number: str) -> bool:
    return _ID_SHAPE.match(number) is not None and id_check_digit(number[:17]) == number[17]


def validate_id_number(value: object) -> None:
    """GB 11643 resident ID number: 18 characters, known province, real birth date not in the future, check digit.

    Judges the normalised form (``normalize_id_number``); numbers Excel converted are refused with a message that
    says how to fix the spreadsheet."""
    if is_spreadsheet_number(value):
        raise ValidationError(EXCEL_NUMBER_MESSAGE, code="excel")
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位。"), code="length")
    if not _ID_SHAPE.match(number):
        raise ValidationError(_("身份证号码前17位应为数字，最后一位为数字或X。"), code="format")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(_("身份证号码的省级行政区划代码无效。"), code="province")
    if id_birth_date(number) is None:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="birth_date")
    if id_check_digit(number[:17]) != number[17]:
        if number.endswith("000"):
            # Excel keeps 15 significant digits: a number stored as a number ends in 000.
            raise ValidationError(
                _("身份证号码校验位错误。若号码末尾被Excel改成了0，请将该列设置为“文本”格式后重新填写。"),
                code="checksum",
            )
        raise ValidationError(_("身份证号码校验位错误，请核对后重新输入。"), code="checksum")


def is_valid_id_number(value: object) -> bool:
    try:
        validate_id_number(value)
    except ValidationError:
        return False
    return True


class IdNumberFormField(forms.CharField):
    """A form field for resident ID numbers: accepts what people type (full-width, spaces, hyphens, lower-case x),
    cleans to the stored form and validates by GB 11643."""

    default_validators = [validate_id_number]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)  # room for separators; the cleaned value has 18 characters
        kwargs.setdefault("help_text", _("18位公民身份号码，末位可为X；可含空格或连字符。"))
        super().__init__(**kwargs)

    def to_python(self, value: object) -> str:
        return normalize_id_number(super().to_python(value))


def normalize_credit_code(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()


def validate_credit_code(value: str) -> None:
    """GB 32100 unified social credit code: 18 characters from its alphabet and a correct check character."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="length")
    if not _USCC_SHAPE.match(code):
        raise ValidationError(_("统一社会信用代码含有无效字符（不使用I、O、Z、S、V）。"), code="format")
    if uscc.calc_check_digit(code[:17]) != code[17]:  # stdnum weighs the first 17 characters only
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
    ``350582199001011231`` → ``3505************31``; ``T350582199001011231`` → ``T350*************31``.
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
