"""Demo of the assessment: 晋江市's 2024 考核评分表 for its subdistricts and towns (一季一考核, seed 004 §8), items
drawn from the seeds (−1 point per late day as DOMAIN.md's scoring says; 001's monthly typical case in local
mainstream media; 004's 开工第一课/晨会 and 双周暗查明访), manual scores with their evidence, and a published Q2
ranking computed from the demo's 2024 安全生产月 returns (run after the campaigns and inspections loaders).
Idempotent: an existing scheme is left as it is, a published period is never re-published."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from safetyportal.demo.jinjiang import COUNTY_CODE
from safetyportal.demo.registry import register_demo_loader
from safetyportal.models import Jurisdiction

from .assessment_models import (
    AssessedLevel,
    AssessmentItem,
    AssessmentResult,
    AssessmentRule,
    AssessmentScheme,
    ManualScore,
)

YEAR = 2024
SCHEME_NAME = "晋江市镇（街道）安全生产工作考核"

ITEMS = [
    ("信息报送及时", "20", AssessmentRule.LATE_DAYS, 0, "各类信息按时限报送；每逾期1天扣1分，扣完本项分值为止。"),
    ("信息报送完整", "15", AssessmentRule.COMPLETENESS, 0, "按已报期数占应报期数的比例计分。"),
    ("隐患按期整改", "25", AssessmentRule.HAZARD_CLOSURE, 0, "整改期限在本期的隐患，按期销号的比例计分。"),
    (
        "典型案例月度曝光",
        "15",
        AssessmentRule.EXPOSURE_DUTY,
        0,
        "每月至少在本地主流媒体曝光1个典型案例，按达标月数占月数的比例计分。",
    ),
    ("安全培训开展", "10", AssessmentRule.TRAINING, 2, "每季度至少组织2场安全培训（入企宣讲、复训等）。"),
    (
        "“开工第一课”和企业“晨会”制度落实",
        "5",
        AssessmentRule.MANUAL,
        0,
        "督促辖区企业落实“开工第一课”和安全生产“晨会”制度，查阅台账和抽查企业计分。",
    ),
    (
        "双周暗查明访和隐患整改“回头看”",
        "10",
        AssessmentRule.MANUAL,
        0,
        "坚持两周一暗查、两周一明访，问题隐患跟踪整改到位；查阅暗访记录、整改台账计分。",
    ),
]

EVIDENCE = [
    (
        "查阅第二季度“开工第一课”台账{n}份，抽查企业{k}家，晨会记录完整。",
        "第二季度开展暗查{n}次、明访{k}次，问题清单均已跟踪整改。",
    ),
    (
        "台账{n}份，抽查企业{k}家，其中2家晨会记录不全，已督促整改。",
        "开展暗查{n}次、明访{k}次，1项问题整改“回头看”未按期完成。",
    ),
    ("台账{n}份，抽查{k}家企业中3家未落实“开工第一课”。", "开展暗查{n}次，明访记录不全。"),
]


def _counts() -> dict[str, int]:
    return {
        "考核评分表": AssessmentScheme.objects.count(),
        "已发布考核结果": AssessmentResult.objects.count(),
    }


@register_demo_loader("committee.assessment", order=80)
def load_demo_assessment() -> dict[str, int]:
    county = Jurisdiction.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return _counts()
    with transaction.atomic():
        scheme, created = AssessmentScheme.objects.get_or_create(
            year=YEAR,
            jurisdiction=county,
            assessed_level=AssessedLevel.SUBDISTRICT,
            defaults={
                "name": SCHEME_NAME,
                "min_sample": 3,
                "note": "依据《临沂市安全生产委员会2022年工作要点》“坚持一季一考核”的做法制定，季度考核、年度汇总，"
                "考核结果排名通报。",
            },
        )
        if created:
            AssessmentItem.objects.bulk_create(
                [
                    AssessmentItem(
                        scheme=scheme, order=n, name=name, points=Decimal(points), rule=rule, target=target,
                        criteria=criteria,
                    )
                    for n, (name, points, rule, target, criteria) in enumerate(ITEMS, start=1)
                ]
            )  # fmt: skip
        manual = list(scheme.items.filter(rule=AssessmentRule.MANUAL).order_by("order"))
        towns = list(Jurisdiction.objects.filter(parent=county).order_by("code"))
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk").first()
        for index, town in enumerate(towns):
            variant = EVIDENCE[index % len(EVIDENCE)]
            for item, text, share in zip(manual, variant, ("1", "0.8"), strict=False):
                points = (item.points * Decimal(share) - Decimal(index % 4) * Decimal("0.5")).max(Decimal(0))
                ManualScore.objects.get_or_create(
                    item=item,
                    quarter=2,
                    jurisdiction=town,
                    defaults={
                        "points": points.quantize(Decimal("0.01")),
                        "evidence": text.format(n=6 - index % 3, k=4 + index % 5),
                        "scored_by": staff,
                    },
                )
    if not AssessmentResult.objects.filter(scheme=scheme, quarter=2).exists():
        from .assessment_services import publish

        publish(scheme=scheme, quarter=2, by=staff)
    return _counts()
