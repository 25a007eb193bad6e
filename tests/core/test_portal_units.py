"""Issue 12: accounts for every kind of portal unit — the office of a jurisdiction, a community/village and a
committee member unit — made in the officer admin (several per unit, each in exactly one unit), with every change of
unit in the role audit, and the portal shell (login, header) working for each kind."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safetyportal.models import OfficerProfile, RoleChange, RoleChangeKind
from tests.core.factories import CommunityFactory, MemberUnitFactory, OfficerProfileFactory, UserFactory
from tests.otp import finish_login

pytestmark = pytest.mark.django_db


def _post_profile(client, url, **data):  # type: ignore[no-untyped-def]
    return client.post(url, {"title": "", "phone": "", "jurisdiction": "", "member_unit": "", **data})


def test_administrators_create_accounts_for_every_kind_of_unit(client, admin_user_office, unit_a):
    community = CommunityFactory(parent=unit_a)
    member_unit = MemberUnitFactory()
    client.force_login(admin_user_office)
    add = reverse("admin:safetyportal_officerprofile_add")
    page = client.get(add).content.decode()
    assert "所属成员单位" in page and "二者选一" in page
    users = [UserFactory() for _ in range(4)]
    for user, unit in zip(users, ({"jurisdiction": unit_a.pk}, {"jurisdiction": community.pk}), strict=False):
        assert _post_profile(client, add, user=user.pk, **unit).status_code == 302
    # Several accounts for one member unit.
    for user in users[2:]:
        response = _post_profile(client, add, user=user.pk, member_unit=member_unit.pk)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert member_unit.officers.count() == 2
    assert OfficerProfile.objects.get(user=users[1]).jurisdiction == community
    changelist = client.get(reverse("admin:safetyportal_officerprofile_changelist"), {"kind": "member"})
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == list(member_unit.officers.order_by("-pk"))
    assert "成员单位" in changelist.content.decode()


def test_an_account_in_two_units_or_none_is_refused(client, admin_user_office, unit_a):
    member_unit = MemberUnitFactory()
    client.force_login(admin_user_office)
    add = reverse("admin:safetyportal_officerprofile_add")
    user = UserFactory()
    for data in ({"jurisdiction": unit_a.pk, "member_unit": member_unit.pk}, {}):
        response = _post_profile(client, add, user=user.pk, **data)
        assert response.status_code == 200
        assert "每个账号属于且只属于一个单位" in response.content.decode()
    assert not OfficerProfile.objects.filter(user=user).exists()


def test_role_audit_records_member_unit_changes(client, admin_user_office, officer_a, unit_a):
    member_unit = MemberUnitFactory(name="市住房和城乡建设局")
    other_unit = MemberUnitFactory(name="市交通运输局")
    profile = officer_a.officer_profile
    client.force_login(admin_user_office)
    change = reverse("admin:safetyportal_officerprofile_change", args=[profile.pk])
    assert _post_profile(client, change, user=officer_a.pk, member_unit=member_unit.pk).status_code == 302
    assert _post_profile(client, change, user=officer_a.pk, member_unit=other_unit.pk).status_code == 302
    rows = list(
        RoleChange.objects.filter(kind=RoleChangeKind.OFFICER_UNIT, target=officer_a).order_by("pk")[1:]
    )  # the first row is the profile's creation by the fixture
    assert [(row.before, row.after) for row in rows] == [
        (f"{unit_a.name}（{unit_a.code}）", "成员单位：市住房和城乡建设局"),
        ("成员单位：市住房和城乡建设局", "成员单位：市交通运输局"),
    ]
    assert all(row.actor_id == admin_user_office.pk for row in rows)
    OfficerProfile.objects.get(pk=profile.pk).delete()
    last = RoleChange.objects.filter(kind=RoleChangeKind.OFFICER_UNIT).latest("pk")
    assert (last.before, last.after) == ("成员单位：市交通运输局", "（无）")


@pytest.mark.unverified_login
@pytest.mark.parametrize("kind", ["community", "member"])
def test_community_and_member_unit_officers_sign_in_to_the_portal(client, unit_a, kind, password):
    if kind == "community":
        profile = OfficerProfileFactory(jurisdiction=CommunityFactory(parent=unit_a, name="灵水社区"))
        name, label = "灵水社区", "社区（村）"
    else:
        profile = OfficerProfileFactory(jurisdiction=None, member_unit=MemberUnitFactory(name="市交通运输局"))
        name, label = "市交通运输局", "成员单位"
    user = profile.user
    user.set_password(password)
    user.save()
    response = client.post(reverse("portal:login"), {"username": user.username, "password": password})
    response = finish_login(client, response, user.username)
    assert response.status_code == 302, response.content.decode()[:2000]
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    text = home.content.decode()
    assert f'<span class="unit-name">{name}</span>' in text and f'<span class="unit-kind">{label}</span>' in text


def test_old_style_officer_with_a_jurisdiction_still_uses_the_portal(unit_a):
    """A profile made before issue 12 (a jurisdiction, no member unit) works as before: home, returns, hazards."""
    user = UserFactory()
    OfficerProfile.objects.create(user=user, jurisdiction=unit_a, title="安监站站长")
    client = Client()
    client.force_login(user)
    for name in ("portal:home", "portal:return_list", "hazards:list", "hazards:create"):
        assert client.get(reverse(name)).status_code == 200, name
    assert f'<span class="unit-name">{unit_a.name}</span>' in client.get(reverse("portal:home")).content.decode()


def test_member_unit_list_counts_and_links_its_accounts(client, admin_user_office, django_assert_max_num_queries):
    units = [MemberUnitFactory() for _ in range(3)]
    for unit in units:
        for _ in range(2):
            OfficerProfileFactory(jurisdiction=None, member_unit=unit)
    client.force_login(admin_user_office)
    url = reverse("admin:safetyportal_memberunit_changelist")
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert page.status_code == 200
    accounts = reverse("admin:safetyportal_officerprofile_changelist") + f"?member_unit__id__exact={units[0].pk}"
    assert f'<a href="{accounts}">2</a>' in page.content.decode()
    listed = client.get(accounts)
    assert listed.status_code == 200
    assert set(listed.context["cl"].result_list) == set(units[0].officers.all())
