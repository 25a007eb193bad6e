"""Staff screens of the committee app: the accident register (with the meeting clock and the step to an exposure
draft), interviews with their commitments, and the 约谈通知书 issued through the documents engine."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaigns.attachment_admin import OptionalInlineFormSet
from safetyportal.admin_base import PortalModelAdmin
from safetyportal.documents.admin import DocumentStatusMedia
from safetyportal.documents.issuing_admin import IssuingAdminMixin
from safetyportal.history_admin import HistoryPanelMixin
from safetyportal.services import void_record
from safetyportal.uploads import ACCEPT_ATTRIBUTE, CheckedAttachment, attachment_response, check_attachment

from . import selectors, services
from .models import (
    WARNING_MEETING_DAYS,
    Accident,
    AccidentAttachment,
    Commitment,
    CommitmentStatus,
    EvidenceKind,
    Interview,
    InterviewNotice,
)

MEETING_STATE_LABELS = {
    "held": _("已按时召开"),
    "held_late": _("已召开（超期）"),
    "overdue": _("已逾期未召开"),
    "open": _("待召开"),
}


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("作废理由"), max_length=255)


class VoidableAdminMixin:
    """Legal records: never deleted; voided with a reason (``void_record``) from ``<id>/void/``; a voided record is
    read-only."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_voided:
            return [*flatten_fieldsets(self.get_fieldsets(request, obj)), *self.readonly_fields]  # type: ignore[attr-defined]
        return super().get_readonly_fields(request, obj)  # type: ignore[misc]

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name  # type: ignore[attr-defined]
        view = self.admin_site.admin_view(self.void_view)  # type: ignore[attr-defined]
        return [path("<path:object_id>/void/", view, name="{}_{}_void".format(*info)), *super().get_urls()]  # type: ignore[misc]

    @admin.display(description=_("作废"))
    def void_link(self, obj: Any) -> str:
        if obj is None or obj.pk is None:
            return "—"
        if obj.is_voided:
            return _("已作废：%(reason)s") % {"reason": obj.void_reason}
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_void", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("作废此记录"))

    def void_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        record = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if record is None:
            raise Http404
        if not self.has_change_permission(request, record):  # type: ignore[attr-defined]
            raise PermissionDenied
        form = VoidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                void_record(record=record, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            except ValidationError as error:
                form.add_error("reason", "；".join(error.messages))
            else:
                return HttpResponseRedirect(
                    reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])
                )
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": self.opts,  # type: ignore[attr-defined]
            "title": _("作废%(name)s") % {"name": self.opts.verbose_name},  # type: ignore[attr-defined]
            "original": record,
            "form": form,
        }
        return TemplateResponse(request, "admin/committee/void_form.html", context)


class MeetingFilter(admin.SimpleListFilter):
    """The 现场警示教育会议 clock: still to be held (and of those, past the 15 days); the desk links here."""

    title = _("警示教育会议")
    parameter_name = "meeting"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("due", _("待召开")), ("overdue", _("已逾期未召开")), ("held", _("已召开"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Accident]) -> QuerySet[Accident]:
        value = self.value()
        if value in ("due", "overdue"):
            due = selectors.meetings_due()
            if value == "overdue":
                due = due.filter(occurred_at__lt=selectors.overdue_meeting_before(timezone.localdate()))
            return queryset.filter(pk__in=due.values("pk"))
        if value == "held":
            return queryset.filter(meeting_held_on__isnull=False)
        return queryset


class CommitmentStateFilter(admin.SimpleListFilter):
    """Open / overdue (open past its deadline, computed) / done, of interviews not voided; the desk links here."""

    title = _("状态")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(value, label) for value, label in CommitmentStatus.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        value, today = self.value(), timezone.localdate()
        if value == CommitmentStatus.OVERDUE:
            return queryset.filter(pk__in=selectors.overdue_commitments(today).values("pk"))
        if value == CommitmentStatus.OPEN:
            return queryset.filter(status=CommitmentStatus.OPEN, due_on__gte=today, interview__record_status="active")
        if value == CommitmentStatus.DONE:
            return queryset.filter(status=CommitmentStatus.DONE)
        return queryset


class AccidentAttachmentForm(forms.ModelForm):
    """A new row is one uploaded file, checked by content (``safetyportal.uploads``); stored on save only. A saved
    row is shown, never changed."""

    upload = forms.FileField(
        label=_("上传文件"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
    )

    class Meta:
        model = AccidentAttachment
        fields = ("kind",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked: CheckedAttachment | None = None
        if self.instance.pk:
            self.fields["upload"].disabled = True
            self.fields["kind"].disabled = True

    def has_changed(self) -> bool:
        if self.instance.pk:
            return False
        return bool(self.files and self.add_prefix("upload") in self.files)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.instance.pk and self.has_changed():
            upload = cleaned.get("upload")
            if not upload:
                raise ValidationError(_("请选择要上传的文件。"))
            self.checked = check_attachment(upload)
        return cleaned


class AccidentAttachmentInline(admin.TabularInline):
    """The meeting's evidence files: added by staff, downloaded through a permission-checked view, never deleted."""

    model = AccidentAttachment
    form = AccidentAttachmentForm
    formset = OptionalInlineFormSet
    extra = 1
    can_delete = False
    fields = ("kind", "upload", "download", "size_text", "uploaded_by", "uploaded_at")
    readonly_fields = ("download", "size_text", "uploaded_by", "uploaded_at")
    verbose_name_plural = _(
        "警示教育会议材料（照片、签到表、会议记录扫描件；PDF、Word、Excel、JPEG、PNG，上传后不能删除）"
    )

    def _open(self, obj: Any) -> bool:
        return obj is None or not obj.is_voided

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        return fields if self._open(obj) else [name for name in fields if name != "upload"]

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 1 if self._open(obj) else 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._open(obj) and services.may_add_evidence(request.user)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("上传文件"))
    def upload(self, obj: AccidentAttachment) -> str:
        """A saved row's upload cell (rows are never changed); a new row gets the file input."""
        return "—"

    @admin.display(description=_("文件"))
    def download(self, obj: AccidentAttachment) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:committee_accident_attachment", args=[obj.accident_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.display_name)

    @admin.display(description=_("大小"))
    def size_text(self, obj: AccidentAttachment) -> str:
        return obj.size_text if obj.pk else "—"


@admin.register(Accident)
class AccidentAdmin(VoidableAdminMixin, HistoryPanelMixin, PortalModelAdmin):
    list_display = (
        "occurred_at",
        "unit_name",
        "jurisdiction",
        "accident_type",
        "deaths",
        "serious_injuries",
        "level",
        "meeting_clock",
        "investigation_status",
        "record_status",
    )
    list_filter = (MeetingFilter, "level", "accident_type", "investigation_status", "record_status")
    search_fields = ("unit_name", "place")
    list_select_related = ("jurisdiction",)
    autocomplete_fields = ("jurisdiction", "enterprise")
    date_hierarchy = "occurred_at"
    list_per_page = 50
    actions = ["draft_exposure_cases"]
    inlines = [AccidentAttachmentInline]
    readonly_fields = ("level", "meeting_clock", "exposure_case_link", "void_link", "history_panel")
    fieldsets = (
        (
            _("事故情况"),
            {
                "fields": (
                    "occurred_at",
                    "place",
                    "jurisdiction",
                    "enterprise",
                    "unit_name",
                    "accident_type",
                    ("deaths", "serious_injuries", "minor_injuries"),
                    "direct_loss",
                    "level",
                    "investigation_status",
                    "description",
                )
            },
        ),
        (
            _("现场警示教育会议"),
            {"fields": ("meeting_clock", "meeting_held_on", "meeting_place", "meeting_attendance", "meeting_record")},
        ),
        (_("典型案例与记录"), {"fields": ("exposure_case_link", "void_link", "history_panel")}),
    )

    def save_model(self, request: HttpRequest, obj: Accident, form: Any, change: bool) -> None:
        if change and not form.changed_data:
            return
        try:
            services.save_accident(accident=obj, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            raise PermissionDenied("；".join(error.messages)) from error

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not AccidentAttachment:
            super().save_formset(request, form, formset, change)
            return
        by_kind: dict[str, list[CheckedAttachment]] = {}
        for inline_form in formset.forms:
            checked = getattr(inline_form, "checked", None)
            if checked is not None and not inline_form.instance.pk:
                kind = inline_form.cleaned_data.get("kind") or EvidenceKind.OTHER
                by_kind.setdefault(kind, []).append(checked)
        # What the admin's change message reads (formset.save() is not used: the service writes the rows).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            for kind, files in by_kind.items():
                formset.new_objects += services.add_accident_attachments(
                    accident=form.instance,
                    files=files,
                    kind=kind,
                    by=request.user,  # type: ignore[arg-type]
                )
        except ValidationError as error:
            raise PermissionDenied("；".join(error.messages)) from error

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.attachment_view)
        return [
            path(
                "<int:accident_id>/attachments/<int:attachment_id>/",
                view,
                name="committee_accident_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request: HttpRequest, accident_id: int, attachment_id: int) -> HttpResponseBase:
        """Download one evidence file (staff allowed to view accidents; anyone else 404): always as a download,
        ``nosniff`` (``safetyportal.uploads.attachment_response``)."""
        if request.method != "GET":
            raise Http404
        attachment = selectors.accident_attachment_for(request.user, accident_id, attachment_id)
        return attachment_response(
            attachment.stored_name, display_name=attachment.display_name, content_type=attachment.content_type
        )

    @admin.display(description=_("警示教育会议期限"))
    def meeting_clock(self, obj: Accident) -> str:
        if obj is None or obj.pk is None or obj.occurred_at is None:
            return _("事故发生后%(days)s日内（自然日）") % {"days": WARNING_MEETING_DAYS}
        due = obj.meeting_due_on
        state = obj.meeting_state(timezone.localdate())
        return format_html(
            "{}（事故发生后{}日内，自然日） · {}",
            f"{due:%Y-%m-%d}",
            WARNING_MEETING_DAYS,
            MEETING_STATE_LABELS[state],
        )

    @admin.display(description=_("事故典型案例草稿"))
    def exposure_case_link(self, obj: Accident) -> str:
        if obj is None or obj.exposure_case_id is None:
            return "—"
        url = reverse("admin:inspections_exposurecase_change", args=[obj.exposure_case_id])
        return format_html('<a href="{}">{}</a>', url, _("查看草稿"))

    @admin.action(description=_("生成事故典型案例草稿（曝光台）"), permissions=["change"])
    def draft_exposure_cases(self, request: HttpRequest, queryset: QuerySet[Accident]) -> None:
        made = 0
        for accident in queryset:
            try:
                services.draft_exposure_case(accident=accident, by=request.user)  # type: ignore[arg-type]
            except (ValidationError, PermissionDenied) as error:
                messages.warning(request, f"{accident}：{'；'.join(getattr(error, 'messages', [str(error)]))}")
            else:
                made += 1
        if made:
            self.message_user(request, _("已生成%(n)s个案例草稿，请在“曝光案例”中审核发布。") % {"n": made})


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 1
    fields = ("text", "working_days", "due_on", "status", "done_note", "done_at")
    readonly_fields = ("due_on", "status", "done_note", "done_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.is_voided) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj is not None and obj.is_voided) and super().has_change_permission(request, obj)


@admin.register(Interview)
class InterviewAdmin(VoidableAdminMixin, HistoryPanelMixin, PortalModelAdmin):
    list_display = ("held_on", "unit_label", "head_name", "head_position", "reason", "interviewer", "record_status")
    list_filter = ("reason", "record_status")
    search_fields = ("head_name", "jurisdiction__name", "member_unit__name", "enterprise__name")
    list_select_related = ("jurisdiction", "member_unit", "enterprise")
    autocomplete_fields = ("jurisdiction", "member_unit", "enterprise", "accident")
    date_hierarchy = "held_on"
    list_per_page = 50
    inlines = [CommitmentInline]
    readonly_fields = ("void_link", "history_panel")
    fields = (
        "jurisdiction",
        "member_unit",
        "enterprise",
        "head_name",
        "head_position",
        "reason",
        "reason_text",
        "accident",
        "held_on",
        "place",
        "interviewer",
        "minutes",
        "void_link",
        "history_panel",
    )

    @admin.display(description=_("被约谈单位"))
    def unit_label(self, obj: Interview) -> str:
        return obj.unit_name

    def save_model(self, request: HttpRequest, obj: Interview, form: Any, change: bool) -> None:
        services.save_interview(interview=obj, by=request.user)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Commitment:
            super().save_formset(request, form, formset, change)
            return
        interview = form.instance
        for instance in formset.save(commit=False):
            instance.interview = interview
            instance.due_on = services.commitment_due(interview.held_on, instance.working_days)
            instance.save()


@admin.register(Commitment)
class CommitmentAdmin(PortalModelAdmin):
    """Every interview's commitments in one list (the desk's overdue row opens it); added and changed in the
    interview's own page, reported done by the unit in its portal."""

    list_display = ("text_short", "interview_link", "working_days", "due_on", "state", "done_at")
    list_filter = (CommitmentStateFilter,)
    search_fields = ("text", "interview__head_name", "interview__jurisdiction__name", "interview__member_unit__name")
    list_select_related = ("interview__jurisdiction", "interview__member_unit", "interview__enterprise")
    ordering = ("due_on", "pk")
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("承诺事项"))
    def text_short(self, obj: Commitment) -> str:
        return obj.text[:60]

    @admin.display(description=_("约谈"))
    def interview_link(self, obj: Commitment) -> str:
        url = reverse("admin:committee_interview_change", args=[obj.interview_id])
        return format_html('<a href="{}">{}</a>', url, obj.interview)

    @admin.display(description=_("状态"))
    def state(self, obj: Commitment) -> str:
        return obj.current_status_label()


@admin.register(InterviewNotice)
class InterviewNoticeAdmin(IssuingAdminMixin, HistoryPanelMixin, PortalModelAdmin):
    list_display = ("__str__", "interview", "meet_at", "status", "issued_on")
    list_filter = ("status", "authority")
    search_fields = ("number",)
    list_select_related = ("interview__jurisdiction", "interview__member_unit", "interview__enterprise", "authority")
    autocomplete_fields = ("interview",)
    list_per_page = 50
    readonly_fields = ("status", "number", "issued_on", "issued_by", "documents_panel", "history_panel")
    Media = DocumentStatusMedia

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: InterviewNotice | None = None) -> Any:
        content = ["interview", "authority", "meet_at", "place", "body"]
        return content + (
            ["status", "number", "issued_on", "issued_by", "documents_panel", "history_panel"] if obj else []
        )

    def get_readonly_fields(self, request: HttpRequest, obj: InterviewNotice | None = None) -> Any:
        if obj is not None and not obj.is_editable:
            return self.get_fields(request, obj)
        return self.readonly_fields


# The admin of the toolkit's other parts (registered on import).
from . import assessment_admin, circular_admin, supervision_admin  # noqa: E402, F401
