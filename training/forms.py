from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetyportal.models import Jurisdiction, JurisdictionLevel
from safetyportal.spreadsheets import SpreadsheetRejected, inspect_xlsx

from .models import (
    CertificateStatus,
    FakeCertificateReport,
    ImportKind,
    OperationItem,
    PublicationBatch,
    TrainingInstitution,
    TrainingSession,
)
from .selectors import VerifyQuery


class VerifyForm(forms.Form):
    """The public lookup, sent by POST (CSRF-protected) so that an ID number or a name never appears in a URL.

    Nothing here tells "malformed" from "not found": both fields are optional and any input that cannot match
    anything is answered as a miss (see views.verify)."""

    q = forms.CharField(label=_("证号或身份证号"), max_length=40, required=False)
    name = forms.CharField(label=_("持证人姓名"), max_length=40, required=False)

    def query(self) -> VerifyQuery | None:
        """The normalised lookup, or None when the input cannot match any certificate."""
        return VerifyQuery.parse(self.cleaned_data.get("q", ""), self.cleaned_data.get("name", ""))


class FakeReportForm(forms.ModelForm):
    class Meta:
        model = FakeCertificateReport
        fields = ("description", "where_seen", "contact")
        widgets = {"description": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}
        help_texts = {"contact": _("选填，便于核查人员联系您")}


class InstitutionAdminForm(forms.ModelForm):
    certificate_types = forms.MultipleChoiceField(
        label=_("可培训的操作项目"), choices=OperationItem.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TrainingInstitution
        fields = (
            "name",
            "credit_code",
            "filing_number",
            "certificate_types",
            "status",
            "valid_from",
            "valid_until",
            "legal_representative",
            "address",
            "contact_name",
            "contact_phone",
            "inspection_notes",
        )


class VoidForm(forms.Form):
    status = forms.ChoiceField(
        label=_("处理方式"),
        choices=[(CertificateStatus.CANCELLED, _("注销")), (CertificateStatus.REVOKED, _("吊销"))],
    )
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


# The 公示期 and where objections go (异议受理), printed in the list's heading and at its end.
PUBLICITY_FORM_FIELDS = (
    "publicity_from",
    "publicity_to",
    "objection_unit",
    "objection_phone",
    "objection_address",
    "objection_email",
)


def check_publicity(form: forms.ModelForm, data: dict[str, Any]) -> None:
    """A list is published with its period and at least one way to send an objection in writing."""
    if not data.get("publicity_from"):
        form.add_error("publicity_from", _("请填写公示期起始日期。"))
    if not data.get("publicity_to"):
        form.add_error("publicity_to", _("请填写公示期截止日期。"))
    elif data.get("publicity_from") and data["publicity_to"] < data["publicity_from"]:
        form.add_error("publicity_to", _("公示期的截止日期不能早于起始日期。"))
    if not any(data.get(name) for name in ("objection_phone", "objection_address", "objection_email")):
        form.add_error("objection_phone", _("请填写异议受理的联系电话、通信地址或电子邮箱（至少一项）。"))


class BatchAdminForm(forms.ModelForm):
    """A published list is built from the certificates first issued (or re-examined) in a period."""

    date_from = forms.DateField(label=_("统计起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("统计截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = PublicationBatch
        fields = ("code", "title", "kind", "issued_on", *PUBLICITY_FORM_FIELDS)
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "publicity_from": forms.DateInput(attrs={"type": "date"}),
            "publicity_to": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        check_publicity(self, data)
        return data


class BatchPublicityForm(forms.ModelForm):
    """Changing a list before it is published (the PDF is rendered at publication)."""

    class Meta:
        model = PublicationBatch
        fields = ("title", *PUBLICITY_FORM_FIELDS)
        widgets = {
            "publicity_from": forms.DateInput(attrs={"type": "date"}),
            "publicity_to": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_publicity(self, data)
        return data


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportKind.choices)
    file = forms.FileField(label=_("Excel文件（.xlsx）"))
    session = forms.ModelChoiceField(
        label=_("培训班"),
        queryset=TrainingSession.objects.order_by("-starts_on"),
        required=False,
        help_text=_("导入培训考核结果时必选"),
    )
    institution = forms.ModelChoiceField(
        label=_("培训机构"), queryset=TrainingInstitution.objects.all(), required=False, help_text=_("导入证书时选填")
    )
    default_jurisdiction = forms.ModelChoiceField(
        label=_("新增人员的默认所属区划"),
        queryset=Jurisdiction.objects.filter(level__in=[JurisdictionLevel.COUNTY, JurisdictionLevel.SUBDISTRICT]),
        help_text=_("文件中的人员在系统中不存在且未填写用人单位时使用"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传Excel（.xlsx）文件。"))
        data = upload.read()
        upload.seek(0)
        try:
            inspect_xlsx(data)
        except SpreadsheetRejected as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ImportKind.ENROLMENTS and not data.get("session"):
            self.add_error("session", _("导入培训考核结果须选择培训班。"))
        return data


class BatchFilterForm(forms.Form):
    item = forms.ChoiceField(label=_("操作项目"), choices=[("", _("全部")), *OperationItem.choices], required=False)
