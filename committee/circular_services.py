"""Writes of the circulars (通报): drafting (from the data, or from sections a caller gives, e.g. package C's
ranking), redrafting, the staff's edits of the sections, the issue hooks (snapshot, sums, stale text) and delivery
(receipts and messages, in the issuing transaction), the unit's opening. See docs/circulars.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyportal.documents.models import IssuingAuthority
from safetyportal.services import record_history
from safetyportal.unit_figures import JURISDICTION, MEMBER_UNIT, Period, UnitKey

from .circular_drafts import (
    SOURCES,
    CircularSection,
    CircularTable,
    DraftParams,
    compute_table,
    draft_sections,
    drafted_paragraphs,
    ordered_units,
    period_text,
    table_errors,
)
from .circular_models import Circular, CircularKind, CircularReceipt

if TYPE_CHECKING:
    from safetyportal.types import User

__all__ = [
    "CircularSection",
    "CircularTable",
    "default_authority",
    "default_title",
    "draft_circular",
    "draft_from_data",
    "live_tables",
    "open_receipt",
    "redraft",
]

SNAPSHOT_VERSION = 1
CHINESE_NUMERALS = "一二三四五六七八九十"


def default_authority() -> IssuingAuthority:
    """The office's own authority: the first active one that is not a town's (campaigns.UnitAuthority)."""
    authority = (
        IssuingAuthority.objects.filter(is_active=True, unit_link__isnull=True).order_by("pk").first()
        or IssuingAuthority.objects.filter(is_active=True).order_by("pk").first()
    )
    if authority is None:
        raise ValidationError(_("尚未设置发文机关，请先在“组织机构 → 发文机关”中添加。"))
    return authority


def default_title(kind: str, period: Period) -> str:
    return _("关于%(when)s%(what)s的通报") % {
        "when": period_text(period),
        "what": str(CircularKind(kind).label).removesuffix("通报"),
    }


def _section_dict(section: CircularSection, index: int) -> dict[str, Any]:
    table = section.table.as_dict() if section.table is not None else None
    return {
        "key": section.key or f"s{index + 1}",
        "source": section.source if section.source in SOURCES else "",
        "heading": section.heading.strip(),
        "paragraphs": [p.strip() for p in section.paragraphs if p and p.strip()],
        # A given table (no source) is the section's table; a sourced one is recomputed, ``drafted_table`` is what
        # the drafted paragraphs were written from.
        "table": None if section.source in SOURCES else table,
        "drafted_table": table if section.source in SOURCES else None,
    }


def draft_circular(
    *,
    kind: str,
    title: str,
    period: Period,
    sections: Sequence[CircularSection],
    addressees: Sequence[UnitKey],
    by: User | None,
    authority: IssuingAuthority | None = None,
    as_of: dt.date | None = None,
    campaign_id: int | None = None,
    opening: str = "",
    closing: str = "",
) -> Circular:
    """A draft circular with the given sections, addressed to the given units (its receipts are created at issue).
    Package C calls it for the ranking (kind "assessment"), with tables of its own: they are kept as given and their
    合计 checked at issue like every other table."""
    if kind not in CircularKind.values:
        raise ValidationError(_("未知的通报类型：%(kind)s") % {"kind": kind})
    for index, section in enumerate(sections):
        if section.table is not None and section.source not in SOURCES:
            errors = table_errors(section.table, where=_("第%(n)s部分") % {"n": index + 1})
            if errors:
                raise ValidationError(errors)
    today = timezone.localdate()
    as_of = as_of or min(today, period.ends_on)
    with transaction.atomic():
        circular = Circular.objects.create(
            kind=kind,
            title=title.strip() or default_title(kind, period),
            authority=authority or default_authority(),
            period_starts_on=period.starts_on,
            period_ends_on=period.ends_on,
            as_of=as_of,
            campaign_id=campaign_id,
            opening=opening,
            closing=closing,
            content={"sections": [_section_dict(s, i) for i, s in enumerate(sections)]},
            created_by=by if getattr(by, "pk", None) else None,
        )
        circular.recipient_jurisdictions.set([pk for unit_kind, pk in addressees if unit_kind == JURISDICTION])
        circular.recipient_units.set([pk for unit_kind, pk in addressees if unit_kind == MEMBER_UNIT])
        if by is not None and getattr(by, "pk", None):
            record_history(circular, action="create", by=by, changes={"kind": [None, kind]})
    return circular


def default_opening(kind: str, period: Period) -> str:
    return _("为推动各单位落实安全生产工作责任，现将%(when)s有关工作情况通报如下。") % {"when": period_text(period)}


DEFAULT_CLOSING = (
    "各单位要对照本通报查找差距，举一反三，切实抓好整改落实。被通报的单位要在收到本通报后5个工作日内，"
    "将原因分析和整改措施书面报送市安委办。"
)


def draft_from_data(
    *,
    kind: str,
    period: Period,
    addressees: Sequence[UnitKey],
    by: User | None,
    authority: IssuingAuthority | None = None,
    as_of: dt.date | None = None,
    campaign_id: int | None = None,
    title: str = "",
) -> Circular:
    """按数据生成通报草稿: the sections of the kind drafted from the providers' figures for the addressed units."""
    if kind not in ("returns", "never_reported", "hazards", "supervision", "exposure_duty", "combined"):
        raise ValidationError(_("该类型的通报不能按数据自动起草。"))
    if not addressees:
        raise ValidationError(_("请至少选择一个主送单位。"))
    as_of = as_of or min(timezone.localdate(), period.ends_on)
    params = DraftParams(period=period, as_of=as_of, units=tuple(ordered_units(addressees)), campaign_id=campaign_id)
    sections = draft_sections(kind, params)
    return draft_circular(
        kind=kind,
        title=title or default_title(kind, period),
        period=period,
        sections=sections,
        addressees=addressees,
        by=by,
        authority=authority,
        as_of=as_of,
        campaign_id=campaign_id,
        opening=default_opening(kind, period),
        closing=DEFAULT_CLOSING,
    )


def _params(circular: Circular) -> DraftParams:
    return DraftParams(
        period=Period(circular.period_starts_on, circular.period_ends_on),
        as_of=circular.as_of,
        units=tuple(ordered_units(circular.recipient_keys())),
        campaign_id=circular.campaign_id,
    )


def live_tables(circular: Circular) -> dict[str, dict[str, Any] | None]:
    """Each section's table now: recomputed from its source, or the given one."""
    params: DraftParams | None = None
    tables: dict[str, dict[str, Any] | None] = {}
    for section in circular.sections:
        if section.get("source") in SOURCES:
            params = params or _params(circular)
            table = compute_table(section["source"], params)
            tables[section["key"]] = table.as_dict() if table is not None else None
        else:
            tables[section["key"]] = section.get("table")
    return tables


def redraft(circular: Circular, *, by: User) -> Circular:
    """按最新数据重新起草: the paragraphs of every sourced section written again from today's figures (the staff's
    edits of those paragraphs are replaced; headings, order and dropped sections stay as they are)."""
    with transaction.atomic():
        current = Circular.objects.select_for_update().get(pk=circular.pk)
        if not current.is_editable:
            raise ValidationError(current.locked_message)
        params = _params(current)
        sections = []
        for section in current.sections:
            if section.get("source") in SOURCES:
                table = compute_table(section["source"], params)
                if table is None:
                    continue
                section = {
                    **section,
                    "paragraphs": drafted_paragraphs(section["source"], table, params),
                    "drafted_table": table.as_dict(),
                }
            sections.append(section)
        current.content = {**(current.content or {}), "sections": sections}
        current.save(update_fields=["content", "updated_at"])
        record_history(current, action="change", by=by, changes={}, note=_("按最新数据重新起草"))
    return current


def save_sections(circular: Circular, sections: list[dict[str, Any]]) -> None:
    """The staff's edits (headings, paragraphs, order, dropped sections) into ``content`` (not saved here: the
    admin form saves the record). A section keeps its source and tables; only known keys are kept."""
    known = {s["key"]: s for s in circular.sections}
    kept = []
    for edit in sections:
        original = known.get(edit["key"])
        if original is None:
            continue
        kept.append({**original, "heading": edit["heading"].strip(), "paragraphs": edit["paragraphs"]})
    circular.content = {**(circular.content or {}), "sections": kept}


# --- Issue hooks -----------------------------------------------------------------------------------------------------


def _where(index: int, section: dict[str, Any]) -> str:
    return _("第%(n)s部分“%(heading)s”") % {"n": CHINESE_NUMERALS[index] if index < 10 else index + 1,
                                          "heading": section.get("heading", "")}  # fmt: skip


def sums_errors(circular: Circular, tables: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    for index, section in enumerate(circular.sections):
        table = CircularTable.from_dict(tables.get(section["key"]))
        if table is not None:
            errors += table_errors(table, where=_where(index, section))
    return errors


def check_circular_issuable(circular: Circular, issued_on: dt.date) -> None:
    """Refused before anything is numbered: no addressed unit (nobody would receive it), no section, a table that
    does not add up (live figures here; the binding check is ``check_circular_snapshot``)."""
    if circular.pk is None or not (circular.recipient_jurisdictions.exists() or circular.recipient_units.exists()):
        raise ValidationError(_("请至少选择一个主送单位（主送区划或主送成员单位）：通报按所选单位送达。"))
    if not circular.sections and not circular.opening.strip():
        raise ValidationError(_("通报没有正文，请先起草。"))
    if circular.as_of > issued_on:
        raise ValidationError(_("“数据截至”日期不能晚于成文日期。"))
    errors = sums_errors(circular, live_tables(circular))
    if errors:
        raise ValidationError(errors)


def circular_snapshot(circular: Circular) -> dict[str, Any]:
    """The figures frozen at issue: every section's table, with the day they are counted to, and the addressees'
    names (the 主送 line) as they were at issue."""
    return {
        "version": SNAPSHOT_VERSION,
        "as_of": circular.as_of.isoformat(),
        "period": [circular.period_starts_on.isoformat(), circular.period_ends_on.isoformat()],
        "taken_at": timezone.now().isoformat(),
        "tables": live_tables(circular),
        # The 主送 line as issued: a unit renamed or merged later must not change the issued paper.
        "addressees": circular.addressees(),
    }


def stale_sections(circular: Circular, tables: dict[str, Any]) -> list[str]:
    """Sections whose figures changed since their paragraphs were drafted (the text would no longer match)."""
    stale = []
    for index, section in enumerate(circular.sections):
        drafted = section.get("drafted_table")
        if section.get("source") in SOURCES and drafted is not None and drafted != tables.get(section["key"]):
            stale.append(_where(index, section))
    return stale


def check_circular_snapshot(circular: Circular, snapshot: dict[str, Any]) -> None:
    """The binding checks, on the very figures that are stored: every 合计 equals the sum of its rows, and the
    drafted paragraphs were written from these figures."""
    tables = snapshot.get("tables", {})
    errors = sums_errors(circular, tables)
    if errors:
        raise ValidationError(errors, code="sums")
    stale = stale_sections(circular, tables)
    if stale:
        raise ValidationError(
            _("%(where)s的统计数据自起草以来已变化，正文中的数字可能与统计表不一致。请点击“按最新数据重新起草”后核对正文再印发。")
            % {"where": "、".join(stale)},
            code="stale_figures",
        )  # fmt: skip


def create_receipts(circular: Circular) -> int:
    """A receipt for every addressed unit that has none yet (idempotent)."""
    existing = set(CircularReceipt.objects.filter(circular=circular).values_list("jurisdiction_id", "member_unit_id"))
    rows = []
    for kind, pk in circular.recipient_keys():
        pair = (pk, None) if kind == JURISDICTION else (None, pk)
        if pair not in existing:
            rows.append(CircularReceipt(circular=circular, jurisdiction_id=pair[0], member_unit_id=pair[1]))
    CircularReceipt.objects.bulk_create(rows)
    return len(rows)


def deliver_circular(circular: Circular, *, by: User) -> None:
    """At issue, in the issuing transaction: the receipts, and a message to the active officers of every addressed
    unit (portal message and each account's channels, through ``notify()``)."""
    from django.db.models import Q

    from safetyportal.messaging import notify
    from safetyportal.models import OfficerProfile

    create_receipts(circular)
    keys = circular.recipient_keys()
    jurisdictions = [pk for kind, pk in keys if kind == JURISDICTION]
    members = [pk for kind, pk in keys if kind == MEMBER_UNIT]
    users = list(
        OfficerProfile.objects.filter(
            Q(jurisdiction_id__in=jurisdictions, member_unit__isnull=True) | Q(member_unit_id__in=members)
        )
        .filter(user__is_active=True, user__is_staff=False)
        .values_list("user_id", flat=True)
    )  # fmt: skip
    if users:
        text = _("收到通报《%(title)s》（%(number)s），请在“安委会 → 通报”中查阅。") % {
            "title": circular.title,
            "number": circular.number,
        }
        url = reverse("committee:circular_detail", args=[circular.pk])
        notify(users=users, key=f"circular:{circular.pk}", text=text, url=url)


def open_receipt(*, receipt: CircularReceipt, by: User, now: dt.datetime | None = None) -> CircularReceipt:
    """Record the unit's first opening (who, when); later openings change nothing (one conditional UPDATE)."""
    if receipt.first_opened_at is not None or by.is_staff:
        return receipt
    now = now or timezone.now()
    if CircularReceipt.objects.filter(pk=receipt.pk, first_opened_at__isnull=True).update(
        first_opened_at=now, first_opened_by=by
    ):
        receipt.first_opened_at, receipt.first_opened_by = now, by
    return receipt
