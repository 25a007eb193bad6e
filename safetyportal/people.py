"""How a person (and a permission) is shown on every screen: by name (姓名), never by login name when a name is known.

``person_name(user)`` is the one display rule; ``install()`` makes it the User model's ``str()`` (called from
``SafetyPortalConfig.ready``), so every admin list, filter, select and history row that shows a user — reviewed_by,
created_by, issued_by, requested_by, actor … — shows the name without each admin repeating the rule."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

_CJK = re.compile(r"[\u3400-\u9fff]")


def person_name(user: Any) -> str:
    """姓名 as Chinese writes it (family name first, no space), a Latin name as "first last", else the login name."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if first or last:
        if _CJK.search(first + last):
            return f"{last}{first}"
        return " ".join(part for part in (first, last) if part)
    return str(user.get_username())


def _user_str(user: Any) -> str:
    return person_name(user)


def install() -> None:
    """Make ``str(user)`` the person's name (idempotent)."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    if model.__str__ is not _user_str:
        model.__str__ = _user_str  # type: ignore[method-assign]


_PERMISSION_ACTIONS = {"add": _("新增"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


# Models of packages that name them only in English (django-otp has no Chinese catalogue), by app label and model.
_PACKAGE_MODEL_NAMES = {
    ("otp_static", "staticdevice"): _("恢复码设备"),
    ("otp_static", "statictoken"): _("恢复码"),
    ("otp_totp", "totpdevice"): _("动态验证码设备"),
}
_PACKAGE_APP_NAME = _("双重认证")


def permission_label(permission: Any) -> str:
    """A permission as the group and user forms list it: "应用 | 数据表 | 修改数据表", never Django's stored
    English "Can change log entry" for the four default permissions of every model."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    package_name = _PACKAGE_MODEL_NAMES.get((content_type.app_label, content_type.model))
    where = f"{_PACKAGE_APP_NAME} | {package_name}" if package_name else str(content_type)
    if model is not None and action in _PERMISSION_ACTIONS and model_name == content_type.model:
        verbose = str(package_name or model._meta.verbose_name)
        return f"{where} | {_PERMISSION_ACTIONS[action]}{verbose}"
    return f"{where} | {permission.name}"


def install_permission_labels() -> None:
    from django.contrib.auth.models import Permission

    if Permission.__str__ is not permission_label:
        Permission.__str__ = permission_label  # type: ignore[method-assign]


def _login_record_str(record: Any) -> str:
    from django.utils import timezone

    at = timezone.localtime(record.attempt_time).strftime("%Y-%m-%d %H:%M") if record.attempt_time else ""
    return f"{record.username or ''} {at}".strip()


def install_login_record_labels() -> None:
    """django-axes names its rows in English ("Access Log for admin @ …"); the admin's lists show them."""
    from axes import models as axes_models

    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        model = getattr(axes_models, name, None)
        if model is not None:
            model.__str__ = _login_record_str
