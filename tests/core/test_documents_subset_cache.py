"""HarfBuzz subsetting from a face preprocessed once per process gives the same PDF (speed: ``make bench``)."""

from __future__ import annotations

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
    return render_html_to_pdf(html(text)).data


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
