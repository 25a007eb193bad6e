"""Keyset (seek) pagination for long public lists: newest first, no COUNT, no OFFSET.

A page is found by seeking past the last row of the previous one on a composite key ``(field, id)`` that has an index
(e.g. ``(status, published_at, id)``). The seek is written as ``filter(field__lte=v).exclude(field=v, id__gte=i)``:
PostgreSQL and SQLite both turn it into an index range, whereas the textbook ``Q(field__lt=v) | Q(field=v, id__lt=i)``
makes them scan (PERFORMANCE.md). Page 1,000 therefore costs what page 1 costs.

Cursors are opaque strings (``"<microseconds or integer>.<id>"`` in URL-safe base64). A malformed or tampered cursor
raises ``InvalidCursor``; views answer with the first page, never a 5xx.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

_PLAIN = re.compile(r"^(-?\d{1,20})\.(\d{1,19})$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MAX_ID = 2**63 - 1


class InvalidCursor(ValueError):
    """A cursor that is not one this paginator produced."""


@dataclass(frozen=True)
class KeysetPage:
    items: Sequence[Any]
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class KeysetPaginator:
    """Newest-first pages of ``queryset`` on ``(field, "id")``. ``field`` is a DateTimeField, DateField or integer
    field that is never NULL in ``queryset``."""

    def __init__(self, queryset: models.QuerySet, *, field: str, per_page: int = 50) -> None:
        if per_page < 1:
            raise ValueError("per_page must be positive")
        self.queryset = queryset
        self.field = field
        self.per_page = per_page
        self._model_field = queryset.model._meta.get_field(field)

    # Cursor encoding -------------------------------------------------------------------------------------------
    def _to_int(self, value: Any) -> int:
        if isinstance(value, dt.datetime):
            delta = value - _EPOCH
            return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        if isinstance(value, dt.date):
            return value.toordinal()
        return int(value)

    def _from_int(self, number: int) -> Any:
        try:
            if isinstance(self._model_field, models.DateTimeField):
                return _EPOCH + dt.timedelta(microseconds=number)
            if isinstance(self._model_field, models.DateField):
                return dt.date.fromordinal(number)
        except (OverflowError, ValueError):
            raise InvalidCursor("cursor out of range") from None
        return number

    def encode(self, item: Any) -> str:
        plain = f"{self._to_int(getattr(item, self.field))}.{item.pk}"
        return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, int]:
        if not isinstance(cursor, str) or not 2 <= len(cursor) <= 64:
            raise InvalidCursor("bad cursor length")
        try:
            plain = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidCursor("bad cursor encoding") from None
        match = _PLAIN.match(plain)
        if not match:
            raise InvalidCursor("bad cursor")
        pk = int(match.group(2))
        if pk > _MAX_ID:
            raise InvalidCursor("cursor out of range")
        return self._from_int(int(match.group(1))), pk

    # Pages -----------------------------------------------------------------------------------------------------
    def page(self, *, after: str | None = None, before: str | None = None) -> KeysetPage:
        """The page after the cursor ``after`` (older rows), before ``before`` (newer rows), or the first page."""
        field, size = self.field, self.per_page
        if after:
            value, pk = self.decode(after)
            rows = list(
                self.queryset.filter(**{f"{field}__lte": value})
                .exclude(**{field: value, "id__gte": pk})
                .order_by(f"-{field}", "-id")[: size + 1]
            )
            items = rows[:size]
            more = len(rows) > size
            return KeysetPage(
                items,
                self.encode(items[-1]) if more and items else None,
                self.encode(items[0]) if items else None,
            )
        if before:
            value, pk = self.decode(before)
            rows = list(
                self.queryset.filter(**{f"{field}__gte": value})
                .exclude(**{field: value, "id__lte": pk})
                .order_by(field, "id")[: size + 1]
            )
            more = len(rows) > size
            items = list(reversed(rows[:size]))
            return KeysetPage(
                items,
                self.encode(items[-1]) if items else None,
                self.encode(items[0]) if more and items else None,
            )
        rows = list(self.queryset.order_by(f"-{field}", "-id")[: size + 1])
        items = rows[:size]
        return KeysetPage(items, self.encode(items[-1]) if len(rows) > size and items else None, None)

    def cursor_at(self, position: int) -> str | None:
        """The ``after`` cursor that opens the page starting at row ``position`` (0-based). Uses OFFSET once: for
        tools and benchmarks, never for requests."""
        if position <= 0:
            return None
        rows = list(self.queryset.order_by(f"-{self.field}", "-id")[position - 1 : position])
        return self.encode(rows[0]) if rows else None
