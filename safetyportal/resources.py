"""Spreadsheet resources for the organisation model (xlsx and csv through the admin)."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets
from import_export.results import Result

from .models import Enterprise, Jurisdiction, MemberUnit, Person
from .roles import is_administrator
from .spreadsheets import CodeWidget, SafeModelResource, column_name
from .validators import EXCEL_NUMBER_MESSAGE, is_spreadsheet_number, normalize_id_number


class IdNumberWidget(widgets.CharWidget):
    """A resident ID number cell: refused when the spreadsheet holds it as a number (Excel keeps 15 significant
    digits, so the number is already changed), otherwise normalised like the admin form. The normalised value is also
    what finds an existing person (``import_id_fields``), so "…x" and "…X" are the same row."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value in (None, ""):
            return ""
        if is_spreadsheet_number(value):
            raise ValueError(str(EXCEL_NUMBER_MESSAGE))
        return normalize_id_number(value)


class JurisdictionResource(SafeModelResource):
    """The organisation tree: only administrators import it (a stray ``add``/``change`` permission on an ordinary
    staff account does not help); the model keeps the subtree's paths and refuses cycles."""

    parent = fields.Field(
        column_name=column_name(_("上级区划代码")), attribute="parent", widget=CodeWidget(Jurisdiction, "code")
    )

    def import_data(self, dataset: Any, *args: Any, **kwargs: Any) -> Result:
        from .audit import acting_as  # audit imports the models; imported here to keep the import graph simple

        user = kwargs.get("user") or self.user
        if user is None:
            return super().import_data(dataset, *args, **kwargs)
        with acting_as(user):  # the importing user is the actor of the audit rows (and of its guard)
            return super().import_data(dataset, *args, **kwargs)

    def validate_instance(self, instance: Any, import_validation_errors: Any = None, validate_unique: bool = True):
        errors = dict(import_validation_errors or {})
        if self.user is not None and not is_administrator(self.user):
            errors[NON_FIELD_ERRORS] = [_("只有管理员可以导入或修改行政区划。")]
        super().validate_instance(instance, errors, validate_unique)

    class Meta:
        model = Jurisdiction
        fields = ("code", "name", "level", "kind", "parent")
        import_id_fields = ("code",)
        skip_unchanged = True


class MemberUnitResource(SafeModelResource):
    jurisdiction = fields.Field(
        column_name=column_name(_("所属区划代码")),
        attribute="jurisdiction",
        widget=CodeWidget(Jurisdiction, "code"),
    )

    class Meta:
        model = MemberUnit
        fields = ("name", "short_name", "jurisdiction", "sectors", "contact_name", "contact_phone", "is_active")
        import_id_fields = ("name",)
        skip_unchanged = True


class EnterpriseResource(SafeModelResource):
    jurisdiction = fields.Field(
        column_name=column_name(_("所属区划代码")),
        attribute="jurisdiction",
        widget=CodeWidget(Jurisdiction, "code"),
    )
    supervisor = fields.Field(
        column_name=column_name(_("行业监管部门")),
        attribute="supervisor",
        widget=CodeWidget(MemberUnit, "name"),
    )

    class Meta:
        model = Enterprise
        fields = (
            "credit_code",
            "name",
            "industry",
            "jurisdiction",
            "address",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "risk_grade",
            "supervisor",
        )
        import_id_fields = ("credit_code",)
        skip_unchanged = True


class PersonResource(SafeModelResource):
    id_number = fields.Field(column_name=column_name(_("身份证号")), attribute="id_number", widget=IdNumberWidget())
    jurisdiction = fields.Field(
        column_name=column_name(_("所属区划代码")),
        attribute="jurisdiction",
        widget=CodeWidget(Jurisdiction, "code"),
    )
    enterprise = fields.Field(
        column_name=column_name(_("工作单位统一社会信用代码")),
        attribute="enterprise",
        widget=CodeWidget(Enterprise, "credit_code"),
    )

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # a refused ID cell: reported with its column when the field is imported

    class Meta:
        model = Person
        fields = ("id_number", "name", "gender", "phone", "enterprise", "jurisdiction")
        import_id_fields = ("id_number",)
        skip_unchanged = True
