"""Demo data of the campaigns app: notices, the 2024 安全生产月 with its tasks, returns and summary, and a campaign running
now. Demo notices, from the office documents in shared/seeds (灵源街道's 2024 notice quoting
晋安办〔2024〕63号). Issued through the real service, so the worker renders their PDFs."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from safetyportal.demo.registry import register_demo_loader
from safetyportal.documents import services as document_services
from safetyportal.documents.models import IssuingAuthority
from safetyportal.documents.numbering import next_number, set_next_serial
from safetyportal.images import StoredImage, process_image, store_image
from safetyportal.models import Jurisdiction, JurisdictionLevel, MemberUnit

from . import services
from .models import (
    ActivityReturn,
    ActivityType,
    Campaign,
    CampaignKind,
    CampaignStatus,
    CampaignSummary,
    CampaignTask,
    KeyDay,
    Notice,
    NoticeStatus,
    Recurrence,
    ReturnEvent,
    ReturnEventKind,
    ReturnPhoto,
    ReturnStatus,
    Weekday,
)

MONTH_NOTICE_BODY = """\
今年6月是第23个全国“安全生产月”，主题是“人人讲安全、个个会应急——畅通生命通道”，6月16日为全国“安全宣传咨询日”。为深入贯彻落实上级部署要求，结合我市实际，现将有关事项通知如下。
一、深入宣传贯彻习近平总书记关于安全生产重要论述
紧紧围绕宣传贯彻习近平总书记关于安全生产重要论述和重要指示批示精神，各街道（镇）、有关单位和各企业主要负责人要组织开展《深入学习贯彻习近平关于应急管理的重要论述》的学习，把理论学习成果转化为谋划推动工作的创新思路、务实举措、有效方法。
二、广泛宣传发动，深入开展应急演练活动
（一）聚焦“畅通生命通道”这一主要内容，组织开展宣传、演练和整治行动。各有关单位要督促本辖区、本行业企业根据本行业领域事故特点开展应急预案演练，让全体员工自觉维护“生命通道”的畅通。
（二）社区、学校等要结合实际，开展科普知识宣传和情景模拟、实战推演、逃生演练、自救互救等活动，重点围绕学校防灾避险演练100%全覆盖等工程重点工作内容。
三、精心组织开展“安全宣传咨询日”活动
6月16日，各街道（镇）要组织开展“安全宣传咨询日”现场活动，举行安全倡议、安全宣誓、现场咨询等活动，提升宣传实效。
四、工作要求
各街道（镇）、市安委会各成员单位要于6月7日前报送活动方案，每周五16:00前报送活动信息，7月3日前报送活动总结。"""

DEMO_NOTICES = [
    {
        "code": "晋安办",
        "title": "关于开展2024年全市“安全生产月”活动的通知",
        "recipients_text": "各街道办事处、镇人民政府，市安委会各成员单位",
        "body": MONTH_NOTICE_BODY,
        "attachments_text": "2024年“安全生产月”活动信息报送表\n2024年“安全生产月”活动总结报送模板",
        "contact_note": "联系人：市安委办综合科，联系电话：0595-85612345",
        "copy_to": "市委办、市政府办",
        "issue_on": dt.date(2024, 5, 28),
        "serial": 63,  # 晋安办〔2024〕63号, as 灵源街道's notice quotes it (shared/seeds/003)
        "public": True,  # shown on the public site's 通知公告
    },
    {
        "code": "晋安办",
        "title": "关于做好“安全宣传咨询日”活动信息报送工作的通知",
        "recipients_text": "各街道办事处、镇人民政府",
        "body": (
            "请各街道（镇）于6月17日12:00前报送“安全宣传咨询日”活动开展情况，包括活动场次、参与人数、"
            "发放宣传资料数量和现场照片。\n一、报送内容\n活动开展情况简要文字材料一份，现场照片3至5张。\n"
            "二、报送方式\n通过街道（镇）报送平台填报。"
        ),
        "attachments_text": "",
        "contact_note": "联系人：市安委办综合科，联系电话：0595-85612345",
        "copy_to": "",
        "issue_on": None,  # left as a draft
    },
]


def _address_demo_notice(notice: Notice) -> None:
    """The city's notices go to every subdistrict and town, and to the member units when the text names them."""
    if notice.recipient_jurisdictions.exists() or notice.recipient_units.exists():
        return
    notice.recipient_jurisdictions.set(Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT))
    if "成员单位" in notice.recipients_text:
        notice.recipient_units.set(MemberUnit.objects.filter(is_active=True))


@register_demo_loader("campaigns.notices", order=10)
def load_demo_notices() -> dict[str, int]:
    User = get_user_model()
    staff = User._default_manager.filter(username="admin").first()
    with transaction.atomic():
        for row in DEMO_NOTICES:
            authority = IssuingAuthority.objects.get(code=row["code"])
            notice, _created = Notice.objects.get_or_create(
                authority=authority,
                title=row["title"],
                defaults={
                    k: row[k] for k in ("recipients_text", "body", "attachments_text", "contact_note", "copy_to")
                },
            )
            if row["issue_on"] and notice.status == NoticeStatus.DRAFT and staff is not None:
                if row["code"] == "晋安办":  # the city's: its addressees get it in their inbox (收文) when issued
                    _address_demo_notice(notice)
                year = row["issue_on"].year
                if row.get("serial") and next_number(authority=authority, year=year)[0] < row["serial"]:
                    # The office numbered its papers by hand before: the register continues where its book stands.
                    set_next_serial(authority=authority, year=year, next_serial=row["serial"], by=staff)
                notice = document_services.issue(notice, by=staff, issued_on=row["issue_on"])
            if row.get("public") and notice.status == NoticeStatus.ISSUED and not notice.is_public:
                services.set_notice_public(notice=notice, public=True, by=staff)
    return {"通知": Notice.objects.count(), "已印发通知": Notice.objects.exclude(status="draft").count()}


# --- 2024 安全生产月: campaigns, tasks, returns, photos, summary --------------------------------------------------------

THEME_2024 = "人人讲安全、个个会应急——畅通生命通道"
MONTH_START, MONTH_END = dt.date(2024, 6, 1), dt.date(2024, 6, 30)
# The city's figures for the month (晋江新闻网, 2025-03-20, shared/seeds/000): "组织开展全员应急救援演习和知识技能培训约
# 569场，参与97696人次". They count drills and skills training only: the accepted drill and training returns add up to
# these; 宣传咨询, 五进 and the other activities have figures of their own on top.
CITY_SESSIONS, CITY_PARTICIPANTS = 569, 97696
DRILL_TRAINING = (ActivityType.DRILL, ActivityType.TRAINING)

DEMO_TASKS_2024 = [
    {"title": "报送“安全生产月”活动方案", "recurrence": Recurrence.ONCE, "due_on": dt.date(2024, 6, 7), "order": 1,
     "requirements": "各街道（镇）于6月7日前报送本级“安全生产月”活动方案。"},
    {"title": "每周活动信息报送", "recurrence": Recurrence.WEEKLY, "due_weekday": Weekday.FRIDAY, "order": 2, "min_photos": 1,
     "requirements": "每周五16:00前报送本周活动开展情况（场次、参与人数、发放宣传资料数量），附现场照片。"},
    {"title": "“安全宣传咨询日”活动信息", "recurrence": Recurrence.ONCE, "due_on": dt.date(2024, 6, 17), "order": 3,
     "activity_type": ActivityType.CONSULTATION, "min_photos": 3, "members": True,
     "requirements": "6月17日12:00前报送“安全宣传咨询日”活动开展情况，包括活动场次、参与人数、发放宣传资料数量和现场照片3至5张。"},
    {"title": "典型案例曝光", "recurrence": Recurrence.MONTHLY, "order": 4, "min_exposures": 1,
     "starts_on": dt.date(2024, 6, 1), "ends_on": dt.date(2024, 12, 31), "activity_type": ActivityType.EXPOSURE,
     "requirements": "每月至少在本地主流媒体曝光1个典型案例，并报送市“安全生产月”活动组委会办公室。"},
    {"title": "报送“安全生产月”活动总结", "recurrence": Recurrence.ONCE, "due_on": dt.date(2024, 7, 3), "order": 5,
     "requirements": "7月3日前报送本级活动总结及统计表。"},
]  # fmt: skip

WEEKLY_ACTIVITIES = [
    (ActivityType.TRAINING, "企业主要负责人和安全管理人员培训", "{community}会议室"),
    (ActivityType.DRILL, "“畅通生命通道”疏散逃生演练", "{community}"),
    (ActivityType.INTO_ENTERPRISES, "安全宣传进企业·“企业说安全”宣讲", "辖区{trade}企业"),
    (ActivityType.INTO_COMMUNITIES, "“进门入户送安全”宣传活动", "{community}"),
    (ActivityType.INTO_SCHOOLS, "安全宣传进校园·防灾避险演练", "{community}中心小学"),
    (ActivityType.INTO_FAMILIES, "电动自行车充电安全进家庭", "{community}居民小区"),
    (ActivityType.INTO_VILLAGES, "农村自建房安全科普进农村", "{community}"),
    (ActivityType.QUIZ, "安全生产知识竞赛", "{short}文体中心"),
    (ActivityType.WARNING_EDUCATION, "《安全生产 责任在肩》警示教育片观影", "{short}党群服务中心"),
    (ActivityType.CONSULTATION, "“安全生产月”宣传咨询活动", "{community}文化广场"),
]
# A weekly report is most often the week's drills and training (the month's "全员应急救援演习和知识技能培训").
WEEKLY_WEIGHTS = [3 if activity[0] in DRILL_TRAINING else 1 for activity in WEEKLY_ACTIVITIES]
TRADES = ["制鞋", "纺织", "服装", "食品", "陶瓷", "伞业", "物流"]
MEDIA = ["晋江经济报", "晋江电视台", "泉州晚报", "“晋江应急管理”公众号", "中国安全生产报"]


def _demo_photo(title: str, unit: str, seed: int) -> StoredImage:
    """A small generated 'scene' (banner, crowd, boards), run through the real photo pipeline."""
    rng = random.Random(seed)  # noqa: S311 - demo figures, not security
    image = Image.new("RGB", (800, 600), (rng.randint(150, 200), rng.randint(190, 225), rng.randint(215, 245)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(rng.randint(110, 150), rng.randint(120, 150), rng.randint(100, 130)))
    draw.rectangle((60, 70, 740, 170), fill=(190, 30, 35))
    for index in range(4):  # display boards
        left = 70 + index * 175
        draw.rectangle((left, 230, left + 140, 400), fill=(245, 245, 240), outline=(120, 120, 120), width=3)
        draw.rectangle((left + 10, 245, left + 130, 300), fill=(rng.randint(40, 220), 90, 160))
    for _index in range(26):  # people
        x, y = rng.randint(20, 780), rng.randint(430, 560)
        draw.ellipse((x - 9, y - 38, x + 9, y - 20), fill=(60, 45, 40))
        draw.rectangle(
            (x - 11, y - 20, x + 11, y + 18), fill=(rng.randint(30, 230), rng.randint(30, 230), rng.randint(30, 230))
        )
    font = _font(34)
    small = _font(24)
    draw.text((400, 120), f"{unit}“安全生产月”活动", fill=(255, 240, 200), anchor="mm", font=font)
    draw.text((400, 200), title[:24], fill=(40, 40, 40), anchor="mm", font=small)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return store_image(process_image(io.BytesIO(buffer.getvalue())), services.PHOTO_FOLDER)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for path in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, in integers adding up exactly."""
    scale = total / sum(weights)
    parts = [int(w * scale) for w in weights]
    for index in sorted(range(len(weights)), key=lambda i: -(weights[i] * scale - parts[i]))[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _campaign(defaults: dict, **lookup: object) -> Campaign:
    campaign, _created = Campaign.objects.get_or_create(**lookup, defaults=defaults)
    return campaign


def _tasks(
    campaign: Campaign, rows: list[dict], townships: list[Jurisdiction], members: list[MemberUnit]
) -> list[CampaignTask]:
    tasks = []
    for row in rows:
        values = {k: v for k, v in row.items() if k != "members"}
        task, created = CampaignTask.objects.get_or_create(
            campaign=campaign, title=values.pop("title"), defaults=values
        )
        if created:
            task.jurisdictions.set(townships)
            if row.get("members"):
                task.member_units.set(members)
        tasks.append(task)
    return tasks


def _stamp(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _content(rng: random.Random, task: CampaignTask, township: object, period_due: dt.date) -> dict:
    community = rng.choice(township.communities).name
    trade = rng.choice(TRADES)
    short = township.short_name
    if task.activity_type == ActivityType.EXPOSURE:
        activity_type, title, place = ActivityType.EXPOSURE, f"曝光{trade}企业生命通道堵塞典型案例", f"{community}"
    elif task.activity_type == ActivityType.CONSULTATION:
        activity_type, title, place = ActivityType.CONSULTATION, "“安全宣传咨询日”现场宣传咨询活动", f"{short}中心广场"
    elif task.order in (1, 5):
        activity_type = ActivityType.OTHER
        title = "“安全生产月”活动方案" if task.order == 1 else "“安全生产月”活动总结"
        place = f"{township.name}安监站"
    else:
        activity_type, title, place = rng.choices(WEEKLY_ACTIVITIES, weights=WEEKLY_WEIGHTS)[0]
        place = place.format(community=community, trade=trade, short=short)
    period = task.period_for(period_due)
    start = period.start if period else period_due
    span = max((period_due - start).days, 0)
    if task.activity_type == ActivityType.CONSULTATION:
        activity_date = dt.date(2024, 6, 16)  # 安全宣传咨询日
    elif task.order in (1, 5):
        activity_date = period_due - dt.timedelta(days=1)
    else:
        activity_date = start + dt.timedelta(days=rng.randint(0, span))
    handout = activity_type not in (
        ActivityType.OTHER,
        ActivityType.EXPOSURE,
    )  # plans, summaries and exposures hand out nothing
    media = 1 if activity_type == ActivityType.EXPOSURE else rng.choice([0, 0, 1, 1, 2]) if handout else 0
    return {
        "activity_type": activity_type,
        "title": f"{short}{title}",
        "activity_date": min(activity_date, period_due),
        "place": place,
        "leaflets": rng.randrange(0, 1500, 50) if handout else 0,
        "booklets": rng.randrange(0, 400, 10) if handout else 0,
        "wall_charts": rng.randrange(0, 60, 5) if handout else 0,
        "boards": rng.randint(0, 12)
        if activity_type in (ActivityType.CONSULTATION, ActivityType.INTO_COMMUNITIES)
        else 0,
        "banners": rng.randint(0, 6) if handout else 0,
        "giveaways": rng.randrange(0, 500, 20) if handout else 0,
        "media_reports": media,
        "media_links": "\n".join(rng.sample(MEDIA, media)),
        "exposures": rng.randint(1, 2) if activity_type == ActivityType.EXPOSURE else 0,
        "description": (
            f"围绕“{THEME_2024}”主题，{township.name}组织{community}、辖区企业开展{title}，"
            "现场讲解生命通道布局标识、消防器材使用和疏散逃生要点，发放宣传资料，解答群众咨询。"
            if handout
            else f"{township.name}{title}，详见附件。"
        ),
    }


def _returns_2024(tasks: list[CampaignTask], staff: object, members: list[MemberUnit]) -> int:
    if ActivityReturn.objects.filter(task__in=tasks).exists():
        return 0
    from safetyportal.demo.jinjiang import TOWNSHIPS

    rng = random.Random(2024_06_16)  # noqa: S311 - demo figures, not security
    units = {j.code: j for j in Jurisdiction.objects.filter(code__in=[t.code for t in TOWNSHIPS])}
    rows: list[tuple[ActivityReturn, int]] = []  # (return, photos wanted)
    for township in TOWNSHIPS:
        jurisdiction = units.get(township.code)
        if jurisdiction is None:
            continue
        for task in tasks:
            for period in task.periods():
                if rng.random() < 0.06:
                    continue  # never filed: shows as missing on the board
                copies = 2 if task.recurrence == Recurrence.WEEKLY and rng.random() < 0.35 else 1
                for _copy in range(copies):
                    late = rng.random() < 0.1
                    sent = (
                        period.due + dt.timedelta(days=rng.randint(1, 6))
                        if late
                        else period.due - dt.timedelta(days=rng.randint(0, 2))
                    )
                    roll = rng.random()
                    status = (ReturnStatus.DRAFT if roll < 0.03 else ReturnStatus.RETURNED if roll < 0.08
                              else ReturnStatus.SUBMITTED if roll < 0.14 else ReturnStatus.RESUBMITTED if roll < 0.17
                              else ReturnStatus.ACCEPTED)  # fmt: skip
                    submitted = status != ReturnStatus.DRAFT
                    first = _stamp(sent, rng.randint(9, 17), rng.choice([0, 15, 30, 45])) if submitted else None
                    late_days = max((sent - period.due).days, 0) if submitted else 0
                    activity_return = ActivityReturn(
                        task=task, jurisdiction=jurisdiction, period_due=period.due, status=status,
                        first_submitted_at=first, submitted_at=first, is_late=late_days > 0, late_days=late_days,
                        reviewed_by=staff if status in (ReturnStatus.ACCEPTED, ReturnStatus.RETURNED) else None,
                        reviewed_at=first + dt.timedelta(days=1) if first and status in (ReturnStatus.ACCEPTED, ReturnStatus.RETURNED) else None,
                        return_reason="照片不清晰，请补充活动现场照片并核实参与人数。" if status == ReturnStatus.RETURNED else "",
                        **_content(rng, task, township, period.due),
                    )  # fmt: skip
                    wanted = max(task.min_photos, 1 if rng.random() < 0.3 else 0) if task.order != 5 else 0
                    rows.append((activity_return, min(wanted, 3)))
    consultation_day = next(task for task in tasks if task.activity_type == ActivityType.CONSULTATION)
    for member in members[:2]:  # two of the three member units reported their 咨询日 (the third is missing)
        first = _stamp(consultation_day.due_on, 11)
        rows.append((ActivityReturn(
            task=consultation_day, jurisdiction_id=member.jurisdiction_id, member_unit=member,
            period_due=consultation_day.due_on, status=ReturnStatus.ACCEPTED, first_submitted_at=first, submitted_at=first,
            reviewed_by=staff, reviewed_at=first + dt.timedelta(hours=3), activity_type=ActivityType.CONSULTATION,
            title=f"{member.short_name or member.name}“安全宣传咨询日”进社区宣传", activity_date=dt.date(2024, 6, 16),
            place="晋江市体育中心广场", leaflets=2000, booklets=500, wall_charts=40, boards=16, banners=6, giveaways=800,
            media_reports=1, media_links="晋江经济报", description="设置咨询台，发放宣传资料，开展现场演示和咨询。",
        ), 3))  # fmt: skip
    # Sessions and participants: the accepted drill and training returns (all in June's weekly periods) add up to the
    # city's published figures for drills and skills training; every other activity has its own, smaller figures.
    no_sessions = (ActivityType.OTHER, ActivityType.EXPOSURE)
    counted = [r for r, _n in rows if r.status == ReturnStatus.ACCEPTED and r.activity_type in DRILL_TRAINING]
    weights = [rng.uniform(0.5, 1.5) for _r in counted]
    for r, sessions, participants in zip(
        counted, _split(CITY_SESSIONS, weights), _split(CITY_PARTICIPANTS, weights), strict=True
    ):
        r.sessions, r.participants = max(sessions, 1), participants
    for r, _n in rows:
        if r.activity_type in no_sessions:
            r.sessions = r.participants = 0
        elif r.status != ReturnStatus.ACCEPTED:
            r.sessions, r.participants = rng.randint(1, 3), rng.randint(40, 400)
        elif r.activity_type not in DRILL_TRAINING:
            r.sessions = rng.randint(4, 12) if r.activity_type == ActivityType.CONSULTATION else rng.randint(1, 5)
            r.participants = r.sessions * rng.randint(60, 220)
    for r, _n in rows:  # a drill's or a training's figures are its drill or training counts (issue 12)
        if r.activity_type == ActivityType.DRILL:
            r.drill_sessions, r.drill_participants = r.sessions, r.participants
        elif r.activity_type == ActivityType.TRAINING:
            r.training_sessions, r.training_participants = r.sessions, r.participants
    created = ActivityReturn.objects.bulk_create([r for r, _n in rows], batch_size=500)
    events, photos = [], []
    for (r, wanted), saved in zip(rows, created, strict=True):
        events.append(ReturnEvent(activity_return=saved, kind=ReturnEventKind.CREATED, actor=None))
        if r.first_submitted_at:
            events.append(ReturnEvent(activity_return=saved, kind=ReturnEventKind.SUBMITTED, actor=None))
        if r.status == ReturnStatus.ACCEPTED:
            events.append(ReturnEvent(activity_return=saved, kind=ReturnEventKind.ACCEPTED, actor=staff))
        if r.status == ReturnStatus.RETURNED:
            events.append(
                ReturnEvent(activity_return=saved, kind=ReturnEventKind.RETURNED, actor=staff, reason=r.return_reason)
            )
        for index in range(wanted):
            stored = _demo_photo(r.title, r.unit_name, saved.pk * 10 + index)
            photos.append(ReturnPhoto(activity_return=saved, image=stored.name, thumbnail=stored.thumbnail_name,
                                      width=stored.width, height=stored.height,
                                      selected_for_summary=r.task.order == 3 and index == 0 and saved.pk % 4 == 0))  # fmt: skip
    ReturnEvent.objects.bulk_create(events, batch_size=1000)
    ReturnPhoto.objects.bulk_create(photos, batch_size=500)
    return len(created)


def _running_campaign(townships: list[Jurisdiction], today: dt.date, staff: object) -> Campaign:
    """A campaign running now, so that the officers' dashboards have tasks due soon and overdue."""
    start = today.replace(day=1)
    end = (start + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
    campaign = _campaign(
        {"edition": "", "national_theme": "", "local_theme": "查隐患、除隐患、保平安", "starts_on": start, "ends_on": end,
         "status": CampaignStatus.RUNNING, "jurisdiction": townships[0].parent},
        kind=CampaignKind.SPECIAL, year=today.year, name="今冬明春安全防范专项行动",
    )  # fmt: skip
    rows = [
        {"title": "报送专项行动实施方案", "recurrence": Recurrence.ONCE, "due_on": today + dt.timedelta(days=2), "order": 1,
         "requirements": "各街道（镇）结合实际制定本级实施方案并报送。"},
        {"title": "人员密集场所排查整治阶段情况", "recurrence": Recurrence.ONCE, "due_on": today - dt.timedelta(days=3),
         "order": 2, "min_photos": 1, "requirements": "报送人员密集场所“生命通道”排查整治情况，附整治前后照片。"},
        {"title": "每月典型案例曝光", "recurrence": Recurrence.MONTHLY, "order": 3, "min_exposures": 1,
         "activity_type": ActivityType.EXPOSURE, "requirements": "每月至少在本地主流媒体曝光1个典型案例并报送。"},
    ]  # fmt: skip
    tasks = _tasks(campaign, rows, townships, [])
    if not ActivityReturn.objects.filter(task__in=tasks).exists():
        rng = random.Random(today.toordinal())  # noqa: S311 - demo figures, not security
        from safetyportal.demo.jinjiang import TOWNSHIPS

        by_code = {t.code: t for t in TOWNSHIPS}
        for jurisdiction in townships[::3]:  # a third of the units already filed the stage report
            task = tasks[1]
            due = task.due_on
            content = _content(rng, task, by_code[jurisdiction.code], due)
            content.update(title=f"{jurisdiction.name}人员密集场所“生命通道”排查整治", activity_type=ActivityType.OTHER, sessions=rng.randint(3, 12),
                           participants=rng.randint(30, 120), activity_date=due - dt.timedelta(days=2),
                           description=f"{jurisdiction.name}组织对辖区商场、市场、酒店等人员密集场所开展“生命通道”排查整治，清理占用堵塞疏散通道杂物，督促整改。",
                           **dict.fromkeys(("leaflets", "booklets", "wall_charts", "boards", "banners", "giveaways", "media_reports"), 0),
                           media_links="")  # fmt: skip
            first = _stamp(due, 10)
            saved = ActivityReturn.objects.create(task=task, jurisdiction=jurisdiction, period_due=due, status=ReturnStatus.SUBMITTED,
                                                  first_submitted_at=first, submitted_at=first, **content)  # fmt: skip
            ReturnEvent.objects.bulk_create(
                [
                    ReturnEvent(activity_return=saved, kind=kind)
                    for kind in (ReturnEventKind.CREATED, ReturnEventKind.SUBMITTED)
                ]
            )
    return campaign


@register_demo_loader("campaigns.returns", order=20)
def load_demo_campaigns() -> dict[str, int]:
    from safetyportal.demo.jinjiang import COUNTY_CODE, TOWNSHIPS

    User = get_user_model()
    staff = (
        User._default_manager.filter(username="staff").first() or User._default_manager.filter(username="admin").first()
    )
    county = Jurisdiction.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return {}
    townships = list(Jurisdiction.objects.filter(code__in=[t.code for t in TOWNSHIPS]).order_by("code"))
    members = list(
        MemberUnit.objects.filter(name__in=["市应急管理局", "市消防救援大队", "市住房和城乡建设局"]).order_by("name")
    )
    with transaction.atomic():
        national = _campaign(
            {"edition": "第23个", "national_theme": THEME_2024, "starts_on": MONTH_START, "ends_on": MONTH_END,
             "status": CampaignStatus.CLOSED},
            kind=CampaignKind.SAFETY_MONTH, year=2024, name="全国“安全生产月”", jurisdiction=None,
        )  # fmt: skip
        launch = Notice.objects.filter(title=DEMO_NOTICES[0]["title"]).first()
        city = _campaign(
            {"edition": "第23个", "national_theme": THEME_2024, "local_theme": THEME_2024, "starts_on": MONTH_START,
             "ends_on": MONTH_END, "status": CampaignStatus.CLOSED, "parent": national, "launch_notice": launch},
            kind=CampaignKind.SAFETY_MONTH, year=2024, name="全市“安全生产月”", jurisdiction=county,
        )  # fmt: skip
        for day, name in ((dt.date(2024, 6, 1), "活动启动"), (dt.date(2024, 6, 16), "安全宣传咨询日")):
            KeyDay.objects.get_or_create(campaign=city, date=day, name=name)
            KeyDay.objects.get_or_create(campaign=national, date=day, name=name)
        lingyuan = next((j for j in townships if j.name == "灵源街道"), None)
        if lingyuan is not None:
            _campaign(
                {"edition": "第23个", "national_theme": THEME_2024, "local_theme": THEME_2024, "starts_on": MONTH_START,
                 "ends_on": MONTH_END, "status": CampaignStatus.CLOSED, "parent": city},
                kind=CampaignKind.SAFETY_MONTH, year=2024, name="灵源街道“安全生产月”", jurisdiction=lingyuan,
            )  # fmt: skip
        tasks = _tasks(city, DEMO_TASKS_2024, townships, members)
        _returns_2024(tasks, staff, members)
        authority = IssuingAuthority.objects.filter(code="晋安办").first()
        if authority is not None and not CampaignSummary.objects.filter(campaign=city).exists():
            services.create_summary(campaign=city, authority=authority, by=staff)
        _running_campaign(townships, timezone.localdate(), staff)
    services.create_reminders()
    return {
        "活动": Campaign.objects.count(),
        "工作任务": CampaignTask.objects.count(),
        "活动报送": ActivityReturn.objects.count(),
        "活动照片": ReturnPhoto.objects.count(),
    }
