"""What a resubmitted return changed since it was sent back (issue 13).

When a reviewer sends a return back, ``services.send_back_return`` stores ``snapshot_of(return)`` on the 退回修改
event (``ReturnEvent.snapshot``, written once with the append-only row). The review screens (admin and the office's
portal review) call ``changes_since_returned()`` to list, field by field, the label, the value the reviewer saw and the
value now. Returns sent back before snapshots existed have none: the screens then say the content was not kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .models import ActivityReturn, ReturnEvent, ReturnEventKind, ReturnStatus
from .services import RETURN_CONTENT_FIELDS

PHOTOS_KEY = "_photos"
ATTACHMENTS_KEY = "_attachments"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def _plain(value: Any) -> Any:
    """A JSON value that compares equal exactly when the field's value does."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def snapshot_of(activity_return: ActivityReturn) -> dict[str, Any]:
    """The content an officer can change (the form's fields), the number of photos and the attachments' names."""
    data = {name: _plain(getattr(activity_return, name)) for name in RETURN_CONTENT_FIELDS}
    data[PHOTOS_KEY] = len(activity_return.photos.all())
    data[ATTACHMENTS_KEY] = sorted(item.display_name for item in activity_return.attachments.all())
    return data


def _display(name: str, value: Any) -> str:
    if value in (None, "", []):
        return _("（空）")
    if name == PHOTOS_KEY:
        return _("%(n)s张") % {"n": value}
    if name == ATTACHMENTS_KEY:
        return "、".join(value)
    field: Any = ActivityReturn._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "DateField":
        day = dt.date.fromisoformat(value)
        return f"{day.year}年{day.month}月{day.day}日"
    return str(value)


def _label(name: str) -> str:
    if name == PHOTOS_KEY:
        return _("活动照片")
    if name == ATTACHMENTS_KEY:
        return _("附件")
    field: Any = ActivityReturn._meta.get_field(name)
    return str(field.verbose_name)


def last_return_event(events: Iterable[ReturnEvent]) -> ReturnEvent | None:
    returned = [event for event in events if event.kind == ReturnEventKind.RETURNED]
    return max(returned, key=lambda event: (event.created_at, event.pk)) if returned else None


def changes_since_returned(
    activity_return: ActivityReturn, events: Iterable[ReturnEvent] | None = None
) -> list[FieldChange] | None:
    """The fields a resubmitted return changed since its last 退回修改 (label, before, after), in the form's order.

    None when there is nothing to compare: the return is not a resubmission, or it was sent back before snapshots
    were kept. ``events`` may be passed when already loaded (prefetched), else they are read."""
    if activity_return.status != ReturnStatus.RESUBMITTED:
        return None
    event = last_return_event(events if events is not None else activity_return.events.all())
    if event is None or not event.snapshot:
        return None
    before = event.snapshot
    now = snapshot_of(activity_return)
    return [
        FieldChange(label=_label(name), before=_display(name, before.get(name)), after=_display(name, value))
        for name, value in now.items()
        if name in before and before[name] != value
    ]
