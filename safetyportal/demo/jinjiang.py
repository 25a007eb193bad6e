"""Data tables for the demo city: 晋江市 (Quanzhou, Fujian), its subdistricts and towns, communities and villages,
the work-safety committee's member units, and the vocabulary the builder draws enterprise and person names from.

Township codes follow the statistical-division pattern (350582001–006 for the 街道, 350582100–112 for the 镇);
community/village codes append three digits, 001… for 社区 and 201… for 村. The subdistricts and towns are real;
the community and village names are plausible local names, and every enterprise and person is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from safetyportal.models import Industry

COUNTY_CODE = "350582"
COUNTY_NAME = "晋江市"
COUNTY_KIND = "市"

DEMO_PASSWORD = "Anweiban-2024"  # noqa: S105 - the published demo password, printed by seed_demo
DEMO_SEED = 350582


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    kind: str  # 街道 or 镇
    username: str  # the officer account (pinyin of the name)
    communities: tuple[Place, ...]
    weight: int  # share of the demo enterprises located here
    trades: tuple[tuple[str, int], ...]  # (sector key, weight): what is made or done here

    @property
    def short_name(self) -> str:
        return self.name.removesuffix(self.kind)


def _places(township_code: str, names: str) -> tuple[Place, ...]:
    """Communities get 001, 002…, villages 201, 202… (the statistical code convention)."""
    places: list[Place] = []
    counters = {"社区": 0, "村": 200}
    for name in names.split():
        kind = "社区" if name.endswith("社区") else "村"
        counters[kind] += 1
        places.append(Place(f"{township_code}{counters[kind]:03d}", name, kind))
    return tuple(places)


def _township(
    code: str, name: str, username: str, communities: str, weight: int, trades: tuple[tuple[str, int], ...]
) -> Township:
    kind = "街道" if name.endswith("街道") else "镇"
    return Township(
        f"{COUNTY_CODE}{code}", name, kind, username, _places(f"{COUNTY_CODE}{code}", communities), weight, trades
    )


TOWNSHIPS: tuple[Township, ...] = (
    _township(
        "001", "青阳街道", "qingyang", "青华社区 洋埭社区 阳光社区 青梅社区 莲屿社区 崎山社区 象山社区", 16,
        (("hotel", 3), ("mall", 3), ("entertainment", 2), ("commerce", 3), ("supermarket", 2), ("construction", 2),
         ("property", 2), ("elevator", 1), ("fuel", 1), ("passenger", 1)),
    ),
    _township(
        "002", "梅岭街道", "meiling", "桂山社区 岭山社区 曾井社区 双沟社区 桂华社区 梅峰社区", 14,
        (("hotel", 2), ("mall", 2), ("commerce", 3), ("construction", 3), ("property", 2), ("logistics", 1),
         ("gas", 1), ("elevator", 1), ("passenger", 1)),
    ),
    _township(
        "003", "西园街道", "xiyuan", "霞福社区 山前社区 霞盛社区 霞浦社区 钱头社区 西园社区", 12,
        (("commerce", 2), ("garment", 2), ("shoes", 2), ("construction", 2), ("logistics", 2), ("fuel", 1),
         ("hotel", 1), ("waste", 1)),
    ),
    _township(
        "004", "罗山街道", "luoshan", "罗山社区 社店社区 缺塘社区 福埔社区 上郭社区 后林社区 梧垵社区", 14,
        (("shoes", 3), ("garment", 2), ("logistics", 3), ("commerce", 2), ("construction", 1), ("gas", 1),
         ("food", 1), ("elevator", 1)),
    ),
    _township(
        "005", "灵源街道", "lingyuan", "灵水社区 曾林社区 林口社区 英塘社区 柯坑社区 许西坑社区", 16,
        (("textile", 3), ("shoes", 3), ("garment", 2), ("chemical", 1), ("logistics", 2), ("construction", 1),
         ("gas_cylinder", 1)),
    ),
    _township(
        "006", "新塘街道", "xintang", "梧林社区 沙塘社区 新街社区 塘市社区 大光社区", 12,
        (("shoes", 2), ("textile", 2), ("garment", 2), ("logistics", 2), ("machinery", 1), ("commerce", 1),
         ("water", 1)),
    ),
    _township(
        "100", "安海镇", "anhai", "星塔社区 西安社区 型厝社区 前蔡村 曾埭村 溪边村 桥头村", 24,
        (("food", 4), ("paper", 3), ("shoes", 2), ("garment", 1), ("logistics", 2), ("fuel", 1), ("gas", 1),
         ("hotel", 1), ("supermarket", 1)),
    ),
    _township(
        "101", "磁灶镇", "cizao", "大埔村 岭畔村 前埔村 钱坑村 张林村 东山村 洋美村 苏垵村", 28,
        (("ceramics", 9), ("building_materials", 3), ("chemical", 1), ("logistics", 1), ("quarry", 1),
         ("gas_cylinder", 1), ("waste", 1)),
    ),
    _township(
        "102", "陈埭镇", "chendai", "岸兜村 江头村 花厅口村 涵口村 四境村 鹏头村 高坑村 湖中村", 30,
        (("shoes", 9), ("chemical", 2), ("textile", 1), ("logistics", 2), ("mall", 1), ("commerce", 1)),
    ),
    _township(
        "103", "池店镇", "chidian", "池店社区 潘湖村 唐厝村 仕春村 溜石村 浯潭村", 18,
        (("food", 3), ("shoes", 2), ("garment", 2), ("machinery", 1), ("logistics", 1), ("construction", 1)),
    ),
    _township(
        "104", "东石镇", "dongshi", "东石社区 萧下村 井林村 潘山村 郭岑村 檗谷村 白沙村", 16,
        (("umbrella", 5), ("garment", 2), ("food", 1), ("fuel", 1), ("chemical", 1), ("logistics", 1),
         ("gas", 1), ("agriculture", 1)),
    ),
    _township(
        "105", "金井镇", "jinjing", "金井社区 围头村 塘东村 南江村 溜江村 福全村 钞岱村", 14,
        (("textile", 2), ("food", 2), ("garment", 2), ("stone", 2), ("fuel", 1), ("agriculture", 1)),
    ),
    _township(
        "106", "龙湖镇", "longhu", "衙口村 石龟村 枫林村 杭边村 南浔村 前港村", 18,
        (("textile", 4), ("shoes", 2), ("food", 1), ("garment", 1), ("chemical", 1)),
    ),
    _township(
        "107", "内坑镇", "neikeng", "内坑社区 黎山村 霞坑村 长埔村 厝上村 湖尾村", 14,
        (("shoes", 3), ("building_materials", 2), ("machinery", 2), ("textile", 1), ("quarry", 1)),
    ),
    _township(
        "108", "深沪镇", "shenhu", "华峰社区 南春社区 运伙村 东华村 坑边村 科任村 港阜村", 14,
        (("garment", 4), ("seafood", 3), ("textile", 1), ("fuel", 1), ("gas_cylinder", 1), ("agriculture", 1)),
    ),
    _township(
        "109", "西滨镇", "xibin", "林前村 跃进村 柯厝村 西霞村 后坑村", 8,
        (("garment", 2), ("shoes", 2), ("food", 1), ("logistics", 1), ("agriculture", 1)),
    ),
    _township(
        "110", "永和镇", "yonghe", "玉溪村 马坪村 山头村 古安村 茂亭村 英墩村", 12,
        (("stone", 3), ("garment", 2), ("shoes", 2), ("building_materials", 1), ("machinery", 1)),
    ),
    _township(
        "111", "英林镇", "yinglin", "英林社区 嘉排村 西埔村 港塔村 锦江村 三欧村 东埔村", 14,
        (("garment", 6), ("textile", 2), ("shoes", 1), ("logistics", 1)),
    ),
    _township(
        "112", "紫帽镇", "zimao", "紫帽社区 园坂村 东进村 谢坑村 紫星村 塘园村", 10,
        (("machinery", 3), ("food", 2), ("building_materials", 1), ("shoes", 1), ("gas", 1), ("water", 1)),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Unit:
    name: str
    short_name: str
    sectors: str


MEMBER_UNITS: tuple[Unit, ...] = (
    Unit("市应急管理局", "应急局", "工贸行业、危险化学品、烟花爆竹安全生产综合监管；非煤矿山"),
    Unit("市住房和城乡建设局", "住建局", "房屋建筑和市政基础设施工程施工、建筑起重机械、城镇房屋安全、物业管理"),
    Unit("市消防救援大队", "消防大队", "消防安全、消防安全重点单位、人员密集场所"),
    Unit("市市场监督管理局", "市场监管局", "特种设备（电梯、锅炉、压力容器、气瓶、起重机械）、工业产品质量、食品生产"),
    Unit("市交通运输局", "交通局", "道路运输、水路运输、公路水运工程建设、港口危险货物作业"),
    Unit("市公安局", "公安局", "道路交通安全、民用爆炸物品公共安全、剧毒化学品购买与运输、寄递物流治安"),
    Unit("市教育局", "教育局", "学校（幼儿园）安全、校车安全、校外培训机构安全"),
    Unit("市卫生健康局", "卫健局", "医疗卫生机构安全、职业健康"),
    Unit("市商务局", "商务局", "商贸流通、成品油流通、大型商业综合体、报废机动车回收"),
    Unit("市工业和信息化局", "工信局", "工业企业安全生产行业管理、民用爆炸物品生产、电力安全协调"),
    Unit("市文化体育和旅游局", "文体旅局", "文化娱乐场所、体育场馆、A级旅游景区、星级饭店"),
    Unit("市城市管理局", "城管局", "城镇燃气、市政公用设施、户外广告设施、环境卫生"),
    Unit("市水利局", "水利局", "水利工程、水库山塘、河道采砂、农村供水"),
    Unit("市农业农村局", "农业农村局", "农业机械、渔业船舶、农药、沼气"),
    Unit("市自然资源局", "自然资源局", "矿产资源开发、地质灾害防治"),
    Unit("市生态环境局", "生态环境局", "危险废物、环境污染治理设施、辐射安全"),
    Unit("市总工会", "总工会", "职工安全生产民主管理与监督、劳动保护"),
    Unit("市人力资源和社会保障局", "人社局", "职业技能培训机构、劳动保障监察"),
    Unit("市民政局", "民政局", "养老机构、殡葬服务机构、救助管理机构"),
    Unit("市发展和改革局", "发改局", "油气长输管道保护、粮食储备库、能源（电力）安全"),
)


@dataclass(frozen=True)
class Sector:
    industry: str
    supervisor: str  # a MemberUnit name
    patterns: tuple[str, ...]  # "{t}" is the trade name (字号)
    grades: tuple[int, int, int, int]  # weights of risk grades A, B, C, D


_MANUFACTURING_GRADES = (3, 12, 45, 40)
_SERVICE_GRADES = (1, 9, 40, 50)
_HIGH_RISK_GRADES = (25, 40, 30, 5)
_MEDIUM_RISK_GRADES = (5, 25, 45, 25)

SECTORS: dict[str, Sector] = {
    "shoes": Sector(
        Industry.MANUFACTURING, "市应急管理局",
        ("晋江市{t}鞋业有限公司", "福建{t}鞋业有限公司", "晋江{t}体育用品有限公司", "晋江市{t}鞋材有限公司",
         "福建省晋江市{t}鞋服有限公司"),
        _MANUFACTURING_GRADES,
    ),
    "textile": Sector(
        Industry.MANUFACTURING, "市应急管理局",
        ("晋江市{t}纺织有限公司", "福建{t}纺织科技有限公司", "晋江{t}织造有限公司", "晋江市{t}印染有限公司",
         "福建{t}化纤有限公司"),
        _MANUFACTURING_GRADES,
    ),
    "garment": Sector(
        Industry.MANUFACTURING, "市工业和信息化局",
        ("晋江市{t}服装有限公司", "晋江{t}服饰有限公司", "福建{t}制衣有限公司", "晋江市{t}针织有限公司"),
        _MANUFACTURING_GRADES,
    ),
    "ceramics": Sector(
        Industry.MANUFACTURING, "市应急管理局",
        ("晋江市{t}陶瓷有限公司", "福建{t}建陶有限公司", "福建省晋江{t}瓷业有限公司", "晋江{t}陶瓷发展有限公司"),
        (5, 20, 45, 30),
    ),
    "building_materials": Sector(
        Industry.MANUFACTURING, "市工业和信息化局",
        ("晋江市{t}建材有限公司", "晋江{t}新型建材有限公司", "福建{t}环保建材有限公司"),
        _MANUFACTURING_GRADES,
    ),
    "food": Sector(
        Industry.MANUFACTURING, "市工业和信息化局",
        ("晋江市{t}食品有限公司", "福建{t}食品工业有限公司", "晋江{t}糖果食品有限公司", "晋江市{t}饮料有限公司"),
        _MANUFACTURING_GRADES,
    ),
    "seafood": Sector(
        Industry.MANUFACTURING, "市工业和信息化局",
        ("晋江市{t}水产食品有限公司", "晋江{t}水产品加工有限公司", "福建{t}海洋食品有限公司"),
        (3, 17, 45, 35),  # ammonia refrigeration
    ),
    "umbrella": Sector(
        Industry.MANUFACTURING, "市工业和信息化局",
        ("晋江市{t}伞业有限公司", "福建{t}雨具有限公司", "晋江{t}伞业制品有限公司"),
        _MANUFACTURING_GRADES,
    ),
    "paper": Sector(
        Industry.MANUFACTURING, "市应急管理局",
        ("晋江市{t}纸业有限公司", "晋江{t}纸制品有限公司", "福建{t}卫生用品有限公司"),
        (3, 17, 45, 35),  # combustible dust and stock
    ),
    "machinery": Sector(
        Industry.MANUFACTURING, "市工业和信息化局",
        ("晋江市{t}机械有限公司", "晋江{t}五金制品有限公司", "福建{t}智能装备有限公司", "晋江市{t}模具有限公司"),
        _MANUFACTURING_GRADES,
    ),
    "stone": Sector(
        Industry.MANUFACTURING, "市应急管理局",
        ("晋江市{t}石业有限公司", "晋江{t}石材有限公司"),
        _MANUFACTURING_GRADES,
    ),
    "chemical": Sector(
        Industry.HAZCHEM, "市应急管理局",
        ("晋江市{t}化工有限公司", "福建{t}胶粘剂有限公司", "晋江{t}涂料有限公司", "晋江市{t}化学工业有限公司"),
        _HIGH_RISK_GRADES,
    ),
    "fuel": Sector(
        Industry.HAZCHEM, "市应急管理局",
        ("晋江市{t}石油有限公司", "晋江{t}能源有限公司"),
        _HIGH_RISK_GRADES,
    ),
    "construction": Sector(
        Industry.CONSTRUCTION, "市住房和城乡建设局",
        ("福建{t}建设集团有限公司", "晋江市{t}建筑工程有限公司", "福建省{t}建工有限公司", "晋江{t}市政工程有限公司"),
        _MEDIUM_RISK_GRADES,
    ),
    "logistics": Sector(
        Industry.TRANSPORT, "市交通运输局",
        ("晋江市{t}物流有限公司", "晋江{t}货运有限公司", "福建{t}供应链管理有限公司", "晋江市{t}运输有限公司"),
        _SERVICE_GRADES,
    ),
    "passenger": Sector(
        Industry.TRANSPORT, "市交通运输局",
        ("晋江{t}客运有限公司", "晋江市{t}旅游客运有限公司"),
        _MEDIUM_RISK_GRADES,
    ),
    "gas": Sector(
        Industry.GAS, "市城市管理局",
        ("晋江市{t}燃气有限公司", "晋江{t}液化气有限公司", "晋江{t}天然气有限公司"),
        _HIGH_RISK_GRADES,
    ),
    "elevator": Sector(
        Industry.SPECIAL_EQUIPMENT, "市市场监督管理局",
        ("晋江市{t}电梯工程有限公司", "晋江{t}起重设备有限公司", "晋江市{t}电梯安装维修有限公司"),
        _MEDIUM_RISK_GRADES,
    ),
    "gas_cylinder": Sector(
        Industry.SPECIAL_EQUIPMENT, "市市场监督管理局",
        ("晋江市{t}工业气体有限公司", "晋江{t}气体有限公司"),
        _MEDIUM_RISK_GRADES,
    ),
    "hotel": Sector(
        Industry.FIRE_KEY, "市消防救援大队",
        ("晋江{t}大酒店有限公司", "晋江市{t}酒店管理有限公司"),
        _MEDIUM_RISK_GRADES,
    ),
    "mall": Sector(
        Industry.FIRE_KEY, "市消防救援大队",
        ("晋江{t}商业广场管理有限公司", "晋江市{t}购物中心有限公司", "晋江{t}商业运营管理有限公司"),
        _MEDIUM_RISK_GRADES,
    ),
    "entertainment": Sector(
        Industry.FIRE_KEY, "市文化体育和旅游局",
        ("晋江市{t}娱乐有限公司", "晋江{t}文化娱乐有限公司"),
        _MEDIUM_RISK_GRADES,
    ),
    "commerce": Sector(
        Industry.COMMERCE, "市商务局",
        ("晋江市{t}商贸有限公司", "晋江{t}贸易有限公司", "晋江市{t}百货有限公司"),
        _SERVICE_GRADES,
    ),
    "supermarket": Sector(
        Industry.COMMERCE, "市商务局",
        ("晋江{t}超市有限公司", "晋江市{t}连锁超市有限公司"),
        _SERVICE_GRADES,
    ),
    "quarry": Sector(
        Industry.MINING, "市自然资源局",
        ("晋江市{t}石料有限公司", "晋江{t}矿业有限公司"),
        (30, 40, 30, 0),
    ),
    "property": Sector(
        Industry.OTHER, "市住房和城乡建设局",
        ("晋江市{t}物业管理有限公司", "晋江{t}物业服务有限公司"),
        _SERVICE_GRADES,
    ),
    "waste": Sector(
        Industry.OTHER, "市生态环境局",
        ("晋江市{t}环保科技有限公司", "晋江{t}再生资源有限公司"),
        _MEDIUM_RISK_GRADES,
    ),
    "agriculture": Sector(
        Industry.OTHER, "市农业农村局",
        ("晋江市{t}农业发展有限公司", "晋江{t}水产养殖有限公司"),
        _SERVICE_GRADES,
    ),
    "water": Sector(
        Industry.OTHER, "市水利局",
        ("晋江市{t}供水有限公司", "晋江{t}水务工程有限公司"),
        _SERVICE_GRADES,
    ),
}  # fmt: skip

# Trade names (字号): auspicious two-character words of the kind local firms register. Famous local brands are
# left out on purpose, so no invented record can be read as a statement about a real company.
_TRADE_NAMES_TEXT = """
    恒兴 鑫达 源和 宏盛 华泰 金隆 腾达 嘉华 永兴 振兴 新峰 泰和 盛丰 鸿发 锦华 荣兴 福源 瑞丰 晋安 明辉
    长兴 祥和 协力 信达 顺发 百盛 天成 东升 海通 力达 联胜 金丰 凯达 建兴 富华 永安 华盛 宏达 隆兴 汇达
    锦程 宏源 新宇 通达 鼎盛 恒泰 鸿运 金鹰 华兴 兴隆 昌盛 众成 佳美 万利 晋美 泉兴 闽南 海峡 帝和 美嘉
    正源 同益 成发 旺达 利源 新星 聚丰 盈丰 瑞祥 骏达 巨龙 远东 飞扬 联兴 宝丰 泰兴 建华 嘉豪 博达 亿丰
    华宇 兴和 永发 协兴 鹏程 德盛 丰裕 鸿基 华安 安盛 金源 展鹏 豪达 新联 浩达 益丰 长源 恒达 诚信 华丰
    宏业 荣昌 锦祥 伟业 晋发 源泰 佳兴 金辉 鑫盛 恒昌 润发 宏昌 冠达 盛达 晟达 泓源 瀚海 凯旋 和盛 群英
    新源 三和 四海 五洲 九龙 万家 千禧 百川 东方 南方 中盛 泰昌 合丰 永昌 昇华 裕丰 丰源 达丰 广源 顺昌
"""
TRADE_NAMES: tuple[str, ...] = tuple(_TRADE_NAMES_TEXT.split())

ROADS: tuple[str, ...] = (
    "世纪大道", "泉安路", "长兴路", "迎宾路", "和平路", "崇德路", "青梅路", "阳光路", "兴业路", "科技路",
    "安平路", "工业路", "创业路", "振兴路", "发展路", "中心路", "新华路", "环城路", "祥和路", "滨海路",
)  # fmt: skip

# Jinjiang family names, weighted roughly by local frequency. The canary surnames (甄, 卞, 岑, 隗) never occur.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("陈", 12), ("林", 8), ("黄", 7), ("许", 6), ("王", 5), ("施", 5), ("吴", 5), ("蔡", 5), ("洪", 4), ("李", 4),
    ("张", 4), ("苏", 3), ("丁", 3), ("郭", 3), ("庄", 3), ("曾", 3), ("杨", 3), ("颜", 2), ("柯", 2), ("郑", 2),
    ("刘", 2), ("谢", 2), ("叶", 2), ("粘", 1), ("尤", 1), ("姚", 1), ("龚", 1), ("傅", 1), ("卢", 1), ("何", 1),
)  # fmt: skip
GIVEN_MALE = "伟强建明志国文华荣辉俊杰鹏斌峰海金清振东勇德忠福坤水泉源宗聪宏艺毅鸿晓锦榕炜煌泽阳涛铭嘉永添祥"
GIVEN_FEMALE = "丽芳秀玲燕红婷雅慧琳娟霞美萍雪晶佳静蓉莉欣怡颖惠淑碧月瑜思巧素珍宝凤琼妙婉丹"

# Where the demo people's ID numbers were issued: mostly Jinjiang, the rest elsewhere in Fujian.
ID_COUNTY_CODES: tuple[tuple[str, int], ...] = (
    ("350582", 70),  # 晋江市
    ("350581", 5),  # 石狮市
    ("350583", 5),  # 南安市
    ("350521", 4),  # 惠安县
    ("350524", 4),  # 安溪县
    ("350525", 3),  # 永春县
    ("350526", 2),  # 德化县
    ("350502", 2),  # 泉州市鲤城区
    ("350503", 2),  # 泉州市丰泽区
    ("350181", 1),  # 福清市
    ("350802", 1),  # 龙岩市新罗区
    ("350425", 1),  # 大田县
)

MOBILE_PREFIXES: tuple[str, ...] = (
    "139", "139", "139", "138", "137", "136", "135", "158", "159", "150", "151", "188", "189", "180", "186", "177",
)  # fmt: skip
LANDLINE_AREA = "0595"
LANDLINE_PREFIXES: tuple[str, ...] = ("85", "82", "88", "86")

OFFICER_TITLE = "安监站"

# Portal accounts of units other than the subdistrict and town offices (issue 12): one community of 灵源街道 and two
# of the committee's member units (their names are in MEMBER_UNITS). (username, unit, the account's display name)
COMMUNITY_ACCOUNTS: tuple[tuple[str, str, str], ...] = (("lingshui", "灵水社区", "灵水社区居委会"),)
COMMUNITY_ACCOUNTS_TOWNSHIP = "灵源街道"
MEMBER_UNIT_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("zhujian", "市住房和城乡建设局", "市住建局安全科"),
    ("jiaotong", "市交通运输局", "市交通局安全科"),
)
