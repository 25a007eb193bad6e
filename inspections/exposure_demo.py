"""Demo data of package E: media articles carrying several cases each (so 篇 and 起 differ, seed 000 "295篇1399起"),
a few towns missing the monthly mainstream-media duty (seed 001), and exposure submissions from two towns in every
state. Runs after the inspections demo (its published cases)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from safetyportal.demo.registry import register_demo_loader
from safetyportal.models import Jurisdiction, JurisdictionLevel, OfficerProfile

from . import exposure_submissions, services
from .models import (
    CaseKind,
    CaseStatus,
    ExposureCase,
    ExposureSubmission,
    HazardCategory,
    MediaArticle,
    MediaLevel,
    SubmissionStatus,
)

DEMO_NOTE = "演示数据"

SUBMISSIONS = [
    {
        "kind": CaseKind.PENALTY,
        "category": HazardCategory.INDUSTRY,
        "title": "某鞋服有限公司未如实记录安全生产教育和培训情况案",
        "display_name": "晋江市某鞋服有限公司",
        "principal_person": "许志明",
        "summary": "未如实记录安全生产教育和培训情况",
        "body": "执法人员检查发现，该公司未建立安全生产教育和培训档案，未如实记录培训时间、内容和考核结果。"
        "主要负责人许志明（联系电话13805951234）未组织制定培训计划。",
        "legal_basis": "违反《中华人民共和国安全生产法》第二十八条第四款，依据第九十七条第（四）项",
        "penalty_text": "责令限期改正，罚款人民币1.5万元",
        "warning": "安全培训不是走过场，培训档案必须真实完整。",
    },
    {
        "kind": CaseKind.COVERT,
        "category": HazardCategory.FIRE,
        "title": "暗访曝光：某电动车销售门店违规充电",
        "display_name": "某电动车销售门店",
        "summary": "店内违规为电动自行车充电，疏散通道堵塞",
        "body": "镇安监站夜查时发现，该门店在店内集中为电动自行车电池充电，且安全出口被车辆堵塞。",
        "legal_basis": "违反《中华人民共和国消防法》第二十八条",
        "penalty_text": "已责令立即整改，移交消防救援大队依法查处",
        "warning": "电动自行车严禁在室内、楼道、安全出口处停放充电。",
    },
    {
        "kind": CaseKind.MAJOR_HAZARD,
        "category": HazardCategory.CONFINED_SPACE,
        "title": "某污水处理站有限空间作业未审批重大事故隐患案",
        "display_name": "晋江市某环保科技有限公司",
        "summary": "有限空间作业未执行审批、未配备检测设备",
        "body": "检查发现，该单位污水池清淤作业未履行作业审批，现场未配备气体检测报警仪和救援设备。",
        "legal_basis": "《工贸企业重大事故隐患判定标准》第四条第（三）项",
        "penalty_text": "责令停止作业、限期整改，罚款人民币3万元",
        "warning": "有限空间作业必须先通风、再检测、后作业，严禁盲目施救。",
    },
    {
        "kind": CaseKind.HAZARD,
        "category": HazardCategory.GAS,
        "title": "某餐饮店燃气管道私改隐患曝光",
        "display_name": "某餐饮店",
        "summary": "私自改装燃气管道，未安装可燃气体报警装置",
        "body": "社区网格员巡查发现，该餐饮店私自延长燃气软管穿越墙体，厨房未安装可燃气体报警装置。",
        "penalty_text": "已责令立即停止使用并整改",
        "warning": "燃气管道严禁私拆私改，餐饮场所必须安装可燃气体报警装置。",
    },
]


def _officer_of(township: Jurisdiction):  # type: ignore[no-untyped-def]
    profile = OfficerProfile.objects.filter(jurisdiction=township).select_related("user").order_by("pk").first()
    return profile.user if profile else None


def _articles(staff) -> int:  # type: ignore[no-untyped-def]
    """Per month of the last six: one 本级 WeChat roundup of every case of the month (never counts for the duty), one
    区县级 newspaper page carrying the cases of most towns (the others miss the month), and one 市级 report of two."""
    county = Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY).order_by("code").first()
    if county is None:
        return 0
    by_month: dict[tuple[int, int], list[ExposureCase]] = defaultdict(list)
    published = ExposureCase.objects.filter(status__in=(CaseStatus.PUBLISHED, CaseStatus.EXPIRED)).order_by(
        "published_at"
    )
    for case in published.select_related("jurisdiction"):
        day = timezone.localdate(case.published_at)
        by_month[(day.year, day.month)].append(case)
    made = 0
    for (year, month), cases in sorted(by_month.items()):
        last = cases[-1]
        day = timezone.localdate(last.published_at)
        own = MediaArticle.objects.create(
            title=f"{month}月安全生产违法违规典型案例曝光",
            media_name="晋江应急管理（微信公众号）",
            media_level=MediaLevel.OWN,
            published_on=day,
            url=f"https://mp.weixin.qq.com/s/demo-{year}{month:02d}",
            jurisdiction=county,
            note=DEMO_NOTE,
            created_by=staff,
        )
        own.cases.set(cases)
        # The newspaper leaves out the towns of every third case of the month: those towns miss the duty.
        skipped = {case.jurisdiction_id for index, case in enumerate(cases) if index % 3 == 2}
        carried = [case for case in cases if case.jurisdiction_id not in skipped]
        if carried:
            paper = MediaArticle.objects.create(
                title=f"“聚焦安全生产”专栏：{month}月典型案例",
                media_name="晋江经济报",
                media_level=MediaLevel.COUNTY,
                published_on=day,
                url=f"https://www.ijjnews.com/demo/{year}{month:02d}.html",
                jurisdiction=county,
                note=DEMO_NOTE,
                created_by=staff,
            )
            paper.cases.set(carried)
            made += 1
        if len(carried) >= 2:
            city = MediaArticle.objects.create(
                title=f"晋江曝光{month}月安全生产典型案例",
                media_name="泉州晚报",
                media_level=MediaLevel.CITY,
                published_on=day,
                jurisdiction=county,
                note=DEMO_NOTE,
                created_by=staff,
            )
            city.cases.set(carried[:2])
            made += 1
        made += 1
    return made


def _submissions(staff) -> int:  # type: ignore[no-untyped-def]
    """Two towns submit: one pending, one returned with a reason, one accepted (a draft case), one published."""
    townships = list(Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).order_by("code")[:2])
    made = 0
    for index, township in enumerate(townships):
        officer = _officer_of(township)
        if officer is None:
            continue
        for n, data in enumerate(SUBMISSIONS[index * 2 : index * 2 + 2]):
            submission = exposure_submissions.submit(by=officer, data=dict(data))
            made += 1
            if index == 0 and n == 0:
                exposure_submissions.return_submission(
                    submission=submission, by=staff, reason="请补充行政处罚决定书文号和处罚决定日期。"
                )
            elif index == 0 and n == 1:
                pass  # 待审核
            elif index == 1 and n == 0:
                exposure_submissions.accept(submission=submission, by=staff)
            else:
                case = exposure_submissions.accept(submission=submission, by=staff)
                services.publish_case(case=case, by=staff)
    return made


def demo_counts() -> dict[str, int]:
    return {
        "媒体曝光报道（篇）": MediaArticle.objects.count(),
        "镇街报送曝光案例": ExposureSubmission.objects.count(),
        "其中退回修改": ExposureSubmission.objects.filter(status=SubmissionStatus.RETURNED).count(),
    }


@register_demo_loader("inspections_media", order=31)
def load_demo_media() -> dict[str, int]:
    if MediaArticle.objects.filter(note=DEMO_NOTE).exists() or ExposureSubmission.objects.exists():
        return demo_counts()
    staff = get_user_model()._default_manager.filter(username="admin").first()
    if staff is None:
        return demo_counts()
    with transaction.atomic():
        _articles(staff)
        _submissions(staff)
    return demo_counts()
