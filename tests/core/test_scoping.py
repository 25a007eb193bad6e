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
