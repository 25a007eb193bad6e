"""Demo publicity for 2024, reproducing the figures of 晋江市应急管理局's report (shared/seeds/000_*.txt):

- the "晋江应急管理" WeChat account published 296 pushes (期) carrying 1,093 articles (篇次), every month over 100,000
  reads;
- the 黄芊芊 short video of Safety Production Month on the video channel and Douyin, and on air on the city's 110
  bus screens and 500 elevator screens;
- 一基地两公园 (the education base, 崎山安全文化主题公园, 海滨安全文化示范园) received 289 visiting groups, 13,000
  visitors;
- banners, wall charts, pocket books and giveaways; reports in 中国安全生产报 and 晋江经济报 and their columns.

Deterministic and idempotent: rows are found by their natural keys and only missing ones are created. Links are
placeholders in the shape of the real platforms' addresses.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from typing import Any

from django.db import transaction

from safetyportal.demo.registry import register_demo_loader

from .models import (
    BaseKind,
    Channel,
    ChannelKind,
    EducationBase,
    GroupKind,
    ItemKind,
    MediaLevel,
    PublicityItem,
    ScreenPlacement,
    Visit,
    WechatPush,
)

YEAR = 2024
PUSHES = 296
ARTICLES = 1093
VISIT_BATCHES = 289
VISITORS = 13_000

CHANNELS: list[dict[str, Any]] = [
    {
        "name": "晋江应急管理",
        "kind": ChannelKind.WECHAT,
        "media_level": MediaLevel.LOCAL,
        "operator": "晋江市应急管理局",
    },
    {
        "name": "晋江应急管理视频号",
        "kind": ChannelKind.WECHAT_VIDEO,
        "media_level": MediaLevel.LOCAL,
        "operator": "晋江市应急管理局",
    },
    {
        "name": "晋江应急管理抖音号",
        "kind": ChannelKind.DOUYIN,
        "media_level": MediaLevel.LOCAL,
        "operator": "晋江市应急管理局",
    },
    {"name": "公交车载电视", "kind": ChannelKind.BUS_SCREEN, "screen_count": 110, "operator": "晋江市公共交通有限公司"},
    {"name": "电梯梯载电视", "kind": ChannelKind.ELEVATOR_SCREEN, "screen_count": 500, "operator": "电梯媒体运营商"},
    {"name": "中国安全生产报", "kind": ChannelKind.NEWSPAPER, "media_level": MediaLevel.NATIONAL},
    {"name": "福建日报", "kind": ChannelKind.NEWSPAPER, "media_level": MediaLevel.PROVINCIAL},
    {"name": "泉州晚报", "kind": ChannelKind.NEWSPAPER, "media_level": MediaLevel.CITY},
    {"name": "晋江经济报", "kind": ChannelKind.NEWSPAPER, "media_level": MediaLevel.COUNTY},
    {"name": "晋江电视台", "kind": ChannelKind.TV, "media_level": MediaLevel.COUNTY},
]

CAMPAIGN_KEY = {"kind": "safety_month", "year": YEAR, "jurisdiction": None}
CAMPAIGN_DEFAULTS = {
    "edition": "第23个",
    "name": "安全生产月",
    "national_theme": "人人讲安全、个个会应急——畅通生命通道",
    "starts_on": dt.date(2024, 6, 1),
    "ends_on": dt.date(2024, 6, 30),
}

TOWNS = [
    "青阳",
    "梅岭",
    "西园",
    "罗山",
    "灵源",
    "新塘",
    "安海",
    "磁灶",
    "陈埭",
    "池店",
    "东石",
    "金井",
    "龙湖",
    "内坑",
    "深沪",
    "西滨",
    "永和",
    "英林",
    "紫帽",
]
SUBDISTRICTS = {"青阳", "梅岭", "西园", "罗山", "灵源", "新塘"}
TRADES = ["鞋服", "纺织", "食品", "陶瓷", "纸制品", "五金", "建材", "包装", "化工", "物流"]
VIOLATIONS = [
    "未按规定开展安全生产教育和培训",
    "未如实记录安全生产教育和培训情况",
    "特种作业人员未持证上岗",
    "未对安全设备进行经常性维护保养",
    "未建立事故隐患排查治理制度",
    "占用堵塞消防通道",
    "违规储存危险化学品",
    "有限空间作业未执行审批制度",
    "未制定生产安全事故应急救援预案",
    "电气线路私拉乱接",
]
ACCIDENTS = [
    "有限空间中毒窒息",
    "高处坠落",
    "机械伤害",
    "火灾",
    "燃气爆炸",
    "触电",
    "物体打击",
    "起重伤害",
    "车辆伤害",
    "粉尘爆炸",
]
SCIENCE = [
    "家庭燃气安全使用",
    "电动自行车安全充电",
    "高温天气防中暑",
    "台风来临前的准备",
    "暴雨天气出行安全",
    "火场逃生自救",
    "心肺复苏操作要点",
    "灭火器的正确使用",
    "地震避险常识",
    "校园安全小贴士",
    "夏季防溺水",
    "节日烟花爆竹安全",
    "有限空间作业“七不准”",
    "危险化学品标志识读",
    "生命通道畅通常识",
]
WORK = [
    "开展安全生产大检查",
    "召开安全生产工作会议",
    "开展应急演练",
    "开展安全生产宣传咨询活动",
    "开展消防安全培训",
    "开展燃气安全专项整治",
    "开展企业主要负责人安全培训",
    "推进安全生产治本攻坚三年行动",
    "开展“五进”宣传活动",
    "开展隐患排查整治",
]
MONTH_THEMES = {
    1: "元旦春节",
    2: "春节",
    3: "春季复工复产",
    4: "清明",
    5: "防灾减灾日",
    6: "安全生产月",
    7: "防汛防台",
    8: "高温防暑",
    9: "中秋国庆",
    10: "国庆",
    11: "消防宣传月",
    12: "岁末年初",
}


def _township(short_name: str) -> str:
    return short_name + ("街道" if short_name in SUBDISTRICTS else "镇")


def _token(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(length))


def _article_titles(rng: random.Random, day: dt.date, count: int) -> list[str]:
    """Distinct, realistic titles for one push (the first is the headline)."""
    month_theme = MONTH_THEMES[day.month]
    pool = [
        lambda: f"【{month_theme}】{_township(rng.choice(TOWNS))}{rng.choice(WORK)}",
        lambda: f"【以案说法】{rng.choice(TOWNS)}一{rng.choice(TRADES)}企业{rng.choice(VIOLATIONS)}被处罚",
        lambda: f"【事故警示】一起{rng.choice(ACCIDENTS)}事故的教训",
        lambda: f"【应急科普】{rng.choice(SCIENCE)}",
        lambda: f"【工作动态】{_township(rng.choice(TOWNS))}{rng.choice(WORK)}",
        lambda: f"【以案说法】{rng.choice(VIOLATIONS)}，这家企业被罚了",
        lambda: f"【安全提示】{month_theme}期间{rng.choice(SCIENCE)}",
    ]
    if day.month == 6:
        pool.insert(0, lambda: f"【安全生产月】人人讲安全、个个会应急——{rng.choice(TOWNS)}在行动")
    titles: list[str] = []
    while len(titles) < count:
        title = pool[len(titles) % len(pool)]() if len(titles) < len(pool) else rng.choice(pool)()
        if title not in titles:
            titles.append(title)
    return titles


def _push_plan(rng: random.Random) -> list[tuple[dt.date, list[tuple[str, int]]]]:
    """296 push days of 2024 with their articles (title, reads): 1,093 articles, every month over 100k reads."""
    start = dt.date(YEAR, 1, 1)
    days = sorted(start + dt.timedelta(days=offset) for offset in rng.sample(range(366), PUSHES))
    counts = [3] * PUSHES
    for _ in range(ARTICLES - 3 * PUSHES):
        index = rng.randrange(PUSHES)
        while counts[index] >= 7:
            index = rng.randrange(PUSHES)
        counts[index] += 1
    plan = []
    for day, count in zip(days, counts, strict=True):
        titles = _article_titles(rng, day, count)
        reads = [rng.randint(2600, 6200)] + [rng.randint(700, 2000) for _ in range(count - 1)]
        plan.append((day, list(zip(titles, reads, strict=True))))
    return plan


def _visit_plan(rng: random.Random, bases: list[EducationBase]) -> list[dict[str, Any]]:
    shares = [121, 98, 70]  # the education base, 崎山 park, 海滨 park: 289 groups
    sizes = [rng.randint(20, 70) for _ in range(VISIT_BATCHES)]
    difference = VISITORS - sum(sizes)
    step = 1 if difference > 0 else -1
    while difference:
        index = rng.randrange(VISIT_BATCHES)
        if sizes[index] + step >= 10:
            sizes[index] += step
            difference -= step
    kinds = [
        (GroupKind.ENTERPRISE, "{town}辖区{trade}企业员工"),
        (GroupKind.SCHOOL, "{town}中心小学师生"),
        (GroupKind.SCHOOL, "{town}中学学生"),
        (GroupKind.COMMUNITY, "{town}社区居民"),
        (GroupKind.GOVERNMENT, "{town}安监站和网格员"),
        (GroupKind.ENTERPRISE, "{town}企业安全管理人员"),
    ]
    visits, seen = [], set()
    index = 0
    for base, share in zip(bases, shares, strict=True):
        for _ in range(share):
            day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(366))
            kind, pattern = rng.choice(kinds)
            name = pattern.format(town=rng.choice(TOWNS), trade=rng.choice(TRADES))
            while (base.pk, day, name) in seen:
                name += "（第二批）"
            seen.add((base.pk, day, name))
            visits.append(
                {"base": base, "visited_on": day, "group_name": name, "group_kind": kind, "visitors": sizes[index]}
            )
            index += 1
    return visits


OTHER_ITEMS: list[dict[str, Any]] = [
    {
        "kind": ItemKind.SHORT_VIDEO,
        "channel": "晋江应急管理视频号",
        "title": "亚运冠军黄芊芊为晋江安全生产“代言”",
        "published_on": dt.date(2024, 6, 3),
        "plays": 86_400,
        "link": "https://weixin.qq.com/sph/AhuangQQ24",
        "campaign": True,
    },
    {
        "kind": ItemKind.SHORT_VIDEO,
        "channel": "晋江应急管理抖音号",
        "title": "亚运冠军黄芊芊为晋江安全生产“代言”",
        "published_on": dt.date(2024, 6, 3),
        "plays": 124_800,
        "link": "https://www.douyin.com/video/7376000000000000001",
        "campaign": True,
    },
    {
        "kind": ItemKind.PSA,
        "channel": None,
        "title": "黄芊芊安全生产公益宣传片（车载、梯载电视版）",
        "published_on": dt.date(2024, 6, 1),
        "campaign": True,
    },
    {"kind": ItemKind.PSA, "channel": None, "title": "防汛防台公益广告", "published_on": dt.date(2024, 7, 10)},
    {
        "kind": ItemKind.PSA,
        "channel": None,
        "title": "电动自行车安全充电公益广告",
        "published_on": dt.date(2024, 11, 1),
    },
    {"kind": ItemKind.PSA, "channel": None, "title": "春节期间燃气安全公益广告", "published_on": dt.date(2024, 1, 20)},
    {
        "kind": ItemKind.BANNER,
        "channel": None,
        "title": "2024年“安全生产月”宣传横幅",
        "published_on": dt.date(2024, 6, 1),
        "placements_count": 1260,
        "campaign": True,
    },
    {
        "kind": ItemKind.BANNER,
        "channel": None,
        "title": "元旦春节期间安全生产宣传横幅",
        "published_on": dt.date(2024, 1, 20),
        "placements_count": 450,
    },
    {
        "kind": ItemKind.BANNER,
        "channel": None,
        "title": "防汛防台安全宣传横幅",
        "published_on": dt.date(2024, 5, 20),
        "placements_count": 320,
    },
    {
        "kind": ItemKind.BANNER,
        "channel": None,
        "title": "消防安全宣传横幅",
        "published_on": dt.date(2024, 11, 9),
        "placements_count": 380,
    },
    {
        "kind": ItemKind.POSTER,
        "channel": None,
        "title": "“畅通生命通道”主题宣传挂图",
        "published_on": dt.date(2024, 6, 5),
        "copies_printed": 8000,
        "copies_distributed": 7600,
        "campaign": True,
    },
    {
        "kind": ItemKind.BROCHURE,
        "channel": None,
        "title": "安全生产知识口袋书",
        "published_on": dt.date(2024, 6, 16),
        "copies_printed": 20_000,
        "copies_distributed": 18_500,
        "campaign": True,
    },
    {
        "kind": ItemKind.BROCHURE,
        "channel": None,
        "title": "防灾减灾应急科普手册",
        "published_on": dt.date(2024, 5, 12),
        "copies_printed": 10_000,
        "copies_distributed": 9200,
    },
    {
        "kind": ItemKind.GIVEAWAY,
        "channel": None,
        "title": "安全宣传帆布袋、折扇等宣传品",
        "published_on": dt.date(2024, 6, 16),
        "copies_printed": 6000,
        "copies_distributed": 6000,
        "campaign": True,
    },
    {
        "kind": ItemKind.DISPLAY_BOARD,
        "channel": None,
        "title": "“安全宣传咨询日”展板",
        "published_on": dt.date(2024, 6, 16),
        "placements_count": 120,
        "campaign": True,
    },
    {
        "kind": ItemKind.PRESS_CONFERENCE,
        "channel": "晋江电视台",
        "title": "2024年“安全生产月”活动新闻发布会",
        "published_on": dt.date(2024, 5, 30),
        "campaign": True,
    },
    {
        "kind": ItemKind.NEWS_REPORT,
        "channel": "中国安全生产报",
        "title": "晋江：全矩阵立体宣传唱响安全生产好声音",
        "published_on": dt.date(2024, 6, 20),
        "with_picture": True,
        "story_key": "2024-全矩阵宣传",
        "link": "https://www.aqscb.com/demo/2024/0620/jinjiang.html",
        "campaign": True,
    },
    {
        "kind": ItemKind.NEWS_REPORT,
        "channel": "晋江经济报",
        "title": "我市全矩阵立体宣传唱响安全生产好声音",
        "published_on": dt.date(2024, 6, 21),
        "with_picture": True,
        "story_key": "2024-全矩阵宣传",
        "link": "https://www.ijjnews.com/demo/2024/0621/anquan.shtml",
        "campaign": True,
    },
    {
        "kind": ItemKind.NEWS_REPORT,
        "channel": "福建日报",
        "title": "晋江：“安全宣传咨询日”现场活动走进商圈",
        "published_on": dt.date(2024, 6, 17),
        "with_picture": True,
        "link": "https://fjrb.fjdaily.com/demo/2024/0617/anquan.html",
        "campaign": True,
    },
    {
        "kind": ItemKind.NEWS_REPORT,
        "channel": "泉州晚报",
        "title": "晋江开展全员应急救援演习和知识技能培训约569场",
        "published_on": dt.date(2024, 7, 2),
        "link": "https://www.qzwb.com/demo/2024/0702/yingji.html",
        "campaign": True,
    },
    {
        "kind": ItemKind.NEWS_REPORT,
        "channel": "晋江电视台",
        "title": "晋江市开展防汛防台应急演练",
        "published_on": dt.date(2024, 7, 25),
        "with_picture": True,
        "link": "https://www.jjtv.cn/demo/2024/0725/fangxun.html",
    },
]
for month in range(1, 13):
    OTHER_ITEMS.append(
        {
            "kind": ItemKind.MEDIA_COLUMN,
            "channel": "晋江经济报",
            "title": f"“安全生产专项行动”专栏（{month}月）",
            "published_on": dt.date(2024, month, 15),
            "with_picture": True,
        }
    )
for month in (3, 6, 9, 12):
    OTHER_ITEMS.append(
        {
            "kind": ItemKind.MEDIA_COLUMN,
            "channel": "中国安全生产报",
            "title": f"“聚焦安全生产”专栏：晋江篇（{month}月）",
            "published_on": dt.date(2024, month, 10),
        }
    )
VIDEO_TOPICS = SCIENCE + ["以案说法：" + violation for violation in VIOLATIONS[:5]]
for index, topic in enumerate(VIDEO_TOPICS):
    day = dt.date(2024, 1, 8) + dt.timedelta(days=index * 17)
    OTHER_ITEMS.append(
        {
            "kind": ItemKind.SHORT_VIDEO,
            "channel": "晋江应急管理视频号",
            "title": f"短视频｜{topic}",
            "published_on": day,
            "plays": 3000 + (index * 3779) % 26000,
            "link": f"https://weixin.qq.com/sph/Ademo{index:03d}",
        }
    )
    if index % 2 == 0:
        OTHER_ITEMS.append(
            {
                "kind": ItemKind.SHORT_VIDEO,
                "channel": "晋江应急管理抖音号",
                "title": f"短视频｜{topic}",
                "published_on": day,
                "plays": 5000 + (index * 5113) % 40000,
                "link": f"https://www.douyin.com/video/73760000000000{index:05d}",
            }
        )

PLACEMENTS = [
    (
        "黄芊芊安全生产公益宣传片（车载、梯载电视版）",
        "公交车载电视",
        dt.date(2024, 6, 1),
        dt.date(2024, 6, 30),
        110,
        24,
    ),
    (
        "黄芊芊安全生产公益宣传片（车载、梯载电视版）",
        "电梯梯载电视",
        dt.date(2024, 6, 1),
        dt.date(2024, 7, 15),
        500,
        60,
    ),
    ("防汛防台公益广告", "电梯梯载电视", dt.date(2024, 7, 10), dt.date(2024, 9, 30), 500, 40),
    ("电动自行车安全充电公益广告", "公交车载电视", dt.date(2024, 11, 1), dt.date(2024, 12, 31), 110, 20),
    ("春节期间燃气安全公益广告", "电梯梯载电视", dt.date(2024, 1, 20), dt.date(2024, 2, 29), 300, 30),
]

BASES = [
    {"name": "晋江市安全生产宣教培训基地", "kind": BaseKind.TRAINING_BASE, "address": "晋江市青阳街道"},
    {"name": "崎山安全文化主题公园", "kind": BaseKind.THEME_PARK, "address": "晋江市青阳街道崎山社区"},
    {"name": "海滨安全文化示范园", "kind": BaseKind.DEMO_PARK, "address": "晋江市深沪镇"},
]


def _campaign() -> Any:
    """The campaign the items and visits of the month belong to: the city's own 安全生产月 (晋江市应急管理局 runs the
    account, the screens and the bases; shared/seeds/000 reports them as the city's), so that the city's summary shows
    them. Each item links to one campaign, so no summary counts an item twice. Without the city's campaign (the
    publicity demo loaded alone) a campaign of its own stands in."""
    from campaigns.models import Campaign
    from safetyportal.demo.jinjiang import COUNTY_CODE

    city = (
        Campaign.objects.filter(kind=CAMPAIGN_KEY["kind"], year=YEAR, jurisdiction__code=COUNTY_CODE)
        .order_by("pk")
        .first()
    )
    if city is not None:
        return city
    campaign, _created = Campaign.objects.get_or_create(**CAMPAIGN_KEY, defaults=CAMPAIGN_DEFAULTS)
    return campaign


@register_demo_loader("publicity", order=50)
def load_demo_publicity() -> dict[str, int]:
    # One generator per plan, so that what one run skips (rows already there) never shifts the next plan.
    push_rng, link_rng, visit_rng = random.Random(YEAR), random.Random(YEAR + 1), random.Random(YEAR + 2)  # noqa: S311
    with transaction.atomic():
        campaign = _campaign()
        channels = {}
        for row in CHANNELS:
            channels[row["name"]], _created = Channel.objects.get_or_create(
                name=row["name"], defaults={k: v for k, v in row.items() if k != "name"}
            )
        wechat = channels["晋江应急管理"]

        plan = _push_plan(push_rng)
        existing_pushes = set(WechatPush.objects.filter(channel=wechat).values_list("published_on", flat=True))
        WechatPush.objects.bulk_create(
            [
                WechatPush(channel=wechat, published_on=day, sequence=1)
                for day, _articles in plan
                if day not in existing_pushes
            ]
        )
        push_ids = dict(WechatPush.objects.filter(channel=wechat, sequence=1).values_list("published_on", "pk"))
        existing_articles = set(PublicityItem.objects.filter(channel=wechat).values_list("title", "published_on"))
        articles = []
        for day, rows in plan:
            # Headline last, so that lists ordered newest first (by id within a day) show it first.
            for position, (title, reads) in reversed(list(enumerate(rows, 1))):
                link = f"https://mp.weixin.qq.com/s/{_token(link_rng, 22)}"
                if (title, day) in existing_articles:
                    continue
                themed = day.month == 6 and ("安全生产月" in title or position == 1)
                articles.append(
                    PublicityItem(
                        kind=ItemKind.WECHAT_ARTICLE,
                        channel=wechat,
                        push_id=push_ids[day],
                        position=position,
                        title=title,
                        published_on=day,
                        link=link,
                        reads=reads,
                        read_users=reads * 4 // 5,
                        shares=reads // 20,
                        likes=reads // 50,
                        wows=reads // 100,
                        campaign=campaign if themed else None,
                    )
                )
        PublicityItem.objects.bulk_create(articles, batch_size=500)

        items = {}
        for row in OTHER_ITEMS:
            fields = dict(row)
            channel = channels[fields.pop("channel")] if row["channel"] else None
            fields["campaign"] = campaign if fields.pop("campaign", False) else None
            key = {"kind": fields.pop("kind"), "title": fields.pop("title"), "published_on": fields.pop("published_on")}
            item, _created = PublicityItem.objects.get_or_create(**key, channel=channel, defaults=fields)
            items.setdefault(item.title, item)
        for title, network, starts_on, ends_on, screens, plays_per_day in PLACEMENTS:
            ScreenPlacement.objects.get_or_create(
                item=items[title],
                channel=channels[network],
                starts_on=starts_on,
                defaults={"ends_on": ends_on, "screens": screens, "plays_per_day": plays_per_day},
            )

        bases = [EducationBase.objects.get_or_create(name=row["name"], defaults=row)[0] for row in BASES]
        existing_visits = set(Visit.objects.values_list("base_id", "visited_on", "group_name"))
        visits = []
        for row in _visit_plan(visit_rng, bases):
            if (row["base"].pk, row["visited_on"], row["group_name"]) in existing_visits:
                continue
            in_month = CAMPAIGN_DEFAULTS["starts_on"] <= row["visited_on"] <= CAMPAIGN_DEFAULTS["ends_on"]
            visits.append(Visit(**row, campaign=campaign if in_month else None))
        Visit.objects.bulk_create(visits)

    return {
        "微信推送（期）": WechatPush.objects.count(),
        "微信推文（篇）": PublicityItem.objects.filter(kind=ItemKind.WECHAT_ARTICLE).count(),
        "宣传品与推文": PublicityItem.objects.count(),
        "参观接待（批次）": Visit.objects.count(),
    }
