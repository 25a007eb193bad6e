"""Spreadsheet resources for the ordinary admin import/export (small tables) and the certificate export."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from import_export import fields

from safetyportal.spreadsheets import SafeModelResource

from .models import Certificate, TrainingInstitution, TrainingSession


class TrainingInstitutionResource(SafeModelResource):
    class Meta:
        model = TrainingInstitution
        fields = (
            "name",
            "credit_code",
            "filing_number",
            "status",
            "valid_from",
            "valid_until",
            "legal_representative",
            "address",
            "contact_name",
            "contact_phone",
            "inspection_notes",
        )
        import_id_fields = ("credit_code",)
        skip_unchanged = True


class TrainingSessionResource(SafeModelResource):
    class Meta:
        model = TrainingSession
        fields = (
            "id",
            "name",
            "category",
            "operation_item",
            "starts_on",
            "ends_on",
            "place",
            "hours",
            "capacity",
            "trainers",
        )
        import_id_fields = ("id",)
        skip_unchanged = True


class CertificateResource(SafeModelResource):
    """Export only (certificates are imported through training.importing, the fast path)."""

    holder_name = fields.Field(column_name=_("持证人姓名"), attribute="holder__name", readonly=True)
    holder_id_number = fields.Field(column_name=_("身份证号"), attribute="holder__id_number", readonly=True)
    employer_name = fields.Field(column_name=_("用人单位"), attribute="employer__name", readonly=True)

    class Meta:
        model = Certificate
        fields = (
            "number",
            "holder_name",
            "holder_id_number",
            "category",
            "operation_item",
            "first_issued_on",
            "valid_from",
            "valid_until",
            "review_due_on",
            "last_reviewed_on",
            "status",
            "authority",
            "employer_name",
            "source",
        )
        export_order = fields
        import_id_fields = ("number",)
