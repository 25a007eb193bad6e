"""Writes of the notice inbox (收文) and its signatures (签收): receipts created at issue, opened, signed, reminded.

Receipts are created for every addressee in the issuing transaction (``Notice.after_issue``); a unit records its
first opening and signs once (idempotent, never undone); the office reminds units that have not signed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Notice, NoticeReceipt

if TYPE_CHECKING:
    pass


def create_receipts(*, notice: Notice) -> int:
    """A receipt for every addressee of an issued notice that has none yet (idempotent); how many were created."""
    existing = set(NoticeReceipt.objects.filter(notice=notice).values_list("jurisdiction_id", "member_unit_id"))
    rows = [
        NoticeReceipt(notice=notice, jurisdiction_id=jurisdiction_id, member_unit_id=member_unit_id)
        for jurisdiction_id, member_unit_id in notice.recipient_keys()
        if (jurisdiction_id, member_unit_id) not in existing
    ]
    NoticeReceipt.objects.bulk_create(rows)
    return len(rows)
