"""Spreadsheet resources for the organisation model (xlsx and csv through the admin)."""

from django.utils.translation import gettext_lazy as _
from import_export import fields

from .models import Enterprise, Jurisdiction, MemberUnit, Person
from .spreadsheets import CodeWidget, SafeModelResource


class JurisdictionResource(SafeModelResource):
    parent = fields.Field(column_name=_("上级区划代码"), attribute="parent", widget=CodeWidget(Jurisdiction, "code"))

    class Meta:
        model = Jurisdiction
        fields = ("code", "name", "level", "kind", "parent")
        import_id_fields = ("code",)
        skip_unchanged = True


class MemberUnitResource(SafeModelResource):
    jurisdiction = fields.Field(
        column_name=_("所属区划代码"), attribute="jurisdiction", widget=CodeWidget(Jurisdiction, "code")
    )

    class Meta:
        model = MemberUnit
        fields = ("name", "short_name", "jurisdiction", "sectors", "contact_name", "contact_phone", "is_active")
        import_id_fields = ("name",)
        skip_unchanged = True


class EnterpriseResource(SafeModelResource):
    jurisdiction = fields.Field(
        column_name=_("所属区划代码"), attribute="jurisdiction", widget=CodeWidget(Jurisdiction, "code")
    )
    supervisor = fields.Field(
        column_name=_("行业监管部门"), attribute="supervisor", widget=CodeWidget(MemberUnit, "name")
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
    jurisdiction = fields.Field(
        column_name=_("所属区划代码"), attribute="jurisdiction", widget=CodeWidget(Jurisdiction, "code")
    )
    enterprise = fields.Field(
        column_name=_("工作单位统一社会信用代码"), attribute="enterprise", widget=CodeWidget(Enterprise, "credit_code")
    )

    class Meta:
        model = Person
        fields = ("id_number", "name", "gender", "phone", "enterprise", "jurisdiction")
        import_id_fields = ("id_number",)
        skip_unchanged = True
