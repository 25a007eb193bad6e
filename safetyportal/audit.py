"""The role and permission audit (权限变更记录) and the server-side guard on role changes.

Every change of an account's superuser, staff or active status, its groups, its direct permissions, a group's
permissions and an officer's unit writes one ``RoleChange`` row (before → after, who, when, whom). The rows come from
model signals, so changes made in the shell or by code are caught as well as the admin's; ``QuerySet.update()`` and
raw SQL send no signals and are not caught.

Who acted: ``AuditActorMiddleware`` makes the request's user the actor for the whole request (resolved lazily), code
may name one with ``acting_as(user)``; otherwise the actor is "系统".

The guard: when the actor is an account that is not a superuser (checked in the database, not on the in-memory user),
changing anyone's superuser status, groups or direct permissions raises ``PermissionDenied``, whatever path led
there (admin form, crafted POST, bulk action, custom view). Restricted permissions (``roles.RESTRICTED_CODENAMES``)
can never be put in a group, not even by a superuser. Adding or deleting a jurisdiction, or changing its code or
parent, is refused unless the actor is the system or an administrator (a superuser or an active 安委办管理员).

Many-to-many writes are recorded one row per target and kind: outside a ``batch()`` each ``add``/``remove``/``clear``
is its own row (``user.groups.set()`` from the shell may write two, its remove and its add); the admin wraps a whole
save in ``batch()``, so one form save gives one row per changed field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import Jurisdiction, MemberUnit, OfficerProfile, RoleChange, RoleChangeKind
from .roles import ADMIN_GROUP, RESTRICTED_CODENAMES

if TYPE_CHECKING:
    from .types import User

SYSTEM = "系统"
NONE = "（无）"
YES = "是"
NO = "否"

# Flags of the user model that make a role, in the order rows are written.
FLAGS: tuple[tuple[str, str], ...] = (
    ("is_superuser", RoleChangeKind.SUPERUSER),
    ("is_staff", RoleChangeKind.STAFF),
    ("is_active", RoleChangeKind.ACTIVE),
)
FLAG_NAMES = tuple(name for name, _kind in FLAGS)


def only_superusers_message() -> str:
    return _("只有超级管理员可以修改超级管理员身份、角色（用户组）和权限。")


def restricted_in_group_message() -> str:
    return _("受限权限（如查看举报人身份）只能由超级管理员授予具体的人，不能放进用户组。")


# Who is acting --------------------------------------------------------------------------------------------------

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)
_actor: ContextVar[User | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_request(request: HttpRequest) -> Iterator[None]:
    """The request's user (if signed in) is the actor of everything audited inside."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Name the actor explicitly (a service, a management command acting for someone)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> User | None:
    """The acting user, or None for the system (shell, migrations, worker, anonymous requests)."""
    actor = _actor.get()
    if actor is None:
        request = _request.get()
        user = getattr(request, "user", None) if request is not None else None
        if user is not None and user.is_authenticated:
            actor = user
    return actor


def ensure_superuser_actor() -> None:
    """Refuse a role change unless the actor is the system or an active superuser (as stored, not as in memory)."""
    actor = current_actor()
    if actor is None:
        return
    if not get_user_model()._base_manager.filter(pk=actor.pk, is_superuser=True, is_active=True).exists():
        raise PermissionDenied(only_superusers_message())


def only_administrators_tree_message() -> str:
    return _("只有管理员可以新增、删除行政区划或修改其区划代码、上级区划。")


def ensure_administrator_actor() -> None:
    """Refuse a change of the organisation tree unless the actor is the system or an active administrator (superuser
    or member of 安委办管理员, as stored)."""
    actor = current_actor()
    if actor is None:
        return
    allowed = (
        get_user_model()
        ._base_manager.filter(pk=actor.pk, is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=ADMIN_GROUP))
        .exists()
    )
    if not allowed:
        raise PermissionDenied(only_administrators_tree_message())


# Writing rows ---------------------------------------------------------------------------------------------------


def record(
    *, kind: str, target_id: int | None, target_name: str | None = None, before: str = "", after: str = ""
) -> RoleChange:
    """Write one audit row. ``target_name`` defaults to the target user's username."""
    actor = current_actor()
    if target_name is None:
        target_name = _username(target_id)
    return RoleChange.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor.get_username() if actor is not None else SYSTEM,
        target_id=target_id,
        target_name=target_name,
        kind=kind,
        before=before,
        after=after,
    )


def _username(user_id: int | None) -> str:
    if user_id is None:
        return NONE
    User = get_user_model()
    name = User._base_manager.filter(pk=user_id).values_list(User.USERNAME_FIELD, flat=True).first()
    return name if name is not None else f"#{user_id}"


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _flags_text(values: dict[str, Any]) -> str:
    labels = {name: str(RoleChangeKind(kind).label) for name, kind in FLAGS}
    return "；".join(f"{labels[name]}：{_yes_no(values[name])}" for name in FLAG_NAMES)


def _permission_text(permissions: Iterable[Permission]) -> str:
    names = sorted(f"{p.name}［{p.content_type.app_label}.{p.codename}］" for p in permissions)
    return "、".join(names) or NONE


def _user_groups(user_id: int) -> str:
    return "、".join(sorted(Group.objects.filter(user__pk=user_id).values_list("name", flat=True))) or NONE


def _user_permissions(user_id: int) -> str:
    return _permission_text(Permission.objects.filter(user__pk=user_id).select_related("content_type"))


def _group_permissions(group_id: int) -> str:
    return _permission_text(Permission.objects.filter(group__pk=group_id).select_related("content_type"))


def _unit_text(jurisdiction_id: int | None, member_unit_id: int | None = None) -> str:
    """An officer's unit as the audit row says it: a jurisdiction "name（code）" or "成员单位：name"."""
    if member_unit_id is not None:
        name = MemberUnit.objects.filter(pk=member_unit_id).values_list("name", flat=True).first()
        return _("成员单位：%(name)s") % {"name": name if name is not None else f"#{member_unit_id}"}
    if jurisdiction_id is None:
        return NONE
    unit = Jurisdiction.objects.filter(pk=jurisdiction_id).values("name", "code").first()
    return f"{unit['name']}（{unit['code']}）" if unit else f"#{jurisdiction_id}"


def _unit_key(values: dict[str, Any] | None) -> tuple[int | None, int | None]:
    if values is None:
        return (None, None)
    return (values["jurisdiction_id"], values["member_unit_id"])


# Batches of many-to-many changes ----------------------------------------------------------------------------------


@dataclass
class _Batch:
    explicit: bool
    before: dict[tuple[str, int], str] = field(default_factory=dict)


_batch: ContextVar[_Batch | None] = ContextVar("audit_batch", default=None)

_STATE: dict[str, Callable[[int], str]] = {
    RoleChangeKind.GROUPS: _user_groups,
    RoleChangeKind.PERMISSIONS: _user_permissions,
    RoleChangeKind.GROUP_PERMISSIONS: _group_permissions,
}


@contextmanager
def batch() -> Iterator[None]:
    """Record the many-to-many changes made inside as one row per target and kind (before the first change → after
    the last), written when the block ends without an error. Use it inside the transaction of the change."""
    current = _batch.get()
    if current is not None and current.explicit:
        yield  # an outer batch records
        return
    mine = _Batch(explicit=True)
    token = _batch.set(mine)
    try:
        yield
    finally:
        _batch.reset(token)
    _flush(mine)


def _remember(kind: str, ids: Iterable[int]) -> None:
    current = _batch.get()
    if current is None:
        current = _Batch(explicit=False)
        _batch.set(current)
    for pk in ids:
        current.before.setdefault((kind, pk), _STATE[kind](pk))


def _settle() -> None:
    current = _batch.get()
    if current is None or current.explicit:
        return
    _batch.set(None)
    _flush(current)


def _flush(done: _Batch) -> None:
    for (kind, pk), before in done.before.items():
        after = _STATE[kind](pk)
        if after == before:
            continue
        if kind == RoleChangeKind.GROUP_PERMISSIONS:
            group_name = Group.objects.filter(pk=pk).values_list("name", flat=True).first() or f"#{pk}"
            record(
                kind=kind,
                target_id=None,
                target_name=_("用户组：%(name)s") % {"name": group_name},
                before=before,
                after=after,
            )
        else:
            record(kind=kind, target_id=pk, before=before, after=after)


# Signal handlers ------------------------------------------------------------------------------------------------


def _m2m_handler(kind: str, owner_field: str, other_field: str) -> Any:
    """A handler for one through model: ``owner_field`` names the side whose state is recorded (user or group)."""

    def handler(sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any) -> None:
        if action.startswith("post_"):
            _settle()
            return
        if action == "pre_add" and not pk_set:
            return
        if kind == RoleChangeKind.GROUP_PERMISSIONS and action == "pre_add":
            restricted = (
                instance.codename in RESTRICTED_CODENAMES
                if reverse
                else Permission.objects.filter(pk__in=pk_set or (), codename__in=RESTRICTED_CODENAMES).exists()
            )
            if restricted:
                raise PermissionDenied(restricted_in_group_message())
        ensure_superuser_actor()
        if not reverse:
            owners: Iterable[int] = [instance.pk]
        elif pk_set is not None:
            owners = pk_set
        else:  # clear() from the other side: everyone who had it
            owners = sender._default_manager.filter(**{other_field: instance.pk}).values_list(
                f"{owner_field}_id", flat=True
            )
        _remember(kind, list(owners))

    return handler


def _user_pre_save(sender: Any, instance: Any, raw: bool, update_fields: Any, **kwargs: Any) -> None:
    if raw or (update_fields is not None and not set(update_fields) & set(FLAG_NAMES)):
        instance.__dict__.pop("_role_before", None)
        return
    before = None
    if not instance._state.adding and instance.pk is not None:
        before = sender._base_manager.filter(pk=instance.pk).values(*FLAG_NAMES).first()
    was_superuser = bool(before and before["is_superuser"])
    if bool(instance.is_superuser) != was_superuser:
        ensure_superuser_actor()
    instance.__dict__["_role_before"] = before


def _user_post_save(sender: Any, instance: Any, created: bool, raw: bool, **kwargs: Any) -> None:
    if raw or "_role_before" not in instance.__dict__:
        return
    before = instance.__dict__.pop("_role_before")
    now = {name: bool(getattr(instance, name)) for name in FLAG_NAMES}
    if created or before is None:
        record(
            kind=RoleChangeKind.CREATED,
            target_id=instance.pk,
            target_name=instance.get_username(),
            after=_flags_text(now),
        )
        return
    for name, kind in FLAGS:
        if bool(before[name]) != now[name]:
            record(
                kind=kind,
                target_id=instance.pk,
                target_name=instance.get_username(),
                before=_yes_no(before[name]),
                after=_yes_no(now[name]),
            )


# Users being deleted in this context: rows written during the cascade must not point at them.
_deleting: ContextVar[frozenset[int]] = ContextVar("audit_deleting", default=frozenset())


def _user_pre_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.is_superuser:
        ensure_superuser_actor()
    _deleting.set(_deleting.get() | {instance.pk})
    flags = {name: bool(getattr(instance, name)) for name in FLAG_NAMES}
    instance.__dict__["_role_deleted"] = "；".join(
        [
            _flags_text(flags),
            _("角色：%(groups)s") % {"groups": _user_groups(instance.pk)},
            _("个人权限：%(perms)s") % {"perms": _user_permissions(instance.pk)},
        ]
    )


def _user_post_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    before = instance.__dict__.pop("_role_deleted", "")
    _deleting.set(_deleting.get() - {instance.pk})
    record(
        kind=RoleChangeKind.DELETED,
        target_id=None,
        target_name=instance.get_username(),
        before=before,
        after=_("账号已删除"),
    )


def _officer_pre_save(sender: Any, instance: OfficerProfile, raw: bool, **kwargs: Any) -> None:
    before = None
    if not raw and not instance._state.adding and instance.pk is not None:
        before = (
            sender._base_manager.filter(pk=instance.pk).values("user_id", "jurisdiction_id", "member_unit_id").first()
        )
    instance.__dict__["_unit_before"] = before


def _officer_post_save(sender: Any, instance: OfficerProfile, raw: bool, **kwargs: Any) -> None:
    if raw or "_unit_before" not in instance.__dict__:
        return
    before = instance.__dict__.pop("_unit_before")
    if before is not None and before["user_id"] != instance.user_id:
        # The profile was moved to another account: the old one stops being an officer.
        record(
            kind=RoleChangeKind.OFFICER_UNIT,
            target_id=before["user_id"],
            before=_unit_text(*_unit_key(before)),
            after=NONE,
        )
        before = None
    before_unit = _unit_key(before)
    after_unit = (instance.jurisdiction_id, instance.member_unit_id)
    if before_unit != after_unit:
        record(
            kind=RoleChangeKind.OFFICER_UNIT,
            target_id=instance.user_id,
            before=_unit_text(*before_unit),
            after=_unit_text(*after_unit),
        )


def _officer_post_delete(sender: Any, instance: OfficerProfile, **kwargs: Any) -> None:
    user_id = instance.user_id
    name = _username(user_id)
    gone = user_id in _deleting.get() or name.startswith("#")
    record(
        kind=RoleChangeKind.OFFICER_UNIT,
        target_id=None if gone else user_id,
        target_name=name,
        before=_unit_text(instance.jurisdiction_id, instance.member_unit_id),
        after=NONE,
    )


def _tree_text(values: dict[str, Any]) -> str:
    return _("区划代码：%(code)s；上级区划：%(parent)s") % {
        "code": values["code"],
        "parent": _unit_text(values["parent_id"]),
    }


def _tree_target(name: str) -> str:
    return _("行政区划：%(name)s") % {"name": name}


def _jurisdiction_pre_save(sender: Any, instance: Jurisdiction, raw: bool, **kwargs: Any) -> None:
    instance.__dict__.pop("_tree_before", None)
    if raw:
        return
    before = None
    if not instance._state.adding and instance.pk is not None:
        before = sender._base_manager.filter(pk=instance.pk).values("code", "parent_id").first()
    if before is None or (before["code"], before["parent_id"]) != (instance.code, instance.parent_id):
        ensure_administrator_actor()
    if before is not None:
        instance.__dict__["_tree_before"] = before


def _jurisdiction_post_save(sender: Any, instance: Jurisdiction, raw: bool, **kwargs: Any) -> None:
    before = instance.__dict__.pop("_tree_before", None)
    if raw or before is None:
        return
    now = {"code": instance.code, "parent_id": instance.parent_id}
    if (before["code"], before["parent_id"]) != (now["code"], now["parent_id"]):
        record(
            kind=RoleChangeKind.JURISDICTION,
            target_id=None,
            target_name=_tree_target(instance.name),
            before=_tree_text(before),
            after=_tree_text(now),
        )


def _jurisdiction_pre_delete(sender: Any, instance: Jurisdiction, **kwargs: Any) -> None:
    ensure_administrator_actor()


def _jurisdiction_post_delete(sender: Any, instance: Jurisdiction, **kwargs: Any) -> None:
    record(
        kind=RoleChangeKind.JURISDICTION,
        target_id=None,
        target_name=_tree_target(instance.name),
        before=_tree_text({"code": instance.code, "parent_id": instance.parent_id}),
        after=_("区划已删除"),
    )


def connect() -> None:
    """Connect the handlers (called once from ``SafetyPortalConfig.ready``)."""
    User = get_user_model()
    uid = "safetyportal.audit"
    m2m_changed.connect(
        _m2m_handler(RoleChangeKind.GROUPS, "user", "group"),
        sender=User.groups.through,
        weak=False,
        dispatch_uid=f"{uid}.groups",
    )
    m2m_changed.connect(
        _m2m_handler(RoleChangeKind.PERMISSIONS, "user", "permission"),
        sender=User.user_permissions.through,
        weak=False,
        dispatch_uid=f"{uid}.user_permissions",
    )
    m2m_changed.connect(
        _m2m_handler(RoleChangeKind.GROUP_PERMISSIONS, "group", "permission"),
        sender=Group.permissions.through,
        weak=False,
        dispatch_uid=f"{uid}.group_permissions",
    )
    pre_save.connect(_user_pre_save, sender=User, dispatch_uid=f"{uid}.user_pre_save")
    post_save.connect(_user_post_save, sender=User, dispatch_uid=f"{uid}.user_post_save")
    pre_delete.connect(_user_pre_delete, sender=User, dispatch_uid=f"{uid}.user_pre_delete")
    post_delete.connect(_user_post_delete, sender=User, dispatch_uid=f"{uid}.user_post_delete")
    pre_save.connect(_officer_pre_save, sender=OfficerProfile, dispatch_uid=f"{uid}.officer_pre_save")
    post_save.connect(_officer_post_save, sender=OfficerProfile, dispatch_uid=f"{uid}.officer_post_save")
    post_delete.connect(_officer_post_delete, sender=OfficerProfile, dispatch_uid=f"{uid}.officer_post_delete")
    pre_save.connect(_jurisdiction_pre_save, sender=Jurisdiction, dispatch_uid=f"{uid}.jurisdiction_pre_save")
    post_save.connect(_jurisdiction_post_save, sender=Jurisdiction, dispatch_uid=f"{uid}.jurisdiction_post_save")
    pre_delete.connect(_jurisdiction_pre_delete, sender=Jurisdiction, dispatch_uid=f"{uid}.jurisdiction_pre_delete")
    post_delete.connect(_jurisdiction_post_delete, sender=Jurisdiction, dispatch_uid=f"{uid}.jurisdiction_post_delete")
