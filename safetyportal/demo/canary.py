"""Canary personal data: identities planted in the demo and test data so that a crawl can prove none of them ever
reaches a public page, an export, a PDF, an e-mail or a log unmasked.

Every canary ID number has a valid check digit, so the generic full-ID scanner finds it as well as the exact-string
search. Names are unusual on purpose (no real person is likely to share them)."""

from __future__ import annotations

import re

from stdnum.cn import ric

CANARY_NAMES = ("甄金丝", "卞雀鸣", "岑哨兵", "隗探针")
CANARY_PHONES = ("13900000001", "13900000002", "13900000003", "13900000004")


def _with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17)


# Jinjiang (350582) county code, birth dates in the 1970s-1990s.
CANARY_ID_NUMBERS = tuple(
    _with_check_digit(body)
    for body in ("35058219780412311", "35058219850923402", "35058219900101513", "35058219951231624")
)

CANARIES = (*CANARY_NAMES, *CANARY_PHONES, *CANARY_ID_NUMBERS)

# Letters may precede a number (a certificate number is "T" + the ID); digits may not, on either side.
_FULL_ID = re.compile(r"(?<!\d)(\d{17}[\dXx])(?!\d)")


def find_full_id_numbers(text: str) -> list[str]:
    """Every 18-character run in ``text`` that is a resident ID number with a valid check digit."""
    found = []
    for match in _FULL_ID.finditer(text):
        number = match.group(1).upper()
        if ric.calc_check_digit(number[:17]) == number[17]:
            found.append(number)
    return found


def find_canaries(text: str) -> list[str]:
    """The canary values present in ``text`` (also matches phone numbers written with separators removed)."""
    return [value for value in CANARIES if value in text]
