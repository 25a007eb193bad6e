"""Office roles as Django groups, with the model permissions each one carries.

The groups are created by a data migration and their permissions are re-synchronised after every ``migrate``, so a
model added by a later app is covered without a hand-written migration. Subdistrict officers are not a group: an
``OfficerProfile`` makes a (non-staff) user an officer, and scoping does the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps as global_apps

if TYPE_CHECKING:
    from .types import User, UserOrAnonymous

ADMIN_GROUP = "安委办管理员"
STAFF_GROUP = "安委办工作人员"

PROJECT_APPS = ("safetyportal", "campaigns", "training", "inspections", "publicity", "committee")

# Permissions no group receives automatically: each is granted to a named person on purpose.
RESTRICTED_CODENAMES = frozenset({"view_reporter_identity"})

# Models whose rows are legal records or audit trails: nobody deletes them (they are voided or superseded).
UNDELETABLE_MODELS: set[str] = {
    "generateddocument",
    "notice",
    "certificate",
    "certificatereview",
    "publicationbatch",
    "inspection",
    "penaltycase",
    "rectificationorder",
    "campaignsummary",
    "accident",
    "interview",
    "commitment",
    "interviewnotice",
    "accidentattachment",
    "supervision",
    "supervisionnotice",
    "extensionrequest",
    "progressattachment",
    "supervisionevidence",
    "circular",
    "circularreceipt",
    "assessmentresult",
    "assessmentresultrow",
    "reward",
    "rewardclaim",
    "mediaarticle",
    "exposuresubmission",
}

# Permissions only administrators receive (ordinary staff do not).
ADMIN_ONLY_CODENAMES = frozenset({"revoke_certificate"})

# Models ordinary staff may look at but not add, change or delete: officer accounts and their jurisdiction decide
# what an officer reads, and so does the organisation tree itself (an officer sees every unit whose path starts with
# their unit's), so only administrators manage them.
STAFF_VIEW_ONLY_MODELS = frozenset({"officerprofile", "jurisdiction"})

# Models ordinary staff do not see at all: the role and permission audit log.
ADMIN_ONLY_MODELS = frozenset({"rolechange"})


def wanted_permissions(group: str, codename: str, model_name: str) -> bool:
    if codename in RESTRICTED_CODENAMES:
        return False
    action = codename.split("_", 1)[0]
    if action == "delete" and model_name in UNDELETABLE_MODELS:
        return False
    if group == ADMIN_GROUP:
        return True
    if model_name in ADMIN_ONLY_MODELS:
        return False
    if model_name in STAFF_VIEW_ONLY_MODELS:
        return action == "view"
    # Ordinary staff view, add, change and use custom workflow permissions; deleting is for administrators.
    return action != "delete" and codename not in ADMIN_ONLY_CODENAMES


def is_administrator(user: UserOrAnonymous) -> bool:
    """A superuser or an active member of 安委办管理员 (the people who manage accounts and officers)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if "_is_administrator" not in user.__dict__:  # asked several times per admin page
        user.__dict__["_is_administrator"] = user.is_superuser or user.groups.filter(name=ADMIN_GROUP).exists()
    return user.__dict__["_is_administrator"]


def stored_permissions(user: UserOrAnonymous) -> set[str]:
    """Every permission an account holds as stored (direct or through a group), whether or not it is active now:
    an inactive account's permissions come back the moment someone re-activates it."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    return {f"{app_label}.{codename}" for app_label, codename in rows}


def may_manage_account(actor: UserOrAnonymous, target: User) -> bool:
    """Whether ``actor`` may edit ``target``'s account (names, active and staff flags, password).

    Superusers manage every account. Anyone else never a superuser's, and only an account that holds no permission
    the actor lacks: resetting a custodian's password would otherwise hand the actor the custodian's
    ``view_reporter_identity``. Roles themselves (superuser, groups, permissions) are the superuser's alone whatever
    this says (safetyportal.audit refuses them)."""
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    if target.pk is None or target.pk == actor.pk:
        return True
    return stored_permissions(target) <= stored_permissions(actor)


def sync_roles(apps: Any = global_apps) -> None:
    """Create the groups and set their permissions on the project's own models (idempotent)."""
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for label in PROJECT_APPS:
        try:
            app_config = apps.get_app_config(label)
        except LookupError:
            continue
        app_config.models_module = True  # historical app configs lack it; create_permissions needs it truthy
        create_permissions(app_config, verbosity=0, apps=apps)

    permissions = list(
        Permission.objects.filter(content_type__app_label__in=PROJECT_APPS).select_related("content_type")
    )
    # Administrators also manage accounts (creating officers); they do not edit groups or permissions (only superusers
    # do, see safetyportal.audit and the user admin).
    account_permissions = list(
        Permission.objects.filter(
            content_type__app_label="auth", codename__in=["view_user", "add_user", "change_user", "view_group"]
        )
    )
    for name in (ADMIN_GROUP, STAFF_GROUP):
        group, _created = Group.objects.get_or_create(name=name)
        keep = [p for p in permissions if wanted_permissions(name, p.codename, p.content_type.model)]
        if name == ADMIN_GROUP:
            keep += account_permissions
        # set() also takes away anything else found in the group, a restricted permission above all.
        group.permissions.set(keep)


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    sync_roles(kwargs.get("apps") or global_apps)


def set_accounts_active(*, users: Iterable[User], active: bool, by: User) -> int:
    """Activate or deactivate accounts (the user list's bulk actions). All or nothing: if ``by`` may not manage one
    of them (see ``may_manage_account``; nobody switches their own account off here), nothing changes. Returns the
    number of accounts changed; each change is written to the audit log by its signal."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from .audit import acting_as

    users = list(users)
    refused = [user.get_username() for user in users if user.pk == by.pk or not may_manage_account(by, user)]
    if refused:
        raise ValidationError(
            _("您不能启用或停用这些账号（本人、超级管理员或权限多于您的账号）：%(names)s。未作任何修改。")
            % {"names": "、".join(refused)}
        )
    changed = 0
    with transaction.atomic(), acting_as(by):
        for user in users:
            if user.is_active != active:
                user.is_active = active
                user.save(update_fields=["is_active"])
                changed += 1
    return changed
