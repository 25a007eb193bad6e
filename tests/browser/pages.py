"""Every page a person looks at, for the layout and accessibility runs (test_phone_fit.py, test_axe.py).

``build_world()`` creates one example of everything a portal or public page lists or shows, with long Chinese names
(the texts that wrapped two characters a line on a phone). ``discover()`` walks the URL patterns of an area
(tests/security/routes.py): every route without arguments is visited, and a route taking an object is visited
through the first link to it found on a visited page, so pages other people add are included without a list to
keep. Routes that answer something else than an HTML page (exports, feeds, images, POST-only actions) are skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import Page

from tests.security.routes import PORTAL, PUBLIC, routes_in

LONG_UNIT = "晋江市灵源街道办事处安全生产监督管理站"
LONG_TITLE = "关于开展2026年全市“安全生产月”暨“畅通生命通道”宣传咨询日活动情况报送"


@dataclass
class World:
    officer_username: str
    member_officer_username: str
    staff_username: str
    admin_username: str
    objects: dict[str, object] = field(default_factory=dict)


def build_world() -> World:
    """One of everything (in the live server's transactional database), named as long as real names are."""
    from django.contrib.auth.models import Group

    from campaigns.models import NoticeReceipt, ReturnStatus, UnitAuthority
    from inspections.models import HazardSource, HazardStatus
    from safetyportal.documents.models import DocumentStatus, GeneratedDocument, IssuingAuthority
    from safetyportal.roles import ADMIN_GROUP, STAFF_GROUP, sync_roles
    from tests.campaigns.factories import ActivityReturnFactory, CampaignFactory, CampaignTaskFactory
    from tests.core.documents_support import make_authority, make_notice
    from tests.core.factories import (
        CommunityFactory,
        JurisdictionFactory,
        MemberUnitFactory,
        OfficerProfileFactory,
        StaffUserFactory,
    )
    from tests.inspections.factories import ExposureCaseFactory, HazardFactory, PublicReportFactory
    from tests.publicity.factories import PublicityItemFactory
    from tests.training.factories import CertificateFactory, PublicationBatchFactory
    from training.models import PublicationEntry

    sync_roles()
    today = timezone.localdate()
    unit = JurisdictionFactory(name="灵源街道")
    community = CommunityFactory(parent=unit, name="灵源街道林口社区居民委员会")
    officer = OfficerProfileFactory(jurisdiction=unit, user__first_name="王敏").user
    member_unit = MemberUnitFactory(name="晋江市住房和城乡建设局", short_name="市住建局")
    member_officer = OfficerProfileFactory(jurisdiction=None, member_unit=member_unit, user__first_name="许婷").user
    staff = StaffUserFactory(first_name="陈静", groups=[Group.objects.get(name=STAFF_GROUP)])
    admin = StaffUserFactory(first_name="林强", is_superuser=True, groups=[Group.objects.get(name=ADMIN_GROUP)])
    campaign = CampaignFactory(
        name="“安全生产月”活动",
        year=today.year,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=20),
        local_theme="人人讲安全、个个会应急——查找身边安全隐患",
    )
    task = CampaignTaskFactory(
        campaign=campaign, title=LONG_TITLE, due_on=today + dt.timedelta(days=3), units=[unit], members=[member_unit]
    )
    late_task = CampaignTaskFactory(
        campaign=campaign, title="安全宣传咨询日活动图片和信息报送", due_on=today - dt.timedelta(days=2), units=[unit]
    )
    CampaignTaskFactory(  # nothing filed yet: the dashboard offers 填报
        campaign=campaign,
        title="“畅通生命通道”消防安全宣传进社区活动开展情况及图片信息报送",
        due_on=today + dt.timedelta(days=2),
        units=[unit],
        members=[member_unit],
    )
    submitted = ActivityReturnFactory(
        task=task,
        jurisdiction=unit,
        title="灵源街道2026年“安全生产月”安全宣传咨询日活动暨应急演练",
        status=ReturnStatus.SUBMITTED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    draft = ActivityReturnFactory(
        task=late_task,
        jurisdiction=unit,
        title="林口社区消防安全宣传进家庭活动",
        status=ReturnStatus.RETURNED,
        first_submitted_at=timezone.now(),
        return_reason="照片不清晰，请补充活动现场照片并说明参与人数的统计方法。",
    )
    hazard = HazardFactory(
        jurisdiction=unit,
        status=HazardStatus.RECTIFYING,
        address="灵源街道林口社区世纪大道与泉安中路交叉口东北侧商住楼一层",
        rectification_deadline=today - dt.timedelta(days=1),
    )
    reported = HazardFactory(jurisdiction=unit, source=HazardSource.PUBLIC, description="电动自行车在楼道内充电。")
    PublicReportFactory(hazard=reported)
    exposed = ExposureCaseFactory(
        jurisdiction=unit, title="晋江市某某鞋业有限公司未按规定开展有限空间作业安全培训被处罚案"
    )
    from tests.inspections.factories_articles import ExposureSubmissionFactory, MediaArticleFactory

    ExposureSubmissionFactory(  # package E: the unit's submission (hazards:exposure_submission_detail), returned
        jurisdiction=unit, title=LONG_TITLE, status="returned", return_reason="请补充行政处罚决定书文号和处罚决定日期。"
    )
    MediaArticleFactory(jurisdiction=unit, published_on=today, media_name="晋江经济报", cases=[exposed])
    batch = PublicationBatchFactory(title="2026年第3批特种作业操作证新取证人员名单（低压电工作业、焊接与热切割作业）")
    certificate = CertificateFactory()
    PublicationEntry.objects.create(batch=batch, certificate=certificate, position=0)
    PublicityItemFactory(title="【安全生产月】一图读懂《生产经营单位从业人员安全生产举报处理规定》", published_on=today)
    # The unit's own plan derived from the city's campaign, and a notice addressed to the unit (its inbox).
    own_campaign = CampaignFactory(
        name="灵源街道“安全生产月”活动实施方案",
        year=today.year,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        jurisdiction=unit,
        parent=campaign,
    )
    own_task = CampaignTaskFactory(
        campaign=own_campaign,
        title="社区“安全宣传咨询日”活动信息",
        due_on=today + dt.timedelta(days=5),
        units=[community],
    )
    ActivityReturnFactory(
        task=own_task,
        jurisdiction=community,
        title="林口社区安全宣传咨询日活动",
        status=ReturnStatus.SUBMITTED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    # The unit's own 发文机关, so that its officers draft and issue notices of their own (campaigns cascade).
    own_authority = make_authority("灵安办")
    UnitAuthority.objects.create(jurisdiction=unit, authority=own_authority)
    make_notice(
        addressed=False,
        authority=own_authority,
        title="关于开展林口社区“安全生产月”宣传咨询活动的通知",
        created_by=officer,
    )
    notice = make_notice(addressed=False, title="关于做好岁末年初安全防范工作的通知")
    notice.recipient_jurisdictions.add(unit)
    type(notice).objects.filter(pk=notice.pk).update(status="issued", number="晋安办〔2026〕64号", issued_on=today)
    NoticeReceipt.objects.create(notice=notice, jurisdiction=unit)
    authority = IssuingAuthority.objects.get(code="晋安办")
    data = b"%PDF-1.7\n" + secrets.token_bytes(2000)
    document = GeneratedDocument.objects.create(
        kind="notice",
        title="关于开展2026年全市“安全生产月”活动暨“安全生产万里行”宣传咨询日活动的通知",
        number="晋安办〔2026〕63号",
        authority=authority,
        status=DocumentStatus.DONE,
        verify_token=secrets.token_urlsafe(18),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        page_count=4,
    )
    document.file.save("document.pdf", ContentFile(data))
    # A notice published on the public site (通知公告: /notices/ and its detail page), its body long and numbered.
    public_notice = make_notice(addressed=False, title=LONG_TITLE + "的通知")
    type(public_notice).objects.filter(pk=public_notice.pk).update(
        status="issued", number="晋安办〔2026〕63号", issued_on=today, is_public=True, document=document
    )
    # A circular (通报) addressed to the unit, its frozen table as wide as the returns table (committee:circular_*).
    from committee.circular_drafts import RETURN_COLUMNS
    from tests.committee.factories_circulars import CircularFactory, CircularReceiptFactory

    row = [LONG_UNIT, 12, 11, 10, 1, 1, 23, "91.7%"]
    table = {"columns": RETURN_COLUMNS, "rows": [row], "total_row": ["合计", *row[1:]], "note": "另：" + LONG_TITLE}
    circular = CircularFactory(
        authority=authority, title=LONG_TITLE + "情况的通报", status="issued", number="晋安办〔2026〕70号",
        issued_on=today, snapshot={"tables": {"s1": table}},
    )  # fmt: skip
    CircularReceiptFactory(circular=circular, jurisdiction=unit)
    # A published 挂牌督办 of the unit with a progress report (committee:supervision_*, /supervision/).
    from tests.committee.factories_supervision import ProgressReportFactory, SupervisionFactory

    supervision = SupervisionFactory(
        jurisdiction=unit, title=LONG_TITLE + "滞后", public_name=LONG_UNIT, public_text=LONG_TITLE, published_on=today
    )
    ProgressReportFactory(supervision=supervision, filed_by=officer, unit_name=LONG_UNIT, text=LONG_TITLE)
    # The unit's published quarterly score, long item names and evidence (committee:assessment_mine).
    from tests.committee.factories_assessment import AssessmentResultFactory, AssessmentResultRowFactory

    scored = AssessmentResultFactory(
        items=[{"name": LONG_TITLE, "points": "10", "rule": "manual", "per_day": "1", "target": 0}],
        unit_count=19, ranked_count=18,
    )  # fmt: skip
    AssessmentResultRowFactory(
        result=scored, unit_id=unit.pk, unit_name=unit.name, rank=3, scores=[{"score": "8.50", "detail": LONG_TITLE}]
    )
    # An interview of the unit with a long commitment and an accident of its area whose meeting is due (committee:hub).
    from tests.committee.factories import AccidentFactory, CommitmentFactory, InterviewFactory

    interview = InterviewFactory(jurisdiction=unit, reason_text=LONG_TITLE, minutes=LONG_TITLE)
    CommitmentFactory(interview=interview, text=LONG_TITLE + "，逐项说明逾期原因并建立专人负责制度")
    AccidentFactory(jurisdiction=unit, unit_name=LONG_UNIT + "某纸品有限公司")
    return World(
        officer_username=officer.username,
        member_officer_username=member_officer.username,
        staff_username=staff.username,
        admin_username=admin.username,
        objects={
            "submitted": submitted,
            "draft": draft,
            "hazard": hazard,
            "certificate": certificate,
            "batch": batch,
            "document": document,
        },
    )


def seed_urls(world: World) -> list[str]:
    """Object pages no visited page links to (a certificate's QR result, a document's verification page)."""
    return [
        f"/certificates/c/{world.objects['certificate'].verify_token}/",
        f"/verify/{world.objects['document'].verify_token}/",
    ]


def _route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _html(page: Page, url: str) -> bool:
    """Whether a GET of ``url`` answers an HTML page (with the page's cookies, no navigation, no redirects)."""
    response = page.request.get(url, max_redirects=0)
    return response.status == 200 and response.headers.get("content-type", "").startswith("text/html")


def discover(page: Page, areas: tuple[str, ...], extra: list[str] = (), limit: int = 200) -> Iterator[str]:
    """Visit (``page.goto``) and yield every HTML page of ``areas``: the routes without arguments first, then one URL
    per route taking an object, found among the links of the pages visited. The caller checks the loaded page."""
    routes = {route.name: route for route in routes_in(*areas) if route.name}
    queue = [route.url() for route in routes.values() if not route.takes_object and route.url()]
    queue += list(extra)
    seen_routes: set[str] = set()
    visited = 0
    while queue and visited < limit:
        url = queue.pop(0)
        name = _route_of(urlsplit(url).path)
        if name is None or name not in routes or name in seen_routes:
            continue
        seen_routes.add(name)
        if not _html(page, url):
            continue
        page.goto(url)
        visited += 1
        yield url
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = _route_of(parts.path)
            if target in routes and target not in seen_routes and routes[target].takes_object:
                queue.append(href)


def unvisited(areas: tuple[str, ...], visited_routes: set[str]) -> list[str]:
    """Routes of ``areas`` no visit reached (for the report of a run)."""
    return sorted(name for name in (route.name for route in routes_in(*areas)) if name and name not in visited_routes)


AREAS: dict[str, tuple[str, ...]] = {"public": (PUBLIC,), "portal": (PORTAL,)}
Check = Callable[[Page], list[str]]
