"""Forms of an office's own campaign, tasks and notices in the portal. They carry content and the units chosen; the
office, the authority and the status of a notice come from the services (campaigns.cascade), never from the POST."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetyportal.models import Jurisdiction, MemberUnit

from .cascade import NOTICE_FIELDS, TASK_FIELDS, Assignment, child_units, own_member_units
from .forms import DateInput
from .models import Campaign, CampaignStatus, CampaignTask, Notice


class AssignmentFormMixin(forms.Form):
    """The units a task or notice goes to: "全部社区（村）"/"全部成员单位" in one step, or ticked one by one."""

    all_children = forms.BooleanField(label=_("全部社区（村）"), required=False)
    all_members = forms.BooleanField(label=_("全部成员单位"), required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("社区（村）"), queryset=Jurisdiction.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    members = forms.ModelMultipleChoiceField(
        label=_("成员单位"),
        queryset=MemberUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def setup_units(self, office: Jurisdiction) -> None:
        units, members = self.fields["units"], self.fields["members"]
        units.queryset = child_units(office)  # type: ignore[attr-defined]  # declared ModelMultipleChoiceFields
        members.queryset = own_member_units(office)  # type: ignore[attr-defined]
        if office.level == "county":
            self.fields["all_children"].label = _("全部街道（镇）")
            self.fields["units"].label = _("街道（镇）")

    def assignment(self) -> Assignment:
        data = self.cleaned_data
        return Assignment(
            all_children=bool(data.get("all_children")),
            all_members=bool(data.get("all_members")),
            jurisdictions=tuple(unit.pk for unit in data.get("units") or []),
            member_units=tuple(unit.pk for unit in data.get("members") or []),
        )


class DeriveCampaignForm(forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=128)
    local_theme = forms.CharField(label=_("本级主题"), max_length=128, required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    copy_tasks = forms.BooleanField(
        label=_("复制上级下达本单位的工作任务"),
        required=False,
        initial=True,
        help_text=_("复制后可逐项修改截止日期和要求。"),
    )
    assign_all_children = forms.BooleanField(label=_("复制的任务分配给全部社区（村）"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        return data


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ("name", "edition", "local_theme", "starts_on", "ends_on", "status")
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = CampaignStatus.choices
        self.fields["status"].help_text = _("设为“进行中”后，社区（村）和成员单位即可在门户中看到任务并报送。")


class TaskForm(AssignmentFormMixin, forms.ModelForm):
    class Meta:
        model = CampaignTask
        fields = TASK_FIELDS
        widgets = {
            "due_on": DateInput(),
            "due_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "requirements": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, office: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_units(office)
        if self.instance.pk:
            self.initial["units"] = list(self.instance.jurisdictions.values_list("pk", flat=True))
            self.initial["members"] = list(self.instance.member_units.values_list("pk", flat=True))

    def content(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TASK_FIELDS if name in self.cleaned_data}


class NoticeForm(AssignmentFormMixin, forms.ModelForm):
    class Meta:
        model = Notice
        fields = NOTICE_FIELDS
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "attachments_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, office: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_units(office)
        if self.instance.pk:
            self.initial["units"] = list(self.instance.recipient_jurisdictions.values_list("pk", flat=True))
            self.initial["members"] = list(self.instance.recipient_units.values_list("pk", flat=True))

    def content(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in NOTICE_FIELDS if name in self.cleaned_data}


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
