"""Benchmarks of the documents engine: a two-page notice, a twenty-page report, worker throughput, worker memory.

Everything runs against the throwaway environment ``benchmarks.__main__`` prepares (temporary VAR_DIR, SQLite file,
filesystem broker unless REDIS_URL is set). What each line of the table means is in benchmarks/README.md.

This module imports only the standard library at import time: a child process started for the cold-start
measurement imports it before Django, and must pay for nothing but what a fresh worker pays for."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KB = 1024

# Targets (issue 11). Timings are absolute: they drift with the machine, so each timed line also gives its ratio to
# the former behaviour measured in the same run (the former renderer, a process importing the whole portal).
NOTICE_WARM_MAX_S = 0.20
NOTICE_COLD_MAX_S = 1.0
# Issue 11's GB/T 9704 layout sets first-level headings in 黑体 and second-level in 楷体: a notice embeds up to four
# subset faces (serif regular and bold, sans, kai; 115-170 KB each compressed) where it had two, so the former
# limits of 2 faces and 350 KB became 4 faces and 550 KB.
NOTICE_MAX_BYTES = 550 * KB
NOTICE_MAX_FACES = 4
REPORT_WARM_MAX_S = 3.5
REPORT_PAGES = (18, 22)  # "about twenty"
MEMORY_GROWTH_MAX_MB = 50.0
NO_GC_RSS_GUARD_MB = 3000.0  # the run without gc.collect() stops before it can hurt the machine
WORKER_CONCURRENCY = 2
WORKER_TIMEOUT_S = 240.0

ISSUED_ON = date(2024, 5, 28)

# A real notice (2024 安全生产月, 灵源街道, public), from /work/shared/seeds/003: the body is cut, sentence by sentence,
# to the longest text that still fits on two pages with the closing paragraph, signature, imprint and QR code.
AUTHORITY = {
    "name": "晋江市灵源街道安全生产委员会办公室",
    "header": "灵源街道安全生产委员会办公室文件",
    "code": "灵安办",
    "contact": "王敏 0595-85612345",
}
NOTICE_TITLE = "关于开展2024年灵源街道“安全生产月”活动的通知"
NOTICE_RECIPIENTS = "各社区、街道安委会成员单位："
NOTICE_ATTACHMENTS = "2024年灵源街道“安全生产月”活动安排表\n“安全生产月”活动总结报送表"
NOTICE_CONTACT = "联系人：王敏，电话：0595-85612345"
NOTICE_COPY_TO = "晋江市安委办，街道党工委、办事处领导"
NOTICE_PARAGRAPHS = [
    "今年6月是第23个全国“安全生产月”，主题是“人人讲安全、个个会应急——畅通生命通道”，6月16日为全国“安全宣传咨询日”"
    "。根据《晋江市安全生产委员会办公室 晋江市应急管理局关于开展2024年泉州市“安全生产月”活动的通知》（晋安办〔202"
    "4〕63号）要求，结合街道实际，现将街道“安全生产月”活动有关事项通知如下：",
    "一、深入宣传贯彻习近平总书记关于安全生产重要论述",
    "紧紧围绕宣传贯彻习近平总书记关于安全生产重要论述和重要指示批示精神，各社区、有关单位和各企业主要负责人要组织"
    "开展《深入学习贯彻习近平关于应急管理的重要论述》的学习，全面领会习近平总书记关于安全生产重要论述的精髓要义，"
    "把理论学习成果转化为谋划推动工作的创新思路、务实举措、有效方法。企事业单位要组织开展“安全生产大家谈”“班前会”"
    "“以案普法”等活动，组织观看“安全生产月”主题宣传片、《安全生产 责任在肩》警示教育片、事故警示教育片、典型案例"
    "解析片和“全民安全公开课”等，推动树牢安全发展理念。",
    "二、广泛宣传发动，深入开展应急演练活动",
    "聚焦“畅通生命通道”这一主要内容，组织开展宣传、演练和整治行动。各社区、各有关单位要督促本辖区、本行业企业根据"
    "本行业领域事故特点开展应急预案演练，采取多渠道、多方式、全员覆盖的培训模式，开展全员安全警示教育和专项培训、"
    "安全疏散应急演练和警示标识标线维护、障碍物清理行动，让全体员工自觉维护“生命通道”的畅通，熟悉消防器材使用，提"
    "高应急避险能力。社区、学校等要结合实际，开展科普知识宣传和情景模拟、实战推演、逃生演练、自救互救等活动。重点"
    "围绕学校防灾避险演练100%全覆盖等工程重点工作内容，切实增强公众应对突发事件的避险能力，突出生命通道在避险逃生"
    "和应急救援中的关键作用。加强各类宣传产品制作，通过各类新媒体平台、宣教大屏、应急广播等多样化载体，广泛开展畅"
    "通生命通道宣传。",
    "三、精心组织开展“安全生产月”系列活动",
    "2024年6月，街道安办将牵头组织开展“安全宣传咨询日”现场活动。围绕“人人讲安全、个个会应急——畅通生命通道”活动主"
    "题，举行安全倡议、安全宣誓、现场咨询等活动，提升宣传实效。组织开展企业企事业单位主要负责人和安全管理人员培训"
    "和入企宣讲活动。组织参观安全文化宣教基地、安全文化主题公园等各类科普场所和体验基地，开展沉浸式、体验式科普宣"
    "传活动，通过生命通道布局标识展示、现场科普讲解等形式为公众答疑解惑、普及常识，积极营造全社会关注、全民参与的"
    "良好氛围，努力提高全民安全素质和社会整体安全水平。",
    "四、强化媒体监督和社会监督，深入开展“隐患曝光”活动",
    "安办要在“晋江灵源”公众号对街道安全生产违法典型案例进行集中曝光。同时，要将具有代表性的典型案例及时报送市安办"
    "。要通过官微、官博等各类平台载体，宣传应急管理部“安全生产举报微信小程序”“安全生产曝光台”“12350举报电话”等及"
    "省、泉州市、晋江市“安全生产曝光台”“12345便民服务平台”等举报渠道，广泛发动群众特别是企业职工举报安全生产风险"
    "、重大事故隐患和非法违法行为，强化安全生产社会监督，推动企业自主履行隐患排查治理等安全管理职责，有效提高企业"
    "预防事故能力。",
]
NOTICE_CLOSING = (
    "各社区、街道安委会成员单位要高度重视，切实强化组织领导，加强统筹协调、坚持守正创新，明确工作职责、细化责任分工，"
    "全面营造宣传氛围，扎实有序推进“安全生产月”活动各项工作。"
)
_HEADING = re.compile(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）")
_SENTENCE = re.compile(r"[^。：；]+[。：；]?")

REPORT_TITLE = "2024年第二季度安全生产宣传教育活动统计报告"


class BenchmarkError(Exception):
    """The benchmark could not measure something (as opposed to a measurement that misses its target)."""


@dataclass
class Row:
    measure: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: for information, no target
    note: str = ""
    error: bool = False  # could not measure (exit status 2)

    @property
    def status(self) -> str:
        return "ERROR" if self.error else "" if self.ok is None else "PASS" if self.ok else "MISS"


# --- environment -------------------------------------------------------------------------------------------------


def setup_django(*, migrate: bool) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def _proc_status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise BenchmarkError(f"{field} not in /proc/self/status (the memory benchmark needs Linux)")


def rss_mb() -> float:
    return _proc_status_mb("VmRSS")


def peak_rss_mb() -> float:
    return _proc_status_mb("VmHWM")


# --- fixtures ----------------------------------------------------------------------------------------------------


def create_authority() -> Any:
    from safetyportal.documents.models import IssuingAuthority

    return IssuingAuthority.objects.create(**AUTHORITY)


def create_notice(authority: Any, body: str) -> Any:
    from campaigns.models import Notice

    return Notice.objects.create(
        authority=authority,
        title=NOTICE_TITLE,
        recipients_text=NOTICE_RECIPIENTS,
        body=body,
        attachments_text=NOTICE_ATTACHMENTS,
        contact_note=NOTICE_CONTACT,
        copy_to=NOTICE_COPY_TO,
    )


def issued_document(*, kind: str, title: str, authority: Any, serial: int, source: Any | None = None) -> Any:
    """A GeneratedDocument as issue_notice() records it (number, date, verification token, hence a QR code), but
    not enqueued: the in-process benchmarks render it themselves."""
    from django.contrib.contenttypes.models import ContentType

    from safetyportal.documents.models import GeneratedDocument
    from safetyportal.documents.numbering import format_number
    from safetyportal.documents.services import new_verify_token

    return GeneratedDocument.objects.create(
        kind=kind,
        title=title,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        authority=authority,
        number=format_number(authority.code, ISSUED_ON.year, serial),
        issued_on=ISSUED_ON,
        verify_token=new_verify_token(),
    )


def notice_units() -> list[tuple[int, str]]:
    """The notice body as (paragraph index, sentence) pairs, the unit the two-page fit adds or removes."""
    return [(index, sentence) for index, text in enumerate(NOTICE_PARAGRAPHS) for sentence in _SENTENCE.findall(text)]


def notice_body(unit_count: int) -> str:
    paragraphs: dict[int, str] = {}
    for index, sentence in notice_units()[:unit_count]:
        paragraphs[index] = paragraphs.get(index, "") + sentence
    lines = [paragraphs[index] for index in sorted(paragraphs)]
    while lines and _HEADING.match(lines[-1]):  # a heading with nothing under it is not a notice
        lines.pop()
    return "\n".join([*lines, NOTICE_CLOSING])


def pad_report(factor: int) -> Callable[[Any], None]:
    """Multiply the sample report's table rows, for when the built-in kind no longer makes about twenty pages."""

    def patch(spec: Any) -> None:
        if factor > 1:
            for section in spec.context["sections"]:
                section["rows"] = section["rows"] * factor

    return patch


# --- rendering -------------------------------------------------------------------------------------------------


def build_and_render(document: Any, patch: Callable[[Any], None] | None = None) -> tuple[Any, float, float]:
    """What the worker does for a document, less the status rows and the file: builder, context, template, PDF.

    Returns the RenderedPDF, the wall time and the CPU time of this process (which other work on the machine
    inflates much less than the wall time)."""
    from safetyportal.documents.context import engine_context
    from safetyportal.documents.registry import get_builder
    from safetyportal.documents.rendering import render_template_to_pdf

    started, cpu_started = time.perf_counter(), time.process_time()
    spec = get_builder(document.kind)(document)
    if patch:
        patch(spec)
    rendered = render_template_to_pdf(spec.template_name, {**engine_context(document), **spec.context})
    return rendered, time.perf_counter() - started, time.process_time() - cpu_started


@contextlib.contextmanager
def memory_policy(policy: str) -> Iterator[None]:
    """Render under another memory policy of safetyportal.documents.rendering ("young": production; "full": the
    former renderer, gc.collect() + malloc_trim(0) after every render, every font file copied and array types
    parsed at every render, two subsetting passes per face, streams at zlib level 9; "off": no
    collection but the automatic one)."""
    from safetyportal.documents import rendering

    if policy not in rendering.MEMORY_POLICIES:
        raise BenchmarkError(f"unknown memory policy {policy!r}")
    names = ("memory_policy", "font_file_cache", "array_type_reuse", "single_pass_subset")
    saved = [getattr(rendering, name) for name in names]
    saved_level = rendering.pdf_compression_level
    rendering.memory_policy = policy
    for name in names[1:]:
        setattr(rendering, name, policy != "full")
    if policy == "full":
        rendering.pdf_compression_level = 9
    try:
        yield
    finally:
        for name, value in zip(names, saved, strict=True):
            setattr(rendering, name, value)
        rendering.pdf_compression_level = saved_level


def paired_ratio(new: list[float], old: list[float]) -> float:
    """Median of new[i] / old[i]: each pair ran back to back, so a load that drifts during the run cancels out."""
    return statistics.median(a / b for a, b in zip(new, old, strict=True) if b > 0)


def interleaved(document: Any, runs: int, patch: Callable[[Any], None] | None = None) -> dict[str, Any]:
    """``runs`` renders with the production renderer and as many with the former one, alternating, so that
    whatever else loads the machine weighs on both alike. Wall and CPU times per policy."""
    times: dict[str, list[float]] = {"young": [], "full": []}
    cpu: dict[str, list[float]] = {"young": [], "full": []}
    rendered = None
    for index in range(runs):
        order = ("young", "full") if index % 2 == 0 else ("full", "young")
        for policy in order:
            with memory_policy(policy):
                result, seconds, cpu_seconds = build_and_render(document, patch)
            times[policy].append(seconds)
            cpu[policy].append(cpu_seconds)
            if policy == "young":
                rendered = result
    return {"rendered": rendered, "times": times, "cpu": cpu}


def embedded_fonts(data: bytes) -> tuple[int, list[str]]:
    """(number of embedded font programs, sorted face names without the subset tag), from every page and form."""
    from pypdf import PdfReader

    programs: set[Any] = set()
    names: set[str] = set()
    visited: set[int] = set()

    def font_program(font: Any) -> Any | None:
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:
            return None
        descriptor = descriptor.get_object()
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in descriptor:
                reference = descriptor.raw_get(key)
                return getattr(reference, "idnum", id(reference))
        return None

    def visit(resources: Any) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        for reference in fonts.get_object().values() if fonts is not None else []:
            program = font_program(reference.get_object())
            if program is not None:
                programs.add(program)
                name = str(reference.get_object().get("/BaseFont", "?")).lstrip("/")
                names.add(re.sub(r"^[A-Z]{6}\+", "", name))
        xobjects = resources.get("/XObject")
        for reference in xobjects.get_object().values() if xobjects is not None else []:
            key = getattr(reference, "idnum", None)
            if key is not None:
                if key in visited:
                    continue
                visited.add(key)
            xobject = reference.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in PdfReader(io.BytesIO(data)).pages:
        visit(page.get("/Resources"))
    return len(programs), sorted(names)


# --- children (fresh processes) ------------------------------------------------------------------------------------


def run_child(*child_args: str, timeout: float = 180, role: str = "worker") -> dict[str, Any]:
    """Run ``python -m benchmarks --child ...`` in the parent's environment; return the JSON it prints last.

    ``role``: ``worker`` starts it as a Celery worker process starts (``PORTAL_ROLE=worker``: no admin modules);
    ``web`` (or ``former``, for the cold start as it was before issue 11) as a process that loads the whole portal."""
    env = {**os.environ, "BENCH_T0": repr(time.time())}
    env.pop("PORTAL_ROLE", None)
    if role == "worker":
        env["PORTAL_ROLE"] = "worker"
    elif role == "former":
        child_args = (*child_args, "former")
    command = [sys.executable, "-m", "benchmarks", "--child", *child_args]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise BenchmarkError(f"child {' '.join(child_args)} took more than {timeout:.0f} s") from error
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise BenchmarkError(f"child {' '.join(child_args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def child_main(argv: list[str], *, started_at: float) -> int:
    """A child's entry point: ``cold <document id> <report padding> [former]``, ``memory young|full|off <id> <n>``.

    ``PORTAL_ROLE`` comes from the parent: ``worker`` for a process like a Celery worker, unset for one that loads
    the whole portal (the admin and its spreadsheet libraries) like the web process."""
    mode, *rest = argv
    if mode == "cold":
        padding = int(rest[1]) if len(rest) > 1 else 1
        result = _child_cold(int(rest[0]), padding, former=rest[2:] == ["former"], started_at=started_at)
    elif mode == "memory":
        result = _child_memory(rest[0], int(rest[1]), int(rest[2]))
    else:
        raise SystemExit(f"unknown child mode {mode!r}")
    print(json.dumps(result))
    return 0


def _child_cold(document_id: int, padding: int, *, former: bool, started_at: float) -> dict[str, Any]:
    """A fresh process: interpreter, django.setup(), WeasyPrint import, one render. Times from process start.

    ``former``: as before issue 11 (started without PORTAL_ROLE by the parent): WeasyPrint imported with its own
    library lookup, the root URLconf loaded by the verification link, the former renderer."""
    process_start = float(os.environ["BENCH_T0"])  # taken by the parent just before it started this process
    setup_django(migrate=False)
    django_ready = time.time()
    if former:
        import weasyprint  # noqa: F401
    else:
        from safetyportal.documents.rendering import load_weasyprint

        load_weasyprint()  # as the render would anyway: separated to show its share
    weasyprint_ready = time.time()
    from safetyportal.documents.models import GeneratedDocument

    document = GeneratedDocument.objects.select_related("authority").get(pk=document_id)
    if former:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018  (the link was reversed against the root URLconf)
    with memory_policy("full" if former else "young"):
        rendered, _wall, _cpu = build_and_render(document, pad_report(padding))
    done = time.time()
    return {
        "total": done - process_start,
        "interpreter": started_at - process_start,
        "django": django_ready - started_at,
        "weasyprint_import": weasyprint_ready - django_ready,
        "render": done - weasyprint_ready,
        "cpu": time.process_time(),  # this process's CPU time since it started
        "pages": rendered.page_count,
    }


def _child_memory(mode: str, document_id: int, renders: int) -> dict[str, Any]:
    """RSS over ``renders`` renders of one document after one warm-up render, as a worker child would see it, under
    the memory policy ``mode`` of safetyportal.documents.rendering: ``young`` (production), ``full`` (the former
    gc.collect() + malloc_trim(0) after every render) or ``off`` (no collection but the automatic one)."""
    import gc

    from django.db import reset_queries

    setup_django(migrate=False)
    from safetyportal.documents import rendering
    from safetyportal.documents.models import GeneratedDocument

    document = GeneratedDocument.objects.select_related("authority").get(pk=document_id)

    def once() -> None:
        reset_queries()  # DEBUG=1 keeps a query log: not what is measured here
        with memory_policy(mode):
            build_and_render(document)

    once()
    baseline = rss_mb()
    full_before = rendering.full_collections
    samples: list[float] = []
    durations: list[float] = []
    stopped_early = False
    for _ in range(renders):
        started = time.perf_counter()
        once()
        durations.append(time.perf_counter() - started)
        samples.append(rss_mb())
        if samples[-1] - baseline > NO_GC_RSS_GUARD_MB:
            stopped_early = True
            break
    after_ten = samples[min(9, len(samples) - 1)]
    steady = (samples[-1] - after_ten) / max(len(samples) - 10, 1)
    return {
        "mode": mode,
        "renders": len(samples),
        "stopped_early": stopped_early,
        "baseline_mb": baseline,
        "after_10_mb": after_ten,
        "final_mb": samples[-1],
        "max_mb": max(samples),
        "hwm_mb": peak_rss_mb(),
        "growth_mb": samples[-1] - baseline,
        "peak_growth_mb": max(samples) - baseline,
        "steady_mb_per_render": steady,
        "median_render_s": statistics.median(durations),
        "safety_net_collections": rendering.full_collections - full_before,
        "gc_collections": [entry["collections"] for entry in gc.get_stats()],
    }


# --- worker ------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def celery_worker(*, queue: str, log_path: Path, concurrency: int) -> Iterator[subprocess.Popen]:
    """A real worker on the configured broker (Redis when REDIS_URL is set, else the embedded filesystem broker in
    the temporary VAR_DIR), reading the benchmark's SQLite file, consuming only the benchmark's own queue."""
    from django.conf import settings

    env = {**os.environ, "PORTAL_ROLE": "worker"}  # as deploy/systemd/portal-worker@.service starts it
    if not settings.REDIS_URL:
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        env["CELERY_FS_BROKER_DIR"] = str(Path(options["data_folder_in"]).parent)
        env["CELERY_FS_RESULTS_DIR"] = settings.CELERY_RESULT_BACKEND.removeprefix("file://")
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "safetyportal",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--hostname=bench-{uuid.uuid4().hex[:8]}@%h",
        f"--queues={queue}",
    ]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            _stop_process_group(process)


def _stop_process_group(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- sections --------------------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, var_dir: Path) -> None:
        self.args = args
        self.var_dir = var_dir
        self.rows: list[Row] = []
        self.raw: dict[str, Any] = {}
        self.errors: list[str] = []
        self.authority = create_authority()
        self.serial = 0
        self.notice_body: str | None = None
        self.notice_warm_s: float | None = None

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def add(self, *args: Any, **kwargs: Any) -> None:
        self.rows.append(Row(*args, **kwargs))

    # Notice ---------------------------------------------------------------------------------------------------

    def fit_notice(self) -> str:
        """The longest prefix of the body (in sentences) that keeps the notice on exactly two pages."""
        if self.notice_body is not None:
            return self.notice_body
        notice = create_notice(self.authority, "")
        document = issued_document(
            kind="notice", title=NOTICE_TITLE, authority=self.authority, serial=self.next_serial(), source=notice
        )
        cache: dict[int, int] = {}

        def pages(count: int) -> int:
            if count not in cache:
                notice.body = notice_body(count)
                notice.save(update_fields=["body"])
                cache[count] = build_and_render(document)[0].page_count
            return cache[count]

        low, high = 1, len(notice_units())
        if pages(low) > 2:
            raise BenchmarkError(f"the shortest notice already takes {pages(low)} pages: check official.css")
        if pages(high) <= 2:
            low = high
        while high - low > 1:  # pages(low) <= 2 < pages(high)
            middle = (low + high) // 2
            if pages(middle) <= 2:
                low = middle
            else:
                high = middle
        if pages(low) != 2:
            raise BenchmarkError(f"could not make a two-page notice (got {pages(low)} pages)")
        self.notice_body = notice_body(low)
        return self.notice_body

    def cold_starts(self, document: Any, padding: int = 1) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """Median (by total) fresh processes started as a worker now starts, and as any process started before issue
        11 (the whole portal imported, WeasyPrint's own library lookup, the former renderer), alternating."""
        runs: dict[str, list[dict[str, Any]]] = {"worker": [], "former": []}
        for _ in range(max(self.args.cold_runs, 1)):
            for role in ("worker", "former"):
                runs[role].append(run_child("cold", str(document.pk), str(padding), role=role))
        medians: list[dict[str, Any] | None] = []
        for role in ("worker", "former"):
            ordered = sorted(runs[role], key=lambda r: r["total"])
            medians.append({**ordered[len(ordered) // 2], "runs": len(ordered), "all": ordered} if ordered else None)
        if medians[0] is not None:  # ratios of the children started back to back
            medians[0]["ratio"] = paired_ratio(
                [r["total"] for r in runs["worker"]], [r["total"] for r in runs["former"]]
            )
            medians[0]["cpu_ratio"] = paired_ratio(
                [r["cpu"] for r in runs["worker"]], [r["cpu"] for r in runs["former"]]
            )
        return medians[0], medians[1]

    def notice(self) -> None:
        body = self.fit_notice()
        notice = create_notice(self.authority, body)
        document = issued_document(
            kind="notice", title=NOTICE_TITLE, authority=self.authority, serial=self.next_serial(), source=notice
        )
        build_and_render(document)  # warm-up (the fit above rendered too)
        runs = interleaved(document, self.args.warm)
        rendered = runs["rendered"]
        times, cpu_times = runs["times"]["young"], runs["cpu"]["young"]
        former, former_cpu = runs["times"]["full"], runs["cpu"]["full"]
        warm = statistics.median(times)
        self.notice_warm_s = warm
        (self.var_dir / "notice.pdf").write_bytes(rendered.data)
        programs, faces = embedded_fonts(rendered.data)

        cold_error: BenchmarkError | None = None
        cold = cold_former = None
        try:
            cold, cold_former = self.cold_starts(document)
        except BenchmarkError as error:  # the in-process figures are still worth printing
            cold_error = error
        self.raw["notice"] = {
            "body_chars": len(body),
            "warm_s": times,
            "warm_cpu_s": cpu_times,
            "former_policy_warm_s": former,
            "former_policy_warm_cpu_s": former_cpu,
            "cold_worker": cold,
            "cold_former": cold_former,
            "bytes": len(rendered.data),
            "pages": rendered.page_count,
            "font_programs": programs,
            "faces": faces,
        }

        self.add("notice: pages (GB/T 9704 layout)", str(rendered.page_count), "2", rendered.page_count == 2,
                 f"body {len(body)} characters")  # fmt: skip
        former_warm = statistics.median(former)
        self.add(
            f"notice: warm render, median of {len(times)}",
            f"{warm:.3f} s",
            f"< {NOTICE_WARM_MAX_S} s",
            warm < NOTICE_WARM_MAX_S,
            f"min {min(times):.3f} max {max(times):.3f}, CPU {statistics.median(cpu_times):.3f}; "
            f"{paired_ratio(times, former):.2f}x the former renderer in this run (CPU "
            f"{paired_ratio(cpu_times, former_cpu):.2f}x; medians of the ratios of back-to-back renders)",
        )
        self.add(
            f"notice: same, former renderer, median of {len(former)}",
            f"{former_warm:.3f} s",
            note=f"former renderer: gc.collect() + malloc_trim(0) after every render, font files copied and "
            f"subset twice at every render; renders alternating with the line above; "
            f"CPU {statistics.median(former_cpu):.3f}",
        )
        if cold:
            self.add(
                f"notice: first render, new process (median of {cold['runs']})",
                f"{cold['total']:.2f} s",
                f"< {NOTICE_COLD_MAX_S} s",
                cold["total"] < NOTICE_COLD_MAX_S,
                f"worker role: interpreter {cold['interpreter']:.2f} + django.setup {cold['django']:.2f} + import "
                f"weasyprint {cold['weasyprint_import']:.2f} + first render {cold['render']:.2f}; CPU "
                f"{cold['cpu']:.2f}"
                + (f"; {cold['ratio']:.2f}x the former start (CPU {cold['cpu_ratio']:.2f}x)" if cold_former else ""),
            )
        if cold_former:
            self.add(
                f"notice: same, as before issue 11 (median of {cold_former['runs']})",
                f"{cold_former['total']:.2f} s",
                note=f"whole portal imported (admin, import-export, openpyxl, numpy), WeasyPrint's own library lookup, "
                f"root URLconf, former renderer: interpreter {cold_former['interpreter']:.2f} + django.setup "
                f"{cold_former['django']:.2f} + import weasyprint {cold_former['weasyprint_import']:.2f} + first "
                f"render {cold_former['render']:.2f}; CPU {cold_former['cpu']:.2f}",
            )
        self.add("notice: PDF size", f"{len(rendered.data) / KB:.0f} KB", f"<= {NOTICE_MAX_BYTES // KB} KB",
                 len(rendered.data) <= NOTICE_MAX_BYTES, "KB = 1024 bytes")  # fmt: skip
        self.add("notice: embedded font faces", str(programs), f"<= {NOTICE_MAX_FACES}",
                 programs <= NOTICE_MAX_FACES, ", ".join(faces))  # fmt: skip
        if cold_error:
            raise cold_error

    # Report ---------------------------------------------------------------------------------------------------

    def report(self) -> None:
        document = issued_document(
            kind="sample_report", title=REPORT_TITLE, authority=self.authority, serial=self.next_serial()
        )
        padding = 1
        rendered, first, _cpu = build_and_render(document)
        note = "sample_report kind as built in"
        if rendered.page_count < REPORT_PAGES[0]:
            padding = max(2, math.ceil(20 / max(rendered.page_count, 1)))
            rendered, first, _cpu = build_and_render(document, pad_report(padding))
            note = f"sample_report rows x{padding} (the kind alone made too few pages)"
        runs = interleaved(document, self.args.report_warm, pad_report(padding))
        rendered = runs["rendered"]
        times, cpu_times = runs["times"]["young"], runs["cpu"]["young"]
        former, former_cpu = runs["times"]["full"], runs["cpu"]["full"]
        warm = statistics.median(times)
        former_warm = statistics.median(former)
        (self.var_dir / "report.pdf").write_bytes(rendered.data)
        programs, faces = embedded_fonts(rendered.data)
        cold_error: BenchmarkError | None = None
        cold: dict[str, Any] | None = None
        try:
            cold = run_child("cold", str(document.pk), str(padding))
        except BenchmarkError as error:
            cold_error = error
        self.raw["report"] = {"first_s": first, "warm_s": times, "warm_cpu_s": cpu_times,
                              "former_policy_warm_s": former, "former_policy_warm_cpu_s": former_cpu, "cold": cold,
                              "bytes": len(rendered.data), "pages": rendered.page_count, "padding": padding,
                              "faces": faces}  # fmt: skip

        low, high = REPORT_PAGES
        self.add("report: pages (tables + SVG chart)", str(rendered.page_count), f"{low}-{high}",
                 low <= rendered.page_count <= high, note)  # fmt: skip
        self.add(
            f"report: warm render, median of {len(times)}",
            f"{warm:.2f} s",
            f"< {REPORT_WARM_MAX_S} s",
            warm < REPORT_WARM_MAX_S,
            f"min {min(times):.2f} max {max(times):.2f}, CPU {statistics.median(cpu_times):.2f}; "
            f"{warm / rendered.page_count * 1000:.0f} ms/page; {paired_ratio(times, former):.2f}x the former renderer "
            f"in this run (CPU {paired_ratio(cpu_times, former_cpu):.2f}x; medians of back-to-back ratios)",
        )
        self.add(
            f"report: same, former renderer, median of {len(former)}",
            f"{former_warm:.2f} s",
            note=f"former renderer (gc.collect() + malloc_trim(0) after every render, font files copied and "
            f"subset twice at every render), alternating with the line above; "
            f"CPU {statistics.median(former_cpu):.2f}",
        )
        self.add("report: first render in this process", f"{first:.2f} s", note="after the notice: fonts loaded; "
                 "includes the chart (matplotlib import)")  # fmt: skip
        if cold:
            self.add(
                "report: first render, new process",
                f"{cold['total']:.2f} s",
                note=f"worker role: interpreter {cold['interpreter']:.2f} + django.setup {cold['django']:.2f} + "
                f"import weasyprint {cold['weasyprint_import']:.2f} + first render {cold['render']:.2f}",
            )
        self.add("report: PDF size, font faces", f"{len(rendered.data) / KB:.0f} KB, {programs}",
                 note=", ".join(faces))  # fmt: skip
        if cold_error:
            raise cold_error

    # Worker ---------------------------------------------------------------------------------------------------

    def worker(self) -> None:
        from celery.exceptions import TimeoutError as CeleryTimeoutError
        from django.conf import settings

        from safetyportal.celery import app
        from safetyportal.documents.models import DocumentStatus, GeneratedDocument
        from safetyportal.documents.numbering import format_number
        from safetyportal.documents.services import request_document
        from safetyportal.tasks import ping

        jobs = self.args.jobs
        body = self.fit_notice()
        notices = [create_notice(self.authority, body) for _ in range(jobs)]
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        # Only this run's worker takes these messages, even on a Redis shared with a running deployment.
        app.conf.task_default_queue = queue
        app.conf.task_routes = {"documents.render": {"queue": queue}}
        broker = "Redis" if settings.REDIS_URL else "filesystem broker"
        log_path = self.var_dir / "worker.log"

        with celery_worker(queue=queue, log_path=log_path, concurrency=WORKER_CONCURRENCY) as process:
            started = time.perf_counter()
            answer = ping.apply_async(args=["ready"], queue=queue)
            while True:
                try:
                    answer.get(timeout=1, interval=0.05)
                    break
                except CeleryTimeoutError:
                    if process.poll() is not None:
                        raise BenchmarkError(f"the worker exited; log:\n{_log_tail(log_path)}") from None
                    if time.perf_counter() - started > 90:
                        raise BenchmarkError(
                            f"the worker did not answer in 90 s; log:\n{_log_tail(log_path)}"
                        ) from None
            ready_s = time.perf_counter() - started

            started = time.perf_counter()
            ids = []
            for notice in notices:
                serial = self.next_serial()
                ids.append(
                    request_document(
                        kind="notice",
                        title=notice.title,
                        source=notice,
                        authority=self.authority,
                        number=format_number(self.authority.code, ISSUED_ON.year, serial),
                        issued_on=ISSUED_ON,
                    ).pk
                )
            finished = (DocumentStatus.DONE, DocumentStatus.FAILED)
            deadline = started + WORKER_TIMEOUT_S
            while GeneratedDocument.objects.filter(pk__in=ids, status__in=finished).count() < jobs:
                if time.perf_counter() > deadline:
                    raise BenchmarkError(f"{jobs} notices not done after {WORKER_TIMEOUT_S:.0f} s; log:\n"
                                         f"{_log_tail(log_path)}")  # fmt: skip
                if process.poll() is not None:
                    raise BenchmarkError(f"the worker exited; log:\n{_log_tail(log_path)}")
                time.sleep(0.02)
            elapsed = time.perf_counter() - started

        documents = list(GeneratedDocument.objects.filter(pk__in=ids))
        failed = [d for d in documents if d.status != DocumentStatus.DONE]
        renders = sorted((d.finished_at - d.started_at).total_seconds() for d in documents if d.started_at)
        waits = sorted((d.started_at - d.enqueued_at).total_seconds() for d in documents if d.started_at)
        per_minute = jobs / elapsed * 60
        self.raw["worker"] = {"broker": broker, "jobs": jobs, "elapsed_s": elapsed, "ready_s": ready_s,
                              "render_s": renders, "wait_s": waits, "failed": len(failed)}  # fmt: skip
        ideal = ""
        if self.notice_warm_s:
            best = WORKER_CONCURRENCY * 60 / self.notice_warm_s
            ideal = f"; {per_minute / best:.0%} of 2 x 60 s / warm render = {best:.0f}/min"
        self.add(
            f"worker: throughput, {WORKER_CONCURRENCY} processes, {jobs} notices",
            f"{per_minute:.0f} docs/min",
            note=f"{broker}; all done in {elapsed:.1f} s; worker answered after {ready_s:.1f} s{ideal}",
        )
        self.add(
            "worker: per document, median",
            f"{statistics.median(renders):.2f} s",
            note=f"render incl. status rows (max {max(renders):.2f}); waited in queue median "
            f"{statistics.median(waits):.2f} s, max {max(waits):.2f} s",
        )
        self.add("worker: documents failed", str(len(failed)), "0", not failed,
                 "; ".join(f"{d.pk}: {d.error[:80]}" for d in failed[:3]))  # fmt: skip

    # Memory ---------------------------------------------------------------------------------------------------

    def memory(self) -> None:
        body = self.fit_notice()
        notice = create_notice(self.authority, body)
        document = issued_document(
            kind="notice", title=NOTICE_TITLE, authority=self.authority, serial=self.next_serial(), source=notice
        )
        renders = self.args.memory_renders
        timeout = 60 + renders * 3
        young = run_child("memory", "young", str(document.pk), str(renders), timeout=timeout, role="worker")
        full = run_child("memory", "full", str(document.pk), str(renders), timeout=timeout, role="worker")
        off = run_child("memory", "off", str(document.pk), str(renders), timeout=timeout, role="worker")
        self.raw["memory"] = {"young": young, "full": full, "off": off}
        self.add(
            f"memory: RSS growth over {young['renders']} renders",
            f"{young['growth_mb']:.1f} MB",
            f"<= {MEMORY_GROWTH_MAX_MB:.0f} MB",
            young["growth_mb"] <= MEMORY_GROWTH_MAX_MB,
            f"policy: automatic GC paused during a render, gc.collect(0) + malloc_trim(0) after it; "
            f"from {young['baseline_mb']:.0f} MB after 1 warm-up render: "
            f"{young['after_10_mb'] - young['baseline_mb']:+.1f} MB in renders 1-10, "
            f"{young['final_mb'] - young['after_10_mb']:+.1f} MB in 11-{young['renders']}; "
            f"peak {young['hwm_mb']:.0f} MB; {young['safety_net_collections']} full collections by the safety net; "
            f"median render {young['median_render_s']:.3f} s",
        )
        self.add(
            f"memory: same, former renderer (gc.collect() after each render), {full['renders']} renders",
            f"{full['growth_mb']:.1f} MB",
            note=f"peak {full['hwm_mb']:.0f} MB; median render {full['median_render_s']:.3f} s "
            f"(production policy: {young['median_render_s'] / full['median_render_s']:.2f}x)",
        )
        stopped = " (stopped at the guard)" if off["stopped_early"] else ""
        self.add(
            f"memory: same without any collection, {off['renders']} renders{stopped}",
            f"{off['peak_growth_mb']:.1f} MB peak",
            note=f"why a policy is needed: RSS up to {off['max_mb']:.0f} MB, {off['growth_mb']:+.0f} MB at the end "
            f"(a sawtooth: automatic GC runs now and then); median render {off['median_render_s']:.3f} s",
        )


# --- driver -----------------------------------------------------------------------------------------------------


def check_harfbuzz() -> str | None:
    """None when WeasyPrint subsets with HarfBuzz, else the message to stop on."""
    try:
        from safetyportal.documents.rendering import harfbuzz_subsetting

        if harfbuzz_subsetting():
            return None
    except (OSError, ImportError) as error:
        return f"WeasyPrint cannot load its libraries: {error}"
    return (
        "HarfBuzz font subsetting is NOT available (harfbuzz_subsetting() is False).\n"
        "WeasyPrint would subset the CJK fonts in pure Python with fontTools: 8-16 s per notice instead of ~0.3 s,\n"
        "so none of these figures would mean anything. Install libharfbuzz-subset0 (HarfBuzz >= 4.1), e.g.\n"
        "  apt-get install libharfbuzz-subset0\n"
        "and run the benchmark again (docs/dependencies.md)."
    )


def print_table(rows: list[Row]) -> None:
    headers = ("measure", "result", "target", "status", "notes")
    cells = [(r.measure, r.value, r.target, r.status, r.note) for r in rows]
    widths = [max(len(headers[i]), *(len(c[i]) for c in cells)) for i in range(4)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers[:4], widths, strict=True)) + "  " + headers[4]
    print(line)
    print("-" * min(len(line) + 60, 160))
    for cell in cells:
        print("  ".join(c.ljust(w) for c, w in zip(cell[:4], widths, strict=True)) + "  " + cell[4])


def run(args: argparse.Namespace, *, var_dir: Path) -> int:
    from django.conf import settings

    from safetyportal.documents.rendering import load_weasyprint

    load_weasyprint()
    import weasyprint

    message = check_harfbuzz()
    if message:
        print(f"benchmarks: {message}", file=sys.stderr)
        return 2
    print(
        f"documents benchmark — Python {sys.version.split()[0]}, WeasyPrint {weasyprint.__version__}, "
        f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.2f}), broker "
        f"{'Redis' if settings.REDIS_URL else 'filesystem'}, database SQLite in {var_dir}",
        flush=True,
    )
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(
            f"warning: load average {load:.2f} on {os.cpu_count()} CPUs: other work shares the machine and inflates "
            "every wall time below (compare the CPU times in the notes)",
            flush=True,
        )
    bench = Bench(args, var_dir)
    bench.add("HarfBuzz font subsetting", "yes", "required", True, "libharfbuzz-subset0 found by WeasyPrint")
    sections = args.only or ["notice", "report", "memory", "worker"]
    started = time.perf_counter()
    for name in ["notice", "report", "memory", "worker"]:
        if name not in sections:
            continue
        section_started = time.perf_counter()
        print(f"  {name}...", end="", flush=True)
        try:
            getattr(bench, name)()
        except BenchmarkError as error:
            bench.errors.append(f"{name}: {error}")
            bench.add(f"{name}: could not run", "-", ok=False, note=str(error).splitlines()[0][:120], error=True)
        print(f" {time.perf_counter() - section_started:.0f} s", flush=True)
    print(f"\n(total {time.perf_counter() - started:.0f} s)\n")
    print_table(bench.rows)
    for error in bench.errors:
        print(f"\n{error}", file=sys.stderr)

    missed = [row for row in bench.rows if row.ok is False and not row.error]
    if args.json:
        args.json.write_text(
            json.dumps({"rows": [asdict(r) for r in bench.rows], "raw": bench.raw}, ensure_ascii=False, indent=2)
        )
    targets = [row for row in bench.rows if row.ok is not None and not row.error]
    print("\ntargets:")
    for row in targets:
        print(f"  {row.status:<5} {row.measure}: {row.value} (target {row.target})")
    if bench.errors:
        return 2  # a section could not measure: the report is incomplete
    # A report, not a test: missed targets are printed (MISS), the exit status stays 0.
    if missed:
        print(f"\n{len(missed)} target(s) missed: " + "; ".join(row.measure for row in missed))
    else:
        print("\nall targets met")
    return 0
