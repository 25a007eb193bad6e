from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    Enterprise,
    Jurisdiction,
    JurisdictionLevel,
    MemberUnit,
    OfficerProfile,
    Person,
    officer_account_problem,
)
from .resources import EnterpriseResource, JurisdictionResource, MemberUnitResource, PersonResource
from .roles import is_administrator, may_manage_account
from .scoping import UNIT_KIND_LABELS
from .spreadsheets import SafeImportExportAdmin
from .types import ModelAdminMixinBase
from .validators import IdNumberFormField

if TYPE_CHECKING:
    from .types import User, UserOrAnonymous


class AdministratorsManageMixin(ModelAdminMixinBase):
    """Adding, changing, deleting and importing are for administrators (安委办管理员 or superusers) only, whatever
    model permissions an account holds: ordinary staff look (roles.STAFF_VIEW_ONLY_MODELS)."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) and is_administrator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and is_administrator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and is_administrator(request.user)


@admin.register(Jurisdiction)
class JurisdictionAdmin(AdministratorsManageMixin, SafeImportExportAdmin):  # type: ignore[misc]  # see SafeImportExportAdmin
    """The organisation tree decides what every officer reads (their unit's path is a prefix): administrators manage
    it; a change of a unit's code or parent moves its whole subtree and is written to the audit log (权限变更记录)."""

    resource_classes = [JurisdictionResource]
    list_display = ("code", "name", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    list_per_page = 50

    def has_import_permission(self, request: HttpRequest) -> bool:
        return super().has_import_permission(request) and is_administrator(request.user)


@admin.register(MemberUnit)
class MemberUnitAdmin(SafeImportExportAdmin):
    resource_classes = [MemberUnitResource]
    list_display = ("name", "short_name", "sectors", "contact_name", "contact_phone", "account_count", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name", "sectors")
    autocomplete_fields = ("jurisdiction",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(_accounts=Count("officers"))

    @admin.display(description=_("门户账号数"), ordering="_accounts")
    def account_count(self, obj: MemberUnit) -> Any:
        """The unit's portal accounts, linked to their list in 门户单位工作人员."""
        url = reverse("admin:safetyportal_officerprofile_changelist") + f"?member_unit__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj._accounts)  # type: ignore[attr-defined]


@admin.register(Enterprise)
class EnterpriseAdmin(SafeImportExportAdmin):
    resource_classes = [EnterpriseResource]
    list_display = ("name", "credit_code", "industry", "jurisdiction", "risk_grade", "supervisor")
    list_filter = ("industry", "risk_grade", ("jurisdiction", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "credit_code", "address")
    list_select_related = ("jurisdiction", "supervisor")
    autocomplete_fields = ("jurisdiction", "supervisor")
    list_per_page = 50


class PersonAdminForm(forms.ModelForm):
    # Accepts what people type (full-width digits, spaces, hyphens, lower-case x) and stores the normalised number.
    id_number = IdNumberFormField(label=_("身份证号"))

    class Meta:
        model = Person
        fields = ("name", "gender", "id_number", "phone", "enterprise", "jurisdiction")


@admin.register(Person)
class PersonAdmin(SafeImportExportAdmin):
    resource_classes = [PersonResource]
    form = PersonAdminForm
    list_display = ("name", "gender", "masked_id", "enterprise", "jurisdiction")
    # "身份证号码校验未通过" (the field's verbose name): numbers failing GB 11643 (Person.save(), migration 0005).
    list_filter = ("id_check_failed", "gender", ("jurisdiction", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "=id_number")
    search_help_text = _("按姓名搜索，或输入完整的18位身份证号精确查找（身份证号加密保存，不能按部分号码查找）。")
    list_select_related = ("enterprise", "jurisdiction")
    autocomplete_fields = ("enterprise", "jurisdiction")
    readonly_fields = ("id_check_failed",)
    list_per_page = 50

    @admin.display(description=_("身份证号"))
    def masked_id(self, obj: Person) -> str:
        # Lists show the masked number; the full number is on the change form, for staff who need it.
        return obj.masked_id_number


ONE_UNIT_MESSAGE = _(
    "每个账号属于且只属于一个单位：请选择所属区划（区县、街道（镇）或社区（村））或所属成员单位，二者选一。"
)


class OfficerProfileForm(forms.ModelForm):
    """``actor`` is set by ``OfficerProfileAdmin.get_form``."""

    actor: UserOrAnonymous | None = None

    class Meta:
        model = OfficerProfile
        fields = ("user", "jurisdiction", "member_unit", "title", "phone")

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        jurisdiction, member_unit = cleaned_data.get("jurisdiction"), cleaned_data.get("member_unit")
        unit_fields_valid = "jurisdiction" not in self.errors and "member_unit" not in self.errors
        if unit_fields_valid and (jurisdiction is None) == (member_unit is None):
            raise forms.ValidationError(ONE_UNIT_MESSAGE)
        return cleaned_data

    def clean_user(self) -> User | None:
        user = self.cleaned_data.get("user")
        # The model's rule (OfficerProfile.clean refuses too), asked first so it is the message shown.
        problem = (
            None if user is None else officer_account_problem(is_staff=user.is_staff, is_superuser=user.is_superuser)
        )
        if problem is not None:
            raise forms.ValidationError(problem)
        if user is not None and self.actor is not None and not may_manage_account(self.actor, user):
            raise forms.ValidationError(_("您不能把该账号设为门户单位工作人员。"))
        return user


class UnitKindFilter(admin.SimpleListFilter):
    title = _("单位类型")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(kind, label) for kind, label in UNIT_KIND_LABELS.items()]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        community = Q(jurisdiction__level=JurisdictionLevel.COMMUNITY)
        match self.value():
            case "member":
                return queryset.filter(member_unit__isnull=False)
            case "community":
                return queryset.filter(community)
            case "office":
                return queryset.filter(jurisdiction__isnull=False).exclude(community)
        return queryset


@admin.register(OfficerProfile)
class OfficerProfileAdmin(AdministratorsManageMixin, admin.ModelAdmin):
    """Officer accounts and their unit decide what an officer reads: administrators manage them (ordinary staff only
    look, see roles.STAFF_VIEW_ONLY_MODELS); every change of unit is in the audit log (权限变更记录).

    An account belongs to exactly one unit: the office of a county or subdistrict/town, a community/village (both a
    jurisdiction) or a committee member unit; a unit has as many accounts as it needs."""

    form = OfficerProfileForm
    list_display = ("user", "unit", "unit_kind", "title", "phone")
    list_filter = (UnitKindFilter, ("member_unit", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "jurisdiction__name",
        "member_unit__name",
    )
    list_select_related = ("user", "jurisdiction", "member_unit")
    autocomplete_fields = ("user", "jurisdiction", "member_unit")
    fieldsets = [
        (None, {"fields": ("user", "title", "phone")}),
        (
            _("所属单位（二者选一）"),
            {
                "fields": ("jurisdiction", "member_unit"),
                "description": _(
                    "区县、街道（镇）办公室和社区（村）的账号选所属区划；安委会成员单位的账号选所属成员单位。"
                    "一个单位可以有多个账号，每个账号只属于一个单位。"
                ),
            },
        ),
    ]

    @admin.display(description=_("所属单位"), ordering="jurisdiction__name")
    def unit(self, obj: OfficerProfile) -> str:
        return obj.unit_name

    @admin.display(description=_("单位类型"))
    def unit_kind(self, obj: OfficerProfile) -> str:
        if obj.member_unit_id is not None:
            return str(UNIT_KIND_LABELS["member"])
        if obj.jurisdiction is not None and obj.jurisdiction.level == JurisdictionLevel.COMMUNITY:
            return str(UNIT_KIND_LABELS["community"])
        return obj.jurisdiction.get_level_display() if obj.jurisdiction is not None else ""

    def get_form(
        self, request: HttpRequest, obj: OfficerProfile | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})


from . import user_admin  # noqa: E402,F401  (accounts, groups and the role audit log: only superusers change roles)
from .documents import admin as documents_admin  # noqa: E402,F401  (registers the documents engine's admin)
from .history_admin import RecordHistoryAdmin  # noqa: E402,F401  (操作记录: every app's legal records)
from .messaging import admin as messaging_admin  # noqa: E402,F401  (单位企业微信群, 消息接收设置, 门户消息)
from .workday_admin import WorkdayOverrideAdmin  # noqa: E402,F401  (节假日调整: the working-day calendar)
