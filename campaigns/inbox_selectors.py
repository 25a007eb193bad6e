"""Reads of the notice inbox (收文) and the office's 签收 board. Each runs a fixed number of queries."""

from __future__ import annotations

from .models import NoticeReceipt, NoticeStatus


def unsigned_receipt_count() -> int:
    """How many addressees of the notices in force (issued, not superseded) have not signed yet (office desk)."""
    return NoticeReceipt.objects.filter(notice__status=NoticeStatus.ISSUED, signed_at__isnull=True).count()
