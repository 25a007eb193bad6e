"""Demo data of 挂牌督办 (registered with the demo loaders; idempotent): in the demo city 晋江市, a 县级挂牌督办 of an
open hazard (published, with a draft 督办通知 and a progress report of the town) and a 街道（镇）级 supervision of a
town whose returns are chronically late, past its deadline (the morning job escalates it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from safetyportal.demo.registry import register_demo_loader
from safetyportal.documents.models import IssuingAuthority
from safetyportal.models import Jurisdiction
from safetyportal.workdays import CalendarNotCovered, add_working_days, subtract_working_days

from . import supervision_services as services
from .supervision_models import Supervision, SupervisionNotice

TOWN_TITLE = "磁灶镇安全生产月活动及隐患排查治理情况报送长期滞后问题"


def _counts() -> dict[str, int]:
    return {
        "挂牌督办": Supervision.objects.filter(record_status="active").count(),
        "督办通知": SupervisionNotice.objects.count(),
    }


def _officer(jurisdiction_id: int | None):  # type: ignore[no-untyped-def]
    if jurisdiction_id is None:
        return None
    return (
        get_user_model()
        .objects.filter(is_active=True, officer_profile__jurisdiction_id=jurisdiction_id)
        .order_by("pk")
        .first()
    )


@register_demo_loader("committee.supervision", order=60)
def load_demo_supervision() -> dict[str, int]:
    from inspections.supervision_bridge import hazard_info, open_hazard_ids

    if Supervision.objects.exists():  # loaded before (or the office has its own): never twice
        return _counts()
    staff = get_user_model()._default_manager.filter(username="admin").first()
    if staff is None:
        return _counts()
    today = timezone.localdate()
    try:
        hazard_listed = subtract_working_days(today, 12)
        town_listed = subtract_working_days(today, 30)
    except CalendarNotCovered:
        return _counts()
    with transaction.atomic():
        hazard_ids = open_hazard_ids(limit=1)
        info = hazard_info(hazard_ids[0]) if hazard_ids else None
        if info is not None:
            # Every word of the demo comes from the hazard itself: its town, unit, category, level and address.
            place = Jurisdiction.objects.filter(pk=info.jurisdiction_id).values_list("name", flat=True).first() or ""
            subject = info.enterprise_name or f"{place}{info.address}"
            supervision = services.create_supervision(
                by=staff,
                target="hazard",
                hazard_id=info.pk,
                level="county",
                supervisor="晋江市安全生产委员会办公室",
                title=f"{subject}{info.category_label}{info.level_label}（{info.number}）",
                problem=(
                    f"经检查，{subject}存在{info.category_label}方面的{info.level_label}（隐患编号{info.number}），"
                    "经多次督促仍未整改到位，存在较大安全风险。"
                ),
                requirements=(
                    f"责任单位立即落实整改措施和整改期间的安全防范措施；{place}落实属地管理责任，每周报送整改进展；"
                    "整改完成后报市安委办验收销号。"
                ),
                listed_on=hazard_listed,
                working_days=30,
                public_name=info.enterprise_name or f"{place}某场所",
                public_text=f"存在{info.category_label}方面的{info.level_label}，正在挂牌督办整改。",
            )
            services.publish_listing(supervision=supervision, by=staff, on=add_working_days(hazard_listed, 3))
            authority = IssuingAuthority.objects.filter(code="晋安办").first()
            if authority is not None:
                SupervisionNotice.objects.create(
                    supervision=supervision,
                    authority=authority,
                    body=(
                        f"请{place}立即督促责任单位落实整改措施，按照《安全生产法》有关规定整改到位。\n"
                        "整改期间，落实专人盯守和每日巡查，确保不发生生产安全事故。\n"
                        "整改完成后，请将整改情况及佐证材料报市安委办，经验收合格后予以销号。"
                    ),
                )
            officer = _officer(info.jurisdiction_id)
            if officer is not None:
                services.file_progress(
                    supervision=supervision,
                    by=officer,
                    text=f"{place}已会同有关部门现场检查，正在督促责任单位落实整改措施，预计本月底前整改到位。",
                )
        town = (
            Jurisdiction.objects.filter(name__contains="磁灶", level="subdistrict").first()
            or Jurisdiction.objects.filter(level="subdistrict").order_by("code").first()
        )
        if town is not None:
            supervision = services.create_supervision(
                by=staff,
                target="unit",
                jurisdiction=town,
                level="street",
                supervisor="晋江市安全生产委员会办公室",
                title=TOWN_TITLE
                if "磁灶" in town.name
                else f"{town.name}安全生产月活动及隐患排查治理情况报送长期滞后问题",
                problem=(
                    "今年以来，该镇安全生产月活动周报连续6次逾期报送、2次未报送，月度隐患排查治理情况迟报3次，"
                    "经电话督促仍未改进。"
                ),
                requirements="明确专人负责报送工作，补报缺报材料，建立报送台账，每周五16:00前报送整改进展。",
                listed_on=town_listed,
                working_days=20,
                public_name=town.name,
                public_text="安全生产月活动及隐患排查治理情况报送长期滞后、多次缺报。",
            )
            services.publish_listing(supervision=supervision, by=staff, on=add_working_days(town_listed, 4))
            officer = _officer(town.pk)
            if officer is not None:
                services.file_progress(
                    supervision=supervision,
                    by=officer,
                    text="已明确镇应急办专人负责报送，已补报第3、4周活动周报，其余材料正在收集。",
                )
    return _counts()


__all__ = ["load_demo_supervision"]
