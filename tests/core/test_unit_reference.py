"""safetyportal.unit_reference: one definition of "exactly one unit" for every model that refers to a unit."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from campaigns.models import NoticeReceipt
from safetyportal.messaging.models import UnitChannel
from safetyportal.models import OfficerProfile
from safetyportal.unit_reference import UnitReferenceMixin, exactly_one_unit, unit_condition
from tests.core.factories import CommunityFactory, JurisdictionFactory, MemberUnitFactory, OfficerProfileFactory

pytestmark = pytest.mark.django_db

MODELS = (OfficerProfile, NoticeReceipt, UnitChannel)


@pytest.mark.parametrize("model", MODELS)
def test_each_model_takes_the_shared_fields_check_and_reads(model) -> None:
    assert issubclass(model, UnitReferenceMixin)
    checks = [c for c in model._meta.constraints if c.name.endswith(("one_unit", "exactly_one_unit"))]
    assert len(checks) == 1
    assert checks[0].deconstruct() == exactly_one_unit(checks[0].name).deconstruct()
    for name in ("jurisdiction", "member_unit"):
        field = model._meta.get_field(name)
        assert field.null and field.blank


def test_the_database_refuses_both_and_neither() -> None:
    profile = OfficerProfileFactory()
    member = MemberUnitFactory()
    for jurisdiction, member_unit in ((profile.jurisdiction, member), (None, None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            OfficerProfile.objects.filter(pk=profile.pk).update(jurisdiction=jurisdiction, member_unit=member_unit)


def test_reads_and_the_own_unit_condition() -> None:
    office = JurisdictionFactory(name="灵源街道")
    community = CommunityFactory(parent=office)
    member = MemberUnitFactory(name="晋江市住房和城乡建设局")
    in_office = OfficerProfileFactory(jurisdiction=office)
    OfficerProfileFactory(jurisdiction=community)
    in_member = OfficerProfileFactory(jurisdiction=None, member_unit=member)
    assert (in_office.unit, in_office.unit_name) == (office, "灵源街道")
    assert in_office.unit_key == ("jurisdiction", office.pk)
    assert (in_member.unit, in_member.unit_key) == (member, ("member_unit", member.pk))
    assert list(OfficerProfile.objects.filter(unit_condition(office))) == [in_office]  # not the community's
    assert list(OfficerProfile.objects.filter(unit_condition(member))) == [in_member]
