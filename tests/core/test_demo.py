"""The demo city builder and the ``seed_demo`` command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from safetyportal.demo.builder import build_demo, demo_counts, generate_demo_data
from safetyportal.demo.canary import CANARY_ID_NUMBERS, CANARY_NAMES, CANARY_PHONES
from safetyportal.demo.jinjiang import COMMUNITY_ACCOUNTS, DEMO_PASSWORD, MEMBER_UNIT_ACCOUNTS, TOWNSHIPS
from safetyportal.models import (
    Enterprise,
    Jurisdiction,
    JurisdictionLevel,
    MemberUnit,
    OfficerProfile,
    Person,
)
from safetyportal.roles import ADMIN_GROUP, STAFF_GROUP
from safetyportal.validators import validate_credit_code, validate_id_number

SUBDISTRICTS = ("青阳", "梅岭", "西园", "罗山", "灵源", "新塘")
TOWNS = ("安海", "磁灶", "陈埭", "池店", "东石", "金井", "龙湖", "内坑", "深沪", "西滨", "永和", "英林", "紫帽")


@pytest.fixture(autouse=True)
def fast_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def model_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def timestamps() -> dict[str, list[tuple[int, object]]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list("pk", "updated_at"))
        for model in (Jurisdiction, MemberUnit, Enterprise, Person, OfficerProfile)
    }


def test_generated_data_is_deterministic() -> None:
    assert generate_demo_data() == generate_demo_data()


@pytest.mark.django_db
def test_build_twice_changes_nothing() -> None:
    first = build_demo()
    counts, stamps = model_counts(), timestamps()
    users = list(get_user_model().objects.order_by("pk").values_list("username", "password", "is_staff"))

    second = build_demo()

    assert second == first == demo_counts()
    assert model_counts() == counts
    assert timestamps() == stamps
    assert list(get_user_model().objects.order_by("pk").values_list("username", "password", "is_staff")) == users


@pytest.mark.django_db
def test_build_repairs_an_edited_demo_row() -> None:
    build_demo()
    enterprise = Enterprise.objects.order_by("pk").first()
    name = enterprise.name
    Enterprise.objects.filter(pk=enterprise.pk).update(name="改过的名称")

    build_demo()

    assert Enterprise.objects.get(pk=enterprise.pk).name == name


@pytest.mark.django_db
def test_jurisdiction_tree() -> None:
    build_demo()
    county = Jurisdiction.objects.get(code="350582")
    assert (county.name, county.level, county.parent) == ("晋江市", JurisdictionLevel.COUNTY, None)

    townships = Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT)
    assert townships.count() >= 19
    names = set(townships.values_list("name", flat=True))
    assert {f"{n}街道" for n in SUBDISTRICTS} | {f"{n}镇" for n in TOWNS} <= names
    for township in townships:
        assert township.parent == county
        assert len(township.code) == 9 and township.code.startswith("350582")
        assert township.kind == ("街道" if township.name.endswith("街道") else "镇")
        assert township.path == f"350582/{township.code}/"
        children = list(township.children.all())
        assert 4 <= len(children) <= 8
        for community in children:
            assert community.level == JurisdictionLevel.COMMUNITY
            assert community.kind in ("社区", "村") and community.name.endswith(community.kind)
            assert len(community.code) == 12 and community.code.startswith(township.code)
            assert community.path == f"{township.path}{community.code}/"
            community.full_clean()


@pytest.mark.django_db
def test_member_units_enterprises_and_people() -> None:
    build_demo()
    county = Jurisdiction.objects.get(code="350582")
    assert MemberUnit.objects.count() >= 15
    assert set(MemberUnit.objects.values_list("jurisdiction", flat=True)) == {county.pk}
    assert MemberUnit.objects.filter(name="市应急管理局", short_name="应急局").exists()
    assert not MemberUnit.objects.filter(sectors="").exists()

    assert Enterprise.objects.count() >= 250
    assert not Enterprise.objects.filter(supervisor=None).exists()
    assert not Enterprise.objects.filter(jurisdiction__level=JurisdictionLevel.COUNTY).exists()
    grades = {grade: Enterprise.objects.filter(risk_grade=grade).count() for grade in "ABCD"}
    assert grades["C"] + grades["D"] > Enterprise.objects.count() / 2
    assert 0 < grades["A"] < grades["B"]
    assert Enterprise.objects.filter(jurisdiction__path__startswith="350582/350582101/", name__contains="陶瓷").exists()
    for credit_code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_credit_code(credit_code)

    assert Person.objects.count() >= 200
    for id_number in Person.objects.values_list("id_number", flat=True):
        validate_id_number(id_number)
    for person in Person.objects.exclude(enterprise=None).select_related("enterprise"):
        assert person.jurisdiction_id == person.enterprise.jurisdiction_id


@pytest.mark.django_db
def test_canary_people_exist() -> None:
    build_demo()
    for name, id_number, phone in zip(CANARY_NAMES, CANARY_ID_NUMBERS, CANARY_PHONES, strict=True):
        person = Person.objects.get(id_number=id_number)
        assert person.name == name
        assert person.phone == phone
        assert person.enterprise is not None


@pytest.mark.django_db
def test_accounts() -> None:
    build_demo()
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.groups.filter(name=ADMIN_GROUP).exists()
    assert admin.check_password(DEMO_PASSWORD)
    staff = User.objects.get(username="staff")
    assert staff.is_staff and not staff.is_superuser
    assert staff.groups.filter(name=STAFF_GROUP).exists()

    assert OfficerProfile.objects.count() == len(TOWNSHIPS) + len(COMMUNITY_ACCOUNTS) + len(MEMBER_UNIT_ACCOUNTS)
    for township in TOWNSHIPS:
        officer = User.objects.get(username=township.username)
        assert not officer.is_staff and not officer.is_superuser
        assert not officer.groups.exists()
        assert officer.first_name == f"{township.name}安监站"
        assert officer.officer_profile.jurisdiction.code == township.code
        officer.officer_profile.full_clean()
    assert User.objects.get(username="lingyuan").officer_profile.jurisdiction.name == "灵源街道"
    # Issue 12: a community of 灵源街道 and two member units have their own accounts.
    community = User.objects.get(username="lingshui").officer_profile
    assert (community.jurisdiction.name, community.jurisdiction.parent.name) == ("灵水社区", "灵源街道")
    assert community.member_unit is None
    community.full_clean()
    for username, unit, _name in MEMBER_UNIT_ACCOUNTS:
        profile = User.objects.get(username=username).officer_profile
        assert profile.jurisdiction is None and profile.member_unit.name == unit
        assert not profile.user.is_staff and not profile.user.groups.exists()
        profile.full_clean()
    build_demo()  # idempotent: nothing doubles
    assert OfficerProfile.objects.count() == len(TOWNSHIPS) + 3


@pytest.mark.django_db
def test_password_is_set_only_when_the_account_is_created() -> None:
    build_demo(password="First-Passw0rd-2024")
    build_demo(password="Second-Passw0rd-2024")
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("First-Passw0rd-2024")


@pytest.mark.django_db
def test_seed_demo_command() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "生产经营单位：300 家" in text
    assert DEMO_PASSWORD in text
    assert "lingyuan" in text and "灵源街道安监站" in text
    for canary in (*CANARY_NAMES, *CANARY_ID_NUMBERS, *CANARY_PHONES):
        assert canary not in text

    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "本次新增" not in again.getvalue()


@pytest.mark.django_db
def test_seed_demo_command_rejects_a_weak_password() -> None:
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("seed_demo", "--password", "123", stdout=StringIO())
    assert not Enterprise.objects.exists()
