"""Document numbers (发文字号): per authority code and year, sequential from 1, never duplicated or skipped.

A number is allocated inside the transaction that issues the document, under a row lock on the sequence: if the
issue rolls back, so does the allocation, so no number is ever lost."""

from __future__ import annotations

from django.db import transaction

from .models import DocumentNumberSequence, IssuingAuthority


def format_number(code: str, year: int, serial: int) -> str:
    return f"{code}〔{year}〕{serial}号"


def allocate_number(*, authority: IssuingAuthority, year: int) -> tuple[int, str]:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number() must run inside the issuing transaction")
    DocumentNumberSequence.objects.get_or_create(authority=authority, year=year)
    sequence = DocumentNumberSequence.objects.select_for_update().get(authority=authority, year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return sequence.last_serial, format_number(authority.code, year, sequence.last_serial)
