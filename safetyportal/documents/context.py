"""What every document template receives from the engine: stylesheet, title, number, authority, QR code."""

from __future__ import annotations

from datetime import date
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse

from .models import GeneratedDocument
from .rendering import static_file_url


def verify_url(document: GeneratedDocument) -> str:
    if not document.verify_token:
        return ""
    return settings.SITE_URL + reverse("verify", args=[document.verify_token])


def qr_svg(url: str) -> str:
    """An inline SVG QR code (vector, no image fetch)."""
    return segno.make(url, error="m").svg_inline(scale=3)


def chinese_date(value: date) -> str:
    """A date as official documents write it: 2024年6月16日 (no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


TEXT_WIDTH_MM = 156  # A4 less the 28 mm and 26 mm side margins of GB/T 9704


def masthead_size_pt(header: str) -> float:
    """The masthead fills at most the text width on one line, and never exceeds 22 mm per character."""
    per_char_mm = min(22.0, TEXT_WIDTH_MM / max(len(header), 1) * 0.92)
    return round(per_char_mm * 2.835, 1)


def engine_context(document: GeneratedDocument) -> dict[str, Any]:
    url = verify_url(document)
    header = document.authority.header if document.authority else ""
    return {
        "masthead_size": masthead_size_pt(header),
        "document": document,
        "title": document.title,
        "number": document.number,
        "authority": document.authority,
        "stylesheet_url": static_file_url("documents/official.css"),
        "verify_url": url,
        "qr_svg": qr_svg(url) if url else "",
    }
