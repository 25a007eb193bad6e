"""Document numbers (发文字号) and the register (发文登记簿) they are written in.

Per authority code and year, serials run from 1 (or from the next serial staff set, when the office numbered
documents on paper before), never duplicated or skipped. Every number the portal allocates, and every number staff
reserve for a document issued outside the portal, is one ``RegisterEntry`` row. All writes take the row lock of the
authority's ``DocumentNumberSequence`` for that year, so allocations and reservations racing each other queue up
there; a number is allocated inside the transaction that issues the document: if the issue rolls back, so do the
allocation and its register row, so no number is ever lost.

``DocumentNumberSequence.last_serial`` is the highest serial handed out in order: every serial up to it has a
register row. A number reserved further ahead stands alone until the allocations reach it, then they step over it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from safetyportal.services import record_history

from .models import DocumentNumberSequence, IssuingAuthority, RegisterEntry, RegisterOrigin

if TYPE_CHECKING:
    from safetyportal.types import User

MAX_SERIAL = 9999  # far above what an office issues in a year; a typo like 6300 for 63 is refused
REGISTER_PERMISSION = "safetyportal.add_registerentry"


def format_number(code: str, year: int, serial: int) -> str:
    return f"{code}〔{year}〕{serial}号"


def _locked_sequence(authority: IssuingAuthority, year: int) -> DocumentNumberSequence:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document numbers are written inside the issuing (or reserving) transaction")
    DocumentNumberSequence.objects.get_or_create(authority=authority, year=year)
    sequence = DocumentNumberSequence.objects.select_for_update().get(authority=authority, year=year)
    sequence.authority = authority  # not joined in the query: FOR UPDATE would lock the authority's row too
    return sequence


def _reserved_ahead(authority: IssuingAuthority, year: int, after: int) -> set[int]:
    return set(
        RegisterEntry.objects.filter(authority=authority, year=year, serial__gt=after).values_list("serial", flat=True)
    )


def _next_free(last_serial: int, taken: set[int]) -> int:
    serial = last_serial + 1
    while serial in taken:
        serial += 1
    return serial


def next_number(*, authority: IssuingAuthority, year: int) -> tuple[int, str]:
    """The number the next allocation would take (no lock: another issue or reservation may take it first)."""
    last = (
        DocumentNumberSequence.objects.filter(authority=authority, year=year)
        .values_list("last_serial", flat=True)
        .first()
        or 0
    )
    serial = _next_free(last, _reserved_ahead(authority, year, last))
    return serial, format_number(authority.code, year, serial)


def _take(
    sequence: DocumentNumberSequence,
    serial: int,
    ahead: set[int],
    *,
    origin: str,
    kind: str = "",
    title: str = "",
    source: models.Model | None = None,
    by: User | None = None,
    note: str = "",
) -> RegisterEntry:
    """Write the register row of one number; the caller holds the sequence's lock, has checked the number is free
    and passes the serials registered beyond ``last_serial`` (``ahead``)."""
    authority = sequence.authority
    entry = RegisterEntry.objects.create(
        authority=authority,
        year=sequence.year,
        serial=serial,
        number=format_number(authority.code, sequence.year, serial),
        origin=origin,
        kind=kind,
        title=title[:255],
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        created_by=by if getattr(by, "pk", None) else None,
        note=note[:255],
    )
    if serial == sequence.last_serial + 1:
        sequence.last_serial = _next_free(serial, ahead) - 1  # step over reservations made ahead
        sequence.save(update_fields=["last_serial"])
    return entry


def allocate_number(
    *,
    authority: IssuingAuthority,
    year: int,
    kind: str = "",
    title: str = "",
    source: models.Model | None = None,
    by: User | None = None,
) -> tuple[int, str]:
    """The next free number of an authority and year, written in the register for the document being issued."""
    sequence = _locked_sequence(authority, year)
    ahead = _reserved_ahead(authority, year, sequence.last_serial)
    serial = _next_free(sequence.last_serial, ahead)
    entry = _take(sequence, serial, ahead, origin=RegisterOrigin.ISSUED, kind=kind, title=title, source=source, by=by)
    return entry.serial, entry.number


def _check_register_permission(by: User) -> None:
    if not (getattr(by, "is_staff", False) and by.has_perm(REGISTER_PERMISSION)):
        raise PermissionDenied


def reserve_number(
    *,
    authority: IssuingAuthority,
    year: int,
    by: User,
    note: str,
    title: str = "",
    serial: int | None = None,
) -> RegisterEntry:
    """Reserve a number for a document issued outside the portal: the next free one, or a given free one (a number
    ahead of the sequence is stepped over by later allocations)."""
    _check_register_permission(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写预留说明（如门户外发文的用途或登记簿页码）。")})
    with transaction.atomic():
        sequence = _locked_sequence(authority, year)
        ahead = _reserved_ahead(authority, year, sequence.last_serial)
        if serial is None:
            serial = _next_free(sequence.last_serial, ahead)
        elif not 1 <= serial <= MAX_SERIAL:
            raise ValidationError({"serial": _("序号须在1至%(max)s之间。") % {"max": MAX_SERIAL}})
        elif RegisterEntry.objects.filter(authority=authority, year=year, serial=serial).exists():
            raise ValidationError(
                {"serial": _("%(number)s已被使用或预留。") % {"number": format_number(authority.code, year, serial)}}
            )
        return _take(sequence, serial, ahead, origin=RegisterOrigin.RESERVED, title=title, by=by, note=note)


EDIT_PERMISSION = "safetyportal.change_registerentry"


def update_reserved_entry(*, entry: RegisterEntry, by: User, title: str, note: str) -> RegisterEntry:
    """Complete or correct the title and note of a reserved number (a paper issued outside the portal), with a
    history row of what changed. A number taken by a paper issued here is written by the issue and never edited."""
    if not (getattr(by, "is_staff", False) and by.has_perm(EDIT_PERMISSION)):
        raise PermissionDenied
    with transaction.atomic():
        current = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        if current.origin != RegisterOrigin.RESERVED:
            raise ValidationError(_("门户印发的文号由印发时登记，不能修改。"))
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": _("请填写预留说明（如门户外发文的用途或登记簿页码）。")})
        changes = {
            name: [getattr(current, name), value]
            for name, value in (("title", (title or "").strip()[:255]), ("note", note[:255]))
            if getattr(current, name) != value
        }
        if changes:
            for name, (_before, value) in changes.items():
                setattr(current, name, value)
            current.save(update_fields=list(changes))
            record_history(current, action="change", by=by, changes=changes)
    return current


def set_next_serial(*, authority: IssuingAuthority, year: int, next_serial: int, by: User, note: str = "") -> int:
    """Make the portal continue the office's own register: the next allocation takes ``next_serial``. The serials
    skipped over are written in the register as numbers used outside the portal, so it keeps no gap. Refused at or
    below a serial already used or reserved. Returns how many serials were skipped."""
    _check_register_permission(by)
    with transaction.atomic():
        sequence = _locked_sequence(authority, year)
        ahead = _reserved_ahead(authority, year, sequence.last_serial)
        used = max([sequence.last_serial, *ahead])
        if next_serial <= used:
            raise ValidationError(
                {
                    "next_serial": _("%(code)s〔%(year)s〕已使用或预留到%(used)s号，下一序号须大于%(used)s。")
                    % {"code": authority.code, "year": year, "used": used}
                }
            )
        if next_serial > MAX_SERIAL:
            raise ValidationError({"next_serial": _("序号须在1至%(max)s之间。") % {"max": MAX_SERIAL}})
        skipped = [serial for serial in range(sequence.last_serial + 1, next_serial) if serial not in ahead]
        text = _("门户外已编号（设定下一序号为%(serial)s号时登记）") % {"serial": next_serial}
        text = f"{text}：{note.strip()}" if note.strip() else text
        RegisterEntry.objects.bulk_create(
            RegisterEntry(
                authority=authority,
                year=year,
                serial=serial,
                number=format_number(authority.code, year, serial),
                origin=RegisterOrigin.RESERVED,
                created_by=by if getattr(by, "pk", None) else None,
                note=text[:255],
            )
            for serial in skipped
        )
        sequence.last_serial = next_serial - 1
        sequence.save(update_fields=["last_serial"])
    return len(skipped)
