"""Spreadsheet resources of the publicity app (admin import/export, xlsx and csv)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export import fields

from safetyportal.scoping import is_office_staff
from safetyportal.spreadsheets import CodeWidget, SafeModelResource

from .models import Channel, EducationBase, PublicityItem, Visit


class OfficeLevelResource(SafeModelResource):
    """Publicity rows belong to the office, not to a jurisdiction: only office staff import them."""

    def instance_in_scope(self, instance: Any) -> bool:
        return self.user is None or is_office_staff(self.user)


class PublicityItemResource(OfficeLevelResource):
    channel = fields.Field(column_name=_("载体"), attribute="channel", widget=CodeWidget(Channel, "name"))
    campaign = fields.Field(column_name=_("所属活动"), attribute="campaign", readonly=True)

    class Meta:
        model = PublicityItem
        fields = (
            "id",
            "kind",
            "channel",
            "campaign",
            "title",
            "published_on",
            "link",
            "reads",
            "read_users",
            "shares",
            "likes",
            "wows",
            "plays",
            "placements_count",
            "copies_printed",
            "copies_distributed",
            "is_published",
        )
        export_order = fields

    def dehydrate_campaign(self, item: PublicityItem) -> str:
        return str(item.campaign) if item.campaign_id else ""


class VisitResource(OfficeLevelResource):
    base = fields.Field(column_name=_("场馆"), attribute="base", widget=CodeWidget(EducationBase, "name"))

    class Meta:
        model = Visit
        fields = ("base", "visited_on", "group_name", "group_kind", "visitors", "note")
        import_id_fields = ("base", "visited_on", "group_name")
        skip_unchanged = True
