"""The many-to-many content of an issued record (a notice's addressees, an order's hazards) is locked at model level,
not only by the admin's read-only form: add, remove and clear are refused from either side of the relation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.models import Notice
from inspections.models import RectificationOrder
from safetyportal.documents import services
from tests.core.documents_support import make_notice
from tests.core.factories import JurisdictionFactory, MemberUnitFactory
from tests.inspections.factories import HazardFactory, RectificationOrderFactory

pytestmark = pytest.mark.django_db


@contextmanager
def refused(message: str) -> Iterator[None]:
    """The refusal, in a savepoint (the related manager writes in an atomic block without one of its own)."""
    with pytest.raises(ValidationError, match=message), transaction.atomic():
        yield


def test_an_issued_notices_addressees_cannot_change(admin_user_office):
    town, other = JurisdictionFactory(), JurisdictionFactory()
    unit = MemberUnitFactory()
    notice = make_notice(addressed=False)
    notice.recipient_jurisdictions.add(town)  # a draft: editable
    notice.recipient_units.add(unit)
    issued = services.issue(notice, by=admin_user_office)
    locked = str(Notice.locked_message)

    for change in (
        lambda record: record.recipient_jurisdictions.add(other),
        lambda record: record.recipient_jurisdictions.remove(town),
        lambda record: record.recipient_jurisdictions.clear(),
        lambda record: record.recipient_jurisdictions.set([other]),
        lambda record: record.recipient_units.clear(),
    ):
        with refused(locked):
            change(Notice.objects.get(pk=issued.pk))
    # From the other side of the relation as well.
    with refused(locked):
        other.notices.add(issued)
    with refused(locked):
        town.notices.clear()
    with refused(locked):
        unit.notices.remove(issued)

    assert list(issued.recipient_jurisdictions.all()) == [town] and list(issued.recipient_units.all()) == [unit]
    # Other notices of the same unit stay editable.
    draft = make_notice(addressed=False, title="另一份通知")
    other.notices.add(draft)
    assert list(draft.recipient_jurisdictions.all()) == [other]


def test_an_issued_orders_hazards_cannot_change(admin_user_office):
    hazard, later = HazardFactory(), HazardFactory()
    order = RectificationOrderFactory(findings="一、安全出口堵塞")
    order.hazards.add(hazard)
    issued = services.issue(order, by=admin_user_office)
    locked = str(RectificationOrder.locked_message)

    with refused(locked):
        RectificationOrder.objects.get(pk=issued.pk).hazards.add(later)
    with refused(locked):
        RectificationOrder.objects.get(pk=issued.pk).hazards.clear()
    with refused(locked):
        hazard.orders.clear()
    assert list(issued.hazards.all()) == [hazard]
