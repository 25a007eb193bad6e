"""The shared organisation model every app builds on: jurisdictions, committee member units, enterprises,
people and officer profiles."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .crypto import Undecryptable
from .fields import BlindIndexedModel, BlindIndexField, BlindIndexQuerySetMixin, EncryptedIdNumberField
from .records import AppendOnlyModel, AppendOnlyQuerySet
from .scoping import ScopedQuerySet
from .unit_reference import UnitReferenceMixin, exactly_one_unit, unit_fields
from .validators import (
    is_valid_id_number,
    mask_id_number,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class JurisdictionLevel(models.TextChoices):
    COUNTY = "county", _("市/县区")
    SUBDISTRICT = "subdistrict", _("街道/镇")
    COMMUNITY = "community", _("社区/村")


_PARENT_LEVEL: dict[str, str | None] = {
    JurisdictionLevel.COUNTY: None,
    JurisdictionLevel.SUBDISTRICT: JurisdictionLevel.COUNTY,
    JurisdictionLevel.COMMUNITY: JurisdictionLevel.SUBDISTRICT,
}


class Jurisdiction(TimeStamped):
    """A node of the administrative tree: city/county → subdistrict/town → community/village.

    ``path`` is a materialised path of codes ("350582/350582001/") so that "this unit and everything below it" is one
    indexed prefix filter; it is maintained on save."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=JurisdictionLevel.choices)
    kind = models.CharField(_("类型"), max_length=8, blank=True, help_text=_("如：街道、镇、乡、社区、村"))
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ""  # a jurisdiction is scoped by its own path

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Keep the tree's paths true: this unit's path from its parent's stored path and, when the code or the
        parent changed, every descendant's path in the same transaction (an officer's scope is a path prefix, so a
        stale descendant path would put rows in the wrong scope). A unit under itself or one of its descendants and a
        code already used are refused with ``ValidationError``, whatever path led here (admin, import, shell)."""
        manager = type(self)._base_manager
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            old_path: str | None = None
            if not self._state.adding and self.pk is not None:
                stored = manager.using(using).select_for_update().filter(pk=self.pk).values_list("path", flat=True)
                old_path = stored.first()
            self.code = (self.code or "").strip()
            parent_path = ""
            if self.parent_id is not None:
                parent_path = (
                    manager.using(using).filter(pk=self.parent_id).values_list("path", flat=True).first() or ""
                )
            errors = self.tree_errors(old_path=old_path, parent_path=parent_path, using=using)
            if errors:
                raise ValidationError(errors)
            self.path = f"{parent_path}{self.code}/"
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                manager.using(using).filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1), output_field=models.CharField())
                )

    def tree_errors(
        self, *, old_path: str | None, parent_path: str, using: str | None = None, collisions: bool = True
    ) -> dict[str, list]:
        """What is wrong with this unit's place in the tree: its code (blank, with "/", or, with ``collisions``, used
        by another unit) and its parent (itself or one of its own descendants)."""
        errors: dict[str, list] = {}
        code = (self.code or "").strip()
        if not code or "/" in code:
            errors["code"] = [_("区划代码不能为空，也不能包含“/”。")]
        elif collisions:
            manager = type(self)._base_manager.db_manager(using)
            other = manager.filter(code=code).exclude(pk=self.pk).values_list("name", flat=True).first()
            if other is not None:
                errors["code"] = [_("区划代码“%(code)s”已被“%(name)s”使用。") % {"code": code, "name": other}]
        if self.parent_id is not None and (
            self.parent_id == self.pk or (old_path is not None and parent_path.startswith(old_path))
        ):
            errors["parent"] = [_("不能把区划移到它自己或它的下级区划之下。")]
        return errors

    def clean(self) -> None:
        expected = _PARENT_LEVEL.get(self.level)
        actual = self.parent.level if self.parent is not None else None
        errors: dict[str, list] = {}
        if expected != actual:
            errors["parent"] = [_("上级区划的层级与本级不匹配。")]
        manager = type(self)._base_manager
        old_path = None if self._state.adding else manager.filter(pk=self.pk).values_list("path", flat=True).first()
        parent_path = ""
        if self.parent_id is not None:
            parent_path = manager.filter(pk=self.parent_id).values_list("path", flat=True).first() or ""
        # A used code is reported by the form's own uniqueness check (validate_unique).
        tree = self.tree_errors(old_path=old_path, parent_path=parent_path, collisions=False)
        for name, messages in tree.items():
            errors[name] = [*messages, *errors.get(name, [])]
        if errors:
            raise ValidationError(errors)


class MemberUnit(TimeStamped):
    """A member unit of the work-safety committee (安委会成员单位), e.g. 市住建局."""

    name = models.CharField(_("单位名称"), max_length=64, unique=True)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="member_units"
    )
    sectors = models.CharField(_("监管行业领域"), max_length=255, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = PhoneNumberField(_("联系电话"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    objects = ScopedQuerySet.as_manager()
    member_scope_path = "pk"  # a member-unit officer sees their own unit

    class Meta:
        verbose_name = _("安委会成员单位")
        verbose_name_plural = _("安委会成员单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("工贸")
    HAZCHEM = "hazchem", _("危险化学品")
    CONSTRUCTION = "construction", _("建筑施工")
    TRANSPORT = "transport", _("道路运输")
    GAS = "gas", _("燃气")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
    FIRE_KEY = "fire_key", _("消防重点单位")
    COMMERCE = "commerce", _("商贸服务")
    MINING = "mining", _("矿山")
    OTHER = "other", _("其他")


class RiskGrade(models.TextChoices):
    A = "A", _("A级（重点）")
    B = "B", _("B级")
    C = "C", _("C级")
    D = "D", _("D级（一般）")


class Enterprise(TimeStamped):
    """A business under supervision (生产经营单位)."""

    name = models.CharField(_("单位名称"), max_length=128, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    industry = models.CharField(_("行业领域"), max_length=32, choices=Industry.choices, db_index=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="enterprises"
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=32, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = PhoneNumberField(_("联系电话"), blank=True)
    risk_grade = models.CharField(
        _("风险等级"), max_length=1, choices=RiskGrade.choices, default=RiskGrade.C, db_index=True
    )
    supervisor = models.ForeignKey(
        MemberUnit,
        verbose_name=_("行业监管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("生产经营单位")
        verbose_name_plural = _("生产经营单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.credit_code = normalize_credit_code(self.credit_code)


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PersonQuerySet(BlindIndexQuerySetMixin, ScopedQuerySet):
    pass


class Person(BlindIndexedModel, TimeStamped):
    """Someone trained, certified or reporting. The ID number is stored whole (encrypted) and shown masked outside
    the admin."""

    name = models.CharField(_("姓名"), max_length=32, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    # Encrypted at rest; looked up and kept unique through the keyed HMAC next to it (safetyportal/fields.py).
    id_number = EncryptedIdNumberField(
        _("身份证号"), max_length=18, validators=[validate_id_number], blind_index="id_number_hmac"
    )
    id_number_hmac = BlindIndexField(_("身份证号查找索引"), source="id_number", unique=True)
    phone = PhoneNumberField(_("联系电话"), blank=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="people"
    )
    # Kept by save() (and set for existing rows by migration 0005): numbers stored before the GB 11643 check was
    # right, or written by a path without validation, are listed for staff to correct, never changed here.
    id_check_failed = models.BooleanField(_("身份证号码校验未通过"), default=False, editable=False, db_index=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    def save(self, *args, **kwargs) -> None:
        if isinstance(self.id_number, Undecryptable):  # restored without the keys: ciphertext written back as read
            super().save(*args, **kwargs)
            return
        if isinstance(self.id_number, str):
            self.id_number = normalize_id_number(self.id_number)
        self.id_check_failed = not is_valid_id_number(self.id_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "id_check_failed"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if isinstance(self.id_number, str) and not isinstance(self.id_number, Undecryptable):
            self.id_number = normalize_id_number(self.id_number)

    @property
    def masked_id_number(self) -> str:
        if isinstance(self.id_number, Undecryptable):
            return str(self.id_number)  # "〔无法解密〕": restored without the keys
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class OfficerProfile(UnitReferenceMixin, TimeStamped):
    """Makes a user an officer of one portal unit: the office of a county or subdistrict/town, a community/village
    (both named by ``jurisdiction``), or a committee member unit (``member_unit``). Exactly one of the two is set
    (a database constraint); a unit has several accounts, an account belongs to one unit. Officers work in /portal/
    only, inside their unit's scope (see safetyportal/scoping.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="officer_profile"
    )
    jurisdiction, member_unit = unit_fields(
        related_name="officers",
        jurisdiction_label=_("所属区划"),
        member_unit_label=_("所属成员单位"),
        jurisdiction_help=_("区县、街道（镇）或社区（村）的工作人员选所属区划；成员单位的工作人员留空。"),
        member_unit_help=_("安委会成员单位的工作人员选所属成员单位，此时所属区划留空。"),
    )
    title = models.CharField(_("职务"), max_length=32, blank=True)
    phone = PhoneNumberField(_("手机号码"), blank=True, validators=[validate_mobile], help_text=_("用于接收提醒短信"))

    objects = ScopedQuerySet.as_manager()
    member_scope_path = "member_unit"

    class Meta:
        verbose_name = _("门户单位工作人员")
        verbose_name_plural = _("门户单位工作人员")
        constraints = [exactly_one_unit("officer_in_exactly_one_unit")]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}（{self.unit_name}）"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.user_id:
            problem = officer_account_problem(is_staff=self.user.is_staff, is_superuser=self.user.is_superuser)
            if problem is not None:
                errors["user"] = problem
        if (self.jurisdiction_id is None) == (self.member_unit_id is None):
            errors["jurisdiction"] = str(_("请选择所属区划或所属成员单位（二者选一）。"))
        if errors:
            raise ValidationError(errors)


def officer_account_problem(*, is_staff: bool, is_superuser: bool) -> str | None:
    """Why an account with these flags cannot be (or stay) an officer, or None. The one place of the rule "an officer
    is not a back-office account": ``OfficerProfile.clean`` (the officer admin) and the user admin both ask here."""
    if is_superuser:
        return str(_("超级管理员账号不能设为门户单位工作人员。"))
    if is_staff:
        return str(_("门户单位工作人员账号不能同时是后台账号。"))
    return None


# The documents engine's models belong to this app (see safetyportal/documents/).
from .documents.models import (  # noqa: E402
    DocumentNumberSequence,
    DocumentStatus,
    GeneratedDocument,
    IssuingAuthority,
)

# The history of every app's legal records (see safetyportal/history.py).
from .history import HistoryAction, RecordHistory  # noqa: E402, F401

# Messages to officers (see safetyportal/messaging/).
from .messaging.models import MessageDelivery, MessagePreference, PortalMessage, UnitChannel  # noqa: E402, F401

# The rate limiter's counter table (see safetyportal/throttle.py).
from .throttle_models import ThrottleCounter  # noqa: E402, F401

# The working-day calendar's overrides (see safetyportal/workdays.py).
from .workday_models import WorkdayOverride, WorkdayYear  # noqa: E402, F401

__all__ = [
    "DocumentNumberSequence",
    "DocumentStatus",
    "Enterprise",
    "GeneratedDocument",
    "IssuingAuthority",
    "Jurisdiction",
    "MemberUnit",
    "OfficerProfile",
    "Person",
]


# Role and permission audit (权限变更记录) ----------------------------------------------------------------------------

from django.utils import timezone  # noqa: E402


class RoleChangeKind(models.TextChoices):
    CREATED = "created", _("新建账号")
    DELETED = "deleted", _("删除账号")
    ACTIVE = "active", _("账号启用")
    STAFF = "staff", _("后台登录")
    SUPERUSER = "superuser", _("超级管理员")
    GROUPS = "groups", _("角色（用户组）")
    PERMISSIONS = "permissions", _("个人权限")
    GROUP_PERMISSIONS = "group_permissions", _("用户组权限")
    OFFICER_UNIT = "officer_unit", _("门户单位工作人员所属单位")
    CREDENTIALS = "credentials", _("重置密码")
    JURISDICTION = "jurisdiction", _("行政区划（组织架构）")


class RoleChange(AppendOnlyModel):
    """One change of an account's role or reach: superuser, staff or active status, groups, direct permissions, a
    group's permissions, an officer's unit, a unit's code or parent in the organisation tree. Written by
    ``safetyportal.audit`` (signals and the admin), append-only.

    The names of the actor and the target are kept as text, so the row still says who and whom after an account is
    deleted (the foreign keys then become empty)."""

    at = models.DateTimeField(_("变更时间"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    actor_name = models.CharField(_("操作人"), max_length=150, editable=False)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("对象账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="role_changes",
        editable=False,
    )
    target_name = models.CharField(_("变更对象"), max_length=150, editable=False)
    kind = models.CharField(_("变更内容"), max_length=24, choices=RoleChangeKind.choices, db_index=True, editable=False)
    before = models.TextField(_("变更前"), blank=True, editable=False)
    after = models.TextField(_("变更后"), blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()
    change_refused = _("权限变更记录不能修改。")
    delete_refused = _("权限变更记录不能删除。")

    class Meta:
        verbose_name = _("权限变更记录")
        verbose_name_plural = _("权限变更记录")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} → {self.target_name}：{self.get_kind_display()}"
