"""The renderer's memory policy frees what a render leaves in reference cycles (not timed: see ``make bench``)."""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable

import pytest

from safetyportal.documents import rendering
from safetyportal.documents.rendering import FONT_SERIF, render_html_to_pdf, render_memory_scope

HTML = f'<html lang="zh-CN"><body style="font-family: \'{FONT_SERIF}\'"><p>安全生产月</p><b>通知</b></body></html>'


def cyclic_garbage_after(render: Callable[[], object]) -> int:
    """Render, then count the unreachable objects a full collection finds: what the render left in cycles."""
    gc.collect()
    render()
    return gc.collect()


UsePolicy = Callable[[str], None]


@pytest.fixture
def policy(monkeypatch: pytest.MonkeyPatch) -> UsePolicy:
    def use(name: str) -> None:
        monkeypatch.setattr(rendering, "memory_policy", name)

    return use


def test_a_render_leaves_cycles_that_reference_counting_alone_does_not_free(policy: UsePolicy) -> None:
    """The premise: without a collection a render leaves its boxes, styles and layouts in cycles."""
    policy("off")
    gc.disable()
    try:
        assert cyclic_garbage_after(lambda: render_html_to_pdf(HTML)) > 500
    finally:
        gc.enable()


def test_the_production_policy_frees_every_render_and_turns_gc_back_on(policy: UsePolicy) -> None:
    policy("young")
    render_html_to_pdf(HTML)  # the first render of a process also fills caches
    for _ in range(3):
        assert cyclic_garbage_after(lambda: render_html_to_pdf(HTML)) < 100  # ~1,100 without a policy
        assert gc.isenabled()


def test_a_failed_render_turns_gc_back_on(policy: UsePolicy) -> None:
    policy("young")
    with pytest.raises(ValueError), render_memory_scope():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_gc_comes_back_when_the_last_of_concurrent_renders_ends(policy: UsePolicy) -> None:
    policy("young")
    inner_started, outer_may_end = threading.Event(), threading.Event()

    def other_render() -> None:
        with render_memory_scope():
            inner_started.set()
            outer_may_end.wait(10)

    with render_memory_scope():
        thread = threading.Thread(target=other_render)
        thread.start()
        inner_started.wait(10)
    assert not gc.isenabled()  # the other thread still renders
    outer_may_end.set()
    thread.join(10)
    assert gc.isenabled()


def test_the_safety_net_runs_a_full_collection_once_rss_has_grown(
    policy: UsePolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy("young")
    readings = iter([500.0, 520.0, 500.0 + rendering.FULL_COLLECT_GROWTH_MB + 1, 580.0, 580.0])
    monkeypatch.setattr(rendering, "rss_mb", lambda: next(readings))
    monkeypatch.setattr(rendering, "_rss_after_full_collect_mb", None)
    before = rendering.full_collections
    with render_memory_scope():  # first render: sets the reference level (500)
        pass
    with render_memory_scope():  # +20 MB: nothing more
        pass
    assert rendering.full_collections == before
    with render_memory_scope():  # past the threshold: one full collection, new reference read after it (580)
        pass
    assert rendering.full_collections == before + 1
    with render_memory_scope():  # 580 again: nothing more
        pass
    assert rendering.full_collections == before + 1


def test_font_files_are_read_once_per_process_and_the_pdf_is_the_same(
    policy: UsePolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint copies each face's whole font file per render; the renderer keeps one copy per process."""
    policy("young")
    cached = render_html_to_pdf(HTML)
    assert rendering._font_files, "the Noto CJK file of the page was not kept"
    assert all(size >= rendering.FONT_FILE_CACHE_MIN_BYTES for _pointer, size in rendering._font_files)
    assert len(rendering._font_files) <= rendering.FONT_FILE_CACHE_ENTRIES
    monkeypatch.setattr(rendering, "font_file_cache", False)  # WeasyPrint's own copy at every render
    uncached = render_html_to_pdf(HTML)
    assert without_dates(cached.data) == without_dates(uncached.data)


def without_dates(pdf: bytes) -> bytes:
    return re.sub(rb"/(CreationDate|ModDate) \(.*?\)|/ID \[.*?\]", b"", pdf)


def test_array_types_are_parsed_once_whatever_the_glyph_count(
    policy: UsePolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each document's glyph lists have their own length; cffi would parse a new type string for each."""
    from weasyprint.text.ffi import ffi

    policy("young")
    render_html_to_pdf(HTML)
    parsed = len(ffi._parsed_types)
    other = HTML.replace("安全生产月", "隐患排查治理专项行动方案")
    reused = render_html_to_pdf(other)
    assert len(ffi._parsed_types) == parsed
    monkeypatch.setattr(rendering, "array_type_reuse", False)
    parsed_each_time = render_html_to_pdf(other)
    assert without_dates(reused.data) == without_dates(parsed_each_time.data)


def test_one_subsetting_pass_gives_the_font_weasyprint_makes_in_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each CFF face is checked once against WeasyPrint's own two passes; the PDF is the same either way."""
    html = HTML.replace(
        "<b>通知</b>", f"<b>通知</b><h1 style=\"font-family: '{rendering.FONT_SANS}'\">一、总体要求</h1>"
    )
    monkeypatch.setattr(rendering, "_same_as_weasyprint", {})
    monkeypatch.setattr(rendering, "_seen_faces", set())
    unchecked = render_html_to_pdf(html)  # a face's first use: one pass, not checked yet
    assert not rendering._same_as_weasyprint
    first = render_html_to_pdf(html)  # its second: checked
    assert rendering._same_as_weasyprint and all(rendering._same_as_weasyprint.values())
    single = render_html_to_pdf(html)
    monkeypatch.setattr(rendering, "single_pass_subset", False)
    double = render_html_to_pdf(html)
    assert without_dates(unchecked.data) == without_dates(first.data) == without_dates(single.data)
    assert without_dates(single.data) == without_dates(double.data)


def test_a_face_whose_font_differs_keeps_weasyprint_s_subsetting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendering, "_same_as_weasyprint", {})
    monkeypatch.setattr(rendering, "_seen_faces", set())
    render_html_to_pdf(HTML)  # first use
    monkeypatch.setattr(rendering, "_subset", lambda font, to_unicode, hinting: b"not the same font")
    checked = render_html_to_pdf(HTML)  # second use: compared with WeasyPrint's, whose font is the one used
    assert rendering._same_as_weasyprint and not any(rendering._same_as_weasyprint.values())
    again = render_html_to_pdf(HTML)  # WeasyPrint's own method from now on
    assert without_dates(checked.data) == without_dates(again.data)
