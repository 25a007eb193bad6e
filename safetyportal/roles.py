"""Office roles as Django groups, with the model permissions each one carries.

The groups are created by a data migration and their permissions are re-synchronised after every ``migrate``, so a
model added by a later app is covered without a hand-written migration. Subdistrict officers are not a group: an
``OfficerProfile`` makes a (non-staff) user an officer, and scoping does the rest.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps

ADMIN_GROUP = "安委办管理员"
STAFF_GROUP = "安委办工作人员"

PROJECT_APPS = ("safetyportal", "campaigns", "training", "inspections", "publicity")

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
}

# Permissions only administrators receive (ordinary staff do not).
ADMIN_ONLY_CODENAMES = frozenset({"revoke_certificate"})


def wanted_permissions(group: str, codename: str, model_name: str) -> bool:
    if codename in RESTRICTED_CODENAMES:
        return False
    action = codename.split("_", 1)[0]
    if action == "delete" and model_name in UNDELETABLE_MODELS:
        return False
    if group == ADMIN_GROUP:
        return True
    # Ordinary staff view, add, change and use custom workflow permissions; deleting is for administrators.
    return action != "delete" and codename not in ADMIN_ONLY_CODENAMES


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
    # Administrators also manage accounts (creating officers); they do not edit groups or permissions.
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
        group.permissions.set(keep)


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    sync_roles(kwargs.get("apps") or global_apps)
