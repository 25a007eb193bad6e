from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from safetyportal.spreadsheets import SafeImportExportAdmin

from . import admin_views, services
from .forms import PublicityItemAdminForm
from .models import Channel, EducationBase, PublicityItem, ScreenPlacement, Visit, WechatPush
from .resources import PublicityItemResource, VisitResource


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "media_level", "screen_count", "operator", "is_active")
    list_filter = ("kind", "media_level", "is_active")
    search_fields = ("name", "operator")


class ScreenPlacementInline(admin.TabularInline):
    model = ScreenPlacement
    extra = 0
    fields = ("channel", "starts_on", "ends_on", "screens", "plays_per_day", "note")


@admin.register(PublicityItem)
class PublicityItemAdmin(SafeImportExportAdmin):
    resource_classes = [PublicityItemResource]
    form = PublicityItemAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "kind", "channel", "campaign", "published_on", "reads", "plays", "is_published")
    list_filter = ("kind", "is_published", "channel", ("campaign", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title",)
    list_select_related = ("channel", "campaign")
    autocomplete_fields = ("campaign",)
    date_hierarchy = "published_on"
    list_per_page = 50
    readonly_fields = ("push", "cover_preview", "stats_synced_at")
    inlines = [ScreenPlacementInline]
    change_list_template = "admin/publicity/publicityitem/change_list.html"
    fieldsets = (
        (None, {"fields": ("kind", "channel", "campaign", "title", "published_on", "link", "summary", "is_published")}),
        (_("封面"), {"fields": ("cover_preview", "cover_upload")}),
        (_("阅读与播放"), {"fields": ("reads", "read_users", "shares", "likes", "wows", "plays", "stats_synced_at")}),
        (_("投放与印制"), {"fields": ("placements_count", "copies_printed", "copies_distributed")}),
        (_("新闻报道积分"), {"fields": ("with_picture", "story_key")}),
        (_("微信推送"), {"fields": ("push", "position")}),
    )

    def has_import_permission(self, request: HttpRequest) -> bool:
        return False  # items come in through the WeChat statistics import (wechat-import/)

    @admin.display(description=_("封面图"))
    def cover_preview(self, obj: PublicityItem) -> str:
        if not obj.pk or not obj.cover_thumb:
            return "—"
        url = reverse("admin:publicity_publicityitem_cover", args=[obj.pk])
        return format_html('<img class="publicity-cover" src="{}" alt="{}">', url, obj.title)

    def save_model(self, request: HttpRequest, obj: PublicityItem, form: Any, change: bool) -> None:
        services.save_item(item=obj)
        covers = form.cleaned_data.get("cover_upload") or []
        if covers:
            services.set_cover(item=obj, image=covers[0])

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("figures/", view(admin_views.FiguresView(self)), name="publicity_publicityitem_figures"),
            path(
                "figures/export/",
                view(admin_views.FiguresExportView(self)),
                name="publicity_publicityitem_figures_export",
            ),
            path(
                "figures/report/",
                view(admin_views.FiguresReportView(self)),
                name="publicity_publicityitem_figures_report",
            ),
            path(
                "wechat-import/", view(admin_views.WechatImportView(self)), name="publicity_publicityitem_wechat_import"
            ),
            path("<int:pk>/cover/", view(admin_views.CoverView(self)), name="publicity_publicityitem_cover"),
            *super().get_urls(),
        ]

    class Media:
        css = {"all": ("publicity/admin.css",)}


class PushArticleInline(admin.TabularInline):
    model = PublicityItem
    fk_name = "push"
    extra = 0
    fields = ("position", "title", "reads", "read_users", "campaign")
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    ordering = ("position", "pk")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("campaign")


@admin.register(WechatPush)
class WechatPushAdmin(admin.ModelAdmin):
    list_display = ("__str__", "channel", "published_on", "sequence", "article_count", "push_reads")
    list_filter = ("channel",)
    list_select_related = ("channel",)
    date_hierarchy = "published_on"
    search_fields = ("articles__title",)
    inlines = [PushArticleInline]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).annotate(article_total=Count("articles"), reads_total=Sum("articles__reads"))
        )

    @admin.display(description=_("篇数"), ordering="article_total")
    def article_count(self, obj: WechatPush) -> int:
        return obj.article_total

    @admin.display(description=_("阅读次数"), ordering="reads_total")
    def push_reads(self, obj: WechatPush) -> int:
        return obj.reads_total or 0


@admin.register(ScreenPlacement)
class ScreenPlacementAdmin(admin.ModelAdmin):
    list_display = ("item", "channel", "starts_on", "ends_on", "screens", "days_on_air", "screen_days_total")
    list_filter = ("channel",)
    list_select_related = ("item", "channel")
    search_fields = ("item__title",)
    autocomplete_fields = ("item",)
    date_hierarchy = "starts_on"
    list_per_page = 50
    change_list_template = "admin/publicity/screenplacement/change_list.html"

    @admin.display(description=_("天数"))
    def days_on_air(self, obj: ScreenPlacement) -> int:
        return obj.days

    @admin.display(description=_("屏·天"))
    def screen_days_total(self, obj: ScreenPlacement) -> int:
        return obj.screen_days

    def get_urls(self) -> list:
        return [
            path(
                "calendar/",
                self.admin_site.admin_view(admin_views.CalendarView(self)),
                name="publicity_screenplacement_calendar",
            ),
            *super().get_urls(),
        ]


@admin.register(EducationBase)
class EducationBaseAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "address", "opened_on", "visit_batches", "visitor_total", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "address")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(batches=Count("visits"), visitors_sum=Sum("visits__visitors"))

    @admin.display(description=_("接待批次"), ordering="batches")
    def visit_batches(self, obj: EducationBase) -> int:
        return obj.batches

    @admin.display(description=_("接待人次"), ordering="visitors_sum")
    def visitor_total(self, obj: EducationBase) -> int:
        return obj.visitors_sum or 0


@admin.register(Visit)
class VisitAdmin(SafeImportExportAdmin):
    resource_classes = [VisitResource]
    list_display = ("visited_on", "base", "group_name", "group_kind", "visitors", "campaign")
    list_filter = ("base", "group_kind", ("campaign", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("base", "campaign")
    search_fields = ("group_name",)
    autocomplete_fields = ("campaign",)
    date_hierarchy = "visited_on"
    list_per_page = 50
