"""Demo of the cascade (issue 12), from shared/seeds/003: 灵源街道's own 2024 “安全生产月”, derived from the city's,
with its tasks to its 社区 and its 街道安委会成员单位, their returns (most accepted by the 灵源 office, one sent back
for changes, one slot never filed) and its notice 关于开展2024年灵源街道“安全生产月”活动的通知 issued by the 灵源
officer under 灵安办 through the one issue() (灵安办〔2024〕N号), addressed to the 社区 and member units (收文/签收).

The figures of the communities' accepted drills roll up into 灵源街道's figures of the city's campaign; 灵源街道's own
city returns count its own drills only (the return form says so), so the city's published total (569 drills and
training sessions, 97,696 participants, shared/seeds/000) stays what it is: the community drills are taken off
灵源街道's own drill returns, which before the cascade carried them."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from safetyportal.demo.registry import register_demo_loader
from safetyportal.documents import services as document_services
from safetyportal.documents.models import IssuingAuthority
from safetyportal.models import Jurisdiction, MemberUnit

from . import cascade
from .models import (
    ActivityReturn,
    ActivityType,
    Campaign,
    CampaignStatus,
    CampaignTask,
    Notice,
    NoticeStatus,
    Recurrence,
    ReturnEvent,
    ReturnEventKind,
    ReturnStatus,
    UnitAuthority,
)

LINGYUAN = "灵源街道"
OFFICER = "lingyuan"
AUTHORITY = {
    "name": "晋江市灵源街道安全生产委员会办公室",
    "header": "灵源街道安全生产委员会办公室文件",
    "code": "灵安办",
    "contact": "街道安办 0595-85612345",
}
# 街道安委会成员单位 (invented but typical: police station, market supervision office, enforcement team, health centre).
MEMBER_UNITS = (
    ("灵源派出所", "派出所", "道路交通安全、寄递物流治安、人员密集场所治安"),
    ("灵源市场监督管理所", "市场监管所", "特种设备、食品生产经营"),
    ("灵源街道综合执法队", "综合执法队", "城镇燃气、占道经营、户外广告设施"),
    ("灵源街道社区卫生服务中心", "卫生服务中心", "医疗卫生机构安全、应急救护培训"),
)
CAMPAIGN_NAME = "灵源街道“安全生产月”"
NOTICE_TITLE = "关于开展2024年灵源街道“安全生产月”活动的通知"
NOTICE_ISSUED_ON = dt.date(2024, 5, 30)  # two days after 晋安办〔2024〕63号 (28 May)
NOTICE_BODY = "\n".join(
    [
        (
            "今年6月是第23个全国“安全生产月”，主题是“人人讲安全、个个会应急——畅通生命通道”，6月16日为全国"
            "“安全宣传咨询日”。根据《晋江市安全生产委员会办公室 晋江市应急管理局关于开展2024年泉州市“安全生产"
            "月”活动的通知》（晋安办〔2024〕63号）要求，结合街道实际，现将街道“安全生产月”活动有关事项通知如"
            "下："
        ),
        "一、深入宣传贯彻习近平总书记关于安全生产重要论述",
        (
            "紧紧围绕宣传贯彻习近平总书记关于安全生产重要论述和重要指示批示精神，各社区、有关单位和各企业主要负责人要"
            "组织开展《深入学习贯彻习近平关于应急管理的重要论述》的学习，全面领会习近平总书记关于安全生产重要论述的精"
            "髓要义，把理论学习成果转化为谋划推动工作的创新思路、务实举措、有效方法。企事业单位要组织开展“安全生产大"
            "家谈”“班前会”“以案普法”等活动，组织观看“安全生产月”主题宣传片、《安全生产 责任在肩》警示教育片、"
            "事故警示教育片、典型案例解析片和“全民安全公开课”等，推动树牢安全发展理念。"
        ),
        "二、广泛宣传发动，深入开展应急演练活动",
        (
            "聚焦“畅通生命通道”这一主要内容，组织开展宣传、演练和整治行动。各社区、各有关单位要督促本辖区、本行业企"
            "业根据本行业领域事故特点开展应急预案演练，采取多渠道、多方式、全员覆盖的培训模式，开展全员安全警示教育和"
            "专项培训、安全疏散应急演练和警示标识标线维护、障碍物清理行动，让全体员工自觉维护“生命通道”的畅通，熟悉"
            "消防器材使用，提高应急避险能力。社区、学校等要结合实际，开展科普知识宣传和情景模拟、实战推演、逃生演练、"
            "自救互救等活动。重点围绕学校防灾避险演练100%全覆盖等工程重点工作内容，切实增强公众应对突发事件的避险"
            "能力，突出生命通道在避险逃生和应急救援中的关键作用。加强各类宣传产品制作，通过各类新媒体平台、宣教大屏、"
            "应急广播等多样化载体，广泛开展畅通生命通道宣传。"
        ),
        "三、精心组织开展“安全生产月”系列活动",
        (
            "2024年6月，街道安办将牵头组织开展“安全宣传咨询日”现场活动。围绕“人人讲安全、个个会应急——畅通生"
            "命通道”活动主题，举行安全倡议、安全宣誓、现场咨询等活动，提升宣传实效。组织开展企业企事业单位主要负责人"
            "和安全管理人员培训和入企宣讲活动。组织参观安全文化宣教基地、安全文化主题公园等各类科普场所和体验基地，开"
            "展沉浸式、体验式科普宣传活动，通过生命通道布局标识展示、现场科普讲解等形式为公众答疑解惑、普及常识，积极"
            "营造全社会关注、全民参与的良好氛围，努力提高全民安全素质和社会整体安全水平。"
        ),
        "四、强化媒体监督和社会监督，深入开展“隐患曝光”活动",
        (
            "安办要在“晋江灵源”公众号对街道安全生产违法典型案例进行集中曝光。同时，要将具有代表性的典型案例及时报送"
            "市安办。要通过官微、官博等各类平台载体，宣传应急管理部“安全生产举报微信小程序”“安全生产曝光台”“12"
            "350举报电话”等及省、泉州市、晋江市“安全生产曝光台”“12345便民服务平台”等举报渠道，广泛发动群"
            "众特别是企业职工举报安全生产风险、重大事故隐患和非法违法行为，强化安全生产社会监督，推动企业自主履行隐患"
            "排查治理等安全管理职责，有效提高企业预防事故能力。"
        ),
        "五、推动全民参与，持续推进安全宣传“五进”工作",
        (
            "各社区、街道安委会成员单位要持续推进安全宣传“五进”工作，积极组织人员参加“畅通生命通道”系列疏散逃生演"
            "练、“避险逃生训练营”短视频新媒体展播、“危急时刻之生命英雄”应急科普趣学、网络知识答题等全国性活动。进"
            "企业方面，组织指导企业积极培育安全文化，深入宣传贯彻安全生产治本攻坚三年行动，组织员工学好用好重大事故隐"
            "患判定标准，强化安全风险辨识警示，鼓励企业创新开展“企业说安全”“安全大讲堂”等活动，组织开展生产安全事"
            "故疏散逃生演练。进农村方面，要重点宣传农机、沼气、农药使用等安全知识，开展农村自建房安全科普教育，增强居"
            "民房屋安全意识。进社区方面，要结合支部村（社区）共建，开展志愿服务、“进门入户送安全”等各类宣传活动，广"
            "泛发动安全网格员、物业工作人员、安全志愿者重点宣传“畅通生命通道”相关科普知识。进学校方面，要将安全教育"
            "融入日常教学，以校园广播、校园宣传栏等载体及“全民安全公开课”“安全宣传进校园”等活动为依托，普及应对火"
            "灾、地震、溺水等应急安全知识，针对宿舍、教室、实验室、食堂等人员密集重点场所开展安全隐患排查、避险逃生培"
            "训和演练。进家庭方面，面向社会公众普及电动自行车充电安全、储能设备安全、燃气安全和用电安全等知识，定期开"
            "展居家安全检查和避险逃生演练，提升家庭安全意识、提高家庭风险防范能力。"
        ),
        (
            "各社区、街道安委会成员单位要高度重视，切实强化组织领导，加强统筹协调、坚持守正创新，明确工作职责、细化责"
            "任分工，全面营造宣传氛围，扎实有序推进“安全生产月”活动各项工作。"
        ),
    ]
)

# The tasks 灵源街道 gives its 社区 and member units (the seed's sections; dates are the demo's: each a few days before
# the city's own deadline, so that the office can compile its own return).
TASKS = [
    {
        "title": "报送本单位“安全生产月”活动方案",
        "recurrence": Recurrence.ONCE,
        "due_on": dt.date(2024, 6, 5),
        "order": 1,
        "members": True,
        "requirements": "各社区、街道安委会成员单位结合实际制定本单位“安全生产月”活动方案，明确职责分工，"
        "于6月5日前报送街道安办。",
    },
    {
        "title": "“安全宣传咨询日”现场活动",
        "recurrence": Recurrence.ONCE,
        "due_on": dt.date(2024, 6, 16),
        "order": 2,
        "members": True,
        "activity_type": ActivityType.CONSULTATION,
        "min_photos": 0,
        "requirements": "6月16日参加街道“安全宣传咨询日”现场活动，举行安全倡议、安全宣誓、现场咨询等活动，"
        "当日报送设置咨询台、"
        "发放宣传资料和接受咨询情况。",
    },
    {
        "title": "“畅通生命通道”应急演练",
        "recurrence": Recurrence.ONCE,
        "due_on": dt.date(2024, 6, 26),
        "order": 3,
        "activity_type": ActivityType.DRILL,
        "requirements": "聚焦“畅通生命通道”，督促辖区企业开展应急预案演练，社区、学校开展情景模拟、"
        "逃生演练、自救互救等活动，"
        "报送演练场次、参演人数和现场照片。",
    },
    {
        "title": "报送本单位“安全生产月”活动总结",
        "recurrence": Recurrence.ONCE,
        "due_on": dt.date(2024, 6, 30),
        "order": 4,
        "requirements": "6月30日前报送本单位活动总结，包括“五进”活动开展情况、存在问题和下一步打算。",
    },
]

RETURNED_REASON = "参演人数与签到表不符，请核实后重新报送，并补充演练现场照片。"


def _stamp(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _content(task: CampaignTask, unit: str, rng: random.Random) -> dict:
    """A return's content for one of 灵源's tasks (plans and summaries count nothing)."""
    base = {"place": f"{unit}", "activity_date": task.due_on - dt.timedelta(days=1)}
    if task.order == 2:
        desks, sessions = rng.randint(1, 2), rng.randint(1, 3)
        return {
            **base,
            "activity_type": ActivityType.CONSULTATION,
            "title": f"{unit}“安全宣传咨询日”现场咨询",
            "activity_date": dt.date(2024, 6, 16),
            "place": "灵源街道文化广场",
            "sessions": sessions,
            "participants": sessions * rng.randint(80, 160),
            "consultation_desks": desks,
            "leaflets": rng.randrange(200, 800, 50),
            "booklets": rng.randrange(20, 120, 10),
            "boards": rng.randint(1, 4),
            "banners": rng.randint(1, 3),
            "giveaways": rng.randrange(50, 200, 10),
            "description": f"{unit}在街道“安全宣传咨询日”现场设置咨询台，"
            "围绕“畅通生命通道”发放宣传资料，解答群众咨询。",
        }
    if task.order == 3:
        sessions = rng.randint(1, 3)
        participants = sessions * rng.randint(40, 150)
        return {
            **base,
            "activity_type": ActivityType.DRILL,
            "title": f"{unit}“畅通生命通道”疏散逃生演练",
            "sessions": sessions,
            "participants": participants,
            "drill_sessions": sessions,
            "drill_participants": participants,
            "activity_date": dt.date(2024, 6, 21),
            "description": f"{unit}组织辖区居民、企业员工开展疏散逃生演练，清理楼道和消防通道杂物，讲解消防器材使用。",
        }
    plan = task.order == 1
    return {
        **base,
        "activity_type": ActivityType.OTHER,
        "sessions": 0,
        "participants": 0,
        "title": f"{unit}“安全生产月”活动{'方案' if plan else '总结'}",
        "description": f"{unit}“安全生产月”活动{'方案' if plan else '总结'}，详见附件。",
    }


def _setup_units(lingyuan: Jurisdiction) -> tuple[IssuingAuthority, list[MemberUnit]]:
    authority, _created = IssuingAuthority.objects.update_or_create(code=AUTHORITY["code"], defaults=AUTHORITY)
    UnitAuthority.objects.get_or_create(jurisdiction=lingyuan, defaults={"authority": authority})
    members = []
    for name, short, sectors in MEMBER_UNITS:
        member, _created = MemberUnit.objects.get_or_create(
            name=name, defaults={"short_name": short, "sectors": sectors, "jurisdiction": lingyuan}
        )
        members.append(member)
    return authority, members


def _campaign(city: Campaign, lingyuan: Jurisdiction, officer: Any) -> Campaign:
    """灵源's campaign: the demo's shell if it is there (filled in), else derived from the city's by the officer."""
    campaign = Campaign.objects.filter(jurisdiction=lingyuan, parent=city).first()
    if campaign is None:
        campaign = cascade.derive_campaign(parent=city, by=officer, copy_tasks=False)
    Campaign.objects.filter(pk=campaign.pk).update(
        name=CAMPAIGN_NAME, status=CampaignStatus.CLOSED, local_theme=city.local_theme or city.national_theme
    )
    if not campaign.key_days.exists():
        for day in city.key_days.all():
            campaign.key_days.create(date=day.date, name=day.name)
    return Campaign.objects.get(pk=campaign.pk)


def _tasks(campaign: Campaign, communities: list[Jurisdiction], members: list[MemberUnit]) -> list[CampaignTask]:
    tasks = []
    for row in TASKS:
        values = {k: v for k, v in row.items() if k not in ("members", "title")}
        task, created = CampaignTask.objects.get_or_create(campaign=campaign, title=row["title"], defaults=values)
        if created:
            task.jurisdictions.set(communities)
            if row.get("members"):
                task.member_units.set(members)
        tasks.append(task)
    return tasks


def _returns(
    tasks: list[CampaignTask],
    communities: list[Jurisdiction],
    members: list[MemberUnit],
    officer: Any,
    lingyuan: Jurisdiction,
) -> list[ActivityReturn]:
    """Every community and member unit files every task it has, accepted by the 灵源 office; 柯坑社区's drill is sent
    back for changes, 许西坑社区 never filed its drill."""
    rng = random.Random(2024_06_05)  # noqa: S311 - demo figures, not security
    rows: list[ActivityReturn] = []
    units = [(c, None, c.name) for c in communities] + [(lingyuan, m, m.name) for m in members]
    for task in tasks:
        assigned_members = set(task.member_units.values_list("pk", flat=True))
        for jurisdiction, member, name in units:
            if member is not None and member.pk not in assigned_members:
                continue
            if task.order == 3 and name == "许西坑社区":
                continue  # never filed: missing on the boards
            returned = task.order == 3 and name == "柯坑社区"
            status = ReturnStatus.RETURNED if returned else ReturnStatus.ACCEPTED
            sent = _stamp(task.due_on - dt.timedelta(days=rng.randint(0, 2)), rng.randint(9, 17))
            rows.append(
                ActivityReturn(
                    task=task,
                    jurisdiction=jurisdiction,
                    member_unit=member,
                    period_due=task.due_on,
                    status=status,
                    first_submitted_at=sent,
                    submitted_at=sent,
                    reviewed_by=officer,
                    reviewed_at=sent + dt.timedelta(hours=20),
                    return_reason=RETURNED_REASON if returned else "",
                    **_content(task, name, rng),
                )
            )
    created = ActivityReturn.objects.bulk_create(rows)
    events = []
    for saved in created:
        events += [
            ReturnEvent(activity_return=saved, kind=ReturnEventKind.CREATED),
            ReturnEvent(activity_return=saved, kind=ReturnEventKind.SUBMITTED),
        ]
        if saved.status == ReturnStatus.RETURNED:
            events.append(
                ReturnEvent(activity_return=saved, kind=ReturnEventKind.RETURNED, actor=officer, reason=RETURNED_REASON)
            )
        else:
            events.append(ReturnEvent(activity_return=saved, kind=ReturnEventKind.ACCEPTED, actor=officer))
    ReturnEvent.objects.bulk_create(events)
    return created


def _own_drills_without_communities(city: Campaign, lingyuan: Jurisdiction, created: list[ActivityReturn]) -> None:
    """灵源街道's own accepted drill returns to the city no longer carry what its communities report themselves: the
    community drills now roll up (once) into 灵源's figures, and the city's total stays the published one."""
    drills = [r for r in created if r.status == ReturnStatus.ACCEPTED and r.activity_type == ActivityType.DRILL]
    sessions, participants = sum(r.sessions for r in drills), sum(r.participants for r in drills)
    own = ActivityReturn.objects.filter(
        task__campaign=city,
        jurisdiction=lingyuan,
        member_unit=None,
        status=ReturnStatus.ACCEPTED,
        activity_type=ActivityType.DRILL,
        period_due__lte=city.ends_on,
    ).order_by("-participants", "pk")
    for r in own:
        take_s = min(sessions, r.sessions - 1)
        take_p = min(participants, r.participants - 1)
        if take_s <= 0 and take_p <= 0:
            continue
        r.sessions -= max(take_s, 0)
        r.participants -= max(take_p, 0)
        r.drill_sessions, r.drill_participants = r.sessions, r.participants
        r.save(update_fields=["sessions", "participants", "drill_sessions", "drill_participants"])
        sessions -= max(take_s, 0)
        participants -= max(take_p, 0)
        if sessions <= 0 and participants <= 0:
            break


def _notice(
    campaign: Campaign,
    authority: IssuingAuthority,
    communities: list[Jurisdiction],
    members: list[MemberUnit],
    officer: Any,
) -> Notice:
    notice = Notice.objects.filter(authority=authority, title=NOTICE_TITLE).first()
    if notice is None:
        notice = cascade.save_notice(
            by=officer,
            fields={
                "title": NOTICE_TITLE,
                "recipients_text": "各社区、街道安委会成员单位",
                "body": NOTICE_BODY,
                "attachments_text": "2024年灵源街道“安全生产月”活动安排表\n“安全生产月”活动总结报送表",
                "contact_note": "联系人：街道安办，电话：0595-85612345",
                "copy_to": "晋江市安委办，街道党工委、办事处领导",
            },
            assignment=cascade.Assignment(all_children=True, all_members=True),
        )
    if notice.status == NoticeStatus.DRAFT:
        notice = document_services.issue(notice, by=officer, issued_on=NOTICE_ISSUED_ON)
    if campaign.launch_notice_id is None:
        Campaign.objects.filter(pk=campaign.pk).update(launch_notice=notice)
    return notice


@register_demo_loader("campaigns.cascade", order=25)
def load_demo_cascade() -> dict[str, int]:
    officer = get_user_model()._default_manager.filter(username=OFFICER).first()
    lingyuan = Jurisdiction.objects.filter(name=LINGYUAN).first()
    city = Campaign.objects.filter(year=2024, name="全市“安全生产月”").first()
    if officer is None or lingyuan is None or city is None:
        return {}
    with transaction.atomic():
        authority, members = _setup_units(lingyuan)
        communities = list(Jurisdiction.objects.filter(parent=lingyuan).order_by("code"))
        campaign = _campaign(city, lingyuan, officer)
        tasks = _tasks(campaign, communities, members)
        if not ActivityReturn.objects.filter(task__in=tasks).exists():
            created = _returns(tasks, communities, members, officer, lingyuan)
            _own_drills_without_communities(city, lingyuan, created)
        notice = _notice(campaign, authority, communities, members, officer)
    accepted = ActivityReturn.objects.filter(task__campaign=campaign, status=ReturnStatus.ACCEPTED)
    return {
        "灵源街道活动任务": len(tasks),
        "灵源街道活动报送": ActivityReturn.objects.filter(task__campaign=campaign).count(),
        "灵源街道已审核通过": accepted.count(),
        "灵源街道发文": Notice.objects.filter(authority=authority).exclude(status="draft").count(),
        "灵源街道社区演练人次": int(
            accepted.filter(activity_type=ActivityType.DRILL).aggregate(n=Sum("participants"))["n"] or 0
        ),
        "灵安办文号": int(notice.serial or 0),
    }
