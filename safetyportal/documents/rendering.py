"""HTML to PDF with WeasyPrint: fonts named explicitly, HarfBuzz subsetting, no embedded files, memory released."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

FONT_SERIF = "Noto Serif CJK SC"
FONT_SANS = "Noto Sans CJK SC"

Progress = Callable[[int], None]


class RenderError(Exception):
    """A permanent rendering failure, with a message for the user."""


@dataclass
class RenderedPDF:
    data: bytes
    page_count: int
    refused_urls: list[str] = field(default_factory=list)


_font_config = None


def font_configuration():  # type: ignore[no-untyped-def]
    """One WeasyPrint FontConfiguration per process: each new one leaks ~0.2 MB of C memory."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def _malloc_trim() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def warm_up() -> None:
    """Import WeasyPrint and render a tiny document in both fonts, then freeze the surviving objects so later
    collections skip them. Run in the worker before it forks its children (safetyportal/celery.py)."""
    render_html_to_pdf(
        f'<html lang="zh-CN"><body style="font-family: \'{FONT_SERIF}\'"><p>预热</p><b>预热</b></body></html>'
    )
    gc.collect()
    gc.freeze()


def harfbuzz_subsetting() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (libharfbuzz-subset0) rather than pure-Python fontTools."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def static_file_url(path: str) -> str:
    """A file: URL for a project static file, which the safe fetcher allows."""
    found = finders.find(path)
    if not found:
        raise RenderError(f"static file not found: {path}")
    from pathlib import Path

    return Path(found).resolve().as_uri()


def _drop_embedded_files(document: Any, pdf: Any) -> None:
    """Finisher: whatever the HTML said, the PDF carries no embedded files."""
    names = pdf.catalog.get("Names")
    if names is not None and "EmbeddedFiles" in names:
        del names["EmbeddedFiles"]


_EMBEDDED = re.compile(rb"/EmbeddedFiles?\b|/EmbeddedFile\b")


def render_template_to_pdf(
    template_name: str, context: dict[str, Any], progress: Progress | None = None
) -> RenderedPDF:
    html = render_to_string(template_name, context)
    return render_html_to_pdf(html, progress=progress)


def render_html_to_pdf(html: str, progress: Progress | None = None) -> RenderedPDF:
    from weasyprint import HTML

    from .fetcher import SafeURLFetcher

    report = progress or (lambda _percent: None)
    fetcher = SafeURLFetcher()
    try:
        report(30)
        document = HTML(string=html, base_url="file:///nonexistent/", url_fetcher=fetcher).render(
            font_config=font_configuration()
        )
        report(80)
        data = document.write_pdf(finisher=_drop_embedded_files, attachments=[])
        page_count = len(document.pages)
        del document
    finally:
        # WeasyPrint keeps the CJK font collections in cyclic structures: free them now, not at some later GC,
        # then hand the freed heap back to the system (glibc keeps it otherwise: ~70 MB over 100 renders).
        gc.collect()
        _malloc_trim()
    if _EMBEDDED.search(data):
        raise RenderError("rendered PDF carries embedded files")
    report(95)
    return RenderedPDF(data=data, page_count=page_count, refused_urls=list(fetcher.refused))
