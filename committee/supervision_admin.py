"""Admin of the committee's supervision part (issue 15): 挂牌督办 (listing, content, 公示, 销号 with evidence, 摘牌公示,
作废), extension decisions, and the numbered 督办通知 (preview/confirm/issue through the issuing mixin). Imported by
committee/admin.py. Every write goes through ``committee.supervision_services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from safetyportal import workdays
from safetyportal.admin_base import PortalModelAdmin
from safetyportal.documents.admin import DocumentStatusMedia
from safetyportal.documents.issuing_admin import IssuingAdminMixin
from safetyportal.history_admin import HistoryPanelMixin
from safetyportal.uploads import AttachmentField

from . import supervision_selectors as selectors
from . import supervision_services as services
from .supervision_models import (
    ExtensionRequest,
    ExtensionStatus,
    Supervision,
    SupervisionNotice,
    SupervisionStatus,
)

ACTION_TEMPLATE = "admin/inspections/action_form.html"  # the generic one-object form page


class CloseForm(forms.Form):
    note = forms.CharField(label=_("销号说明（整改完成情况、验收意见）"), widget=forms.Textarea(attrs={"rows": 4}))
    files = AttachmentField(label=_("销号证据（验收意见、整改后照片等）"), required=False, max_files=10)
    closed_on = forms.DateField(label=_("销号日期"), initial=timezone.localdate)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("批复"), choices=[("approve", _("同意延期")), ("reject", _("不同意延期"))], widget=forms.RadioSelect
    )
    approved_deadline = forms.DateField(label=_("批准延期至"), required=False, help_text=_("留空则按申请的日期"))
    note = forms.CharField(label=_("批复意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("作废理由"), max_length=255)


def _errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _date(value: Any) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


@admin.register(Supervision)
class SupervisionAdmin(HistoryPanelMixin, PortalModelAdmin):
    list_display = (
        "title",
        "unit_label",
        "level",
        "listed_on",
        "deadline_label",
        "status",
        "published_on",
        "removal_published_on",
        "record_status",
    )
    list_filter = ("level", "status", "target", "is_public", "record_status")
    search_fields = ("title", "public_name", "jurisdiction__name", "member_unit__name")
    list_select_related = ("jurisdiction", "member_unit", "scope_jurisdiction", "scope_member_unit")
    autocomplete_fields = ("hazard", "jurisdiction", "member_unit")
    date_hierarchy = "listed_on"
    list_per_page = 50
    actions = ["publish_listings", "publish_removals"]
    readonly_fields = (
        "status",
        "deadline_panel",
        "publication_panel",
        "actions_panel",
        "progress_panel",
        "extension_panel",
        "events_panel",
        "history_panel",
    )
    fieldsets = (
        (
            _("督办对象"),
            {
                "fields": ("target", "hazard", "jurisdiction", "member_unit"),
                "description": _("督办隐患（任何等级）时选隐患；督办单位时在镇（街道）/社区与成员单位中选一个。"),
            },
        ),
        (
            _("督办内容"),
            {"fields": ("level", "supervisor", "title", "problem", "requirements", "listed_on", "working_days")},
        ),
        (_("公示"), {"fields": ("is_public", "public_name", "public_text")}),
        (
            _("办理情况"),
            {
                "fields": (
                    "status",
                    "deadline_panel",
                    "publication_panel",
                    "actions_panel",
                    "progress_panel",
                    "extension_panel",
                    "events_panel",
                    "history_panel",
                )
            },
        ),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Supervision | None = None) -> Any:
        if obj is not None and not obj.is_open:
            return [*{f for fs in self.fieldsets for f in fs[1]["fields"]}]
        if obj is not None:
            fixed = ["target", "hazard", "jurisdiction", "member_unit"]
            if services.has_issued_notice(obj):
                # Served on the unit with the issued notice: the extension path moves the deadline.
                fixed += list(services.NOTICE_FROZEN_FIELDS)
            return [*self.readonly_fields, *fixed]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Supervision, form: Any, change: bool) -> None:
        if change and not form.changed_data:
            return
        try:
            services.save_supervision(supervision=obj, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            raise PermissionDenied("；".join(error.messages)) from error

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)

        class CheckedForm(form):  # type: ignore[misc, valid-type]
            def _post_clean(self) -> None:
                super()._post_clean()
                if self.errors:
                    return
                instance = self.instance
                try:
                    if instance.listed_on and instance.working_days:
                        services.rectification_deadline(instance.listed_on, instance.working_days)
                    services.check_target(instance)
                except ValidationError as error:
                    _errors(self, error)

        return CheckedForm

    # --- panels ---

    @admin.display(description=_("单位"))
    def unit_label(self, obj: Supervision) -> str:
        return obj.unit_name

    @admin.display(description=_("整改期限"), ordering="deadline")
    def deadline_label(self, obj: Supervision) -> str:
        if obj.is_overdue():
            return format_html('{} <strong style="color:#ba2121">{}</strong>', _date(obj.deadline), _("已逾期"))
        return _date(obj.deadline)

    @admin.display(description=_("期限"))
    def deadline_panel(self, obj: Supervision) -> str:
        if obj is None or obj.pk is None:
            return _("整改期限按挂牌日期后的工作日计算（节假日调休按日历）。")
        lines = [
            (_("整改期限"), f"{_date(obj.deadline)}（{workdays.rule_label(obj.working_days)}）"),
            (_("原整改期限"), _date(obj.initial_deadline)),
            (
                _("延期申请截止"),
                workdays.due_text(obj.deadline, workdays.EXTENSION_REQUEST_NOTICE.days, before=True),
            ),
        ]
        if obj.escalated_on:
            lines.append((_("逾期升级"), _date(obj.escalated_on)))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}：{}</li>", lines))

    @admin.display(description=_("公示与摘牌"))
    def publication_panel(self, obj: Supervision) -> str:
        if obj is None or obj.pk is None:
            return "—"
        lines = [
            (_("挂牌公示期限"), workdays.due_text(obj.listed_on, workdays.LISTING_PUBLICATION.days)),
            (_("挂牌公示日期"), _date(obj.published_on)),
        ]
        if obj.closed_on:
            lines += [
                (_("销号日期"), _date(obj.closed_on)),
                (_("摘牌公示期限"), workdays.due_text(obj.closed_on, workdays.REMOVAL_PUBLICATION.days)),
                (_("摘牌公示日期"), _date(obj.removal_published_on)),
                (_("销号说明"), obj.closure_note),
            ]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}：{}</li>", lines))

    @admin.display(description=_("办理"))
    def actions_panel(self, obj: Supervision) -> str:
        if obj is None or obj.pk is None:
            return "—"
        if obj.is_voided:
            return _("已作废：%(reason)s") % {"reason": obj.void_reason}
        links = []
        if obj.status == SupervisionStatus.OPEN:
            if obj.is_public and obj.published_on is None:
                links.append((self._url(obj, "publish"), _("挂牌公示")))
            links.append((self._url(obj, "close"), _("销号")))
            links.append(
                (reverse("admin:committee_supervisionnotice_add") + f"?supervision={obj.pk}", _("起草督办通知"))
            )
        elif obj.is_public and obj.published_on and obj.removal_published_on is None:
            links.append((self._url(obj, "removal"), _("摘牌公示")))
        links.append((self._url(obj, "void"), _("作废此记录")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.display(description=_("整改进展"))
    def progress_panel(self, obj: Supervision) -> str:
        if obj is None or obj.pk is None:
            return "—"
        reports = selectors.progress_reports(obj)
        if not reports:
            return _("暂无进展报告")
        items = []
        for report in reports:
            files = format_html_join(
                "、",
                '<a href="{}">{}</a>',
                (
                    (reverse("committee:supervision_attachment", args=[obj.pk, a.pk]), a.display_name)
                    for a in report.attachments.all()
                ),
            )
            items.append(
                (
                    f"{timezone.localtime(report.filed_at):%Y-%m-%d %H:%M}",
                    report.unit_name,
                    report.text,
                    files,
                )
            )
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} {}：{} {}</li>", items))

    @admin.display(description=_("延期申请"))
    def extension_panel(self, obj: Supervision) -> str:
        if obj is None or obj.pk is None:
            return "—"
        rows = selectors.extension_requests(obj)
        if not rows:
            return "—"
        items = []
        for row in rows:
            if row.status == ExtensionStatus.PENDING:
                action = format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:committee_supervision_decide", args=[obj.pk, row.pk]),
                    _("批复"),
                )
            else:
                action = format_html("{} {}", _date(row.decided_on), row.decision_note)
            items.append(
                (
                    _date(row.requested_on),
                    _date(row.requested_deadline),
                    row.reason,
                    row.get_status_display(),
                    _("批复期限%(d)s") % {"d": _date(row.decision_due)},
                    action,
                )
            )
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} 申请延期至{}：{}（{}，{}）{}</li>", items))

    @admin.display(description=_("办理记录"))
    def events_panel(self, obj: Supervision) -> str:
        if obj is None or obj.pk is None:
            return "—"
        rows = [
            (f"{timezone.localtime(e.at):%Y-%m-%d %H:%M}", e.get_kind_display(), e.text) for e in selectors.events(obj)
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} {}：{}</li>", rows)) if rows else "—"

    # --- pages ---

    def _url(self, obj: Supervision, view: str) -> str:
        return reverse(f"admin:committee_supervision_{view}", args=[obj.pk])

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/close/", wrap(self.close_view), name="committee_supervision_close"),
            path("<int:object_id>/publish/", wrap(self.publish_view), name="committee_supervision_publish"),
            path("<int:object_id>/removal/", wrap(self.removal_view), name="committee_supervision_removal"),
            path("<int:object_id>/void/", wrap(self.void_view), name="committee_supervision_void"),
            path(
                "<int:object_id>/extension/<int:request_id>/",
                wrap(self.decide_view),
                name="committee_supervision_decide",
            ),
            *super().get_urls(),
        ]

    def _object(self, request: HttpRequest, object_id: int) -> Supervision:
        obj = self.get_object(request, str(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _page(self, request: HttpRequest, obj: Supervision, title: Any, **context: Any) -> TemplateResponse:
        return TemplateResponse(
            request,
            ACTION_TEMPLATE,
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, "original": obj, **context},
        )

    def _back(self, obj: Supervision) -> HttpResponseRedirect:
        return HttpResponseRedirect(self._url(obj, "change"))

    def close_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self._object(request, object_id)
        form = CloseForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.close_supervision(
                    supervision=obj,
                    by=request.user,  # type: ignore[arg-type]
                    note=form.cleaned_data["note"],
                    files=form.cleaned_data["files"],
                    on=form.cleaned_data["closed_on"],
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                self.message_user(request, _("已销号。请在5个工作日内摘牌公示。"))
                return self._back(obj)
        intro = _(
            "督办隐患的，须隐患已销号，或已整改待复核并有整改后照片；督办单位的，须上传证据或已有附件的进展报告。"
        )
        return self._page(
            request,
            obj,
            _("销号 %(title)s") % {"title": obj.title},
            form=form,
            multipart=True,
            submit_label=_("确认销号"),
            intro=intro,
        )

    def _confirm(self, request: HttpRequest, obj: Supervision, title: Any, intro: Any, write: Any) -> HttpResponse:
        form = forms.Form(request.POST or None)
        if request.method == "POST":
            try:
                write(supervision=obj, by=request.user)
            except ValidationError as error:
                _errors(form, error)
            else:
                self.message_user(request, _("已保存。"))
                return self._back(obj)
        return self._page(request, obj, title, form=form, submit_label=_("确认"), intro=intro)

    def publish_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self._object(request, object_id)
        intro = _("公示后在“挂牌督办公示”页面公开（应于%(due)s前）。公示名称：%(name)s") % {
            "due": workdays.due_text(obj.listed_on, workdays.LISTING_PUBLICATION.days),
            "name": obj.public_name or "—",
        }
        return self._confirm(request, obj, _("挂牌公示"), intro, services.publish_listing)

    def removal_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self._object(request, object_id)
        due = workdays.due_text(obj.closed_on, workdays.REMOVAL_PUBLICATION.days) if obj.closed_on else "—"
        intro = _("摘牌公示应于%(due)s前完成。") % {"due": due}
        return self._confirm(request, obj, _("摘牌公示"), intro, services.publish_removal)

    def void_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self._object(request, object_id)
        form = VoidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.void_supervision(supervision=obj, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            except ValidationError as error:
                _errors(form, error)
            else:
                return self._back(obj)
        return TemplateResponse(
            request,
            "admin/committee/void_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("作废挂牌督办"),
                "original": obj,
                "form": form,
            },
        )

    def decide_view(self, request: HttpRequest, object_id: int, request_id: int) -> HttpResponse:
        obj = self._object(request, object_id)
        extension = get_object_or_404(ExtensionRequest, pk=request_id, supervision=obj)
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.decide_extension(
                    request=extension,
                    by=request.user,  # type: ignore[arg-type]
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                    approved_deadline=form.cleaned_data["approved_deadline"],
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                self.message_user(request, _("已批复。"))
                return self._back(obj)
        intro = _("申请延期至%(to)s（原期限%(before)s）：%(reason)s。批复期限：%(due)s。") % {
            "to": _date(extension.requested_deadline),
            "before": _date(extension.deadline_before),
            "reason": extension.reason,
            "due": _date(extension.decision_due),
        }
        return self._page(request, obj, _("批复延期申请"), form=form, submit_label=_("提交批复"), intro=intro)

    # --- bulk actions ---

    def _bulk(self, request: HttpRequest, queryset: QuerySet[Supervision], write: Any) -> None:
        done = 0
        for obj in queryset:
            try:
                write(supervision=obj, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.warning(request, f"{obj}：{'；'.join(getattr(error, 'messages', [str(error)]))}")
            else:
                done += 1
        if done:
            self.message_user(request, _("已处理%(n)s条。") % {"n": done})

    @admin.action(description=_("挂牌公示所选督办"), permissions=["change"])
    def publish_listings(self, request: HttpRequest, queryset: QuerySet[Supervision]) -> None:
        self._bulk(request, queryset, services.publish_listing)

    @admin.action(description=_("摘牌公示所选督办"), permissions=["change"])
    def publish_removals(self, request: HttpRequest, queryset: QuerySet[Supervision]) -> None:
        self._bulk(request, queryset, services.publish_removal)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(IssuingAdminMixin, HistoryPanelMixin, PortalModelAdmin):
    list_display = ("__str__", "supervision", "status", "issued_on")
    list_filter = ("status", "authority")
    search_fields = ("number", "supervision__title")
    list_select_related = (
        "supervision__jurisdiction",
        "supervision__member_unit",
        "supervision__scope_jurisdiction",
        "supervision__scope_member_unit",
        "authority",
    )
    autocomplete_fields = ("supervision",)
    list_per_page = 50
    readonly_fields = ("status", "number", "issued_on", "issued_by", "documents_panel", "history_panel")
    Media = DocumentStatusMedia

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: SupervisionNotice | None = None) -> Any:
        content = ["supervision", "authority", "body"]
        return content + (
            ["status", "number", "issued_on", "issued_by", "documents_panel", "history_panel"] if obj else []
        )

    def get_readonly_fields(self, request: HttpRequest, obj: SupervisionNotice | None = None) -> Any:
        if obj is not None and not obj.is_editable:
            return self.get_fields(request, obj)
        return self.readonly_fields
