"""Review 12 §3: naming a hazard's responsible member unit grants that unit read access, so an officer names only a
member unit of their own scope (service and form); staff name any."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from inspections import services
from inspections.forms import TransitionForm
from inspections.models import Hazard, HazardStatus
from tests.core.factories import (
    CommunityFactory,
    CountyFactory,
    JurisdictionFactory,
    MemberUnitFactory,
    OfficerProfileFactory,
)
from tests.inspections.factories import HazardFactory


@pytest.fixture
def units(db):
    county = CountyFactory()
    lingyuan = JurisdictionFactory(parent=county, name="灵源街道")
    other = JurisdictionFactory(parent=county, name="青阳街道")
    community = CommunityFactory(parent=lingyuan, name="灵源一社区")
    own_member = MemberUnitFactory(jurisdiction=lingyuan, name="灵源街道城建办")
    foreign_member = MemberUnitFactory(jurisdiction=other, name="青阳街道城建办")
    return {
        "community": community,
        "own_member": own_member,
        "foreign_member": foreign_member,
        "office": OfficerProfileFactory(jurisdiction=lingyuan).user,
        "foreign_officer": OfficerProfileFactory(jurisdiction=None, member_unit=foreign_member).user,
    }


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _verifying(units) -> Hazard:  # type: ignore[no-untyped-def]
    return HazardFactory(jurisdiction=units["community"], status=HazardStatus.VERIFYING, responsible_unit=None)


def test_office_cannot_hand_a_hazard_to_another_offices_member_unit(units):
    hazard = _verifying(units)
    with pytest.raises(ValidationError):
        services.transition_hazard(
            hazard=hazard,
            to_status=HazardStatus.RECTIFYING,
            by=units["office"],
            reason="交由青阳城建办",
            deadline=dt.date(2099, 1, 1),
            responsible_unit=units["foreign_member"],
        )
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.VERIFYING and hazard.responsible_unit is None


def test_the_transition_page_refuses_it_and_the_foreign_unit_still_gets_404(units):
    hazard = _verifying(units)
    response = _client(units["office"]).post(
        reverse("hazards:transition", args=[hazard.pk]),
        {"to_status": "rectifying", "reason": "交由青阳城建办", "deadline": "2099-01-01",
         "responsible_unit": units["foreign_member"].pk},
    )  # fmt: skip
    assert response.status_code != 302
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.VERIFYING and hazard.responsible_unit is None
    assert _client(units["foreign_officer"]).get(reverse("hazards:detail", args=[hazard.pk])).status_code == 404


def test_the_form_offers_only_member_units_of_the_officers_scope(units):
    choices = set(TransitionForm(targets=["rectifying"], user=units["office"]).fields["responsible_unit"].queryset)
    assert units["own_member"] in choices and units["foreign_member"] not in choices


def test_office_hands_a_hazard_to_its_own_member_unit_and_staff_to_any(units, staff_user):
    hazard = _verifying(units)
    services.transition_hazard(
        hazard=hazard,
        to_status=HazardStatus.RECTIFYING,
        by=units["office"],
        reason="交由灵源城建办",
        deadline=dt.date(2099, 1, 1),
        responsible_unit=units["own_member"],
    )
    hazard.refresh_from_db()
    assert hazard.responsible_unit == units["own_member"]
    staff_hazard = _verifying(units)
    services.transition_hazard(
        hazard=staff_hazard,
        to_status=HazardStatus.RECTIFYING,
        by=staff_user,
        reason="交由青阳城建办",
        deadline=dt.date(2099, 1, 1),
        responsible_unit=units["foreign_member"],
    )
    staff_hazard.refresh_from_db()
    assert staff_hazard.responsible_unit == units["foreign_member"]
