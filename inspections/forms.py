"""Forms of the public report page, the tracking page, the officer portal and the admin's workflow screens. None
takes a status, a unit or an author from the POST: the services set them."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.images import PhotoField
from safetyportal.models import Enterprise, Jurisdiction, JurisdictionLevel, MemberUnit
from safetyportal.scoping import officer_jurisdiction

from .models import Hazard, HazardCategory, HazardLevel, HazardSource, HazardStatus, SupervisionLevel

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def township_queryset():  # type: ignore[no-untyped-def]
    return Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).order_by("code")


class PublicReportForm(forms.Form):
    """安全随手拍: a citizen's report. Name and phone are optional; ticking 匿名举报 discards them."""

    category = forms.ChoiceField(label=_("隐患类别"), choices=[("", _("请选择")), *HazardCategory.choices])
    jurisdiction = forms.ModelChoiceField(
        label=_("所在镇（街道）"), queryset=Jurisdiction.objects.none(), empty_label=_("请选择")
    )
    place = forms.CharField(
        label=_("具体地点"), max_length=200, widget=forms.TextInput(attrs={"placeholder": _("如：某某路88号一楼楼道")})
    )
    description = forms.CharField(
        label=_("隐患描述"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("请描述您看到的安全隐患（至少10个字）")}),
        error_messages={
            "min_length": _("隐患描述至少需要10个字，请补充具体情况。"),
            "max_length": _("隐患描述不能超过2000个字。"),
        },
    )
    photos = PhotoField(label=_("现场照片（最多5张）"), max_files=5, required=False)
    anonymous = forms.BooleanField(label=_("匿名举报（不留姓名和电话）"), required=False, initial=True)
    name = forms.CharField(label=_("姓名"), max_length=32, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    sms_code = forms.BooleanField(
        label=_("用短信把查询码发到我的手机"),
        required=False,
        help_text=_("仅实名举报并填写手机号码时可选；查询码以加密方式交给短信服务，不在网站保存。"),
    )
    # Honeypot: hidden by CSS, left empty by people; a filled one means a robot (silently dropped).
    website = forms.CharField(
        label=_("网址（请勿填写）"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = township_queryset()

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s-]", "", self.cleaned_data.get("phone", ""))
        if phone and not (MOBILE.match(phone) or LANDLINE.match(phone)):
            raise forms.ValidationError(_("请输入有效的手机号码或固定电话。"))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("anonymous"):
            data["name"], data["phone"], data["sms_code"] = "", "", False
        elif not (data.get("name") and data.get("phone")) and not self.has_error("phone"):
            raise forms.ValidationError(_("实名举报请填写姓名和联系电话；不愿留下信息请勾选“匿名举报”。"))
        if data.get("sms_code") and not MOBILE.match(data.get("phone") or ""):
            self.add_error("sms_code", _("短信只能发到手机号码，请填写手机号码或取消勾选。"))
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )


class OfficerHazardForm(forms.Form):
    """An officer files a hazard found in their own jurisdiction."""

    source = forms.ChoiceField(
        label=_("来源"),
        choices=[
            (HazardSource.ROUTINE, HazardSource.ROUTINE.label),
            (HazardSource.COVERT, HazardSource.COVERT.label),
            (HazardSource.SELF_CHECK, HazardSource.SELF_CHECK.label),
            (HazardSource.HOTLINE_12345, HazardSource.HOTLINE_12345.label),
            (HazardSource.HOTLINE_12350, HazardSource.HOTLINE_12350.label),
        ],
    )
    category = forms.ChoiceField(label=_("隐患类别"), choices=HazardCategory.choices)
    level = forms.ChoiceField(label=_("隐患等级"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL)
    jurisdiction = forms.ModelChoiceField(label=_("所属镇（街道）/社区（村）"), queryset=Jurisdiction.objects.none())
    enterprise = forms.ModelChoiceField(
        label=_("涉及单位"), queryset=Enterprise.objects.none(), required=False, empty_label=_("（无）")
    )
    address = forms.CharField(label=_("隐患地点"), max_length=255)
    description = forms.CharField(label=_("隐患描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    external_ticket = forms.CharField(label=_("工单编号"), max_length=40, required=False)
    deadline = forms.DateField(label=_("建议整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    photos = PhotoField(label=_("整改前照片（最多5张）"), max_files=5, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.for_user(user).exclude(
            level=JurisdictionLevel.COUNTY
        )
        self.fields["jurisdiction"].initial = officer_jurisdiction(user)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).only("pk", "name").order_by("name")

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("整改期限不能早于今天。"))
        return deadline


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("办理结果"), choices=())
    reason = forms.CharField(label=_("办理意见/理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(
        label=_("整改期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("进入整改时必填"),
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("整改责任（监管）单位"), queryset=MemberUnit.objects.filter(is_active=True), required=False
    )
    rectification_note = forms.CharField(
        label=_("整改情况"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    duplicate_of = forms.IntegerField(label=_("重复于（隐患ID）"), required=False, min_value=1)
    photos = PhotoField(label=_("整改后照片（提交复核时必传，最多5张）"), max_files=5, required=False)

    def __init__(self, *args: Any, targets: list[str], user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(HazardStatus.choices)
        self.fields["to_status"].choices = [(target, labels[target]) for target in targets]
        if user is not None:  # the member units the acting account may name (services.transition_hazard checks again)
            self.fields["responsible_unit"].queryset = (
                MemberUnit.objects.for_user(user).filter(is_active=True).order_by("name")
            )

    def clean_duplicate_of(self) -> Hazard | None:
        pk = self.cleaned_data.get("duplicate_of")
        if not pk:
            return None
        hazard = Hazard.objects.filter(pk=pk).first()
        if hazard is None:
            raise forms.ValidationError(_("未找到该隐患。"))
        return hazard


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("查看理由"),
        min_length=4,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("将记录查看人、时间和理由，记录不可修改或删除。"),
    )


class RewardForm(forms.Form):
    reward_amount = forms.DecimalField(label=_("奖励金额（元）"), min_value=1, max_digits=10, decimal_places=2)
    reward_paid_on = forms.DateField(label=_("发放日期"), widget=forms.DateInput(attrs={"type": "date"}))


class SupervisionForm(forms.Form):
    level = forms.ChoiceField(label=_("督办级别"), choices=SupervisionLevel.choices, required=False)
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
