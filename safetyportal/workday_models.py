"""Per-year overrides of the working-day calendar (see safetyportal/workdays.py and docs/workdays.md).

The holidays and make-up working days (调休) come from the ``chinese-calendar`` package. When the State Council
publishes next year's arrangement before the package is updated, staff enter it here: one ``WorkdayOverride`` per
day that differs from the weekend rule (holidays on weekdays, make-up working days on weekends), and a
``WorkdayYear`` marked complete once the whole arrangement is in, which makes the year count as covered."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayOverride(models.Model):
    """One day whose status differs from the package (or, for a year the package does not cover, from the weekend
    rule). It always wins over the package."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("工作日"), help_text=_("勾选：上班（如调休上班）；不勾选：放假"))
    name = models.CharField(_("名称"), max_length=32, help_text=_("如：春节、国庆节、调休上班"))
    note = models.CharField(_("备注"), max_length=200, blank=True, help_text=_("如：国办发明电〔2026〕7号"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        app_label = "safetyportal"
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("上班") if self.is_working_day else _("放假")
        return f"{self.date:%Y-%m-%d} {self.name}（{kind}）"


class WorkdayYear(models.Model):
    """A year whose arrangement staff have entered; ``complete`` makes it count as covered by the calendar."""

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    complete = models.BooleanField(
        _("已完整录入"), default=False, help_text=_("该年全部放假和调休上班日期已按国务院办公厅通知录入")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True, help_text=_("如：通知文号、录入人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        app_label = "safetyportal"
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


def _calendar_changed(**kwargs: object) -> None:
    from django.db import transaction

    from . import workdays

    workdays.clear_local_cache()  # this process stops using the old copy at once ...
    transaction.on_commit(workdays.invalidate)  # ... and the others once the change is committed


for _model in (WorkdayOverride, WorkdayYear):
    models.signals.post_save.connect(_calendar_changed, sender=_model, dispatch_uid=f"workdays-save-{_model.__name__}")
    models.signals.post_delete.connect(
        _calendar_changed, sender=_model, dispatch_uid=f"workdays-delete-{_model.__name__}"
    )
