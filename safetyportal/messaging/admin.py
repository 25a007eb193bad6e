"""Admin of the messaging package: each unit's 企业微信 group robot (the key written, never shown), accounts'
channel choices, and the portal messages and deliveries (read only)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..admin_base import PortalModelAdmin, ReadOnlyAdminMixin
from .forms import UnitChannelForm
from .models import MessageDelivery, MessagePreference, PortalMessage, UnitChannel


@admin.register(UnitChannel)
class UnitChannelAdmin(PortalModelAdmin):
    form = UnitChannelForm
    list_display = ("__str__", "group_name", "key_display", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("jurisdiction__name", "member_unit__name", "group_name")
    list_select_related = ("jurisdiction", "member_unit")
    autocomplete_fields = ("jurisdiction", "member_unit")
    readonly_fields = ("key_display",)
    fields = ("jurisdiction", "member_unit", "group_name", "wecom_key", "clear_key", "key_display", "is_active")

    @admin.display(description=_("已保存的密钥"))
    def key_display(self, obj: UnitChannel) -> str:
        return obj.masked_key or str(_("未设置"))


@admin.register(MessagePreference)
class MessagePreferenceAdmin(PortalModelAdmin):
    list_display = ("user", "wecom", "sms", "updated_at")
    list_filter = ("wecom", "sms")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(MessageDelivery)
class MessageDeliveryAdmin(ReadOnlyAdminMixin, PortalModelAdmin):
    # The key (e.g. "circular:1") is the sender's de-duplication code, not text for people: searchable, not shown.
    list_display = ("created_at", "user", "channel", "status", "attempts", "last_error", "sent_at")
    list_filter = ("channel", "status", "day")
    search_fields = ("key", "user__username")
    exclude = ("key",)
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(PortalMessage)
class PortalMessageAdmin(ReadOnlyAdminMixin, PortalModelAdmin):
    list_display = ("created_at", "user", "text", "read_at")
    search_fields = ("key", "user__username")
    exclude = ("key",)
    list_select_related = ("user",)
    date_hierarchy = "created_at"
