"""Accounts, groups and the role audit log in the admin (SECURITY.md T62).

Only superusers change superuser status, groups and direct permissions, or touch a superuser's account. Other
administrators (安委办管理员, who hold ``change_user``) manage ordinary accounts: names, e-mail, active and staff
flags and passwords of accounts that hold no permission they lack themselves (``roles.may_manage_account``).

The rule is enforced at every layer: the fields are read-only for them (so a crafted POST field is not even bound),
the form and ``save_model`` refuse them, ``has_change_permission`` refuses the change view, the password view and
the bulk actions for accounts they may not manage, and underneath all of it ``safetyportal.audit`` refuses any
superuser/group/permission write made while a non-superuser is the actor. Restricted permissions
(``roles.RESTRICTED_CODENAMES``) are never offered for, nor accepted into, a group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .admin_base import ReadOnlyAdminMixin
from .models import RoleChange, RoleChangeKind, officer_account_problem
from .roles import RESTRICTED_CODENAMES, may_manage_account, set_accounts_active
from .types import signed_in_user

if TYPE_CHECKING:
    from django.db.models import ManyToManyField
    from django.forms import ModelMultipleChoiceField

    from .types import UserOrAnonymous

User = get_user_model()

# Fields only a superuser may change.
ROLE_FIELDS = ("is_superuser", "groups", "user_permissions")


class ProjectUserChangeForm(UserChangeForm):
    """The change form; ``actor`` is set by ``ProjectUserAdmin.get_form``."""

    actor: UserOrAnonymous | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.actor is not None and not self.actor.is_superuser:
            if any(name in self.fields for name in ROLE_FIELDS):  # never the case: they are read-only fields
                raise ValidationError(audit.only_superusers_message())
            if self.instance.pk is not None and not may_manage_account(self.actor, self.instance):
                raise ValidationError(_("您不能修改该账号。"))
        if hasattr(self.instance, "officer_profile"):  # the rule lives with the model (OfficerProfile)
            flags = {
                name: bool(cleaned.get(name, getattr(self.instance, name))) for name in ("is_staff", "is_superuser")
            }
            problem = officer_account_problem(**flags)
            if problem is not None:
                on = next((name for name in ("is_superuser", "is_staff") if flags[name] and name in self.fields), None)
                self.add_error(on, problem)
        return cleaned


class AuditedAdminPasswordChangeForm(AdminPasswordChangeForm):
    """Setting someone's password in the admin is written to the audit log (the view refuses superusers' accounts
    to anyone but a superuser, through ``has_change_permission``)."""

    # Django appends an untranslated English warning to this help text: the whole text in Chinese (issue 13).
    usable_password_help_text = format_lazy(  # type: ignore[assignment]
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        gettext_lazy("用户能否使用密码登录。停用后，仍可能通过其他方式登录。"),
        gettext_lazy("停用后，该用户当前的密码将失效。"),
    )

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        after = _("已设置新密码") if user.has_usable_password() else _("已停用密码登录")
        audit.record(kind=RoleChangeKind.CREDENTIALS, target_id=user.pk, target_name=user.get_username(), after=after)
        return user


class ProjectUserAdmin(UserAdmin):
    form = ProjectUserChangeForm
    change_password_form = AuditedAdminPasswordChangeForm
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")
    actions = ["activate_selected", "deactivate_selected"]

    # Permissions ----------------------------------------------------------------------------------------------

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_manage_account(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or may_manage_account(request.user, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly: tuple[str, ...] = ("last_login", "date_joined")
        if request.user.is_superuser:
            return readonly
        readonly += ROLE_FIELDS
        if obj is not None and obj.pk == request.user.pk:
            readonly += ("is_active", "is_staff")  # nobody locks themselves out by accident
        return readonly

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    # Writes -------------------------------------------------------------------------------------------------------

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        # One transaction and one audit batch for the whole save: a role change and its audit rows commit together,
        # and a form saving groups (remove + add) writes one row.
        with transaction.atomic(using=router.db_for_write(self.model)), audit.batch():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # The new password and its audit row commit together.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().user_change_password(request, id, form_url)

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        if not request.user.is_superuser:
            stored = User._base_manager.filter(pk=obj.pk).first() if change else None
            if stored is not None and not may_manage_account(request.user, stored):
                raise PermissionDenied(_("您不能修改该账号。"))
            if obj.is_superuser != (stored.is_superuser if stored is not None else False):
                raise PermissionDenied(audit.only_superusers_message())
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        if not request.user.is_superuser and any(name in form.fields for name in ROLE_FIELDS):
            raise PermissionDenied(audit.only_superusers_message())
        super().save_related(request, form, formsets, change)

    # Bulk actions -----------------------------------------------------------------------------------------------

    def _set_active(self, request: HttpRequest, queryset: QuerySet, active: bool) -> None:
        try:
            changed = set_accounts_active(users=queryset, active=active, by=signed_in_user(request))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        message = _("已启用 %(count)d 个账号。") if active else _("已停用 %(count)d 个账号。")
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("启用所选账号"), permissions=["change"])
    def activate_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description=gettext_lazy("停用所选账号"), permissions=["change"])
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, False)


class ProjectGroupAdmin(GroupAdmin):
    """Groups and their permissions are the superuser's; a restricted permission is never offered for a group (and a
    crafted POST naming one is refused by the form as an invalid choice, and by safetyportal.audit underneath)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "permissions":
            kwargs["queryset"] = Permission.objects.exclude(codename__in=RESTRICTED_CODENAMES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        with transaction.atomic(using=router.db_for_write(self.model)), audit.batch():
            return super().changeform_view(request, object_id, form_url, extra_context)


class RoleChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """权限变更记录: read-only for everyone, superusers included (no add, change or delete; the model refuses too)."""

    list_display = ("at", "actor_name", "target_name", "kind", "before", "after")
    list_filter = ("kind",)
    search_fields = ("actor_name", "target_name")
    date_hierarchy = "at"
    list_per_page = 50
    fields = ("at", "actor_name", "target_name", "kind", "before", "after")
    readonly_fields = fields


for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
admin.site.register(User, ProjectUserAdmin)
admin.site.register(Group, ProjectGroupAdmin)
admin.site.register(RoleChange, RoleChangeAdmin)
