"""Every write of the publicity app that matters: saving items (articles join their day's push), covers, the
WeChat statistics import and the yearly report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.documents.models import GeneratedDocument
from safetyportal.documents.services import request_document
from safetyportal.images import ProcessedImage, store_image

from .models import Channel, ChannelKind, ItemKind, PublicityItem, PublicityReport, WechatPush

if TYPE_CHECKING:
    from safetyportal.spreadsheets import ImportProblem
    from safetyportal.types import User

    from . import wechat

REPORT_KIND = "publicity_report"


# Items --------------------------------------------------------------------------------------------------------
def get_day_push(*, channel: Channel, day: dt.date) -> tuple[WechatPush, bool]:
    """The day's first push of an account, created if there is none yet."""
    push = WechatPush.objects.filter(channel=channel, published_on=day).order_by("sequence").first()
    if push is not None:
        return push, False
    return WechatPush.objects.create(channel=channel, published_on=day, sequence=1), True


def save_item(*, item: PublicityItem) -> PublicityItem:
    """Validate and save an item. A WeChat article is filed under its day's push unless it already names a push
    of the same account and day; any other kind belongs to no push."""
    with transaction.atomic():
        if item.kind == ItemKind.WECHAT_ARTICLE and item.channel_id and item.published_on:
            push = item.push if item.push_id else None
            misfiled = push is None or push.channel_id != item.channel_id or push.published_on != item.published_on
            channel = item.channel if misfiled else None
            if channel is not None and channel.kind == ChannelKind.WECHAT:
                item.push, _created = get_day_push(channel=channel, day=item.published_on)
        elif item.kind != ItemKind.WECHAT_ARTICLE:
            item.push = None
        item.full_clean()
        item.save()
    return item


def set_cover(*, item: PublicityItem, image: ProcessedImage) -> PublicityItem:
    """Store a re-encoded cover (from ``safetyportal.images.process_image``) and drop the previous files once the
    change is committed."""
    stored = store_image(image, "publicity")
    old = [name for name in (item.cover, item.cover_thumb) if name]
    with transaction.atomic():
        item.cover, item.cover_thumb = stored.name, stored.thumbnail_name
        item.save(update_fields=["cover", "cover_thumb", "updated_at"])

        def delete_old() -> None:
            for name in old:
                default_storage.delete(name)

        transaction.on_commit(delete_old)
    return item


# WeChat statistics import ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WechatImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int
    pushes_created: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return _(
            "共%(rows)s行：新增推文%(created)s篇（新增推送%(pushes)s期），更新%(updated)s篇，%(unchanged)s篇无变化。"
        ) % {
            "rows": self.rows,
            "created": self.created,
            "pushes": self.pushes_created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def import_wechat_stats(*, data: bytes, channel: Channel, create_missing: bool = True) -> WechatImportResult:
    """Update the reads of a WeChat account's articles from a back-office export (see ``publicity.wechat``).

    Rows are matched to articles of ``channel`` by (title, publish date). A matched article is written only if a
    figure changed, so a second run of the same file changes nothing (not even ``updated_at``). An unmatched row
    creates the article under its day's push when ``create_missing``, and is an error otherwise. All or nothing:
    on any problem ``WechatImportError`` lists every bad row and nothing is written."""
    # Imported here: spreadsheets pulls in import-export, openpyxl and numpy, which a worker starting up (this module
    # is imported by the report builder) does not need.
    from safetyportal.spreadsheets import ImportProblem

    from . import wechat

    if channel.kind != ChannelKind.WECHAT:
        raise wechat.WechatImportError([ImportProblem(1, "", _("所选载体不是微信公众号。"))])
    rows = wechat.parse_export(data)
    first = min(row.published_on for row in rows)
    last = max(row.published_on for row in rows)
    with transaction.atomic():
        existing: dict[tuple[str, dt.date], list[PublicityItem]] = defaultdict(list)
        for item in (
            PublicityItem.objects.select_for_update()
            .filter(channel=channel, kind=ItemKind.WECHAT_ARTICLE, published_on__range=(first, last))
            .order_by("pk")
        ):
            existing[(wechat.normalise_title(item.title), item.published_on)].append(item)

        problems: list[ImportProblem] = []
        to_update: list[PublicityItem] = []
        to_create: list[wechat.WechatRow] = []
        unchanged = 0
        for row in rows:
            matches = existing.get((row.title, row.published_on), [])
            if len(matches) > 1:
                problems.append(
                    ImportProblem(row.row, "", _("系统中有多篇标题和发表日期相同的推文，无法确定对应哪一篇。"))
                )
            elif matches:
                item = matches[0]
                changed = {name: value for name, value in row.counts.items() if getattr(item, name) != value}
                if changed:
                    for name, value in changed.items():
                        setattr(item, name, value)
                    to_update.append(item)
                else:
                    unchanged += 1
            elif create_missing:
                to_create.append(row)
            else:
                problems.append(
                    ImportProblem(
                        row.row,
                        "",
                        _("未找到标题为“%(title)s”、发表于%(day)s的推文。")
                        % {"title": row.title[:40], "day": row.published_on},
                    )
                )
        problems.extend(_check_read_users(to_update, rows))
        if problems:
            raise wechat.WechatImportError(sorted(problems, key=lambda p: p.row))

        now = timezone.now()
        for item in to_update:
            item.stats_synced_at = now
            item.updated_at = now
        if to_update:
            PublicityItem.objects.bulk_update(
                to_update, [*wechat.COUNT_FIELDS, "stats_synced_at", "updated_at"], batch_size=500
            )

        pushes_created = 0
        if to_create:
            pushes: dict[dt.date, WechatPush] = {}
            for push in WechatPush.objects.filter(
                channel=channel, published_on__in={row.published_on for row in to_create}
            ).order_by("published_on", "sequence"):
                pushes.setdefault(push.published_on, push)
            new_items = []
            for row in to_create:
                if row.published_on not in pushes:
                    pushes[row.published_on] = WechatPush.objects.create(
                        channel=channel, published_on=row.published_on, sequence=1
                    )
                    pushes_created += 1
                new_items.append(
                    PublicityItem(
                        kind=ItemKind.WECHAT_ARTICLE,
                        channel=channel,
                        push=pushes[row.published_on],
                        title=row.title,
                        published_on=row.published_on,
                        stats_synced_at=now,
                        **row.counts,
                    )
                )
            PublicityItem.objects.bulk_create(new_items, batch_size=500)
    return WechatImportResult(len(rows), len(to_create), len(to_update), unchanged, pushes_created)


def _check_read_users(items: list[PublicityItem], rows: list[wechat.WechatRow]) -> list[ImportProblem]:
    """A file giving only reads must not leave an article with more readers than reads."""
    from safetyportal.spreadsheets import ImportProblem

    from . import wechat

    by_key = {(row.title, row.published_on): row.row for row in rows}
    return [
        ImportProblem(
            by_key.get((wechat.normalise_title(item.title), item.published_on), 1),
            "",
            _("阅读次数（%(reads)s）少于系统中已有的阅读人数（%(users)s）。")
            % {"reads": item.reads, "users": item.read_users},
        )
        for item in items
        if item.read_users > item.reads
    ]


# Reports ------------------------------------------------------------------------------------------------------
def report_title(*, year: int, campaign_name: str = "") -> str:
    if campaign_name:
        return f"{year}年{campaign_name}宣传工作统计报告"
    return f"{year}年安全生产宣传工作统计报告"


def request_report(*, year: int, campaign_id: int | None, by: User) -> GeneratedDocument:
    """Record a report request and have the worker render it as a PDF (documents engine, kind "publicity_report")."""
    with transaction.atomic():
        report = PublicityReport.objects.create(year=year, campaign_id=campaign_id, requested_by=by)
        name = report.campaign.name if report.campaign is not None else ""
        return request_document(
            kind=REPORT_KIND, title=report_title(year=year, campaign_name=name), source=report, requested_by=by
        )
