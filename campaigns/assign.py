"""Assigning work to many units in one step (issue 12): the task and notice admin forms offer quick choices —
全部街道（镇）, 全部社区（村）, 全部成员单位 — next to the usual pickers. A choice expands, when the form is saved, into
the units of the issuing office's own tree and is added to what was picked by hand.

The office's tree is the unit that runs the campaign (``Campaign.jurisdiction``) or owns the notice's issuing
authority (``UnitAuthority``); without one it is the city's office (the root of the tree), whose member units are
the city's committee member units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safetyportal.models import Jurisdiction, JurisdictionLevel, MemberUnit

if TYPE_CHECKING:
    from django.http import HttpRequest

ALL_SUBDISTRICTS = "subdistricts"
ALL_COMMUNITIES = "communities"
ALL_MEMBER_UNITS = "member_units"
QUICK_CHOICES = (
    (ALL_SUBDISTRICTS, _("全部街道（镇）")),
    (ALL_COMMUNITIES, _("全部社区（村）")),
    (ALL_MEMBER_UNITS, _("全部成员单位")),
)


def quick_units(choices: list[str], office: Jurisdiction | None) -> tuple[QuerySet[Jurisdiction], QuerySet[MemberUnit]]:
    """The jurisdictions and member units the quick choices stand for, inside ``office``'s tree (None: the city's
    office). Two lazy querysets; nothing outside the tree, inactive member units left out."""
    jurisdictions = Jurisdiction.objects.none()
    levels = [
        level
        for choice, level in (
            (ALL_SUBDISTRICTS, JurisdictionLevel.SUBDISTRICT),
            (ALL_COMMUNITIES, JurisdictionLevel.COMMUNITY),
        )
        if choice in choices
    ]
    if levels:
        jurisdictions = Jurisdiction.objects.filter(level__in=levels)
        if office is not None:
            jurisdictions = jurisdictions.filter(path__startswith=office.path).exclude(pk=office.pk)
    units = MemberUnit.objects.none()
    if ALL_MEMBER_UNITS in choices:
        units = MemberUnit.objects.filter(is_active=True)
        units = units.filter(jurisdiction=office) if office is not None else units.filter(jurisdiction__parent=None)
    return jurisdictions, units


class QuickAssignFormMixin(forms.ModelForm):
    """A model form with a ``quick_assign`` field whose choices are added to two many-to-many fields on save.
    Subclasses name the fields and say which office's tree applies (``office_for``)."""

    jurisdictions_field = "jurisdictions"
    units_field = "member_units"

    quick_assign = forms.MultipleChoiceField(
        label=_("快速选择"),
        choices=QUICK_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选后保存时自动加入本级辖区内的全部单位，可与下方逐个选择的单位同时使用。"),
    )

    def office_for(self, cleaned_data: dict[str, Any]) -> Jurisdiction | None:
        return None

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        choices = cleaned_data.get("quick_assign") or []
        if not choices:
            return cleaned_data
        jurisdictions, units = quick_units(choices, self.office_for(cleaned_data))
        for name, extra in ((self.jurisdictions_field, jurisdictions), (self.units_field, units)):
            if name not in self.fields or name not in cleaned_data:
                continue
            picked = list(cleaned_data[name] or [])
            seen = {obj.pk for obj in picked}
            picked.extend(obj for obj in extra if obj.pk not in seen)
            cleaned_data[name] = picked
        return cleaned_data


class CampaignTaskAssignForm(QuickAssignFormMixin):
    """The task admin's form: the office is the one running the task's campaign."""

    def office_for(self, cleaned_data: dict[str, Any]) -> Jurisdiction | None:
        campaign = cleaned_data.get("campaign") or getattr(self.instance, "campaign", None)
        return getattr(campaign, "jurisdiction", None) if campaign is not None else None


class NoticeAssignForm(QuickAssignFormMixin):
    """The notice admin's form: the office is the unit owning the notice's issuing authority, if any."""

    jurisdictions_field = "recipient_jurisdictions"
    units_field = "recipient_units"

    def office_for(self, cleaned_data: dict[str, Any]) -> Jurisdiction | None:
        authority = cleaned_data.get("authority")
        link = getattr(authority, "unit_link", None) if authority is not None else None
        return getattr(link, "jurisdiction", None)


class QuickAssignAdminMixin:
    """Puts the quick choices right after the units field of the admin's fieldsets, while that field is editable."""

    form: type[forms.ModelForm]
    quick_after = "member_units"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_quick_assign(request, obj, super().get_fieldsets(request, obj))  # type: ignore[misc]

    def add_quick_assign(self, request: HttpRequest, obj: Any, fieldsets: Any) -> Any:
        """The fieldsets with ``quick_assign`` after the units field (an admin defining its own ``get_fieldsets``
        calls this on its result)."""
        if self.quick_after in self.get_readonly_fields(request, obj):  # type: ignore[attr-defined]
            return fieldsets
        result = []
        for name, options in fieldsets:
            fields = list(options.get("fields", ()))
            if self.quick_after in fields and "quick_assign" not in fields:
                fields.insert(fields.index(self.quick_after) + 1, "quick_assign")
                options = {**options, "fields": tuple(fields)}
            result.append((name, options))
        return result
