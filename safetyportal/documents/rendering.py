"""HTML to PDF with WeasyPrint: fonts named explicitly, HarfBuzz subsetting, no embedded files, memory released."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

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


# --- Loading WeasyPrint ------------------------------------------------------------------------------------------
#
# WeasyPrint looks for each of its seven C libraries under several names (libpango-1.0-0, pango-1.0-0, pango-1.0,
# libpango-1.0.so.0, ...). For every name that is not a file the loader knows, cffi calls ctypes.util.find_library,
# which on Linux runs `/sbin/ldconfig -p` and, when that lists nothing, gcc and ld: 22 lookups, 16 of them misses,
# some 50 processes started for one `import weasyprint` (0.1-0.3 s of its 0.4 s where gcc is installed). While
# WeasyPrint is imported here, find_library answers from one `ldconfig -p` listing, as its own first step does; a
# library that ldconfig does not list is still found by the file name cffi passes to the loader (LD_LIBRARY_PATH
# included), and if WeasyPrint still finds nothing the import is retried with the standard lookup.

_LDCONFIG = "/sbin/ldconfig"


def _ldconfig_listing() -> bytes | None:
    if not sys.platform.startswith("linux") or not os.path.exists(_LDCONFIG):
        return None
    try:
        done = subprocess.run(  # noqa: S603  (a fixed command, as ctypes.util runs it)
            [_LDCONFIG, "-p"], capture_output=True, env={"LC_ALL": "C", "LANG": "C"}, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _abi_type() -> str:
    """The architecture tag ldconfig prints, as ctypes.util._findSoname_ldconfig computes it."""
    import struct

    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    tags = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit"}
    tags |= {"s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}
    return tags.get(machine, "libc6")


def load_weasyprint() -> None:
    """Import WeasyPrint (see above). Every import of it in the project goes through here first."""
    if "weasyprint" in sys.modules:
        return
    import ctypes.util

    listing = _ldconfig_listing()
    if listing is None:
        import weasyprint

        return
    abi = re.escape(_abi_type())
    standard = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), listing)
        return os.fsdecode(found.group(1)) if found else None

    ctypes.util.find_library = find_library
    try:
        import weasyprint
    except OSError:  # a library only gcc or ld can find: WeasyPrint's own lookup
        ctypes.util.find_library = standard
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = standard


_font_config: FontConfiguration | None = None


def font_configuration() -> FontConfiguration:
    """One WeasyPrint FontConfiguration per process: each new one leaks ~0.2 MB of C memory."""
    global _font_config
    if _font_config is None:
        load_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


# --- Memory policy ------------------------------------------------------------------------------------------------
#
# A render leaves its garbage in reference cycles (boxes, styles, Pango layouts, WeasyPrint's Font objects), so
# reference counting alone frees little of it and a worker grows until the automatic collector catches up (~90 MB per
# notice while each Font also held its own copy of a font file; see the font file cache below). A full gc.collect()
# after each render frees it but walks every object of the Django process (~200,000: 50-80 ms, a quarter of a warm
# notice).
#
# Instead, automatic collection is paused while WeasyPrint works, so every object the render allocates stays in the
# youngest generation, and one gc.collect(0) at the end examines only those: it finds all of the render's cycles
# (none of them has been promoted) at the cost of the render's own survivors, not of the whole process. Pausing
# also saves the automatic full collections a long render would trigger as its boxes pile up (a 20-page report:
# several walks of a growing heap). glibc then gets the freed heap back from malloc_trim(0).
#
# Safety net: garbage the young collection cannot see (a cycle through an object older than the render, or promoted
# by a gc.collect() someone called during the render) would make RSS creep; when RSS has grown by
# FULL_COLLECT_GROWTH_MB since the last full collection, one full collection runs. It is measured in ``make bench``
# (memory rows) and tested in tests/core/test_documents_memory.py.

MEMORY_POLICIES = ("young", "full", "off")
# "young": the policy above. "full": the former one, gc.collect() + malloc_trim(0) after every render (the benchmark
# compares the two in one run). "off": no collection at all, automatic GC only (the benchmark's counterfactual).
memory_policy = "young"
FULL_COLLECT_GROWTH_MB = 64.0

_pause_lock = threading.Lock()
_paused_renders = 0
_gc_was_enabled = True
_rss_after_full_collect_mb: float | None = None
full_collections = 0  # how many times the safety net ran in this process (tests and benchmark notes)


_libc: Any = None


def _malloc_trim() -> None:
    global _libc
    try:
        if _libc is None:
            import ctypes

            _libc = ctypes.CDLL("libc.so.6")
        _libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


_PAGE_MB: float | None = None


def rss_mb() -> float | None:
    """Resident memory of this process in MB (Linux), None where /proc is not available."""
    global _PAGE_MB
    try:
        if _PAGE_MB is None:
            _PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_MB
    except (OSError, ValueError, IndexError):
        return None


def _full_collect() -> None:
    global _rss_after_full_collect_mb, full_collections
    gc.collect()
    _malloc_trim()
    full_collections += 1
    _rss_after_full_collect_mb = rss_mb()


def _check_growth() -> None:
    """The safety net: a full collection once RSS has grown by FULL_COLLECT_GROWTH_MB since the last one (the first
    render of a process only sets the reference level)."""
    global _rss_after_full_collect_mb
    rss = rss_mb()
    if rss is None:
        return
    if _rss_after_full_collect_mb is None:
        _rss_after_full_collect_mb = rss
    elif rss - _rss_after_full_collect_mb > FULL_COLLECT_GROWTH_MB:
        _full_collect()


@contextmanager
def render_memory_scope() -> Iterator[None]:
    """Wrap one render: pause automatic collection, then free what the render left behind (see above)."""
    global _paused_renders, _gc_was_enabled
    policy = memory_policy
    if policy != "young":
        try:
            yield
        finally:
            if policy == "full":
                gc.collect()
                _malloc_trim()
        return

    with _pause_lock:  # renders in several threads: GC comes back on when the last one ends
        if _paused_renders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _paused_renders += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused_renders -= 1
            last = _paused_renders == 0
        if last:  # a render still running in another thread keeps GC paused: the last one to end collects for all
            gc.collect(0)
            if _gc_was_enabled:
                gc.enable()
        _malloc_trim()
        _check_growth()


# --- Font files read once per process --------------------------------------------------------------------------
#
# For every face a document uses, WeasyPrint copies the whole font file into a bytes object (Font.__init__:
# get_hb_object_data(face)) and, with HarfBuzz subsetting, never reads it: the subset replaces it before it is used.
# For Noto CJK that is 19-27 MB per face and per render (44 ms of a three-face notice, and the bulk of the garbage a
# render leaves). The copy is kept per process instead, keyed by the address and length of HarfBuzz's blob of the
# file, and the blob is referenced by the cache so that its address cannot be reused by another one. Only blobs of
# FONT_FILE_CACHE_MIN_BYTES or more are kept (font files; the subsets WeasyPrint reads back are far smaller). The
# worker's parent fills it in warm_up(): its children share those pages.

font_file_cache = True  # False: WeasyPrint's own copy per render (the benchmark's "former" renders, tests)
FONT_FILE_CACHE_MIN_BYTES = 4 * 1024 * 1024
FONT_FILE_CACHE_ENTRIES = 6
_font_files: dict[tuple[Any, int], tuple[bytes, Any]] = {}  # (blob data pointer, size): (copy, blob reference)
_font_files_lock = threading.Lock()


def _install_font_file_cache() -> None:
    from weasyprint.pdf import fonts as pdf_fonts

    original = pdf_fonts.get_hb_object_data
    if getattr(original, "portal_cached", False):
        return
    from weasyprint.text.ffi import ffi, harfbuzz

    def get_hb_object_data(hb_object: Any, ot_color: str | None = None, glyph: int | None = None) -> bytes | None:
        if ot_color is not None or glyph is not None or not font_file_cache:
            return original(hb_object, ot_color, glyph)
        blob = harfbuzz.hb_face_reference_blob(hb_object)
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        size = int(length[0])
        if data == ffi.NULL or size < FONT_FILE_CACHE_MIN_BYTES:
            content = None if data == ffi.NULL else ffi.unpack(data, size)
            harfbuzz.hb_blob_destroy(blob)
            return content
        key = (data, size)  # cffi pointers compare and hash by address
        with _font_files_lock:
            cached = _font_files.get(key)
            if cached is not None:
                harfbuzz.hb_blob_destroy(blob)  # the cache holds its own reference
                return cached[0]
            content = ffi.unpack(data, size)
            if len(_font_files) >= FONT_FILE_CACHE_ENTRIES:
                _old_content, old_blob = _font_files.pop(next(iter(_font_files)))
                harfbuzz.hb_blob_destroy(old_blob)
            _font_files[key] = (content, blob)
            return content

    get_hb_object_data.portal_cached = True  # type: ignore[attr-defined]  # a marker on the function object
    pdf_fonts.get_hb_object_data = get_hb_object_data


# --- C array types parsed once ----------------------------------------------------------------------------------
#
# WeasyPrint allocates the glyph lists it hands to HarfBuzz as ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs):
# cffi parses every new type string with pycparser (4-10 ms each) and keeps it forever, and the length differs with
# every document and face, so nearly every render parsed six new strings (25-45 ms) and the cache grew without end.
# An array whose length is given and fully initialised (or not initialised) is the same array allocated from the
# open type "T[]", which is parsed once.

array_type_reuse = True  # False: WeasyPrint's own type strings (the benchmark's "former" renders, tests)
_ARRAY_DECLARATION = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*\[(\d+)\]\s*")


# ffi.new is called ~30,000 times in a 20-page report (every Pango rectangle and pointer): the declarations seen are
# remembered, so that most calls cost a dict lookup instead of a regular expression match.
_ARRAY_DECLARATIONS_KEPT = 2048
_array_declarations: dict[str, tuple[str, int] | None] = {}


def _array_declaration(cdecl: str) -> tuple[str, int] | None:
    """("T[]", n) for "T[n]", None for any other declaration."""
    try:
        return _array_declarations[cdecl]
    except KeyError:
        pass
    match = _ARRAY_DECLARATION.fullmatch(cdecl)
    array = (f"{match.group(1)}[]", int(match.group(2))) if match else None
    if len(_array_declarations) < _ARRAY_DECLARATIONS_KEPT:
        _array_declarations[cdecl] = array
    return array


def _install_array_type_reuse() -> None:
    from weasyprint.text.ffi import ffi

    original = ffi.new
    if getattr(original, "portal_arrays", False):
        return

    def new(cdecl: Any, init: Any = None) -> Any:
        if array_type_reuse and isinstance(cdecl, str):
            array = _array_declaration(cdecl)
            if array is not None:
                open_type, length = array
                if init is None:
                    return original(open_type, length)
                if isinstance(init, list | tuple) and len(init) == length:
                    return original(open_type, init)
        return original(cdecl, init)

    new.portal_arrays = True  # type: ignore[attr-defined]
    ffi.new = new


# --- One subsetting pass where one gives the same font ------------------------------------------------------------
#
# HarfBuzz subsetting is about half of a warm notice (three faces). WeasyPrint 70 subsets each face twice
# (Font._harfbuzz_subset): once keeping the glyph ids of the used glyphs, then again keeping ids 0..max(used) to drop
# the glyphs after the last one used, and only that second pass removes the hinting. For a CFF face (Noto CJK) whose
# first pass already ends at the last used glyph, the second pass rebuilds the same font: removing the hinting in the
# first pass gives it byte for byte in one pass (25-40 ms less per face). When the first pass keeps more glyphs, the
# second runs as WeasyPrint's does. Either way the result is a HarfBuzz subset with every used glyph at its id.
# Each face is also checked once per process against WeasyPrint's own two passes, at its second use (so that a fresh
# process's first document does not wait for it), and a face whose font differs keeps WeasyPrint's method from then
# on. The worker's warm-up checks the faces it uses before the pool forks. Installed for the WeasyPrint version it
# was checked with only.

single_pass_subset = True  # False: WeasyPrint's own two passes (the benchmark's "former" renders, tests)
_SUBSET_CHECKED_WITH = "70.0"
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")
_same_as_weasyprint: dict[tuple[str, bool], bool] = {}  # (face hash, hinting): our font proved identical to its own
_seen_faces: set[tuple[str, bool]] = set()


def _subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> bytes | None:
    """WeasyPrint 70's Font._harfbuzz_subset with the hinting removed in the first pass, and the second pass only
    when the first did not end at the last used glyph. None if HarfBuzz fails (WeasyPrint's method then logs it)."""
    from weasyprint.pdf import fonts as pdf_fonts
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    subset_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    glyphs = sorted(to_unicode)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_glyph_set(subset_input), ffi.new("hb_codepoint_t[]", glyphs), len(glyphs)
    )
    flags = harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags | harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS)
    dropped = sorted(harfbuzz.hb_tag_from_string(name, -1) for name in _DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_set(subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
        ffi.new("hb_codepoint_t[]", dropped),
        len(dropped),
    )
    face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(font.hb_face, subset_input), harfbuzz.hb_face_destroy)
    if not face:
        return None
    last = max(to_unicode)
    if harfbuzz.hb_face_get_glyph_count(face) != last + 1:  # WeasyPrint's second pass, as it runs it
        keep = tuple(range(last + 1))
        harfbuzz.hb_set_add_sorted_array(
            harfbuzz_subset.hb_subset_input_glyph_set(subset_input), ffi.new("hb_codepoint_t[]", keep), len(keep)
        )
        harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
        face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(face, subset_input), harfbuzz.hb_face_destroy)
        if not face:
            return None
    return pdf_fonts.get_hb_object_data(face) or None


def _install_single_pass_subset() -> None:
    import weasyprint
    from weasyprint.pdf import fonts as pdf_fonts

    original = pdf_fonts.Font._harfbuzz_subset
    if getattr(original, "portal_single_pass", False) or weasyprint.__version__ != _SUBSET_CHECKED_WITH:
        return

    def _harfbuzz_subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
        key = (font.hash, bool(hinting))
        if not single_pass_subset or "CFF " not in font.tables or _same_as_weasyprint.get(key) is False:
            return original(font, to_unicode, hinting)
        content = _subset(font, to_unicode, hinting)
        if content is None:
            return original(font, to_unicode, hinting)
        if key not in _seen_faces:  # a process's first document does not wait for the check: the next one runs it
            _seen_faces.add(key)
        elif key not in _same_as_weasyprint:  # the check: WeasyPrint's own result is the one used
            original(font, to_unicode, hinting)
            _same_as_weasyprint[key] = font.file_content == content
            return None
        font.file_content = content
        return None

    _harfbuzz_subset.portal_single_pass = True  # type: ignore[attr-defined]
    pdf_fonts.Font._harfbuzz_subset = _harfbuzz_subset


# --- PDF streams compressed at zlib's default level -------------------------------------------------------------
#
# pydyf compresses every stream at level 9. Most of a document's stream bytes are the subset fonts (2 MB for a notice,
# RETAIN_GIDS keeps ~63,000 mostly empty glyph entries per face), where level 9 searches long match chains for almost
# nothing: level 6 (zlib's default) compresses the notice's streams in 0.68x the time, and the PDF is 1 KB larger
# (0.5 KB more on the notice; the 21-page report 558 KB instead of 555). The content is the same (text, layout, fonts).

pdf_compression_level = 6  # 9: pydyf's own level (the benchmark's "former" renders, tests)


class _PydyfZlib:
    """The zlib module as pydyf sees it, with compressobj() at ``pdf_compression_level``."""

    def __getattr__(self, name: str) -> Any:
        import zlib

        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        import zlib

        return zlib.compressobj(pdf_compression_level if level == 9 else level, *args, **kwargs)


def _install_compression_level() -> None:
    import pydyf  # type: ignore[import-untyped]

    if not isinstance(getattr(pydyf, "zlib", None), _PydyfZlib):
        pydyf.zlib = _PydyfZlib()


def warm_up() -> None:
    """Import WeasyPrint and render a tiny document twice in the faces documents use (which also reads their font
    files into the cache and checks their single-pass subsetting, above), then freeze the surviving objects so later
    collections skip them. Run in the worker before it forks its children (safetyportal/celery.py)."""
    for _ in range(2):
        render_html_to_pdf(
            f'<html lang="zh-CN"><body style="font-family: \'{FONT_SERIF}\'"><p>预热</p><b>预热</b>'
            f"<p style=\"font-family: '{FONT_SANS}'\">预热</p></body></html>"
        )
    gc.collect()
    gc.freeze()


def harfbuzz_subsetting() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (libharfbuzz-subset0) rather than pure-Python fontTools."""
    load_weasyprint()
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
    load_weasyprint()
    from weasyprint import HTML

    from .fetcher import SafeURLFetcher

    _install_font_file_cache()
    _install_array_type_reuse()
    _install_single_pass_subset()
    _install_compression_level()
    report = progress or (lambda _percent: None)
    fetcher = SafeURLFetcher()
    with render_memory_scope():
        report(30)
        document = HTML(string=html, base_url="file:///nonexistent/", url_fetcher=fetcher).render(
            font_config=font_configuration()
        )
        report(80)
        data = document.write_pdf(finisher=_drop_embedded_files, attachments=[])
        page_count = len(document.pages)
        del document
    if _EMBEDDED.search(data):
        raise RenderError("rendered PDF carries embedded files")
    report(95)
    return RenderedPDF(data=data, page_count=page_count, refused_urls=list(fetcher.refused))
