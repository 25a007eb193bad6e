import pytest
from django.http import Http404

from safetyportal.models import Enterprise, Jurisdiction, Person
from safetyportal.scoping import get_scoped_object_or_404, in_scope, scoped
from tests.core.factories import (
    CommunityFactory,
    EnterpriseFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_officer_sees_own_unit_and_its_communities_only(officer_a, unit_a, unit_b):
    own_community = CommunityFactory(parent=unit_a)
    CommunityFactory(parent=unit_b)
    own = EnterpriseFactory(jurisdiction=own_community)
    EnterpriseFactory(jurisdiction=unit_b)
    assert list(Enterprise.objects.for_user(officer_a)) == [own]
    assert set(Jurisdiction.objects.for_user(officer_a)) == {unit_a, own_community}


def test_officer_gets_404_for_another_units_object(officer_a, unit_b):
    foreign = PersonFactory(jurisdiction=unit_b)
    with pytest.raises(Http404):
        get_scoped_object_or_404(Person, officer_a, pk=foreign.pk)


def test_missing_and_foreign_objects_are_indistinguishable(officer_a, unit_b):
    foreign = EnterpriseFactory(jurisdiction=unit_b)
    for pk in (foreign.pk, 999_999, "not-a-number"):
        with pytest.raises(Http404):
            get_scoped_object_or_404(Enterprise, officer_a, pk=pk)


def test_staff_see_everything(staff_user, unit_a, unit_b):
    EnterpriseFactory(jurisdiction=unit_a)
    EnterpriseFactory(jurisdiction=unit_b)
    assert scoped(Enterprise, staff_user).count() == 2


def test_users_without_a_role_see_nothing(unit_a):
    EnterpriseFactory(jurisdiction=unit_a)
    nobody = UserFactory()
    assert scoped(Enterprise, nobody).count() == 0
    assert not in_scope(nobody, unit_a)


def test_inactive_officer_sees_nothing(officer_a, unit_a):
    EnterpriseFactory(jurisdiction=unit_a)
    officer_a.is_active = False
    officer_a.save()
    assert Enterprise.objects.for_user(officer_a).count() == 0


def test_in_scope_follows_the_tree(officer_a, unit_a, unit_b):
    assert in_scope(officer_a, CommunityFactory(parent=unit_a))
    assert not in_scope(officer_a, unit_b)
    assert not in_scope(officer_a, unit_a.parent)


def test_similar_codes_do_not_leak_into_scope(officer_a, unit_a):
    # A sibling whose code starts with the officer's code must not match the path prefix.
    sibling = Jurisdiction.objects.create(
        code=unit_a.code + "9", name="相似代码街道", level="subdistrict", parent=unit_a.parent
    )
    EnterpriseFactory(jurisdiction=sibling)
    assert Enterprise.objects.for_user(officer_a).count() == 0


# Portal units (issue 12): office, community, member unit ---------------------------------------------------------


def _member_officer(member_unit):
    from tests.core.factories import OfficerProfileFactory

    return OfficerProfileFactory(jurisdiction=None, member_unit=member_unit).user


def test_officer_unit_names_each_kind(officer_a, unit_a):
    from safetyportal.scoping import officer_jurisdiction, officer_unit
    from tests.core.factories import MemberUnitFactory, OfficerProfileFactory

    office = officer_unit(officer_a)
    assert (office.kind, office.jurisdiction, office.member_unit, office.name) == ("office", unit_a, None, unit_a.name)
    assert office.kind_label == "街道/镇"
    community = CommunityFactory(parent=unit_a)
    community_officer = OfficerProfileFactory(jurisdiction=community).user
    unit = officer_unit(community_officer)
    assert (unit.kind, unit.jurisdiction, unit.kind_label) == ("community", community, "社区（村）")
    assert officer_jurisdiction(community_officer) == community
    member_unit = MemberUnitFactory()
    member_officer = _member_officer(member_unit)
    unit = officer_unit(member_officer)
    assert (unit.kind, unit.jurisdiction, unit.member_unit, unit.name) == (
        "member",
        None,
        member_unit,
        member_unit.name,
    )
    assert unit.kind_label == "成员单位"
    # Code written for jurisdictions gives a member-unit officer nothing (fail closed).
    assert officer_jurisdiction(member_officer) is None


def test_is_officer_for_every_kind_of_unit(unit_a):
    from safetyportal.scoping import is_officer, officer_unit
    from tests.core.factories import MemberUnitFactory, OfficerProfileFactory

    community_officer = OfficerProfileFactory(jurisdiction=CommunityFactory(parent=unit_a)).user
    member_officer = _member_officer(MemberUnitFactory())
    assert is_officer(community_officer) and is_officer(member_officer)
    member_officer.is_active = False
    member_officer.save()
    assert not is_officer(member_officer) and officer_unit(member_officer) is None
    assert officer_unit(UserFactory()) is None


def test_an_account_belongs_to_exactly_one_unit(unit_a):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from safetyportal.models import OfficerProfile
    from tests.core.factories import MemberUnitFactory, OfficerProfileFactory

    member_unit = MemberUnitFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerProfile.objects.create(user=UserFactory(), jurisdiction=unit_a, member_unit=member_unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerProfile.objects.create(user=UserFactory(), jurisdiction=None, member_unit=None)
    with pytest.raises(ValidationError):
        OfficerProfile(user=UserFactory(), jurisdiction=unit_a, member_unit=member_unit).full_clean()
    # Several accounts per unit.
    OfficerProfileFactory(jurisdiction=None, member_unit=member_unit)
    OfficerProfileFactory(jurisdiction=None, member_unit=member_unit)
    assert member_unit.officers.count() == 2


def test_community_officer_sees_only_own_community(unit_a):
    from tests.core.factories import OfficerProfileFactory

    community, neighbour = CommunityFactory(parent=unit_a), CommunityFactory(parent=unit_a)
    own = EnterpriseFactory(jurisdiction=community)
    EnterpriseFactory(jurisdiction=neighbour)
    EnterpriseFactory(jurisdiction=unit_a)
    officer = OfficerProfileFactory(jurisdiction=community).user
    assert list(Enterprise.objects.for_user(officer)) == [own]
    assert list(Jurisdiction.objects.for_user(officer)) == [community]
    assert in_scope(officer, community)
    assert not in_scope(officer, neighbour) and not in_scope(officer, unit_a)


def test_member_unit_officer_sees_own_unit_only_and_nothing_undeclared(unit_a):
    from safetyportal.models import MemberUnit
    from tests.core.factories import MemberUnitFactory

    own, other = MemberUnitFactory(), MemberUnitFactory()
    EnterpriseFactory(jurisdiction=own.jurisdiction)
    officer = _member_officer(own)
    assert list(MemberUnit.objects.for_user(officer)) == [own]
    # Models without member_scope_path give a member-unit officer nothing (fail closed).
    assert Enterprise.objects.for_user(officer).count() == 0
    assert Jurisdiction.objects.for_user(officer).count() == 0
    assert Person.objects.for_user(officer).count() == 0
    with pytest.raises(Http404):
        get_scoped_object_or_404(MemberUnit, officer, pk=other.pk)
    assert in_scope(officer, member_unit=own)
    assert in_scope(officer, own.jurisdiction, member_unit=own)
    assert not in_scope(officer, member_unit=other)
    assert not in_scope(officer, own.jurisdiction)
    assert not in_scope(officer)


def test_in_scope_for_member_units_of_an_office(officer_a, unit_a, unit_b):
    from tests.core.factories import MemberUnitFactory

    own_unit = MemberUnitFactory(jurisdiction=unit_a)
    foreign_unit = MemberUnitFactory(jurisdiction=unit_b)
    assert in_scope(officer_a, member_unit=own_unit)
    assert in_scope(officer_a, unit_a, member_unit=own_unit)
    assert not in_scope(officer_a, member_unit=foreign_unit)
    assert not in_scope(officer_a, unit_a, member_unit=foreign_unit)


def test_declared_member_scope_paths_resolve():
    """Every model declaring member_scope_path filters without error (a typo would only show at run time)."""
    from django.apps import apps

    from safetyportal.scoping import ScopedQuerySet
    from tests.core.factories import MemberUnitFactory

    officer = _member_officer(MemberUnitFactory())
    declared = [model for model in apps.get_models() if getattr(model, "member_scope_path", None)]
    assert len(declared) >= 6
    for model in declared:
        queryset = model._default_manager.all()
        if isinstance(queryset, ScopedQuerySet):
            list(queryset.for_user(officer))
        else:
            list(queryset.filter(**{model.member_scope_path: 1}))


def test_old_style_officer_with_a_jurisdiction_still_works(unit_a):
    """An officer profile made the old way (a jurisdiction only) is an office officer, unchanged."""
    from safetyportal.models import OfficerProfile
    from safetyportal.scoping import officer_jurisdiction, officer_unit

    user = UserFactory()
    OfficerProfile.objects.create(user=user, jurisdiction=unit_a)
    EnterpriseFactory(jurisdiction=unit_a)
    assert officer_jurisdiction(user) == unit_a
    assert officer_unit(user).kind == "office"
    assert Enterprise.objects.for_user(user).count() == 1
