"""The second factor in the admin: django-otp's own device admins are removed (English screens that would show TOTP
keys and recovery codes to whoever may view them), and superusers get one action on the user admin instead:
"重置两步验证" (services.reset_second_factor), after which the user enrols again at the next login."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.action(description=gettext_lazy("重置两步验证（下次登录时重新设置）"), permissions=["reset_second_factor"])
def reset_second_factor(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    total = 0
    for user in queryset:
        removed = services.reset_second_factor(user=user, by=request.user)
        modeladmin.log_change(request, user, _("重置两步验证（删除 %(count)d 个验证设备）") % {"count": removed})
        total += 1
    modeladmin.message_user(
        request,
        _("已重置 %(count)d 个账号的两步验证：这些账号已退出登录，下次登录时需重新扫码设置。") % {"count": total},
        messages.SUCCESS,
    )


def has_reset_second_factor_permission(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


def attach_to_user_admin(site: admin.AdminSite = admin.site) -> None:
    """Add the action to whichever admin the site registered for the user model (the project's own user admin in
    safetyportal/admin.py, or Django's). Called once the admin modules are loaded (AccountsConfig.ready)."""
    model_admin: Any = site._registry.get(get_user_model())
    if model_admin is None:
        return
    actions = list(model_admin.actions or [])
    if reset_second_factor not in actions:
        model_admin.actions = [*actions, reset_second_factor]
    model_admin.has_reset_second_factor_permission = has_reset_second_factor_permission
