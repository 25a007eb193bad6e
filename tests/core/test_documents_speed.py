"""What the renderer does for speed gives the same PDF (the speed itself: ``make bench``): HarfBuzz subsetting from a
face preprocessed once per process, streams compressed at zlib's default level, array declarations remembered."""

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


def render(text: str, *, preprocess: bool, monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setattr(rendering, "subset_preprocess", preprocess)
    return without_dates(render_html_to_pdf(html(text)).data)


def without_dates(pdf: bytes) -> bytes:
    return re.sub(rb"/(CreationDate|ModDate) \(.*?\)|/ID \[.*?\]", b"", pdf)


def decompressed_streams(pdf: bytes) -> list[bytes]:
    """Every stream but the cross-reference stream (byte offsets, which the compressed sizes change)."""
    found = re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    return [zlib.decompress(m.group(1)) for m in found if b"/XRef" not in pdf[max(0, m.start() - 300) : m.start()]]


@pytest.mark.parametrize("text", ["安全生产月", "畅通生命通道，人人讲安全、个个会应急"])
def test_a_preprocessed_face_gives_the_same_pdf_for_any_glyph_set(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = render(text, preprocess=False, monkeypatch=monkeypatch)
    after = render(text, preprocess=True, monkeypatch=monkeypatch)
    assert after == before
    assert rendering._preprocess(), "HarfBuzz >= 6.0 (hb_subset_preprocess) is what the deployment installs"
    assert len(rendering._preprocessed) >= 3  # serif, serif bold, sans: one preprocessed face each, kept
    # the once-per-process check of the single-pass subset against WeasyPrint's own two passes (from Pango's face)
    render(text, preprocess=True, monkeypatch=monkeypatch)
    assert rendering._same_as_weasyprint and all(rendering._same_as_weasyprint.values())


def test_faces_are_preprocessed_once_and_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    render("预热", preprocess=True, monkeypatch=monkeypatch)
    kept = dict(rendering._preprocessed)
    render("另一份文件的文字", preprocess=True, monkeypatch=monkeypatch)
    assert rendering._preprocessed == kept  # same faces, same preprocessed copies: nothing made again


def test_beyond_the_cap_a_face_is_subset_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendering, "PREPROCESSED_FACES", 0)
    monkeypatch.setattr(rendering, "_preprocessed", {})
    before = render("上限", preprocess=False, monkeypatch=monkeypatch)
    assert render("上限", preprocess=True, monkeypatch=monkeypatch) == before
    assert rendering._preprocessed == {}


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
