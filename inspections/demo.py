"""Demo data of the inspections app: hazards across the 19 subdistricts and towns (among them citizens' reports
with the canary reporters of ``safetyportal.demo.canary``), inspections, penalties, three rectification orders and
about a hundred published exposure cases, all written through the real services (so every row has its history).

Idempotent: the loader does nothing once its hazards exist (they carry the ticket prefix ``DEMO-``)."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from safetyportal.demo.canary import CANARY_ID_NUMBERS, CANARY_NAMES, CANARY_PHONES
from safetyportal.demo.registry import register_demo_loader
from safetyportal.documents import services as document_services
from safetyportal.documents.models import IssuingAuthority
from safetyportal.images import ProcessedImage, process_image
from safetyportal.models import Enterprise, Jurisdiction, JurisdictionLevel, OfficerProfile

from . import services
from .models import (
    CaseKind,
    ExposureCase,
    Hazard,
    HazardCategory,
    HazardLevel,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionKind,
    PenaltyCase,
    RectificationOrder,
)

DEMO_TICKET = "DEMO-"
ORDER_AUTHORITY = {
    "name": "晋江市应急管理局（执法文书）",
    "header": "晋江市应急管理局",
    "code": "晋应急责改",
    "contact": "执法大队 0595-85612350",
}

HAZARD_TEXTS: dict[str, list[str]] = {
    HazardCategory.FIRE: [
        "生产车间安全出口被成品纸箱堵塞，疏散通道宽度不足1米，应急照明灯具损坏。",
        "厂区消防车通道被货车长期占用，消防车无法通行。",
        "仓库内部分灭火器压力不足、已超过维修期限，室内消火栓箱被货物遮挡。",
    ],
    HazardCategory.EBIKE: [
        "员工宿舍楼一层楼梯间停放电动自行车并私拉电线充电，堵塞疏散通道。",
        "出租房一楼店面夜间有多辆电动自行车室内充电，无任何防火分隔。",
    ],
    HazardCategory.GAS: [
        "职工食堂液化石油气钢瓶与灶具同室放置，未安装可燃气体报警装置。",
        "职工食堂使用的燃气软管老化开裂，超过使用年限未更换。",
    ],
    HazardCategory.CONSTRUCTION: [
        "在建项目外脚手架连墙件缺失，作业层未满铺脚手板，临边洞口未设置防护栏杆。",
        "塔吊司机和信号工无证上岗，塔吊限位装置失效。",
    ],
    HazardCategory.CONFINED_SPACE: [
        "污水池清淤作业前未执行有限空间作业审批，未进行通风和气体检测，现场无专人监护。",
    ],
    HazardCategory.HAZCHEM: [
        "胶水仓库内乙酸乙酯、丁酮等易燃液体与氧化剂混存，未设置防静电接地。",
    ],
    HazardCategory.INDUSTRY: [
        "鞋材厂刷胶工位通风不良，电气线路未穿管保护，车间内吸烟现象普遍。",
        "冲床未安装光电保护装置，双手操作按钮被短接。",
        "砂磨抛光工序除尘系统未设置锁气卸灰装置，作业场所积尘严重。",
    ],
    HazardCategory.SPECIAL_EQUIPMENT: [
        "厂区载货电梯超过检验有效期仍在使用。",
        "叉车司机未取得特种设备作业人员证即驾驶叉车作业。",
    ],
    HazardCategory.ROAD: ["厂区出入口视线受阻，未设置减速带和警示标志，大货车频繁进出。"],
    HazardCategory.SELF_BUILT: ["自建房擅自加层改为出租公寓，仅有一部疏散楼梯，未设置第二安全出口。"],
}

PUBLIC_TEXTS = [
    (HazardCategory.EBIKE, "我们楼下那家小超市天天把电动车推进店里充电，晚上也充，楼上住了很多人，太危险了。"),
    (HazardCategory.FIRE, "商场三楼消防通道的门被锁住了，还堆了很多杂物，万一着火人跑不出去。"),
    (HazardCategory.GAS, "夜市的烧烤摊煤气罐就放在炉子旁边，罐子都生锈了，没人管。"),
    (HazardCategory.CONSTRUCTION, "工地旁边的人行道没有任何围挡，上面在吊装钢筋，行人直接从下面走。"),
    (HazardCategory.SELF_BUILT, "隔壁的自建房又在加盖第五层，墙都开裂了，里面还住着租户。"),
    (HazardCategory.ROAD, "学校门口的路口红绿灯坏了一周，放学时车和学生混在一起。"),
    (HazardCategory.FIRE, "出租房的楼道里堆满了旧家具和纸箱，楼梯只能侧身通过。"),
    (HazardCategory.INDUSTRY, "厂里的冲床防护罩拆了好几个月，老板说装上影响速度，已经有人受过伤。"),
]

VIOLATIONS: list[dict[str, Any]] = [
    {
        "category": HazardCategory.FIRE,
        "short": "堵塞安全出口和疏散通道",
        "text": "生产车间安全出口被成品货物堵塞，疏散通道宽度不足，应急照明灯具损坏",
        "provision": "《中华人民共和国安全生产法》第四十二条第二款",
        "basis": "《中华人民共和国安全生产法》第一百零五条第（二）项",
        "fine": 30000,
        "warning": "生产经营场所和员工宿舍应当设有符合紧急疏散要求、标志明显、保持畅通的出口和疏散通道。“生命通道”一旦堵塞，小火也可能酿成群死群伤。",
    },
    {
        "category": HazardCategory.INDUSTRY,
        "short": "未按规定对从业人员进行安全生产教育和培训",
        "text": "未按照规定对新招录的12名从业人员进行岗前安全生产教育和培训，未如实记录安全生产教育和培训情况",
        "provision": "《中华人民共和国安全生产法》第二十八条第一款、第四款",
        "basis": "《中华人民共和国安全生产法》第九十七条第（三）项、第（四）项",
        "fine": 20000,
        "warning": "未经安全生产教育和培训合格的从业人员，不得上岗作业。培训不是走过场，是保命的第一课。",
    },
    {
        "category": HazardCategory.INDUSTRY,
        "short": "特种作业人员未持证上岗",
        "text": "焊工、电工等特种作业人员未按照规定经专门的安全作业培训并取得相应资格即上岗作业",
        "provision": "《中华人民共和国安全生产法》第三十条第一款",
        "basis": "《中华人民共和国安全生产法》第九十七条第（七）项",
        "fine": 30000,
        "warning": "特种作业人员必须持证上岗。企业应建立特种作业人员台账，核验证书真伪和有效期。",
    },
    {
        "category": HazardCategory.CONFINED_SPACE,
        "short": "有限空间作业未执行审批和检测",
        "text": "在污水池清淤有限空间作业前未执行作业审批，未进行通风和气体检测，作业现场未安排专人监护",
        "provision": "《工贸企业有限空间作业安全规定》第十四条、第十六条",
        "basis": "《中华人民共和国安全生产法》第一百零一条第（五）项",
        "fine": 40000,
        "major": True,
        "warning": "有限空间作业必须坚持“先通风、再检测、后作业”，严禁盲目施救。",
    },
    {
        "category": HazardCategory.GAS,
        "short": "未安装可燃气体报警装置",
        "text": "职工食堂使用液化石油气未安装可燃气体浓度报警装置，气瓶与灶具同室放置且未设置防倾倒措施",
        "provision": "《中华人民共和国安全生产法》第三十六条第一款",
        "basis": "《中华人民共和国安全生产法》第九十九条第（一）项",
        "fine": 20000,
        "major": True,
        "warning": "使用燃气的食堂、餐饮场所必须安装可燃气体报警装置，并定期检查软管、阀门。",
    },
    {
        "category": HazardCategory.INDUSTRY,
        "short": "粉尘防爆措施不落实",
        "text": "砂磨抛光工序除尘系统未按规定设置锁气卸灰装置，粉尘清扫制度未落实，作业场所积尘严重",
        "provision": "《工贸企业粉尘防爆安全规定》第十三条",
        "basis": "《中华人民共和国安全生产法》第一百零二条",
        "fine": 50000,
        "major": True,
        "warning": "依据《工贸企业重大事故隐患判定标准》，粉尘防爆措施不落实属重大事故隐患，必须立即停产整改。",
    },
    {
        "category": HazardCategory.HAZCHEM,
        "short": "危险化学品储存不符合规定",
        "text": "将乙酸乙酯、丁酮等易燃液体与氧化剂混存于普通仓库，未设置防静电接地和可燃气体报警装置",
        "provision": "《危险化学品安全管理条例》第二十四条第一款",
        "basis": "《危险化学品安全管理条例》第八十条第一款第（五）项",
        "fine": 50000,
        "warning": "危险化学品应当储存在专用仓库内，分类分项存放，严禁与禁忌物料混存。",
    },
    {
        "category": HazardCategory.SPECIAL_EQUIPMENT,
        "short": "使用未经定期检验的特种设备",
        "text": "厂区一台载货电梯、两台叉车超过检验有效期仍继续使用",
        "provision": "《中华人民共和国特种设备安全法》第四十条第三款",
        "basis": "《中华人民共和国特种设备安全法》第八十四条第（一）项",
        "fine": 30000,
        "warning": "特种设备未经定期检验或者检验不合格的，不得继续使用。",
    },
    {
        "category": HazardCategory.CONSTRUCTION,
        "short": "施工现场安全防护措施不落实",
        "text": "在建项目外脚手架连墙件缺失，作业层未满铺脚手板，临边洞口未设置防护栏杆",
        "provision": "《建设工程安全生产管理条例》第二十八条第一款",
        "basis": "《建设工程安全生产管理条例》第六十五条第（四）项",
        "fine": 50000,
        "warning": "高处坠落是建筑施工第一大事故类型，临边洞口防护必须做到“有洞必有盖、有边必有栏”。",
    },
    {
        "category": HazardCategory.INDUSTRY,
        "short": "安全设备未经常性维护保养",
        "text": "冲床光电保护装置失效、双手按钮被短接，企业未对安全设备进行经常性维护、保养",
        "provision": "《中华人民共和国安全生产法》第三十六条第二款",
        "basis": "《中华人民共和国安全生产法》第九十九条第（三）项",
        "fine": 30000,
        "warning": "拆除、短接安全防护装置换来的几秒钟，可能是一双手的代价。",
    },
    {
        "category": HazardCategory.EBIKE,
        "short": "电动自行车违规停放充电",
        "text": "员工宿舍楼一层门厅及楼梯间违规停放电动自行车并私拉电线充电，堵塞疏散通道",
        "provision": "《中华人民共和国消防法》第二十八条",
        "basis": "《中华人民共和国消防法》第六十条第一款第（三）项",
        "fine": 10000,
        "warning": "电动自行车严禁在楼梯间、疏散通道、安全出口处停放、充电。",
    },
    {
        "category": HazardCategory.INDUSTRY,
        "short": "未如实记录事故隐患排查治理情况",
        "text": "未建立事故隐患排查治理制度，未如实记录隐患排查治理情况，也未向从业人员通报",
        "provision": "《中华人民共和国安全生产法》第四十一条第二款",
        "basis": "《中华人民共和国安全生产法》第九十七条第（五）项",
        "fine": 10000,
        "warning": "隐患排查治理要建立台账、闭环管理，做到整改措施、责任、资金、时限和预案“五到位”。",
    },
]

ACCIDENTS = [
    (
        "机械伤害",
        "冲压作业过程中，操作工在未停机的情况下伸手调整模具，被冲床压伤右手",
        "作业人员违章操作，冲床安全防护装置被拆除",
    ),
    (
        "高处坠落",
        "在厂房屋面更换彩钢瓦作业时，作业人员{victim}踩穿采光带坠落地面，经抢救无效死亡",
        "作业人员未系挂安全带，屋面未设置安全网和防护设施",
    ),
    (
        "中毒和窒息",
        "两名工人进入污水池清淤时相继晕倒，其中工人{victim}经抢救无效死亡",
        "未执行有限空间作业审批和“先通风、再检测、后作业”要求，盲目施救",
    ),
    (
        "火灾",
        "租赁厂房内一楼仓储区发生火灾，过火面积约300平方米，未造成人员伤亡",
        "电动自行车在仓库内违规充电引发火灾，仓库与生产车间未进行防火分隔",
    ),
    (
        "车辆伤害",
        "厂区内一辆叉车倒车时将行走的员工{victim}撞倒，造成其受伤",
        "叉车司机无证驾驶，厂区未划分人车分流通道",
    ),
]


def _demo_photo(seed: int, label: str) -> ProcessedImage:
    """A small generated photo (no real picture is shipped), put through the same pipeline as an upload."""
    rng = random.Random(seed)  # noqa: S311 - demo pictures, not secrets
    image = Image.new("RGB", (800, 600), (rng.randint(80, 200), rng.randint(80, 200), rng.randint(80, 200)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 700), rng.randint(0, 500)
        draw.rectangle([x, y, x + rng.randint(40, 200), y + rng.randint(30, 150)], fill=(rng.randint(0, 255),) * 3)
    draw.text((20, 20), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    buffer.seek(0)
    return process_image(buffer)


def _at(days_ago: float, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=int(days_ago))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class _Loader:
    def __init__(self) -> None:
        self.rng = random.Random(350582 + 6)  # noqa: S311 - reproducible demo data
        User = get_user_model()
        self.staff = User._default_manager.get(username="admin")
        self.townships = list(Jurisdiction.objects.filter(level=JurisdictionLevel.SUBDISTRICT).order_by("code"))
        self.officers = {
            profile.jurisdiction_id: profile.user for profile in OfficerProfile.objects.select_related("user")
        }
        self.enterprises: dict[int, list[Enterprise]] = {}
        for enterprise in Enterprise.objects.select_related("jurisdiction").order_by("credit_code"):
            for township in self.townships:
                if enterprise.jurisdiction.path.startswith(township.path):
                    self.enterprises.setdefault(township.pk, []).append(enterprise)
        self.ticket = 0
        self.photo_seed = 0

    def next_ticket(self) -> str:
        self.ticket += 1
        return f"{DEMO_TICKET}{self.ticket:04d}"

    def photo(self, label: str) -> ProcessedImage:
        self.photo_seed += 1
        return _demo_photo(self.photo_seed, label)

    def enterprise_in(self, township: Jurisdiction) -> Enterprise | None:
        pool = self.enterprises.get(township.pk) or []
        return self.rng.choice(pool) if pool else None

    # Hazards ---------------------------------------------------------------------------------------------------
    def advance(self, hazard: Hazard, target: str, start_days_ago: int) -> Hazard:
        """Walk a hazard along the workflow up to ``target``, each step a few days after the last."""
        steps = {
            HazardStatus.VERIFYING: [HazardStatus.VERIFYING],
            HazardStatus.RECTIFYING: [HazardStatus.VERIFYING, HazardStatus.RECTIFYING],
            HazardStatus.PENDING_REVIEW: [HazardStatus.VERIFYING, HazardStatus.RECTIFYING, HazardStatus.PENDING_REVIEW],
            HazardStatus.CLOSED: [
                HazardStatus.VERIFYING,
                HazardStatus.RECTIFYING,
                HazardStatus.PENDING_REVIEW,
                HazardStatus.CLOSED,
            ],
            HazardStatus.UNFOUNDED: [HazardStatus.VERIFYING, HazardStatus.UNFOUNDED],
            HazardStatus.REJECTED: [HazardStatus.REJECTED],
        }[target]
        reasons = {
            HazardStatus.VERIFYING: "已受理，转属地安监站现场核查。",
            HazardStatus.RECTIFYING: "经现场核查情况属实，已责令限期整改。",
            HazardStatus.PENDING_REVIEW: "已按要求完成整改，上传整改后照片，申请复核。",
            HazardStatus.CLOSED: "经复核，隐患已消除，予以销号。",
            HazardStatus.UNFOUNDED: "经现场核查，举报情况与实际不符。",
            HazardStatus.REJECTED: "举报对象和事实不清，且无法联系举报人补充，不予受理。",
        }
        days_ago = start_days_ago
        for step in steps:
            days_ago = max(days_ago - self.rng.randint(1, 6), 0)
            deadline = None
            if step == HazardStatus.RECTIFYING:
                deadline = (
                    timezone.localdate() - dt.timedelta(days=days_ago) + dt.timedelta(days=self.rng.choice([7, 15, 30]))
                )
            hazard = services.transition_hazard(
                hazard=hazard,
                to_status=step,
                by=self.staff,
                reason=reasons[step],
                deadline=deadline,
                photos=[self.photo("after")] if step == HazardStatus.PENDING_REVIEW else (),
                rectification_note="已清理堵塞物，恢复通道畅通并落实专人巡查。"
                if step == HazardStatus.PENDING_REVIEW
                else "",
                at=_at(days_ago, 15),
            )
        return hazard

    def hazards(self) -> list[Hazard]:
        created = []
        targets = [
            HazardStatus.ACCEPTED,
            HazardStatus.VERIFYING,
            HazardStatus.RECTIFYING,
            HazardStatus.RECTIFYING,
            HazardStatus.PENDING_REVIEW,
            HazardStatus.CLOSED,
            HazardStatus.CLOSED,
        ]
        sources = [
            HazardSource.ROUTINE,
            HazardSource.COVERT,
            HazardSource.HOTLINE_12345,
            HazardSource.HOTLINE_12350,
            HazardSource.SELF_CHECK,
            HazardSource.REFERRAL,
        ]
        for index, township in enumerate(self.townships):
            for n in range(4):
                enterprise = self.enterprise_in(township)
                category = self.rng.choice(list(HAZARD_TEXTS))
                days_ago = self.rng.randint(20, 150)
                level = HazardLevel.MAJOR if (index + n) % 9 == 0 else HazardLevel.GENERAL
                hazard = services.create_hazard(
                    by=self.staff,
                    source=sources[(index + n) % len(sources)],
                    category=category,
                    level=level,
                    jurisdiction=township,
                    enterprise=enterprise,
                    address=enterprise.address if enterprise else f"{township.name}辖区",
                    description=self.rng.choice(HAZARD_TEXTS[category]),
                    external_ticket=self.next_ticket(),
                    photos=[self.photo("before")],
                    created_at=_at(days_ago, 9),
                )
                target = targets[(index * 4 + n) % len(targets)]
                if target != HazardStatus.ACCEPTED:
                    hazard = self.advance(hazard, target, days_ago)
                if level == HazardLevel.MAJOR and hazard.is_open:
                    services.set_supervision(
                        hazard=hazard, level="county", by=self.staff, reason="重大事故隐患，实行县级挂牌督办。"
                    )
                created.append(hazard)
        return created

    def public_reports(self) -> list[Hazard]:
        """Citizens' reports: the canary reporters (one writes her phone into the text, which intake removes),
        other named reporters, and anonymous ones."""
        created = []
        canaries = list(zip(CANARY_NAMES, CANARY_PHONES, strict=True))
        for index, township in enumerate(self.townships):
            for n in range(2):
                category, text = PUBLIC_TEXTS[(index * 2 + n) % len(PUBLIC_TEXTS)]
                name = phone = ""
                if index < len(canaries) and n == 0:
                    name, phone = canaries[index]
                    if index == 0:
                        text += f"我是{name}，电话{phone}，有需要可以联系我。"
                elif n == 0 and index % 3 == 0:
                    name, phone = "林秀英", f"1380595{index:04d}"
                days_ago = self.rng.randint(3, 90)
                report, _code = services.submit_public_report(
                    category=category,
                    jurisdiction=township,
                    place=f"{township.name}{self.rng.choice(['中心市场旁', '某小区3号楼', '工业区路口', '夜市街'])}",
                    description=text,
                    photos=[self.photo("report")],
                    name=name,
                    phone=phone,
                    submitted_at=_at(days_ago, 20),
                )
                hazard = report.hazard
                target = [
                    HazardStatus.ACCEPTED,
                    HazardStatus.RECTIFYING,
                    HazardStatus.CLOSED,
                    HazardStatus.UNFOUNDED,
                    HazardStatus.REJECTED,
                    HazardStatus.PENDING_REVIEW,
                ][(index + n) % 6]
                if target != HazardStatus.ACCEPTED:
                    hazard = self.advance(hazard, target, days_ago)
                if target == HazardStatus.CLOSED and name:
                    services.mark_report_rewarded(
                        report=report,
                        amount=Decimal("500.00"),
                        paid_on=timezone.localdate() - dt.timedelta(days=1),
                        by=self.staff,
                    )
                created.append(hazard)
        return created

    # Inspections and penalties -------------------------------------------------------------------------------
    def inspections(self) -> None:
        kinds = list(InspectionKind.values)
        for index, township in enumerate(self.townships):
            officer = self.officers.get(township.pk)
            for n in range(3):
                enterprise = self.enterprise_in(township)
                if enterprise is None or officer is None:
                    continue
                inspection = services.record_inspection(
                    by=officer,
                    kind=kinds[(index + n) % len(kinds)],
                    inspected_on=timezone.localdate() - dt.timedelta(days=self.rng.randint(5, 400)),
                    enterprise=enterprise,
                    inspectors=[officer],
                    team_note="市应急管理局执法大队2人",
                    summary="对企业安全生产主体责任落实情况进行检查，查阅安全管理台账，检查生产现场。",
                )
                if n == 0:
                    category = self.rng.choice([HazardCategory.FIRE, HazardCategory.INDUSTRY, HazardCategory.EBIKE])
                    services.add_finding(
                        inspection=inspection,
                        by=officer,
                        category=category,
                        description=self.rng.choice(HAZARD_TEXTS[category]),
                        deadline=max(
                            inspection.inspected_on + dt.timedelta(days=15), timezone.localdate() + dt.timedelta(days=1)
                        ),
                    )

    def penalties(self) -> list[PenaltyCase]:
        created = []
        for index in range(30):
            township = self.townships[index % len(self.townships)]
            enterprise = self.enterprise_in(township)
            if enterprise is None:
                continue
            violation = VIOLATIONS[index % len(VIOLATIONS)]
            decided = timezone.localdate() - dt.timedelta(days=self.rng.randint(20, 200))
            principal = (
                CANARY_NAMES[index % len(CANARY_NAMES)]
                if index < 4
                else (enterprise.legal_representative if index % 3 == 0 else "")
            )
            penalty = PenaltyCase(
                enterprise=enterprise,
                facts=f"{decided.year}年{decided.month}月{decided.day}日，执法人员对{enterprise.name}进行执法检查，发现该单位{violation['text']}。",
                violated_provision=violation["provision"],
                legal_basis=violation["basis"],
                decision_number=f"（晋）应急罚〔{decided.year}〕{100 + index}号",
                fine=Decimal(violation["fine"]),
                principal_person=principal,
                principal_fine=Decimal(8000) if principal else None,
                other_measures="责令限期改正" if index % 4 else "责令停产停业整顿",
                decided_on=decided,
            )
            created.append(services.save_record(instance=penalty, by=self.staff))
        return created

    def orders(self, hazards: list[Hazard]) -> None:
        authority, _created = IssuingAuthority.objects.get_or_create(
            code=ORDER_AUTHORITY["code"], defaults=ORDER_AUTHORITY
        )
        with_enterprise = [h for h in hazards if h.enterprise_id and h.status == HazardStatus.RECTIFYING][:3]
        for hazard in with_enterprise:
            order = services.save_record(
                instance=RectificationOrder(
                    enterprise=hazard.enterprise,
                    authority=authority,
                    deadline=timezone.localdate() + dt.timedelta(days=15),
                ),
                by=self.staff,
                m2m={"hazards": [hazard]},
            )
            document_services.issue(order, by=self.staff)

    # Exposure cases ------------------------------------------------------------------------------------------
    def exposure_cases(self, hazards: list[Hazard], penalties: list[PenaltyCase]) -> int:
        """About a hundred published cases: each unit about one a month over the last six months (a few months are
        missing, as the quota board should show), plus one withdrawn case and one past its public-until date."""
        today = timezone.localdate()
        penalty_pool = list(penalties)
        hazard_pool = [h for h in hazards if h.enterprise_id and h.source != HazardSource.PUBLIC]
        published = 0
        for index, township in enumerate(self.townships):
            for month_back in range(6):
                if (index + month_back) % 7 == 3:
                    continue  # a missed month
                first = (today.replace(day=1) - dt.timedelta(days=month_back * 30)).replace(day=1)
                last_day = (
                    today if month_back == 0 else (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                )
                day = first + dt.timedelta(days=self.rng.randint(0, max((last_day - first).days, 0)))
                when = timezone.make_aware(
                    dt.datetime.combine(day, dt.time(self.rng.randint(9, 17), self.rng.randint(0, 59)))
                )
                case = self.make_case(index, month_back, township, penalty_pool, hazard_pool)
                if case is None:
                    continue
                if case.kind != CaseKind.PENALTY or case.case_date is None or case.case_date > day:
                    case.case_date = day - dt.timedelta(days=self.rng.randint(2, 12))
                    case = services.save_record(instance=case, by=self.staff)
                services.publish_case(case=case, by=self.staff, at=min(when, timezone.now()))
                published += 1
        self.special_cases(today)
        return published

    def make_case(
        self, index: int, month_back: int, township: Jurisdiction, penalties: list[PenaltyCase], hazards: list[Hazard]
    ) -> ExposureCase | None:
        kind_index = (index + month_back) % 5
        if kind_index in (0, 1):
            local = [p for p in penalties if p.enterprise.jurisdiction.path.startswith(township.path)]
            if local:
                penalty = local[0]
                penalties.remove(penalty)
                case = services.draft_case_from_penalty(penalty=penalty, by=self.staff)
                violation = next(v for v in VIOLATIONS if v["provision"] == penalty.violated_provision)
                case.warning = violation["warning"]
                case.category = violation["category"]
                case.title = f"{penalty.enterprise.name}{violation['short']}案"
                if penalty.principal_person:
                    case.body += (
                        f"该单位主要负责人{penalty.principal_person}未履行安全生产管理职责，"
                        f"依据《中华人民共和国安全生产法》第九十四条对其个人处以罚款8000元（一案双罚）。"
                    )
                    if penalty.principal_person in CANARY_NAMES:
                        n = CANARY_NAMES.index(penalty.principal_person)
                        case.body += f"（当事人身份证号{CANARY_ID_NUMBERS[n]}，联系电话{CANARY_PHONES[n]}。）"
                return services.save_record(instance=case, by=self.staff)
        if kind_index == 2 and hazards:
            local = [h for h in hazards if h.jurisdiction_id == township.pk] or hazards
            hazard = local[0]
            hazards.remove(hazard)
            case = services.draft_case_from_hazard(hazard=hazard, by=self.staff)
            case.body = (
                f"{township.name}安监站在日常检查中发现，{hazard.enterprise.name}存在以下问题：{hazard.description}"
                f"执法人员当场责令该单位限期整改，整改完成前相关区域停止使用。"
            )
            case.warning = "隐患就是事故，事故就要处理。各生产经营单位要举一反三，全面开展自查自改。"
            return services.save_record(instance=case, by=self.staff)
        enterprise = self.enterprise_in(township)
        if enterprise is None:
            return None
        if kind_index == 3:
            kind_name, what, cause = ACCIDENTS[(index + month_back) % len(ACCIDENTS)]
            victim = f"{self.rng.choice('王陈林黄张吴蔡许')}{self.rng.choice(['建华', '志强', '丽红', '明辉', '国庆'])}"
            case = ExposureCase(
                kind=CaseKind.ACCIDENT,
                category=HazardCategory.INDUSTRY,
                jurisdiction=township,
                enterprise=enterprise,
                case_date=timezone.localdate() - dt.timedelta(days=30 * month_back + 5),
                title=f"{township.name}“{kind_name}”事故情况通报",
                display_name=enterprise.name,
                summary=f"一起{kind_name}事故，暴露出企业安全管理不到位、现场监护缺失等问题。",
                body=f"位于{township.name}的{enterprise.name}{what.format(victim=victim)}。经初步调查，事故直接原因是{cause}。",
                penalty_text="事故调查组已成立，相关责任单位和责任人将依法依规追究责任。",
                warning="各企业要深刻吸取事故教训，立即开展同类隐患排查，严格落实作业审批和现场监护制度。",
            )
        else:
            violation = VIOLATIONS[(index + month_back) % len(VIOLATIONS)]
            case = ExposureCase(
                kind=CaseKind.COVERT,
                category=violation["category"],
                jurisdiction=township,
                enterprise=enterprise,
                case_date=timezone.localdate() - dt.timedelta(days=30 * month_back + 3),
                title=f"暗访曝光：{enterprise.name}{violation['short']}",
                display_name=enterprise.name,
                summary=violation["short"],
                body=(
                    f"市安委办暗查暗访组在{township.name}检查时发现，{enterprise.name}{violation['text']}。"
                    f"暗访组现场拍照取证，已移交属地和行业主管部门依法查处。"
                ),
                legal_basis=f"违反{violation['provision']}",
                penalty_text="已责令立即整改，并依法立案调查。",
                warning=violation["warning"],
            )
        return services.save_record(instance=case, by=self.staff)

    def special_cases(self, today: dt.date) -> None:
        township = self.townships[0]
        enterprise = self.enterprise_in(township)
        withdrawn = services.save_record(
            instance=ExposureCase(
                kind=CaseKind.HAZARD,
                category=HazardCategory.FIRE,
                jurisdiction=township,
                enterprise=enterprise,
                title="（已撤回）某商场消防通道堵塞曝光",
                display_name="某商场",
                body="该案例经复核当事单位名称有误，已撤回。",
                penalty_text="责令限期整改",
            ),
            by=self.staff,
        )
        services.publish_case(case=withdrawn, by=self.staff, at=_at(40))
        services.withdraw_case(case=withdrawn, by=self.staff, reason="当事单位名称有误，撤回核实。")
        expiring = services.save_record(
            instance=ExposureCase(
                kind=CaseKind.PENALTY,
                category=HazardCategory.GAS,
                jurisdiction=township,
                enterprise=enterprise,
                title="某餐饮店燃气使用不规范行政处罚案（公开期满）",
                display_name="晋江市某餐饮店",
                body="该店使用液化石油气未安装可燃气体报警装置，已依法处罚并整改到位。",
                penalty_text="罚款人民币5,000元",
            ),
            by=self.staff,
        )
        expiring = services.publish_case(case=expiring, by=self.staff, at=_at(200))
        expiring.public_until = today - dt.timedelta(days=1)  # its six months of publicity are over
        services.save_record(instance=expiring, by=self.staff)
        services.expire_cases(today=today)


def demo_counts() -> dict[str, int]:
    return {
        "隐患": Hazard.objects.count(),
        "群众举报": Hazard.objects.filter(source=HazardSource.PUBLIC).count(),
        "检查记录": Inspection.objects.count(),
        "行政处罚": PenaltyCase.objects.count(),
        "责令限期整改指令书": RectificationOrder.objects.count(),
        "已发布曝光案例": ExposureCase.objects.public().count(),
    }


@register_demo_loader("inspections", order=30)
def load_demo_inspections() -> dict[str, int]:
    if Hazard.objects.filter(external_ticket__startswith=DEMO_TICKET).exists():
        return demo_counts()
    if not get_user_model()._default_manager.filter(username="admin").exists():
        return demo_counts()
    loader = _Loader()
    with transaction.atomic():
        hazards = loader.hazards()
        reports = loader.public_reports()
        loader.inspections()
        penalties = loader.penalties()
        loader.orders(hazards)
        loader.exposure_cases(hazards + reports, penalties)
    return demo_counts()
