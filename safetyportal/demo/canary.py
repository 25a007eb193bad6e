"""Canary personal data: identities planted in the demo and test data so that a crawl can prove none of them ever
reaches a public page, an export, a PDF, an e-mail or a log unmasked.

Every canary ID number is valid by GB 11643, so the generic full-ID scanner finds it as well as the exact-string
search. Names are unusual on purpose (no real person is likely to share them)."""

from __future__ import annotations

import re
import unicodedata

from safetyportal.validators import has_id_shape, has_valid_check_digit, id_check_digit

CANARY_NAMES = ("甄金丝", "卞雀鸣", "岑哨兵", "隗探针")
CANARY_PHONES = ("13900000001", "13900000002", "13900000003", "13900000004")


def _with_check_digit(first17: str) -> str:
    return first17 + id_check_digit(first17)


# Jinjiang (350582) county code, birth dates in the 1970s-1990s.
CANARY_ID_NUMBERS = tuple(
    _with_check_digit(body)
    for body in ("35058219780412311", "35058219850923402", "35058219900101513", "35058219951231624")
)

CANARIES = (*CANARY_NAMES, *CANARY_PHONES, *CANARY_ID_NUMBERS)

# A run of digit groups (the last may end in X) joined by short runs of spaces or hyphens/dashes, as people type
# numbers: "3505 8219 9001 0112 31", "350582-19900101-1231". Letters may precede a number (a certificate number is
# "T" + the ID); a digit may not, on either side.
_SEPARATOR = r"[ \t\u00a0\-\u2010-\u2015\u2212]{1,3}"
_GROUPED_DIGITS = re.compile(rf"(?<![\dXx])\d+[Xx]?(?:{_SEPARATOR}(?:\d+[Xx]?|[Xx](?![A-Za-z])))*(?![\dXx])")
_GROUP = re.compile(r"\d+[Xx]?|[Xx]")


def _looks_like_an_id(candidate: str) -> bool:
    number = candidate.upper()
    if number[:-1].count("X") or not number[:-1].isdigit():
        return False
    return has_id_shape(number) or has_valid_check_digit(number)


def find_full_id_numbers(text: str) -> list[str]:
    """Every resident ID number written out in full in ``text``, normalised (ASCII, upper-case X, no separators).

    The text is NFKC-normalised first (full-width digits and Ｘ). A number counts when its 18 characters are typed
    together or as whole digit groups separated by spaces or hyphens, and it has the shape of an ID (a known province
    code and a real birth date from 1900 to today) or a valid GB 11643 check digit. Masked numbers
    (``3505************34``) are not found."""
    text = unicodedata.normalize("NFKC", text)
    found: list[str] = []
    for match in _GROUPED_DIGITS.finditer(text):
        groups = _GROUP.findall(match.group(0))
        for start in range(len(groups)):
            length = 0
            for end in range(start, len(groups)):
                length += len(groups[end])
                if length >= 18:
                    break
            if length != 18:
                continue
            candidate = "".join(groups[start : end + 1])
            if _looks_like_an_id(candidate):
                found.append(candidate.upper())
    return found


def find_canaries(text: str) -> list[str]:
    """The canary values present in ``text`` (also matches phone numbers written with separators removed)."""
    return [value for value in CANARIES if value in text]
