"""``{% load workdays %}``: working-day deadlines shown with their rule (safetyportal/workdays.py)."""

from __future__ import annotations

import datetime as dt

from django import template

from safetyportal import workdays

register = template.Library()


@register.filter
def working_days_after(start: dt.date | None, days: int) -> str:
    """``{{ hazard.supervised_on|working_days_after:5 }}`` → "6月21日（周五）（5个工作日）" ("" without a date)."""
    return workdays.due_text(start, int(days)) if start else ""


@register.filter
def working_days_before(end: dt.date | None, days: int) -> str:
    """``{{ hazard.rectification_deadline|working_days_before:20 }}`` → "…（前20个工作日）"."""
    return workdays.due_text(end, int(days), before=True) if end else ""


@register.simple_tag
def deadline(day: dt.date, at: dt.time | None = None) -> str:
    """``{% deadline period.due task.due_time %}`` → "6月14日（周五）16:00前"."""
    return workdays.format_deadline(day, at)
