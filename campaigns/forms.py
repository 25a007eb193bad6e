"""The officer's return form. It carries the content only: the unit, task, status and reviewer are never read from
the POST (the services set them), so posting ``jurisdiction=…`` or ``status=accepted`` changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetyportal.images import PhotoField
from safetyportal.uploads import AttachmentField, CheckedAttachment, max_bytes

from .attachments import MAX_ATTACHMENTS
from .models import (
    COUNT_FIELDS,
    MATERIAL_FIELDS,
    MAX_PHOTOS,
    ActivityReturn,
    AttachmentKind,
    CampaignTask,
    ReturnStatus,
)
from .services import RETURN_CONTENT_FIELDS, AttachmentsToAdd

OPTIONAL_COUNTS = (*COUNT_FIELDS, *MATERIAL_FIELDS, "media_reports", "exposures")
# All files of one form together (photos and attachments): the portal's request body cap in deploy/nginx/portal.conf
# (client_max_body_size 91m for /portal/) less room for the fields.
MAX_FORM_FILES_BYTES = 90 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActivityReturnForm(forms.ModelForm):
    period_due = forms.TypedChoiceField(label=_("报送周期"), coerce=dt.date.fromisoformat)
    photos = PhotoField(
        max_files=MAX_PHOTOS,
        required=False,
        label=_("活动照片"),
        help_text=_("JPEG、PNG或WebP格式，每张不超过10MB，每份最多9张。照片会重新压缩并去除拍摄位置等信息。"),
    )
    attachments = AttachmentField(
        max_files=MAX_ATTACHMENTS,
        required=False,
        label=_("附件"),
        help_text=_(
            "方案、总结、签到表、扫描件等：PDF、Word（.docx）、Excel（.xlsx）、JPEG或PNG格式，每个不超过%(mb)sMB，"
            "每份最多%(max)s个。不接受含宏的文件。"
        ),
    )
    attachment_kind = forms.ChoiceField(
        label=_("附件类别"), choices=AttachmentKind.choices, initial=AttachmentKind.OTHER, required=False
    )

    class Meta:
        model = ActivityReturn
        fields = RETURN_CONTENT_FIELDS
        widgets = {
            "activity_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "media_links": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, task: CampaignTask, existing_photos: int = 0, existing_attachments: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.existing_photos = existing_photos
        self.existing_attachments = existing_attachments
        periods = task.periods()
        self.fields["period_due"].choices = [(p.due.isoformat(), p.label) for p in periods]
        instance = self.instance
        if instance.pk:
            self.initial["period_due"] = instance.period_due.isoformat()
            if instance.first_submitted_at is not None:
                self.fields["period_due"].disabled = True
        elif "period_due" not in self.initial and periods:
            today = timezone.localdate()
            current = next((p for p in periods if p.due >= today), periods[-1])
            self.initial["period_due"] = current.due.isoformat()
        if task.activity_type:
            self.fields["activity_type"].choices = [
                (value, label) for value, label in self.fields["activity_type"].choices if value == task.activity_type
            ]
            self.initial.setdefault("activity_type", task.activity_type)
        for name in ("sessions", "participants", *OPTIONAL_COUNTS):
            self.fields[name].widget.attrs["min"] = 0
        for name in OPTIONAL_COUNTS:  # materials, reports, exposures: left empty means none
            self.fields[name].required = False
        self.fields["description"].help_text = _("简要说明活动开展情况、主要做法和成效。")
        self.fields["spending"].widget.attrs["step"] = "0.01"
        self.fields["attachments"].help_text = self.fields["attachments"].help_text % {
            "mb": f"{max_bytes() / (1024 * 1024):g}",
            "max": MAX_ATTACHMENTS,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in OPTIONAL_COUNTS:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = 0
        files = [*self.files.getlist("photos"), *self.files.getlist("attachments")] if self.files else []
        if sum(getattr(upload, "size", 0) or 0 for upload in files) > MAX_FORM_FILES_BYTES:
            raise forms.ValidationError(
                _("本次上传的文件合计超过%(mb)sMB，请分次上传。"), params={"mb": MAX_FORM_FILES_BYTES // (1024 * 1024)}
            )
        return cleaned

    def clean_attachments(self) -> list[CheckedAttachment]:
        attachments = self.cleaned_data.get("attachments") or []
        if self.existing_attachments + len(attachments) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("每份报送最多%(max)s个附件（已有%(existing)s个）。"),
                params={"max": MAX_ATTACHMENTS, "existing": self.existing_attachments},
            )
        return attachments

    def attachments_to_add(self) -> AttachmentsToAdd | None:
        files = self.cleaned_data.get("attachments") or []
        if not files:
            return None
        return AttachmentsToAdd(tuple(files), self.cleaned_data.get("attachment_kind") or AttachmentKind.OTHER)

    def clean_activity_date(self) -> dt.date:
        value = self.cleaned_data["activity_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("活动日期不能晚于今天。"))
        return value

    def clean_photos(self) -> list[Any]:
        photos = self.cleaned_data.get("photos") or []
        if self.existing_photos + len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("每份报送最多%(max)s张照片（已有%(existing)s张）。"),
                params={"max": MAX_PHOTOS, "existing": self.existing_photos},
            )
        return photos

    def content(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in RETURN_CONTENT_FIELDS if name in self.cleaned_data}


class ReturnFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *ReturnStatus.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("活动名称、地点、任务")
