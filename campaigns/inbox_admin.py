"""The office's side of 收文/签收 in the admin: the 签收情况 page of a notice (who signed, who opened but has not
signed, who has not opened), the 提醒未签收单位 button (a POST) and a read-only list of all receipts.

``NoticeSignBoardMixin`` is mixed into ``campaigns.admin.NoticeAdmin``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safetyportal.admin_base import ReadOnlyAdminMixin

from . import inbox_selectors, inbox_services
from .models import Notice, NoticeReceipt, NoticeStatus


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _who(user: Any) -> str:
    return (f"{user.last_name}{user.first_name}".strip() or user.get_username()) if user is not None else "—"


def _reminded(receipt: NoticeReceipt) -> str:
    if not receipt.reminder_count:
        return "—"
    return _("%(n)s次，最近%(when)s") % {"n": receipt.reminder_count, "when": _when(receipt.last_reminded_at)}


class NoticeSignBoardMixin:
    """Adds ``<id>/signatures/`` (签收情况) and ``<id>/signatures/remind/`` (POST) to the notice admin, and the
    ``sign_status`` read-only field linking to them."""

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("<path:object_id>/signatures/", view(self.signatures_view), name="campaigns_notice_signatures"),
            path(
                "<path:object_id>/signatures/remind/",
                view(require_POST(self.remind_view)),
                name="campaigns_notice_remind",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    @admin.display(description=gettext_lazy("签收情况"))
    def sign_status(self, obj: Notice) -> str:
        if obj.pk is None or obj.status == NoticeStatus.DRAFT:
            return "—"
        counts = inbox_selectors.sign_totals(obj)
        return format_html(
            '{} <a href="{}">{}</a>',
            _("已签收%(signed)s/%(total)s") % counts,
            reverse("admin:campaigns_notice_signatures", args=[obj.pk]),
            _("查看签收情况"),
        )

    def _board_notice(self, request: HttpRequest, object_id: str) -> Notice:
        if not (
            self.has_view_permission(request)  # type: ignore[attr-defined]
            and request.user.has_perm("campaigns.view_noticereceipt")
        ):
            raise PermissionDenied
        notice = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if notice is None:
            raise Http404
        return notice

    def signatures_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        notice = self._board_notice(request, object_id)
        board = inbox_selectors.sign_board(notice)
        # Rows joined in Python: a notice to every unit of a prefecture (3,000+) renders well within a second.
        rows = {
            "signed_rows": format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((r.unit_name, r.signer_name, _when(r.signed_at), _when(r.first_opened_at)) for r in board.signed),
            ),
            "opened_rows": format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((r.unit_name, _who(r.first_opened_by), _when(r.first_opened_at), _reminded(r)) for r in board.opened),
            ),
            "unopened_rows": format_html_join(
                "", "<tr><td>{}</td><td>{}</td></tr>", ((r.unit_name, _reminded(r)) for r in board.unopened)
            ),
        }
        context = {
            **rows,
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": self.opts,  # type: ignore[attr-defined]
            "original": notice,
            "title": _("%(notice)s · 签收情况") % {"notice": notice},
            "board": board,
            "can_remind": notice.status == NoticeStatus.ISSUED
            and request.user.has_perm("campaigns.change_notice")
            and board.unsigned > 0,
        }
        return TemplateResponse(request, "admin/campaigns/notice/signatures.html", context)

    def remind_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        notice = self._board_notice(request, object_id)
        run = inbox_services.remind_unsigned(notice=notice, by=request.user)
        if run.count:
            self.message_user(  # type: ignore[attr-defined]
                request, _("已提醒%(n)s个未签收单位。") % {"n": run.count}, messages.SUCCESS
            )
        else:
            self.message_user(  # type: ignore[attr-defined]
                request, _("没有需要提醒的单位（未签收单位今天已提醒过，或已全部签收）。"), messages.WARNING
            )
        return HttpResponseRedirect(reverse("admin:campaigns_notice_signatures", args=[notice.pk]))


@admin.register(NoticeReceipt)
class NoticeReceiptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every receipt, read only: the units record openings and signatures in the portal."""

    list_display = ("notice", "unit", "first_opened_at", "signed_at", "signer_name", "reminder_count")
    list_filter = ("notice__status", ("signed_at", admin.EmptyFieldListFilter))
    search_fields = ("notice__title", "notice__number", "jurisdiction__name", "member_unit__name", "signer_name")
    list_select_related = ("notice", "jurisdiction", "member_unit")
    list_per_page = 50
    fields = (
        "notice",
        "jurisdiction",
        "member_unit",
        "created_at",
        "first_opened_at",
        "first_opened_by",
        "signed_at",
        "signer_name",
        "signed_by",
        "last_reminded_at",
        "reminder_count",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("收文单位"))
    def unit(self, obj: NoticeReceipt) -> str:
        return obj.unit_name
