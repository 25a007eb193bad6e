"""T62/T63: nobody but a superuser changes roles, officers' units are the administrators', every change is audited.

An administrator (安委办管理员, ``change_user``, not a superuser) attacks through every door the admin has: crafted
change and add forms, the password view, bulk actions, groups, the ORM under their own name. The database's role
state (superuser/staff/active flags, passwords, groups, direct permissions, group permissions) is compared before and
after: it must not move, and the whistleblower's identity must stay out of reach. Then the audit log: exactly one
row per change, append-only, read-only in the admin for everyone, a changelist of constant cost.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from inspections.models import IdentityAccessLog
from safetyportal import audit
from safetyportal.models import Jurisdiction, OfficerProfile, RoleChange, RoleChangeKind
from safetyportal.roles import ADMIN_GROUP, RESTRICTED_CODENAMES, STAFF_GROUP, sync_roles
from tests.core.factories import (
    CommunityFactory,
    CountyFactory,
    JurisdictionFactory,
    OfficerProfileFactory,
    StaffUserFactory,
    UserFactory,
)
from tests.inspections.factories import ReporterIdentityFactory
from tests.security.factories import RoleChangeFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "Zq8!mW2#tR5$yK9p-Lv"


# Helpers ----------------------------------------------------------------------------------------------------------


def role_state() -> tuple[dict[int, tuple[Any, ...]], dict[str, tuple[str, ...]]]:
    """Everything that decides what an account may do, for every account and group."""
    users = {
        user.pk: (
            user.username,
            user.is_superuser,
            user.is_staff,
            user.is_active,
            user.password,
            tuple(sorted(user.groups.values_list("name", flat=True))),
            tuple(sorted(user.user_permissions.values_list("codename", flat=True))),
            OfficerProfile.objects.filter(user=user).values_list("jurisdiction_id", flat=True).first(),
        )
        for user in User.objects.order_by("pk")
    }
    groups = {
        group.name: tuple(sorted(group.permissions.values_list("codename", flat=True)))
        for group in Group.objects.order_by("name")
    }
    return users, groups


def restricted_permission() -> Permission:
    return Permission.objects.get(codename="view_reporter_identity")


def ordinary_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="safetyportal", codename="change_enterprise")


def change_url(user: Any) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user: Any) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def reveal_url(report: Any) -> str:
    return f"/admin/inspections/publicreport/{report.pk}/reveal/"


def user_form(user: Any, **changes: Any) -> dict[str, Any]:
    """The change form as the browser would post it for ``user`` (checkboxes present only when ticked)."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "user_permissions": [str(pk) for pk in user.user_permissions.values_list("pk", flat=True)],
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            data[flag] = "on"
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def crafted_fields(kind: str) -> dict[str, Any]:
    admin_group = Group.objects.get(name=ADMIN_GROUP)
    custodians = Group.objects.get_or_create(name="举报人信息保管人")[0]
    fields = {
        "is_superuser": {"is_superuser": "on"},
        "groups": {"groups": [str(admin_group.pk), str(custodians.pk)]},
        "restricted_permission": {"user_permissions": [str(restricted_permission().pk)]},
        "ordinary_permission": {"user_permissions": [str(ordinary_permission().pk)]},
    }
    if kind == "everything":
        return {key: value for part in fields.values() for key, value in part.items()}
    return fields[kind]


@pytest.fixture
def superuser(db):
    return StaffUserFactory(username="root", is_superuser=True)


@pytest.fixture
def custodian(db):
    """Office staff granted, by name, the right to read reporters' identities."""
    user = StaffUserFactory(username="custodian", groups=[Group.objects.get(name=STAFF_GROUP)])
    user.user_permissions.add(restricted_permission())
    return user


@pytest.fixture
def targets(admin_user_office, staff_user, officer_a, superuser, custodian) -> dict[str, Any]:
    peer = StaffUserFactory(username="peer_admin", groups=[Group.objects.get(name=ADMIN_GROUP)])
    return {
        "self": admin_user_office,
        "peer_admin": peer,
        "staff": staff_user,
        "officer": officer_a,
        "superuser": superuser,
        "custodian": custodian,
    }


@pytest.fixture
def identity(db):
    return ReporterIdentityFactory(name="甄吹哨", phone="13900000062")


def assert_identity_unreachable(client: Client, identity: Any) -> None:
    for response in (
        client.get(reveal_url(identity.report)),
        client.post(reveal_url(identity.report), {"reason": "核实"}),
    ):
        assert response.status_code == 403
        assert "甄吹哨" not in response.content.decode() and "13900000062" not in response.content.decode()
    assert not IdentityAccessLog.objects.exists()


# T62: an administrator who is not a superuser ------------------------------------------------------------------


@pytest.mark.parametrize(
    "crafted", ["is_superuser", "groups", "restricted_permission", "ordinary_permission", "everything"]
)
@pytest.mark.parametrize("target", ["self", "peer_admin", "staff", "officer", "superuser", "custodian"])
def test_crafted_change_form_posts_by_an_administrator_change_no_role(
    client, admin_user_office, targets, identity, target, crafted
):
    victim = targets[target]
    client.force_login(admin_user_office)
    data = user_form(victim, first_name="改名", **crafted_fields(crafted))
    before = role_state()
    response = client.post(change_url(victim), data)
    after = role_state()
    assert after == before
    if target in ("superuser", "custodian"):  # not theirs to edit at all
        assert response.status_code == 403
        assert User.objects.get(pk=victim.pk).first_name != "改名"
    else:  # the ordinary part of the form is saved; the crafted role fields are not even read
        assert response.status_code == 302, response.content.decode()[:2000]
        assert User.objects.get(pk=victim.pk).first_name == "改名"
    assert (
        not RoleChange.objects.filter(
            kind__in=[RoleChangeKind.SUPERUSER, RoleChangeKind.GROUPS, RoleChangeKind.PERMISSIONS]
        )
        .exclude(actor_name="系统")
        .exists()
    )
    assert_identity_unreachable(client, identity)


def test_the_role_fields_are_read_only_for_an_administrator(client, admin_user_office, staff_user):
    client.force_login(admin_user_office)
    form = client.get(change_url(staff_user)).context["adminform"].form
    assert not {"is_superuser", "groups", "user_permissions"} & set(form.fields)
    assert {"username", "first_name", "is_active", "is_staff"} <= set(form.fields)
    own = client.get(change_url(admin_user_office)).context["adminform"].form
    assert not {"is_superuser", "groups", "user_permissions", "is_active", "is_staff"} & set(own.fields)


def test_an_administrator_cannot_create_a_superuser_or_give_a_new_account_roles(client, admin_user_office, identity):
    client.force_login(admin_user_office)
    crafted = crafted_fields("everything")
    before_groups = role_state()[1]
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            **crafted,
            "is_staff": "on",
            "_save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    assert (newcomer.is_superuser, newcomer.is_staff) == (False, False)
    assert not newcomer.groups.exists() and not newcomer.user_permissions.exists()
    assert role_state()[1] == before_groups
    assert_identity_unreachable(client, identity)


@pytest.mark.parametrize("target", ["superuser", "custodian"])
def test_an_administrator_cannot_set_the_password_of_a_superuser_or_a_custodian(
    client, admin_user_office, targets, target
):
    victim = targets[target]
    client.force_login(admin_user_office)
    before = role_state()
    assert client.get(password_url(victim)).status_code == 403
    form = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(password_url(victim), form).status_code == 403
    assert role_state() == before
    assert not RoleChange.objects.filter(kind=RoleChangeKind.CREDENTIALS).exists()
    # Nor can they change the account's name, e-mail or flags, or delete it.
    assert client.post(change_url(victim), user_form(victim, email="x@example.com")).status_code == 403
    delete = reverse("admin:auth_user_delete", args=[victim.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert role_state() == before


@pytest.mark.parametrize("action", ["deactivate_selected", "activate_selected", "delete_selected"])
def test_bulk_actions_by_an_administrator_change_nothing_when_one_account_is_not_theirs(
    client, admin_user_office, targets, action
):
    targets["staff"].is_active = False
    targets["staff"].save()
    client.force_login(admin_user_office)
    before = role_state()
    selected = [str(user.pk) for user in targets.values()]
    response = client.post(
        reverse("admin:auth_user_changelist"), {"action": action, "_selected_action": selected, "index": "0"}
    )
    assert response.status_code in (200, 302)
    assert role_state() == before


def test_an_administrator_still_manages_ordinary_accounts(client, admin_user_office, staff_user, officer_a):
    client.force_login(admin_user_office)
    response = client.post(change_url(staff_user), user_form(staff_user, last_name="林", is_active=None))
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert (staff_user.last_name, staff_user.is_active) == ("林", False)
    form = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(password_url(officer_a), form).status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.check_password(NEW_PASSWORD)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "activate_selected", "_selected_action": [str(staff_user.pk)], "index": "0"},
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.is_active
    rows = list(RoleChange.objects.filter(actor_name=admin_user_office.username).order_by("pk"))
    assert [(row.kind, row.target_id, row.before, row.after) for row in rows] == [
        (RoleChangeKind.ACTIVE, staff_user.pk, "是", "否"),
        (RoleChangeKind.CREDENTIALS, officer_a.pk, "", "已设置新密码"),
        (RoleChangeKind.ACTIVE, staff_user.pk, "否", "是"),
    ]


def test_an_officer_account_cannot_be_given_the_staff_flag(client, admin_user_office, officer_a):
    client.force_login(admin_user_office)
    response = client.post(change_url(officer_a), user_form(officer_a, is_staff="on"))
    assert response.status_code == 200
    assert "门户单位工作人员账号不能同时是后台账号。" in response.content.decode()
    assert not User.objects.get(pk=officer_a.pk).is_staff


def test_groups_are_the_superusers_alone(client, admin_user_office):
    group = Group.objects.get(name=STAFF_GROUP)
    client.force_login(admin_user_office)
    before = role_state()
    add = client.post(reverse("admin:auth_group_add"), {"name": "自建组", "permissions": [restricted_permission().pk]})
    change = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": [restricted_permission().pk, ordinary_permission().pk]},
    )
    assert (add.status_code, change.status_code) == (403, 403)
    assert role_state() == before


@pytest.mark.parametrize(
    "attempt",
    [
        "groups.add",
        "group.user_set.add",
        "user_permissions.add",
        "permission.user_set.add",
        "is_superuser",
        "create_superuser",
        "groups.clear",
    ],
)
def test_below_the_admin_a_non_superuser_actor_cannot_change_roles(admin_user_office, staff_user, attempt):
    """Whatever code path a request of theirs might reach, the audit layer refuses the write itself."""
    admin_group = Group.objects.get(name=ADMIN_GROUP)
    new_group = Group.objects.create(name="新组")
    before = role_state()
    # Each attempt in its own savepoint, as a request's transaction would roll it back.
    with audit.acting_as(admin_user_office), pytest.raises(PermissionDenied), transaction.atomic():
        if attempt == "groups.add":
            admin_user_office.groups.add(new_group)
        elif attempt == "group.user_set.add":
            admin_group.user_set.add(staff_user)
        elif attempt == "user_permissions.add":
            admin_user_office.user_permissions.add(restricted_permission())
        elif attempt == "permission.user_set.add":
            restricted_permission().user_set.add(admin_user_office)
        elif attempt == "is_superuser":
            admin_user_office.is_superuser = True
            admin_user_office.save()
        elif attempt == "create_superuser":
            User.objects.create_superuser("sneaky", "s@example.com", NEW_PASSWORD)
        elif attempt == "groups.clear":
            staff_user.groups.clear()
    # The in-memory flag does not fool the check either: it reads the stored account.
    admin_user_office.is_superuser = True
    with audit.acting_as(admin_user_office), pytest.raises(PermissionDenied), transaction.atomic():
        staff_user.groups.add(admin_group)
    assert role_state() == before
    assert not User.objects.filter(username="sneaky").exists()


# Restricted permissions never travel through a group -----------------------------------------------------------


def test_a_restricted_permission_cannot_be_put_in_a_group_even_by_a_superuser(client, superuser):
    group = Group.objects.get(name=STAFF_GROUP)
    client.force_login(superuser)
    before = role_state()
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": [p.pk for p in group.permissions.all()] + [restricted_permission().pk]},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert "view_reporter_identity" not in [
        p.codename for p in response.context["adminform"].form.fields["permissions"].queryset
    ]
    response = client.post(
        reverse("admin:auth_group_add"), {"name": "保管人组", "permissions": [restricted_permission().pk]}
    )
    assert response.status_code == 200
    assert role_state() == before
    restricted = restricted_permission()
    with pytest.raises(PermissionDenied), transaction.atomic():
        group.permissions.add(restricted)
    with pytest.raises(PermissionDenied), transaction.atomic():
        restricted.group_set.add(group)
    with audit.acting_as(superuser), pytest.raises(PermissionDenied), transaction.atomic():
        group.permissions.set([*group.permissions.all(), restricted])
    assert role_state() == before


def test_sync_roles_never_puts_a_restricted_permission_in_a_group_and_removes_a_planted_one():
    group = Group.objects.get(name=ADMIN_GROUP)
    # Planted behind every guard (raw through-table row), as an old database or a hand edit might have it.
    Group.permissions.through.objects.create(group=group, permission=restricted_permission())
    sync_roles()
    for name in (ADMIN_GROUP, STAFF_GROUP):
        assert not Group.objects.get(name=name).permissions.filter(codename__in=RESTRICTED_CODENAMES).exists()


def test_a_superuser_grants_the_restricted_permission_to_a_named_person_and_it_is_logged(client, superuser, staff_user):
    client.force_login(superuser)
    data = user_form(staff_user, user_permissions=[str(restricted_permission().pk)])
    assert client.post(change_url(staff_user), data).status_code == 302
    assert staff_user.user_permissions.filter(codename="view_reporter_identity").exists()
    row = RoleChange.objects.get(kind=RoleChangeKind.PERMISSIONS)
    assert (row.actor_id, row.actor_name, row.target_id) == (superuser.pk, "root", staff_user.pk)
    assert (row.before, "inspections.view_reporter_identity" in row.after) == ("（无）", True)


# T63: officers and their jurisdiction ---------------------------------------------------------------------------


def test_staff_group_may_only_look_at_officer_profiles():
    codenames = set(Group.objects.get(name=STAFF_GROUP).permissions.values_list("codename", flat=True))
    assert "view_officerprofile" in codenames
    assert not {"add_officerprofile", "change_officerprofile", "delete_officerprofile"} & codenames
    assert not any(codename.endswith("_rolechange") for codename in codenames)
    admin_codenames = set(Group.objects.get(name=ADMIN_GROUP).permissions.values_list("codename", flat=True))
    assert {"add_officerprofile", "change_officerprofile", "view_rolechange"} <= admin_codenames


@pytest.mark.parametrize("stray_permission", [False, True])
def test_staff_cannot_create_change_or_move_an_officer_to_the_root(client, staff_user, officer_a, stray_permission):
    if stray_permission:  # even a permission granted by mistake does not make staff an administrator
        staff_user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["add_officerprofile", "change_officerprofile", "delete_officerprofile"]
            )
        )
    profile = officer_a.officer_profile
    root = CountyFactory()
    newcomer = UserFactory(username="new_officer")
    client.force_login(staff_user)
    before = role_state()
    rows_before = RoleChange.objects.count()
    assert client.get(reverse("admin:safetyportal_officerprofile_changelist")).status_code == 200  # they may look
    add = reverse("admin:safetyportal_officerprofile_add")
    change = reverse("admin:safetyportal_officerprofile_change", args=[profile.pk])
    delete = reverse("admin:safetyportal_officerprofile_delete", args=[profile.pk])
    assert client.get(add).status_code == 403
    assert (
        client.post(add, {"user": newcomer.pk, "jurisdiction": root.pk, "title": "站长", "phone": ""}).status_code
        == 403
    )
    move = {"user": officer_a.pk, "jurisdiction": root.pk, "title": profile.title, "phone": ""}
    assert client.post(change, move).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert role_state() == before
    assert OfficerProfile.objects.get(pk=profile.pk).jurisdiction_id == profile.jurisdiction_id
    assert not OfficerProfile.objects.filter(user=newcomer).exists()
    assert RoleChange.objects.count() == rows_before


def test_an_administrator_moving_an_officer_is_logged_with_before_and_after(
    client, admin_user_office, officer_a, unit_a
):
    profile = officer_a.officer_profile
    root = CountyFactory()
    client.force_login(admin_user_office)
    change = reverse("admin:safetyportal_officerprofile_change", args=[profile.pk])
    response = client.post(change, {"user": officer_a.pk, "jurisdiction": root.pk, "title": profile.title, "phone": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = RoleChange.objects.get(kind=RoleChangeKind.OFFICER_UNIT, actor_id=admin_user_office.pk)
    assert (row.actor_name, row.target_id, row.target_name) == (
        admin_user_office.username,
        officer_a.pk,
        officer_a.username,
    )
    assert row.before == f"{unit_a.name}（{unit_a.code}）"
    assert row.after == f"{root.name}（{root.code}）"


def test_a_superuser_account_cannot_be_made_an_officer(client, admin_user_office, superuser, unit_a):
    client.force_login(admin_user_office)
    superuser.is_staff = False
    superuser.save()
    response = client.post(
        reverse("admin:safetyportal_officerprofile_add"),
        {"user": superuser.pk, "jurisdiction": unit_a.pk, "title": "", "phone": ""},
    )
    assert response.status_code == 200
    assert "超级管理员账号不能设为门户单位工作人员。" in response.content.decode()
    assert not OfficerProfile.objects.filter(user=superuser).exists()


def test_roles_are_resynchronised_after_migrate():
    staff = Group.objects.get(name=STAFF_GROUP)
    staff.permissions.add(Permission.objects.get(codename="change_officerprofile"))
    call_command("migrate", verbosity=0)
    assert not staff.permissions.filter(codename="change_officerprofile").exists()
    assert staff.permissions.filter(codename="view_officerprofile").exists()


# The audit log --------------------------------------------------------------------------------------------------


def _superuser_changes(staff_user: Any, unit: Any) -> dict[str, tuple[str, dict[str, Any], str, str]]:
    admin_group = Group.objects.get(name=ADMIN_GROUP)
    return {
        "make_superuser": (RoleChangeKind.SUPERUSER, {"is_superuser": "on"}, "否", "是"),
        "remove_staff_flag": (RoleChangeKind.STAFF, {"is_staff": None}, "是", "否"),
        "deactivate": (RoleChangeKind.ACTIVE, {"is_active": None}, "是", "否"),
        "swap_group": (RoleChangeKind.GROUPS, {"groups": [str(admin_group.pk)]}, STAFF_GROUP, ADMIN_GROUP),
        "drop_groups": (RoleChangeKind.GROUPS, {"groups": []}, STAFF_GROUP, "（无）"),
        "grant_permission": (
            RoleChangeKind.PERMISSIONS,
            {"user_permissions": [str(ordinary_permission().pk)]},
            "（无）",
            "可以修改单位［safetyportal.change_enterprise］",
        ),
    }


@pytest.mark.parametrize(
    "change", ["make_superuser", "remove_staff_flag", "deactivate", "swap_group", "drop_groups", "grant_permission"]
)
def test_each_role_change_by_a_superuser_writes_exactly_one_audit_row(client, superuser, staff_user, unit_a, change):
    kind, fields, before, after = _superuser_changes(staff_user, unit_a)[change]
    client.force_login(superuser)
    start = RoleChange.objects.count()
    response = client.post(change_url(staff_user), user_form(staff_user, **fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RoleChange.objects.count() == start + 1
    row = RoleChange.objects.latest("pk")
    assert (row.kind, row.actor_id, row.actor_name, row.target_id, row.target_name) == (
        kind,
        superuser.pk,
        "root",
        staff_user.pk,
        staff_user.username,
    )
    if kind == RoleChangeKind.PERMISSIONS:
        assert row.before == before and "safetyportal.change_enterprise" in row.after
    else:
        assert (row.before, row.after) == (before, after)
    # Saving the same form again changes nothing and writes nothing.
    staff_user.refresh_from_db()
    client.post(change_url(staff_user), user_form(staff_user))
    assert RoleChange.objects.count() == start + 1


def test_a_group_permission_change_by_a_superuser_writes_one_row(client, superuser):
    group = Group.objects.get(name=STAFF_GROUP)
    client.force_login(superuser)
    kept = [p.pk for p in group.permissions.all() if p.codename != "view_enterprise"]
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": group.name, "permissions": kept}
    )
    assert response.status_code == 302
    row = RoleChange.objects.get(kind=RoleChangeKind.GROUP_PERMISSIONS)
    assert row.target_name == f"用户组：{STAFF_GROUP}" and row.actor_name == "root"
    assert "safetyportal.view_enterprise" in row.before and "safetyportal.view_enterprise" not in row.after


def test_changes_made_in_the_shell_are_audited_as_the_system(staff_user, unit_a):
    admin_group = Group.objects.get(name=ADMIN_GROUP)
    other = StaffUserFactory(username="other")
    start = RoleChange.objects.count()
    staff_user.groups.add(admin_group)
    staff_user.user_permissions.add(ordinary_permission())
    staff_user.is_superuser = True
    staff_user.save()
    admin_group.user_set.add(other)  # from the group's side
    staff_user.groups.clear()
    profile = OfficerProfileFactory(user=UserFactory(username="fresh_officer"), jurisdiction=unit_a)
    profile.jurisdiction = CountyFactory()
    profile.save()
    rows = list(RoleChange.objects.filter(pk__gt=0).order_by("pk"))[start:]
    summary = [(row.kind, row.target_name, row.actor_name) for row in rows if row.kind != RoleChangeKind.CREATED]
    assert summary == [
        (RoleChangeKind.GROUPS, staff_user.username, "系统"),
        (RoleChangeKind.PERMISSIONS, staff_user.username, "系统"),
        (RoleChangeKind.SUPERUSER, staff_user.username, "系统"),
        (RoleChangeKind.GROUPS, "other", "系统"),
        (RoleChangeKind.GROUPS, staff_user.username, "系统"),
        (RoleChangeKind.OFFICER_UNIT, "fresh_officer", "系统"),
        (RoleChangeKind.OFFICER_UNIT, "fresh_officer", "系统"),
    ]
    groups_rows = [row for row in rows if row.kind == RoleChangeKind.GROUPS]
    both = "、".join(sorted([ADMIN_GROUP, STAFF_GROUP]))
    assert (groups_rows[0].before, groups_rows[0].after) == (STAFF_GROUP, both)
    assert (groups_rows[2].before, groups_rows[2].after) == (both, "（无）")
    # Saving without changing a role (a login updating last_login, a name change) writes nothing.
    count = RoleChange.objects.count()
    staff_user.first_name = "新名"
    staff_user.save()
    staff_user.groups.add(admin_group, admin_group)
    staff_user.groups.add(admin_group)
    staff_user.groups.remove(Group.objects.get(name=STAFF_GROUP))
    assert RoleChange.objects.count() == count + 1  # only the first add


def test_deleting_an_account_keeps_its_audit_trail(superuser, officer_a):
    username = officer_a.username
    rows = RoleChange.objects.filter(target=officer_a).count()
    assert rows >= 2  # created, officer unit
    with audit.acting_as(superuser):
        officer_a.delete()  # cascades to the officer profile
    assert RoleChange.objects.filter(target_name=username).count() == rows + 2
    deleted = RoleChange.objects.get(kind=RoleChangeKind.DELETED)
    assert (deleted.target_id, deleted.actor_name) == (None, "root")
    assert not RoleChange.objects.filter(target_name=username, target__isnull=False).exists()


def test_audit_rows_cannot_be_changed_or_deleted():
    row = RoleChangeFactory()
    row.after = "改写"
    with pytest.raises(PermissionDenied):
        row.save()
    with pytest.raises(PermissionDenied):
        row.delete()
    with pytest.raises(PermissionDenied):
        RoleChange.objects.update(after="改写")
    with pytest.raises(PermissionDenied):
        RoleChange.objects.all().delete()
    with pytest.raises(PermissionDenied):
        RoleChange.objects.bulk_update([row], ["after"])
    assert RoleChange.objects.get(pk=row.pk).after == "是"
    codenames = set(Permission.objects.filter(content_type__model="rolechange").values_list("codename", flat=True))
    assert codenames == {"view_rolechange"}


@pytest.mark.parametrize("who", ["superuser", "admin_user_office"])
def test_the_audit_admin_is_read_only_for_everyone(client, request, who):
    user = request.getfixturevalue(who)
    row = RoleChangeFactory()
    client.force_login(user)
    model_admin = admin.site._registry[RoleChange]
    http_request = client.get("/admin/").wsgi_request
    assert not model_admin.has_add_permission(http_request)
    assert not model_admin.has_change_permission(http_request, row)
    assert not model_admin.has_delete_permission(http_request, row)
    assert client.get("/admin/safetyportal/rolechange/").status_code == 200
    assert client.get("/admin/safetyportal/rolechange/add/").status_code == 403
    assert (
        client.post("/admin/safetyportal/rolechange/add/", {"actor_name": "伪造", "kind": "staff"}).status_code == 403
    )
    change = f"/admin/safetyportal/rolechange/{row.pk}/change/"
    assert client.post(change, {"after": "改写"}).status_code == 403
    assert client.get(f"/admin/safetyportal/rolechange/{row.pk}/delete/").status_code == 403
    assert client.post(f"/admin/safetyportal/rolechange/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/safetyportal/rolechange/", {"action": "delete_selected", "_selected_action": [row.pk], "index": "0"}
    )
    assert response.status_code in (200, 302)
    assert RoleChange.objects.filter(pk=row.pk, after="是", actor_name="系统").exists()
    assert not RoleChange.objects.filter(actor_name="伪造").exists()


def test_ordinary_staff_do_not_see_the_audit_log(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/admin/safetyportal/rolechange/").status_code == 403


@pytest.mark.parametrize("rows", [5, 60])
def test_the_audit_changelist_runs_a_constant_number_of_queries(client, superuser, rows, django_assert_max_num_queries):
    RoleChangeFactory.create_batch(rows)
    client.force_login(superuser)
    client.get("/admin/safetyportal/rolechange/")  # warm the session and content-type caches
    with django_assert_max_num_queries(14):  # 12 measured at 5, 60 and 300 rows (session, user, 2FA, counts, page)
        response = client.get("/admin/safetyportal/rolechange/")
    assert response.status_code == 200
    assert response.content.decode().count("user") >= min(rows, 50)


def test_every_jurisdiction_change_of_an_officer_is_one_row(officer_a):
    """Every unit of the tree, the county root and communities included: each move is one row, named before → after."""
    county = CountyFactory()
    units = [county, *CommunityFactory.create_batch(2), *JurisdictionFactory.create_batch(2)]
    units += [unit for unit in Jurisdiction.objects.all() if unit not in units]
    start = RoleChange.objects.filter(kind=RoleChangeKind.OFFICER_UNIT).count()
    profile = officer_a.officer_profile
    previous = profile.jurisdiction
    moves = 0
    for unit in units:
        if unit.pk == profile.jurisdiction_id:
            continue
        moves += 1
        profile.jurisdiction = unit
        profile.save()
        row = RoleChange.objects.latest("pk")
        assert (row.kind, row.target_id) == (RoleChangeKind.OFFICER_UNIT, officer_a.pk)
        assert (row.before, row.after) == (f"{previous.name}（{previous.code}）", f"{unit.name}（{unit.code}）")
        previous = unit
    profile.title = "站长"
    profile.save()  # no move: no row
    assert moves >= 5
    assert RoleChange.objects.filter(kind=RoleChangeKind.OFFICER_UNIT).count() == start + moves


# T63: the organisation tree an officer's scope follows ------------------------------------------------------------


def tree_state() -> dict[int, tuple[str, int | None, str]]:
    return {
        pk: (code, parent, path)
        for pk, code, parent, path in Jurisdiction.objects.values_list("pk", "code", "parent_id", "path")
    }


def jurisdiction_form(unit: Jurisdiction, **changes: Any) -> dict[str, Any]:
    data = {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
    }
    data.update(changes)
    return {key: ("" if value is None else value) for key, value in data.items()}


def tree_rows(unit: Jurisdiction, **changes: Any) -> Any:
    import tablib

    row = {"区划代码": unit.code, "名称": unit.name, "层级": unit.level, "类型": unit.kind, "上级区划代码": ""}
    if unit.parent_id:
        row["上级区划代码"] = unit.parent.code
    row.update(changes)
    return tablib.Dataset(list(row.values()), headers=list(row))


@pytest.fixture
def tree(unit_a, unit_b) -> dict[str, Any]:
    """The county root, the officer's township (unit_a) with a village, another township (unit_b) with a village and
    an enterprise in each township."""
    from tests.core.factories import EnterpriseFactory

    return {
        "root": unit_a.parent,
        "village_a": CommunityFactory(parent=unit_a),
        "village_b": CommunityFactory(parent=unit_b),
        "firm_a": EnterpriseFactory(jurisdiction=unit_a),
        "firm_b": EnterpriseFactory(jurisdiction=unit_b),
    }


def test_staff_group_may_only_look_at_jurisdictions():
    codenames = set(Group.objects.get(name=STAFF_GROUP).permissions.values_list("codename", flat=True))
    assert "view_jurisdiction" in codenames
    assert not {"add_jurisdiction", "change_jurisdiction", "delete_jurisdiction"} & codenames
    admin_codenames = set(Group.objects.get(name=ADMIN_GROUP).permissions.values_list("codename", flat=True))
    assert {"add_jurisdiction", "change_jurisdiction", "delete_jurisdiction"} <= admin_codenames


@pytest.mark.parametrize("stray_permission", [False, True])
def test_staff_cannot_widen_an_officers_scope_through_the_tree(
    client, staff_user, officer_a, unit_a, unit_b, tree, stray_permission
):
    """The review's attack: rename the root's code, then give the officer's township the root's old code and no
    parent, so its path becomes the root's. Every door is shut: change, add, delete, import, the ORM."""
    from safetyportal.resources import JurisdictionResource

    if stray_permission:  # a permission granted by mistake does not make staff an administrator
        staff_user.user_permissions.add(
            *Permission.objects.filter(codename__in=["add_jurisdiction", "change_jurisdiction", "delete_jurisdiction"])
        )
    root = tree["root"]
    client.force_login(staff_user)
    before = tree_state()
    rows_before = RoleChange.objects.count()
    scope_before = set(Jurisdiction.objects.for_user(officer_a).values_list("pk", flat=True))

    assert client.get(reverse("admin:safetyportal_jurisdiction_changelist")).status_code == 200  # they may look
    change_root = reverse("admin:safetyportal_jurisdiction_change", args=[root.pk])
    change_a = reverse("admin:safetyportal_jurisdiction_change", args=[unit_a.pk])
    assert client.post(change_root, jurisdiction_form(root, code="350599")).status_code == 403
    steal = jurisdiction_form(unit_a, code=root.code, parent=None, level="county")
    assert client.post(change_a, steal).status_code == 403
    add = reverse("admin:safetyportal_jurisdiction_add")
    assert client.get(add).status_code == 403
    assert (
        client.post(add, {"code": "350599", "name": "新县", "level": "county", "kind": "", "parent": ""}).status_code
        == 403
    )
    delete = reverse("admin:safetyportal_jurisdiction_delete", args=[tree["village_b"].pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:safetyportal_jurisdiction_import")).status_code == 403

    result = JurisdictionResource().import_data(tree_rows(unit_a, 上级区划代码="", 层级="county"), user=staff_user)
    assert result.has_validation_errors()
    assert "只有管理员可以导入或修改行政区划。" in str(result.invalid_rows[0].error_dict)

    with audit.acting_as(staff_user):  # the ORM under their own name
        root.code = "350599"
        with pytest.raises(PermissionDenied), transaction.atomic():
            root.save()
        with pytest.raises(PermissionDenied), transaction.atomic():
            Jurisdiction.objects.create(code="350598", name="新县", level="county")

    assert tree_state() == before
    assert set(Jurisdiction.objects.for_user(officer_a).values_list("pk", flat=True)) == scope_before
    assert RoleChange.objects.count() == rows_before


def test_an_administrator_moving_units_recomputes_the_subtree_and_the_officer_scope_follows(
    client, admin_user_office, officer_a, unit_a, unit_b, tree
):
    from safetyportal.models import Enterprise

    root, village_a, village_b = tree["root"], tree["village_a"], tree["village_b"]
    old_root_code = root.code
    client.force_login(admin_user_office)
    change_root = reverse("admin:safetyportal_jurisdiction_change", args=[root.pk])
    response = client.post(change_root, jurisdiction_form(root, code="350599"))
    assert response.status_code == 302, response.content.decode()[:2000]
    # Every descendant moved with the root, in the same save.
    for unit in (unit_a, unit_b, village_a, village_b):
        unit.refresh_from_db()
        assert unit.path.startswith("350599/"), unit.path
    assert village_a.path == f"350599/{unit_a.code}/{village_a.code}/"

    # The township takes the root's old code and leaves the tree: it becomes a root of its own subtree only.
    change_a = reverse("admin:safetyportal_jurisdiction_change", args=[unit_a.pk])
    response = client.post(change_a, jurisdiction_form(unit_a, code=old_root_code, parent=None, level="county"))
    assert response.status_code == 302, response.content.decode()[:2000]
    village_a.refresh_from_db()
    assert village_a.path == f"{old_root_code}/{village_a.code}/"
    officer = User.objects.get(pk=officer_a.pk)  # as the next request loads them
    assert set(Jurisdiction.objects.for_user(officer)) == {unit_a, village_a}
    assert set(Enterprise.objects.for_user(officer)) == {tree["firm_a"]}

    rows = list(RoleChange.objects.filter(kind=RoleChangeKind.JURISDICTION).order_by("pk"))
    assert [(row.actor_id, row.target_id) for row in rows] == [(admin_user_office.pk, None)] * 2
    assert (rows[0].target_name, rows[0].before, rows[0].after) == (
        f"行政区划：{root.name}",
        f"区划代码：{old_root_code}；上级区划：（无）",
        "区划代码：350599；上级区划：（无）",
    )
    assert rows[1].before == f"区划代码：{unit_a.code}；上级区划：{root.name}（350599）"
    assert rows[1].after == f"区划代码：{old_root_code}；上级区划：（无）"


def test_an_administrator_importing_the_tree_moves_the_subtree_and_is_logged(admin_user_office, unit_a, tree):
    from safetyportal.resources import JurisdictionResource

    result = JurisdictionResource().import_data(
        tree_rows(unit_a, 上级区划代码="", 层级="county"), user=admin_user_office
    )
    assert not result.has_errors() and not result.has_validation_errors()
    tree["village_a"].refresh_from_db()
    assert tree["village_a"].path == f"{unit_a.code}/{tree['village_a'].code}/"
    assert RoleChange.objects.filter(kind=RoleChangeKind.JURISDICTION, actor_id=admin_user_office.pk).count() == 1


def test_a_unit_cannot_be_put_under_itself_or_its_descendant(client, admin_user_office, unit_a, tree):
    village_a = tree["village_a"]
    before = tree_state()
    client.force_login(admin_user_office)
    change_a = reverse("admin:safetyportal_jurisdiction_change", args=[unit_a.pk])
    for parent in (unit_a, village_a):
        response = client.post(change_a, jurisdiction_form(unit_a, parent=parent.pk))
        assert response.status_code == 200
        assert "不能把区划移到它自己或它的下级区划之下。" in response.content.decode()
    for parent in (unit_a, village_a):  # below the admin too
        unit = Jurisdiction.objects.get(pk=unit_a.pk)
        unit.parent = parent
        with pytest.raises(ValidationError, match="不能把区划移到它自己或它的下级区划之下。"), transaction.atomic():
            unit.save()
    assert tree_state() == before
    assert not RoleChange.objects.filter(kind=RoleChangeKind.JURISDICTION).exists()


@pytest.mark.parametrize("code", ["taken", "", "  ", "3505/82"])
def test_a_code_in_use_blank_or_with_a_slash_is_refused(unit_a, unit_b, code):
    before = tree_state()
    unit = Jurisdiction.objects.get(pk=unit_b.pk)
    unit.code = unit_a.code if code == "taken" else code
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        unit.save()
    assert "区划代码" in str(refused.value.message_dict["code"])
    assert tree_state() == before


# The officer-account rule lives with the model --------------------------------------------------------------------


@pytest.mark.parametrize(
    "flags", [{"is_staff": True}, {"is_superuser": True}, {"is_staff": True, "is_superuser": True}]
)
def test_an_officer_profile_is_never_attached_to_a_back_office_account(unit_a, flags):
    account = UserFactory(**flags)
    with pytest.raises(ValidationError) as refused:
        OfficerProfile(user=account, jurisdiction=unit_a).full_clean()
    assert "user" in refused.value.message_dict


def test_the_profile_admin_refuses_a_staff_account(client, admin_user_office, staff_user, unit_a):
    client.force_login(admin_user_office)
    response = client.post(
        reverse("admin:safetyportal_officerprofile_add"),
        {"user": staff_user.pk, "jurisdiction": unit_a.pk, "title": "", "phone": ""},
    )
    assert response.status_code == 200
    assert "门户单位工作人员账号不能同时是后台账号。" in response.content.decode()
    assert not OfficerProfile.objects.filter(user=staff_user).exists()


def test_a_superuser_cannot_make_an_officer_a_superuser(client, superuser, officer_a):
    client.force_login(superuser)
    response = client.post(change_url(officer_a), user_form(officer_a, is_superuser="on"))
    assert response.status_code == 200
    assert "超级管理员账号不能设为门户单位工作人员。" in response.content.decode()
    officer_a.refresh_from_db()
    assert not officer_a.is_superuser


# One append-only kit, one read-only admin -------------------------------------------------------------------------


def test_audit_trails_share_the_append_only_kit_and_the_read_only_admin():
    from inspections.admin import IdentityAccessLogAdmin
    from inspections.models import HazardEvent, RecordHistory
    from safetyportal.admin_base import ReadOnlyAdminMixin
    from safetyportal.records import AppendOnlyModel, AppendOnlyQuerySetMixin
    from safetyportal.user_admin import RoleChangeAdmin

    for model in (RoleChange, IdentityAccessLog, RecordHistory, HazardEvent):
        assert issubclass(model, AppendOnlyModel)
        assert isinstance(model.objects.all(), AppendOnlyQuerySetMixin)
    for admin_class in (RoleChangeAdmin, IdentityAccessLogAdmin):
        assert issubclass(admin_class, ReadOnlyAdminMixin)
    with pytest.raises(PermissionDenied, match="权限变更记录不能修改。"):
        RoleChange.objects.update(after="x")
    with pytest.raises(PermissionDenied, match="审计记录不能删除。"):
        IdentityAccessLog.objects.all().delete()
