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

HAZARD_TITLE = "晋江市陈埭镇某鞋材厂“三合一”场所违规住人问题"
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

    if Supervision.objects.filter(title__in=[HAZARD_TITLE, TOWN_TITLE]).exists():
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
        if hazard_ids:
            info = hazard_info(hazard_ids[0])
            supervision = services.create_supervision(
                by=staff,
                target="hazard",
                hazard_id=hazard_ids[0],
                level="county",
                supervisor="晋江市安全生产委员会办公室",
                title=HAZARD_TITLE,
                problem=(
                    "该厂生产车间、仓库与员工宿舍设置在同一建筑内，未采取防火分隔措施，安全出口数量不足，"
                    "夜间住宿员工约20人，一旦发生火灾极易造成群死群伤。"
                ),
                requirements=(
                    "立即清理搬离员工宿舍，落实防火分隔；整改期间落实24小时值守；镇政府落实属地管理责任，"
                    "每周报送整改进展。"
                ),
                listed_on=hazard_listed,
                working_days=30,
                public_name="晋江市陈埭镇某鞋材厂",
                public_text="生产、储存、住宿“三合一”，未采取防火分隔措施，安全出口数量不足。",
            )
            services.publish_listing(supervision=supervision, by=staff, on=add_working_days(hazard_listed, 3))
            authority = IssuingAuthority.objects.filter(code="晋安办").first()
            if authority is not None:
                SupervisionNotice.objects.create(
                    supervision=supervision,
                    authority=authority,
                    body=(
                        "请你镇立即督促该企业停止在厂房内安排员工住宿，按照《安全生产法》第四十二条规定整改到位。\n"
                        "整改期间，落实专人盯守和每日巡查，确保不发生生产安全事故。\n"
                        "整改完成后，请将整改情况及佐证材料报市安委办，经验收合格后予以销号。"
                    ),
                )
            officer = _officer(info.jurisdiction_id if info else None)
            if officer is not None:
                services.file_progress(
                    supervision=supervision,
                    by=officer,
                    text="镇安监站已会同消防所现场检查，企业已将宿舍内20名员工全部清出，正在砌筑防火墙，预计本月底完工。",
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
