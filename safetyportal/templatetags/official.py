"""Template filters for official documents (templates/documents/, the apps' *_pdf.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from safetyportal.documents.context import balanced_title_lines, signature_centred_on_date

register = template.Library()


def heading_parts(text: str) -> tuple[str, str]:
    """A heading paragraph split into its heading and the body text run in after it: "（一）领导重视。区委…" gives
    ("（一）领导重视。", "区委…"); a paragraph that is all heading gives (text, "")."""
    stop = text.find("。")
    if 0 <= stop < len(text) - 1:
        return text[: stop + 1], text[stop + 1 :]
    return text, ""


@register.filter
def official_paragraph(paragraph: Any) -> SafeString:
    """A body paragraph's HTML: for a heading (一、 level 1, （一） level 2) the heading in <span class="head"> and the
    text run in after it in <span class="run-in">, so that only the heading takes the 黑体 or 楷体 face."""
    level = getattr(paragraph, "level", 0)
    text = getattr(paragraph, "text", paragraph)
    if level not in (1, 2):
        return conditional_escape(text)
    head, rest = heading_parts(str(text))
    if not rest:
        return format_html('<span class="head">{}</span>', head)
    return format_html('<span class="head">{}</span><span class="run-in">{}</span>', head, rest)


@register.filter
def title_lines(title: str) -> list[str]:
    return balanced_title_lines(str(title))


@register.filter
def sign_centred(name: str, date_text: str) -> bool:
    return signature_centred_on_date(str(name), str(date_text))
