"""What the renderer does for speed gives the same PDF (the speed itself: ``make bench``): streams compressed at zlib's
default level, array declarations remembered."""

from __future__ import annotations

import re
import zlib

import pytest

from safetyportal.documents import rendering
from safetyportal.documents.rendering import FONT_SANS, FONT_SERIF, render_html_to_pdf


def html(text: str) -> str:
    return (
        f'<html lang="zh-CN"><body style="font-family: \'{FONT_SERIF}\'"><p>{text}</p><b>关于开展{text}的通知</b>'
        f"<h2 style=\"font-family: '{FONT_SANS}'\">一、{text}</h2></body></html>"
    )


def without_dates(pdf: bytes) -> bytes:
    return re.sub(rb"/(CreationDate|ModDate) \(.*?\)|/ID \[.*?\]", b"", pdf)


def decompressed_streams(pdf: bytes) -> list[bytes]:
    """Every stream but the cross-reference stream (byte offsets, which the compressed sizes change)."""
    found = re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    return [zlib.decompress(m.group(1)) for m in found if b"/XRef" not in pdf[max(0, m.start() - 300) : m.start()]]


def test_streams_at_the_default_level_hold_the_same_content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendering, "pdf_compression_level", 9)  # pydyf's own level
    level_9 = render_html_to_pdf(html("安全生产月")).data
    monkeypatch.setattr(rendering, "pdf_compression_level", 6)
    level_6 = render_html_to_pdf(html("安全生产月")).data
    streams = decompressed_streams(level_9)
    assert len(streams) > 5 and decompressed_streams(level_6) == streams
    assert abs(len(level_6) - len(level_9)) < 0.02 * len(level_9)


def test_array_declarations_are_remembered_and_only_arrays_are_rewritten() -> None:
    assert rendering._array_declaration("hb_codepoint_t[12]") == ("hb_codepoint_t[]", 12)
    assert rendering._array_declaration("PangoRectangle *") is None
    assert rendering._array_declarations["PangoRectangle *"] is None
    assert rendering._array_declaration("unsigned int [3]") == ("unsigned int[]", 3)
