"""Spreadsheets of the campaigns app: campaign tasks and activity returns (xlsx/csv through the admin; the officer's
own export uses the same columns). Imports are all or nothing with errors by row and column
(safetyportal.spreadsheets.SafeModelResource)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from safetyportal.models import Jurisdiction, MemberUnit
from safetyportal.scoping import is_office_staff
from safetyportal.spreadsheets import CodeWidget, SafeModelResource

from .models import (
    AWAITING_REVIEW,
    COUNT_FIELDS,
    FIGURE_FIELDS,
    ActivityReturn,
    Campaign,
    CampaignTask,
    ReturnEvent,
    ReturnEventKind,
    ReturnStatus,
)

_SEPARATORS = re.compile(r"[,，、;；\s]+")


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """A list of natural keys ("350582005、350582100"); an unknown one is an error, not silently dropped."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value in (None, ""):
            return self.model.objects.none()
        keys = [key for key in _SEPARATORS.split(str(value).strip()) if key]
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        known = {str(getattr(item, self.field)) for item in found}
        unknown = [key for key in keys if key not in known]
        if unknown:
            raise ValueError(
                _("未找到%(model)s“%(value)s”。")
                % {"model": self.model._meta.verbose_name, "value": "、".join(unknown)}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return "、".join(str(getattr(item, self.field)) for item in value.all())


class CampaignsResource(SafeModelResource):
    """New rows need no id column (one is added, empty, when the file has none); list columns (units) are checked
    with the row, so that an unknown unit is reported with its row and column like any other error."""

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        column = str(self.fields["id"].column_name)
        if dataset.headers and column not in dataset.headers:
            dataset.append_col([""] * len(dataset), header=column)
        super().before_import(dataset, **kwargs)

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = dict(error.error_dict)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error), code="invalid")]
        if errors:
            raise ValidationError(errors)


class CampaignTaskResource(CampaignsResource):
    id = fields.Field(
        column_name=gettext_lazy("任务编号"), attribute="id", widget=widgets.IntegerWidget(coerce_to_string=False)
    )
    campaign = fields.Field(
        column_name=gettext_lazy("活动编号"), attribute="campaign", widget=CodeWidget(Campaign, "pk")
    )
    campaign_name = fields.Field(column_name=gettext_lazy("活动名称"), readonly=True)
    jurisdictions = fields.Field(
        column_name=gettext_lazy("承办街道（镇）代码"),
        attribute="jurisdictions",
        widget=StrictManyToManyWidget(Jurisdiction, field="code"),
    )
    member_units = fields.Field(
        column_name=gettext_lazy("承办成员单位"),
        attribute="member_units",
        widget=StrictManyToManyWidget(MemberUnit, field="name"),
    )

    class Meta:
        model = CampaignTask
        fields = (
            "id",
            "campaign",
            "campaign_name",
            "title",
            "requirements",
            "recurrence",
            "due_on",
            "due_weekday",
            "due_time",
            "starts_on",
            "ends_on",
            "activity_type",
            "min_photos",
            "min_exposures",
            "min_media_reports",
            "jurisdictions",
            "member_units",
            "order",
        )
        import_id_fields = ("id",)
        skip_unchanged = True

    def dehydrate_campaign_name(self, task: CampaignTask) -> str:
        return str(task.campaign) if task.campaign_id else ""

    def instance_in_scope(self, instance: Any) -> bool:
        # Tasks belong to the office: only staff import them (the admin already requires add + change).
        return self.user is None or is_office_staff(self.user)


class ActivityReturnResource(CampaignsResource):
    id = fields.Field(
        column_name=gettext_lazy("报送编号"), attribute="id", widget=widgets.IntegerWidget(coerce_to_string=False)
    )
    task = fields.Field(column_name=gettext_lazy("任务编号"), attribute="task", widget=CodeWidget(CampaignTask, "pk"))
    task_title = fields.Field(column_name=gettext_lazy("工作任务"), readonly=True)
    jurisdiction = fields.Field(
        column_name=gettext_lazy("报送单位代码"), attribute="jurisdiction", widget=CodeWidget(Jurisdiction, "code")
    )
    unit_name = fields.Field(column_name=gettext_lazy("报送单位"), readonly=True)
    member_unit = fields.Field(
        column_name=gettext_lazy("成员单位"), attribute="member_unit", widget=CodeWidget(MemberUnit, "name")
    )

    class Meta:
        model = ActivityReturn
        fields = (
            "id",
            "task",
            "task_title",
            "jurisdiction",
            "unit_name",
            "member_unit",
            "period_due",
            "activity_type",
            "title",
            "activity_date",
            "place",
            "sessions",
            "participants",
            *COUNT_FIELDS,
            "leaflets",
            "booklets",
            "wall_charts",
            "boards",
            "banners",
            "giveaways",
            "media_reports",
            "media_links",
            "exposures",
            "description",
            "status",
            "is_late",
            "late_days",
        )
        import_id_fields = ("id",)
        skip_unchanged = True
        # Figures are exported as numbers, so that the office can add them up in the spreadsheet.
        widgets = {name: {"coerce_to_string": False} for name in (*FIGURE_FIELDS, *COUNT_FIELDS, "late_days")}

    def dehydrate_task_title(self, activity_return: ActivityReturn) -> str:
        return activity_return.task.title if activity_return.task_id else ""

    def dehydrate_unit_name(self, activity_return: ActivityReturn) -> str:
        if activity_return.member_unit_id:
            return activity_return.member_unit.name
        return activity_return.jurisdiction.name if activity_return.jurisdiction_id else ""

    def get_import_fields(self) -> list[Any]:
        # Lateness is computed, never imported.
        return [field for field in super().get_import_fields() if field.attribute not in ("is_late", "late_days")]

    def after_init_instance(self, instance: ActivityReturn, new: bool, row: Any, **kwargs: Any) -> None:
        instance._import_original_status = None if new else instance.status  # type: ignore[attr-defined]
        super().after_init_instance(instance, new, row, **kwargs)

    def validate_instance(self, instance: Any, import_validation_errors: Any = None, validate_unique: bool = True):
        errors = dict(import_validation_errors or {})
        original = getattr(instance, "_import_original_status", None)
        if original == ReturnStatus.ACCEPTED:
            errors.setdefault(NON_FIELD_ERRORS, []).append(_("已审核通过的报送不能通过导入修改。"))
        elif original is not None and instance.status != original:
            errors.setdefault("status", []).append(_("导入不能更改已有报送的状态，请在后台逐条或批量审核。"))
        if not instance.status:
            instance.status = ReturnStatus.DRAFT
        super().validate_instance(instance, errors, validate_unique)

    def before_save_instance(self, instance: ActivityReturn, row: Any, **kwargs: Any) -> None:
        """Rows entered as submitted or accepted (paper returns typed in by the office) are dated now."""
        now = timezone.now()
        if instance.status != ReturnStatus.DRAFT and instance.first_submitted_at is None:
            instance.first_submitted_at = instance.submitted_at = now
            late_days = instance.task.late_days(instance.period_due, now)  # to the minute (CampaignTask.late_days)
            instance.is_late, instance.late_days = late_days > 0, late_days
        if instance.status == ReturnStatus.ACCEPTED and instance.reviewed_at is None:
            instance.reviewed_at = now
            instance.reviewed_by = self.user if getattr(self.user, "pk", None) else None
        if instance.status in AWAITING_REVIEW | {ReturnStatus.ACCEPTED} and instance.created_by_id is None:
            instance.created_by = self.user if getattr(self.user, "pk", None) else None
        super().before_save_instance(instance, row, **kwargs)

    def after_save_instance(self, instance: ActivityReturn, row: Any, **kwargs: Any) -> None:
        if not kwargs.get("dry_run"):
            ReturnEvent.objects.create(
                activity_return=instance,
                kind=ReturnEventKind.IMPORTED,
                actor=self.user if getattr(self.user, "pk", None) else None,
            )
        super().after_save_instance(instance, row, **kwargs)
