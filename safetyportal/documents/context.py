"""What every document template receives from the engine: stylesheet, title (in balanced lines), number, authority,
QR code, and the authority's electronic seal on issued documents."""

from __future__ import annotations

import base64
import logging
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import reverse

from .models import GeneratedDocument, IssuingAuthority
from .rendering import static_file_url

logger = logging.getLogger(__name__)


def verify_url(document: GeneratedDocument) -> str:
    if not document.verify_token:
        return ""
    # Against the documents' own URLconf (included at the root): the root one would import every view of the portal.
    return settings.SITE_URL + reverse("verify", args=[document.verify_token], urlconf="safetyportal.documents.urls")


def qr_svg(url: str) -> str:
    """An inline SVG QR code (vector, no image fetch)."""
    import segno  # on first use: a process that builds no document does not import it

    return segno.make(url, error="m").svg_inline(scale=3)


def chinese_date(value: date) -> str:
    """A date as official documents write it: 2024年6月16日 (no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


TEXT_WIDTH_MM = 156  # A4 less the 28 mm and 26 mm side margins of GB/T 9704


def masthead_size_pt(header: str) -> float:
    """The masthead fills at most the text width on one line, and never exceeds 22 mm per character."""
    per_char_mm = min(22.0, TEXT_WIDTH_MM / max(len(header), 1) * 0.92)
    return round(per_char_mm * 2.835, 1)


# --- Titles in balanced lines (GB/T 9704 7.3.1: 回行时要做到词意完整，排列对称，长短适宜) -------------------------

TITLE_SIZE_PT = 22  # 二号
TITLE_MAX_EM = 19.0  # 156 mm of text width hold 20.1 characters of 22 pt: a line never runs edge to edge
TITLE_MAX_LINES = 4

_OPENING = "“‘（《〈「『【〔(["
_CLOSING = "”’）》〉」』】〕)]，。、；：！？,.;:!?…—"
_PAUSES = "，、；：,;:！？!?"
_GENRES = ("通知", "通报", "决定", "意见", "报告", "批复", "函", "请示", "公告", "通告", "方案", "办法", "规定", "纪要",
           "总结", "要点", "计划", "指令书", "决定书")  # fmt: skip
_GENRE_TAIL = re.compile("的(?:" + "|".join(_GENRES) + ")$")
# Verbs opening the subject of a title (关于开展… / 关于做好… / 关于印发…): a break after one keeps both halves whole.
_VERBS = ("开展", "做好", "加强", "印发", "转发", "组织", "推进", "落实", "进一步", "深入", "加快", "切实", "全面",
          "启动")  # fmt: skip
# Words that end a phrase in the titles this office writes: a break after one of them keeps words whole.
_PHRASE_ENDS = ("工作", "活动", "情况", "人员", "单位", "场所", "企业", "检查", "整治", "行动", "名单", "委员会",
                "办公室", "管理局", "街道", "社区", "公司", "操作证", "隐患", "培训", "宣传", "演练")  # fmt: skip
_UNITS_AFTER_DIGITS = "年月日号个次批期届"
_LINE_START_PARTICLES = "的地得之和与及"


def text_width_em(text: str) -> float:
    """The width of ``text`` in em of a Noto CJK face: Chinese characters and full-width punctuation 1 em, digits and
    Latin letters about 0.6 em, a space 0.25 em."""
    width = 0.0
    for char in text:
        if char == " ":
            width += 0.25
        elif ord(char) < 0x2000:  # Latin, digits, ASCII punctuation (“ ” — … are full-width in a zh-CN text)
            width += 0.6 if char.isalnum() else 0.35
        else:
            width += 1.0
    return width


def _base_cost(title: str, i: int, genre_start: int) -> float | None:
    """The cost of breaking between title[i-1] and title[i], or None where a line may not break."""
    before, after = title[i - 1], title[i]
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return None  # inside a number or a Latin word
    if (before.isdigit() and after in _UNITS_AFTER_DIGITS) or after in _CLOSING or before in _OPENING:
        return None
    rules: tuple[tuple[bool, float], ...] = (
        (" " in (before, after) or (title.startswith("关于", i) and i > 1), 0.0),
        (title.startswith("暨", i), 0.5),
        (i == genre_start or before in _PAUSES, 1.0),
        (after in _OPENING or before in "”》」』’）)", 1.5),
        (any(title.endswith(verb, 0, i) for verb in _VERBS), 3.0),
        (before == "年" and i >= 2 and title[i - 2].isdigit(), 3.0),
        (title.endswith("关于", 0, i) and i == 2, 4.0),
        (after.isdigit() or any(title.endswith(word, 0, i) for word in _PHRASE_ENDS), 4.0),
    )
    return next((cost for applies, cost in rules if applies), 8.0)  # 8: inside a phrase, may split a word


def _break_costs(title: str) -> dict[int, float]:
    """Where a title may break (index i = between title[i-1] and title[i]) and how much each break costs: 0 at a
    space or before 关于, more inside a phrase, much more inside a quoted name, and no break at all inside a number,
    before closing or after opening punctuation, or between a number and its unit (2024年)."""
    genre = _GENRE_TAIL.search(title)
    genre_start = genre.start() if genre else -1
    costs: dict[int, float] = {}
    depth = 0  # inside “…” or 《…》 before title[i]
    for i in range(1, len(title)):
        char = title[i - 1]
        if char in "“《「『‘（(":
            depth += 1
        elif char in "”》」』’）)" and depth:
            depth -= 1
        cost = _base_cost(title, i, genre_start)
        if cost is None:
            continue
        if title[i] in _LINE_START_PARTICLES and i != genre_start:
            cost += 10.0  # a line does not start with a particle
        if depth > 0:
            cost += 25.0  # inside a quoted name
        costs[i] = cost
    return costs


@lru_cache(maxsize=256)
def _balanced(title: str, max_em: float) -> tuple[str, ...]:
    """The lines minimising spread + 4 x break costs + 12 per space left inside a line, over the fewest line counts
    that fit (dynamic programming over break positions: the mean width is fixed for a given number of lines)."""
    total = text_width_em(title)
    if total <= max_em:
        return (title,)
    costs = _break_costs(title)
    cuts = [0, *sorted(costs), len(title)]
    for count in range(max(2, math.ceil(total / max_em)), TITLE_MAX_LINES + 1):
        mean = total / count
        # best[j][b]: (score, previous cut index) for j lines covering title[:cuts[b]]
        best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
        for _line in range(count):
            row: dict[int, tuple[float, int]] = {}
            for a, (score_a, _prev) in best[-1].items():
                for b in range(a + 1, len(cuts)):
                    line = title[cuts[a] : cuts[b]].strip()
                    width = text_width_em(line)
                    if width > max_em:
                        break
                    if width < 2:  # never a lone character on a line
                        continue
                    score = score_a + (width - mean) ** 2 / count + 12 * line.count(" ")
                    if b < len(cuts) - 1:
                        score += 4 * costs[cuts[b]]
                    if b not in row or score < row[b][0]:
                        row[b] = (score, a)
            best.append(row)
        end = len(cuts) - 1
        if end in best[count]:
            lines = []
            for j in range(count, 0, -1):
                a = best[j][end][1]
                lines.append(title[cuts[a] : cuts[end]].strip())
                end = a
            return tuple(reversed(lines))
    return (title,)  # no acceptable break: let the renderer wrap


def balanced_title_lines(title: str, max_em: float = TITLE_MAX_EM) -> list[str]:
    """A long title split into 2-4 lines of near-equal width at natural breaks (before 关于, before 的通知, at
    punctuation and quotes, after 关于开展…), never with a single character on a line; a title that fits stays one
    line."""
    title = " ".join(title.split())
    return list(_balanced(title, max_em)) if title else []


# --- Signature (署名) and seal -------------------------------------------------------------------------------------

SIGN_RIGHT_SPACE_EM = 4  # 成文日期右空四字


def signature_centred_on_date(name: str, date_text: str) -> bool:
    """Whether the 署名 can stand centred over the 成文日期 (GB/T 9704 7.3.5.1) without running past the right edge
    of the text; a longer name is right-aligned instead."""
    date_centre_from_right = SIGN_RIGHT_SPACE_EM + text_width_em(date_text) / 2
    return text_width_em(name) / 2 <= date_centre_from_right


# --- The authority as it was at issue ------------------------------------------------------------------------------

# The reserved key of an issued record's snapshot holding its authority's name, header, code and seal file at issue
# (services.issue). Seal files are never deleted (seals.set_seal), so the paper renders the same whenever it is
# rendered again, whatever seal or header the authority has since.
AUTHORITY_KEY = "_authority"


@dataclass(frozen=True)
class AuthorityAtIssue:
    """What the templates read of an authority (``authority.name`` / ``.header`` / ``.code``), frozen at issue."""

    pk: int | None
    name: str
    header: str
    code: str
    seal_name: str

    @property
    def seal(self) -> str:
        return self.seal_name


def authority_snapshot(authority: IssuingAuthority) -> dict[str, Any]:
    return {
        "id": authority.pk,
        "name": authority.name,
        "header": authority.header,
        "code": authority.code,
        "seal": authority.seal.name if authority.seal else "",
    }


def authority_at_issue(document: GeneratedDocument) -> AuthorityAtIssue | None:
    """The authority as stored by the issued record the document belongs to, or None (a preview, a document of a
    record issued before this was stored, a document of no issued record)."""
    if document.is_preview or document.source_type_id is None:
        return None
    source = document.source
    stored = (getattr(source, "snapshot", None) or {}).get(AUTHORITY_KEY) if source is not None else None
    if not isinstance(stored, dict):
        return None
    return AuthorityAtIssue(
        pk=stored.get("id"),
        name=str(stored.get("name", "")),
        header=str(stored.get("header", "")),
        code=str(stored.get("code", "")),
        seal_name=str(stored.get("seal", "")),
    )


def _seal_file_uri(authority_pk: int | None, name: str) -> str:
    storage = IssuingAuthority._meta.get_field("seal").storage
    try:
        with storage.open(name, "rb") as handle:
            data = handle.read()
    except OSError:
        logger.error("seal of authority %s missing from storage: %s", authority_pk, name)
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def seal_data_uri(document: GeneratedDocument, at_issue: AuthorityAtIssue | None = None) -> str:
    """The issuing authority's electronic seal as a data: URI, for issued documents only (a preview never carries
    it): the seal file stored with the record at issue, else (records issued before it was stored) the authority's
    current one. The seal is stored outside the folder the renderer may read, so it reaches the PDF only this way."""
    if document.is_preview:
        return ""
    if at_issue is not None:
        return _seal_file_uri(at_issue.pk, at_issue.seal_name) if at_issue.seal_name else ""
    authority = document.authority
    if authority is None or not getattr(authority, "seal", None):
        return ""
    return _seal_file_uri(authority.pk, authority.seal.name or "")


def engine_context(document: GeneratedDocument) -> dict[str, Any]:
    url = verify_url(document)
    at_issue = authority_at_issue(document)
    authority: IssuingAuthority | AuthorityAtIssue | None = at_issue or document.authority
    header = authority.header if authority else ""
    return {
        "masthead_size": masthead_size_pt(header),
        "document": document,
        "title": document.title,
        "title_lines": balanced_title_lines(document.title),
        "number": document.number,
        "authority": authority,
        "stylesheet_url": static_file_url("documents/official.css"),
        "verify_url": url,
        "qr_svg": qr_svg(url) if url else "",
        "seal_uri": seal_data_uri(document, at_issue),
    }
