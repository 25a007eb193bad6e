"""Attachments in the admin: a return's attachments listed (read-only, downloaded through the portal view, which lets
office staff in) and a notice's attachments added or removed by staff while the notice is a draft, locked once it is
issued (like the notice's content, IssuedRecord's edit guard)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from safetyportal.uploads import CheckedAttachment, check_attachment, delete_private, store_private

from .attachments import NOTICE_FOLDER
from .models import NoticeAttachment, ReturnAttachment


class OptionalInlineFormSet(BaseInlineFormSet):
    """A POST without this inline's management form (a script or an older form posting the parent's fields only)
    changes no attachment, instead of failing the whole change form."""

    @cached_property
    def management_form(self) -> ManagementForm:
        if self.is_bound and f"{self.prefix}-{TOTAL_FORM_COUNT}" not in self.data:
            form = ManagementForm(
                {f"{self.prefix}-{TOTAL_FORM_COUNT}": "0", f"{self.prefix}-{INITIAL_FORM_COUNT}": "0"},
                auto_id=self.auto_id,
                prefix=self.prefix,
                renderer=self.renderer,
            )
            form.full_clean()
            return form
        return super().management_form


class ReturnAttachmentInline(admin.TabularInline):
    model = ReturnAttachment
    formset = OptionalInlineFormSet
    extra = 0
    fields = ("kind", "download", "size_text", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the unit attaches its files in the portal

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("文件"))
    def download(self, obj: ReturnAttachment) -> str:
        url = reverse("portal:return_attachment", args=[obj.activity_return_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.display_name)

    @admin.display(description=gettext_lazy("大小"))
    def size_text(self, obj: ReturnAttachment) -> str:
        return obj.size_text


class NoticeAttachmentForm(forms.ModelForm):
    """A new attachment is one uploaded file, checked by content (safetyportal.uploads); stored on save only."""

    upload = forms.FileField(label=gettext_lazy("上传文件"), required=False)

    class Meta:
        model = NoticeAttachment
        fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked: CheckedAttachment | None = None
        if self.instance.pk:
            self.fields["upload"].disabled = True

    def has_changed(self) -> bool:
        return bool(self.files and self.add_prefix("upload") in self.files) or super().has_changed()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.instance.pk:
            upload = cleaned.get("upload")
            if not upload:
                raise ValidationError(gettext_lazy("请选择要上传的文件。"))
            self.checked = check_attachment(upload)
        return cleaned


class NoticeAttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    form = NoticeAttachmentForm
    formset = OptionalInlineFormSet
    extra = 1
    fields = ("upload", "download", "size_text", "uploaded_by", "uploaded_at")
    readonly_fields = ("download", "size_text", "uploaded_by", "uploaded_at")
    verbose_name_plural = gettext_lazy("附件文件（PDF、Word、Excel、JPEG、PNG，印发后不能更改）")

    def _editable(self, obj: Any) -> bool:
        return obj is None or obj.is_editable

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Once issued the upload column would be a read-only field labelled "Upload": leave it out.
        fields = super().get_fields(request, obj)
        return fields if self._editable(obj) else [name for name in fields if name != "upload"]

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 1 if self._editable(obj) else 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=gettext_lazy("文件"))
    def download(self, obj: NoticeAttachment) -> str:
        if not obj.pk:
            return "—"
        url = reverse("portal:notice_attachment", args=[obj.notice_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.display_name)

    @admin.display(description=gettext_lazy("大小"))
    def size_text(self, obj: NoticeAttachment) -> str:
        return obj.size_text if obj.pk else "—"


class NoticeAttachmentAdminMixin:
    """Saves the notice's attachment inline: the checked files are written under random names and recorded with
    who uploaded them; removed rows lose their files once committed. A refusal (the notice issued meanwhile)
    removes the files written."""

    inlines = [NoticeAttachmentInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not NoticeAttachment:
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            return
        written: list[str] = []
        try:
            with transaction.atomic():
                formset.save(commit=False)  # sets deleted_objects; nothing is written yet
                for obj in formset.deleted_objects:
                    name = obj.stored_name
                    obj.delete()
                    transaction.on_commit(lambda name=name: delete_private([name]))
                for inline_form in formset.forms:
                    checked = getattr(inline_form, "checked", None)
                    if checked is None or inline_form in formset.deleted_forms or inline_form.instance.pk:
                        continue
                    row = inline_form.instance
                    row.notice = formset.instance
                    row.uploaded_by = request.user
                    name = store_private(checked, NOTICE_FOLDER)
                    written.append(name)
                    row.set_file(checked, name)
                    row.save()
        except BaseException:
            delete_private(written)
            raise
