"""Demo data of accidents and interviews (registered with the demo loaders; idempotent), in the demo city 晋江市:

- a 高处坠落 一般事故 at a paper-products company of 安海镇 a month ago, its 现场警示教育会议 held on day 9 with its
  record and a photo as evidence (seed 004 §23: "事故发生后15日内召开现场警示教育会议");
- a 机械伤害 accident in 磁灶镇 four days ago, its meeting still to be held (the clock is open);
- a 触电 accident in 灵水社区 (灵源街道) 20 days ago whose meeting is overdue: the community's and 灵源街道's officers
  are reminded every morning;
- two interviews (约谈, seed 004 §10 "运用好会议、考核、通报、警示、约谈、挂牌督办等各项制度"): 磁灶镇 for returns
  repeatedly late (one commitment done, one past its working-day deadline) and the 安海镇 company after its accident
  (commitments still running).

Everything is written through the services (history rows, levels, working-day deadlines). A year the working-day
calendar does not cover leaves the interviews out (never counted in natural days)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from safetyportal.demo.registry import register_demo_loader
from safetyportal.models import Enterprise, Jurisdiction
from safetyportal.uploads import check_attachment
from safetyportal.workdays import CalendarNotCovered, subtract_working_days

from . import services
from .models import (
    Accident,
    AccidentType,
    Commitment,
    Interview,
    InterviewReason,
    InvestigationStatus,
)

HELD_PLACE = "安海镇工业园区某纸品有限公司成品仓库"  # the loader's marker: present once it has run
HELD_UNIT = "晋江市安海某纸品有限公司"


def _counts() -> dict[str, int]:
    return {
        "生产安全事故": Accident.objects.filter(record_status="active").count(),
        "约谈": Interview.objects.filter(record_status="active").count(),
        "约谈承诺事项": Commitment.objects.count(),
    }


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _photo() -> Any:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (90, 110, 140))
    draw = ImageDraw.Draw(image)
    draw.rectangle([40, 380, 760, 560], fill=(200, 200, 200))
    draw.text((60, 40), "Anhai warning meeting", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile("现场警示教育会议照片.jpg", buffer.getvalue())


def _officer(jurisdiction: Jurisdiction | None) -> Any:
    if jurisdiction is None:
        return None
    return (
        get_user_model()
        .objects.filter(is_active=True, officer_profile__jurisdiction=jurisdiction)
        .order_by("pk")
        .first()
    )


def _accidents(today: dt.date, staff: Any, towns: dict[str, Jurisdiction]) -> Accident | None:
    anhai, cizao, lingshui = towns.get("安海镇"), towns.get("磁灶镇"), towns.get("灵水社区")
    held = None
    if anhai is not None:
        day = today - dt.timedelta(days=30)
        enterprise = Enterprise.objects.filter(jurisdiction=anhai, name__contains="纸").order_by("pk").first()
        held = services.save_accident(
            accident=Accident(
                occurred_at=_at(day, 9, 40),
                place=HELD_PLACE,
                jurisdiction=anhai,
                enterprise=enterprise,
                unit_name=HELD_UNIT if enterprise is None else enterprise.name,
                accident_type=AccidentType.FALL,
                deaths=1,
                direct_loss=Decimal("1350000"),
                investigation_status=InvestigationStatus.INVESTIGATING,
                description=(
                    "一名装卸工在成品仓库二层平台临边处搬运纸箱时，从约4.5米高处坠落，经送医抢救无效死亡。"
                    "初步查明：平台临边未设置防护栏杆，作业人员未系挂安全带，企业未开展高处作业安全培训。"
                ),
            ),
            by=staff,
        )
        held = services.record_meeting(
            accident=held,
            by=staff,
            held_on=day + dt.timedelta(days=9),
            place="安海镇人民政府四楼会议室及事故现场",
            attendance=86,
            record=(
                "安海镇安委会组织召开，镇辖区工贸企业主要负责人、安全管理人员，镇安监站、派出所、市场监管所参加。"
                "通报事故经过和初步原因，现场查看事故部位，观看高处坠落事故警示教育片；要求各企业举一反三，"
                "全面排查高处作业、临边洞口防护隐患，严防类似事故发生。"
            ),
        )
        services.add_accident_attachments(accident=held, files=[check_attachment(_photo())], kind="photo", by=staff)
    if cizao is not None:
        services.save_accident(
            accident=Accident(
                occurred_at=_at(today - dt.timedelta(days=4), 15, 20),
                place="磁灶镇大埔村某陶瓷有限公司压砖车间",
                jurisdiction=cizao,
                unit_name="晋江市磁灶某陶瓷有限公司",
                accident_type=AccidentType.MACHINERY,
                serious_injuries=1,
                direct_loss=Decimal("420000"),
                description="压砖机清理作业时未停机断电，一名员工右手被卷入致重伤。",
            ),
            by=staff,
        )
    if lingshui is not None:
        services.save_accident(
            accident=Accident(
                occurred_at=_at(today - dt.timedelta(days=20), 11, 5),
                place="灵水社区某出租厂房一层",
                jurisdiction=lingshui,
                unit_name="晋江市灵源某织造厂",
                accident_type=AccidentType.ELECTRIC_SHOCK,
                deaths=1,
                direct_loss=Decimal("1100000"),
                description="电工未办理作业审批、未断电验电即检修配电箱，触电死亡。",
            ),
            by=staff,
        )
    return held


def _interviews(today: dt.date, staff: Any, towns: dict[str, Jurisdiction], accident: Accident | None) -> None:
    cizao = towns.get("磁灶镇")
    if cizao is not None:
        interview = services.save_interview(
            interview=Interview(
                jurisdiction=cizao,
                head_name="林某某",
                head_position="磁灶镇人民政府分管安全生产副镇长",
                reason=InterviewReason.LATE_RETURNS,
                reason_text=(
                    "2022年以来安全生产月活动、隐患排查治理情况等报送多次逾期，第二季度有3项未按时报送，"
                    "影响全市情况汇总和通报。"
                ),
                held_on=subtract_working_days(today, 25),
                place="晋江市应急管理局三楼会议室",
                interviewer="晋江市安委办主任",
                minutes=(
                    "依照安委会工作规则，运用约谈制度，指出报送工作存在的问题：责任不明确、审核不及时、"
                    "逾期后未说明原因。被约谈人表示接受约谈，承诺压实属地管理责任，按时按质报送。"
                ),
            ),
            by=staff,
        )
        done = services.add_commitment(
            interview=interview,
            text="补报第二季度逾期的3项报送，逐项书面说明逾期原因。",
            working_days=5,
        )
        services.add_commitment(
            interview=interview,
            text="建立报送工作专人负责和镇安委办主任审核制度，报市安委办备案。",
            working_days=10,
        )
        officer = _officer(cizao)
        if officer is not None:
            services.report_commitment_done(
                commitment=done, by=officer, note="已于约谈后第4个工作日补报3项报送并书面说明逾期原因。"
            )
    if accident is not None:
        meeting_day = accident.occurred_on + dt.timedelta(days=5)
        values: dict[str, Any] = (
            {"enterprise": accident.enterprise}
            if accident.enterprise is not None
            else {"jurisdiction": accident.jurisdiction}
        )
        interview = services.save_interview(
            interview=Interview(
                **values,
                head_name="陈某某",
                head_position="主要负责人" if accident.enterprise is not None else "安海镇人民政府镇长",
                reason=InterviewReason.ACCIDENT,
                reason_text=f"{accident}，暴露出高处作业安全管理和员工安全培训不到位。",
                accident=accident,
                held_on=meeting_day,
                place="安海镇人民政府四楼会议室",
                interviewer="晋江市安委办副主任",
                minutes=(
                    "压实企业主要负责人第一责任人的责任：立即停止二层平台临边作业，全面排查高处作业风险隐患；"
                    "未经培训合格严禁上岗；镇政府落实属地监管责任，督促整改到位。"
                ),
            ),
            by=staff,
        )
        services.add_commitment(
            interview=interview,
            text="全面排查厂区高处作业、临边洞口防护隐患，设置防护栏杆，整改结果书面报镇安委办。",
            working_days=20,
        )
        services.add_commitment(
            interview=interview,
            text="组织全体员工开展警示教育和高处作业安全培训，未经培训合格严禁上岗。",
            working_days=25,
        )


@register_demo_loader("committee.accidents_interviews", order=50)
def load_demo_committee() -> dict[str, int]:
    if Accident.objects.filter(place=HELD_PLACE).exists():
        return _counts()
    staff = get_user_model()._default_manager.filter(username="admin").first()
    if staff is None:
        return _counts()
    today = timezone.localdate()
    towns = {j.name: j for j in Jurisdiction.objects.filter(name__in=["安海镇", "磁灶镇", "灵水社区"])}
    with transaction.atomic():
        accident = _accidents(today, staff, towns)
    # The interviews' dates and deadlines need the working-day calendar of the weeks around today; where it does not
    # cover them (a ValidationError naming the year, from add_commitment), no interview is written at all.
    try:
        with transaction.atomic():
            _interviews(today, staff, towns, accident)
    except CalendarNotCovered:
        pass
    except ValidationError as error:
        if "日历未覆盖" not in str(error):
            raise
    return _counts()
