"""The history of every legal record, whatever its app: who did what to which record, when, and how.

One append-only table (``RecordHistory``, app ``safetyportal``; it was ``inspections.RecordHistory`` and keeps the
table ``inspections_recordhistory`` was renamed from, with its rows). Rows are written by the services only, through
``safetyportal.services.record_history``; the office reads them in one admin list (``safetyportal.history_admin``)
and on each record's change page (``history_panel``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .records import AppendOnlyModel, AppendOnlyQuerySet


class HistoryAction(models.TextChoices):
    """Every action code a service writes (a code not listed here still saves and shows as itself)."""

    CREATE = "create", _("登记")
    CHANGE = "change", _("修改")
    VOID = "void", _("作废")
    ISSUE = "issue", _("印发")
    PUBLISH = "publish", _("发布")
    WITHDRAW = "withdraw", _("撤回")
    EXPIRE = "expire", _("到期")
    REWARD = "reward", _("奖励")
    CANCEL = "cancel", _("注销")
    REVOKE = "revoke", _("吊销")


class RecordHistory(AppendOnlyModel):
    """Who changed which legal record, when, and how (field → [before, after]); written by the services only."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("记录类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("记录ID"), db_index=True)
    object_repr = models.CharField(_("记录"), max_length=200)
    action = models.CharField(_("操作"), max_length=32, choices=HistoryAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()
    change_refused = _("操作记录不能修改。")
    delete_refused = _("操作记录不能删除。")

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["content_type", "object_id"], name="history_object")]

    def __str__(self) -> str:
        return f"{self.object_repr} {self.get_action_display()}"
