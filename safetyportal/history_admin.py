"""操作记录: one read-only list of the history of every app's legal records, and the panel each record's change page
shows (``HistoryPanelMixin``). Rows are written by the services only (``safetyportal.services.record_history``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin_base import ReadOnlyAdminMixin
from .history import HistoryAction, RecordHistory
from .people import person_name

PANEL_ROWS = 30
# Action codes written by services that HistoryAction does not list (adding them there would change the field's
# choices, i.e. need a migration): their Chinese names for the list and the panel.
EXTRA_ACTION_LABELS: dict[str, Any] = {"supersede": gettext_lazy("被更正")}


def action_label(code: str) -> str:
    """The Chinese name of an action code (the code itself for one the list does not know)."""
    try:
        return str(HistoryAction(code).label)
    except ValueError:
        return str(EXTRA_ACTION_LABELS.get(code, code))


def _field_label(model: type[models.Model] | None, name: str) -> str:
    """A changed field's Chinese name: the field's verbose name, a related list's model name ("attachments" → 事故警示
    教育会议材料), or a related row named "model:pk" (约谈承诺事项 #3)."""
    if model is None:
        return name
    base, _sep, row = name.partition(":")
    try:
        field = model._meta.get_field(base)
    except FieldDoesNotExist:
        related = next(
            (r.related_model for r in model._meta.related_objects if r.related_model._meta.model_name == base), None
        )
        if related is None:
            return name
        return f"{related._meta.verbose_name} #{row}" if row else str(related._meta.verbose_name)
    if field.is_relation and not hasattr(field, "verbose_name"):  # a reverse relation (ManyToOneRel)
        label = str(field.related_model._meta.verbose_name_plural)
    else:
        label = str(getattr(field, "verbose_name", base))
    return f"{label} #{row}" if row else label


def _value_label(model: type[models.Model] | None, name: str, value: Any) -> str:
    """A stored value as the screen shows it: a choice by its Chinese label, a boolean as 是/否, empty as —."""
    if value in (None, ""):
        return "—"
    field = None
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
    choices = getattr(field, "flatchoices", None) or []
    for code, label in choices:
        if str(code) == str(value):
            return str(label)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


class RecordKindFilter(admin.SimpleListFilter):
    """记录类型 by the models' Chinese names (Django's content-type filter shows "app | model" codes)."""

    title = gettext_lazy("记录类型")
    parameter_name = "content_type__id__exact"  # the name Django's own filter used: old links keep working

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        used = ContentType.objects.filter(pk__in=RecordHistory.objects.values("content_type").distinct()).order_by(
            "app_label", "model"
        )
        kinds = []
        for content_type in used:
            model = content_type.model_class()
            kinds.append((str(content_type.pk), str(model._meta.verbose_name) if model else content_type.model))
        return kinds

    def queryset(self, request: HttpRequest, queryset: QuerySet[RecordHistory]) -> QuerySet[RecordHistory]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(content_type_id=int(value))
        return queryset


def record_kind(row: RecordHistory) -> str:
    model = row.content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else row.content_type.model


def changed_fields(row: RecordHistory) -> str:
    """The fields a row changed, by their Chinese names (or its note, for a row without changes)."""
    model = row.content_type.model_class()
    return "、".join(_field_label(model, name) for name in row.changes) or row.note or "—"


def history_for(obj: models.Model) -> QuerySet[RecordHistory]:
    """The history of one record, newest first (one query; uses the (content_type, object_id) index)."""
    return RecordHistory.objects.filter(
        content_type__app_label=obj._meta.app_label, content_type__model=obj._meta.model_name, object_id=obj.pk
    ).select_related("actor", "content_type")


class HistoryPanelMixin:
    """``history_panel``: the last changes of a record on its change page (add it to ``readonly_fields``)."""

    @admin.display(description=gettext_lazy("操作记录"))
    def history_panel(self, obj: Any) -> str:
        if obj is None or obj.pk is None:
            return "—"
        rows = list(history_for(obj)[:PANEL_ROWS])
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {} {}：{}</li>",
                (
                    (
                        timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M"),
                        person_name(row.actor) or _("系统"),
                        action_label(row.action),
                        changed_fields(row),
                    )
                    for row in rows
                ),
            ),
        )


class RecordHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: nobody adds, changes or deletes a row here; each row links to its record's own page."""

    list_display = ("at", "actor_name", "kind_name", "record_link", "action_name", "changed", "note")
    list_filter = ("action", RecordKindFilter)
    list_select_related = ("actor", "content_type")
    search_fields = ("object_repr",)
    date_hierarchy = "at"
    list_per_page = 50
    fields = ("at", "actor_name", "kind_name", "record_link", "action_name", "changes_table", "note")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("操作人"), ordering="actor")
    def actor_name(self, row: RecordHistory) -> str:
        return person_name(row.actor) or _("系统")

    @admin.display(description=gettext_lazy("记录类型"), ordering="content_type")
    def kind_name(self, row: RecordHistory) -> str:
        return record_kind(row)

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecordHistory]:
        return super().get_queryset(request).select_related("actor", "content_type")

    @admin.display(description=gettext_lazy("记录"), ordering="object_repr")
    def record_link(self, row: RecordHistory) -> str:
        opts = row.content_type.model_class()
        if opts is None:
            return row.object_repr
        try:
            url = reverse(
                f"{self.admin_site.name}:{opts._meta.app_label}_{opts._meta.model_name}_change", args=[row.object_id]
            )
        except NoReverseMatch:
            return row.object_repr
        return format_html("<a href='{}'>{}</a>", url, row.object_repr)

    @admin.display(description=gettext_lazy("操作"), ordering="action")
    def action_name(self, row: RecordHistory) -> str:
        return action_label(row.action)

    @admin.display(description=gettext_lazy("变更字段"))
    def changed(self, row: RecordHistory) -> str:
        return "、".join(_field_label(row.content_type.model_class(), name) for name in row.changes) or "—"

    @admin.display(description=gettext_lazy("变更内容"))
    def changes_table(self, row: RecordHistory) -> str:
        if not row.changes:
            return "—"
        model = row.content_type.model_class()
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("字段"),
            _("修改前"),
            _("修改后"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (_field_label(model, name), *_before_after(model, name, values))
                    for name, values in row.changes.items()
                ),
            ),
        )


def _before_after(model: type[models.Model] | None, name: str, values: Any) -> tuple[str, str]:
    if isinstance(values, list | tuple) and len(values) == 2:
        return (_value_label(model, name, values[0]), _value_label(model, name, values[1]))
    return ("—", _value_label(model, name, values))


admin.site.register(RecordHistory, RecordHistoryAdmin)
