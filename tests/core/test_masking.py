"""SECURITY.md T64: the maskers normalise first. Generated variants of planted numbers (mobiles with and without
+86/0086/86, fixed lines with area codes and extensions, 18- and 15-digit ID numbers, T-prefixed certificate numbers,
bank cards) in full-width digits, with dots, spaces, dashes of every kind, slashes and parentheses, embedded in
random Chinese prose, leave 0 of their digit sequences after masking (compared on NFKC'd, separator-stripped text),
and each masked number keeps at most its allowed digits. Names after role words and before 先生/女士 are masked
whatever follows them; the reporter's own name and number are removed in every spelling. Dates, document numbers,
amounts, credit codes, hazard numbers and times are left exactly as they were."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from safetyportal.masking import (
    REDACTED,
    mask_numbers,
    mask_personal,
    mask_public_text,
    normalise,
    redact_for_enterprise,
    redact_identity,
)
from safetyportal.validators import PROVINCE_CODES

EXAMPLES = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Commas and the enumeration comma join the groups of one number only in a group of four digits or more (so that
# "第1、2、3号" and "20,000元" stay): with them the generators use the usual grouping (3-4-4, 6-8-4, 4-4).
SOFT_SEPARATORS = ["，", "、", ",", ", ", " ，", "､", "﹐"]
SEPARATORS = [
    "",
    " ",
    "\u3000",
    ".",
    "-",
    "－",
    "—",
    "–",
    "‑",
    "/",
    " - ",
    "\u200b",
    "．",
    "·",
    "  ",
    "    ",
    "\u3000\u3000\u3000",
    " \u3000-\u3000 ",
    *SOFT_SEPARATORS,
]
STRIP = re.compile(r"[\s.\-\u2010-\u2015\u2212\uff0d/·\u200b,、]")
# Prose without digits, surnames or phone words: what a citizen writes around a number.
PROSE = st.text(
    alphabet="楼道里堆满杂物电动车在充电请尽快处理谢谢，。；：、！（）“”的了是有很多严重危险隐患", max_size=12
)


def stripped(text: str) -> str:
    """How a scanner compares: NFKC (as the maskers see it), separators removed."""
    return STRIP.sub("", normalise(text))


def full_width(draw, text: str) -> str:  # type: ignore[no-untyped-def]
    mode = draw(st.sampled_from(["ascii", "full", "mixed"]))
    if mode == "ascii":
        return text
    flags = [mode == "full" or draw(st.booleans()) for _ in text]
    return "".join(
        chr(ord(c) + 0xFEE0) if flag and c.isascii() and c.isalnum() else c for c, flag in zip(text, flags, strict=True)
    )


def grouped(draw, digits: str, natural: list[int] | None = None) -> str:  # type: ignore[no-untyped-def]
    """The digits cut into groups (the usual grouping or random cuts) joined by one kind of separator."""
    separator = draw(st.sampled_from(SEPARATORS))
    if natural and (draw(st.booleans()) or separator.strip(" \u3000") in SOFT_SEPARATORS):
        cuts = natural
    else:
        cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=4)))
    parts, last = [], 0
    for cut in [*cuts, len(digits)]:
        parts.append(digits[last:cut])
        last = cut
    return full_width(draw, separator.join(part for part in parts if part))


@st.composite
def mobiles(draw) -> tuple[str, str, int]:  # type: ignore[no-untyped-def]
    """(as typed, the digits that must not survive, digits a mask may keep)"""
    digits = "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "+86-", "0086", "0086 ", "86", "86-", "（+86）"]))
    return full_width(draw, prefix) + grouped(draw, digits, [3, 7]), digits, 5


AREA_CODES = ["010", "020", "021", "0591", "0592", "0595", "0755", "0371"]


@st.composite
def landlines(draw) -> tuple[str, str, int]:  # type: ignore[no-untyped-def]
    area = draw(st.sampled_from(AREA_CODES))
    local = draw(st.sampled_from("23456789")) + draw(st.text("0123456789", min_size=6, max_size=7))
    style = draw(st.sampled_from(["sep", "paren", "fullparen", "plain", "soft"]))
    if style == "paren":
        text = f"({area})" + draw(st.sampled_from(["", " "])) + grouped(draw, local, [4])
    elif style == "fullparen":
        text = f"（{area}）" + grouped(draw, local, [4])
    elif style == "sep":
        text = area + draw(st.sampled_from(SEPARATORS[1:])) + grouped(draw, local, [4])
        if any(char in text for char in "，、,､﹐"):
            text = area + draw(st.sampled_from(SEPARATORS[1:])) + local[:4] + "-" + local[4:]
    elif style == "soft":  # 0591，8765，4321
        separator = draw(st.sampled_from(SOFT_SEPARATORS))
        text = area + separator + local[:4] + separator + local[4:]
    else:
        text = area + local
    if draw(st.booleans()):
        text += draw(st.sampled_from(["-", " ", "－"])) + draw(st.text("0123456789", min_size=1, max_size=4))
    return full_width(draw, text), local, 5


def id_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


@st.composite
def id_numbers(draw) -> tuple[str, str, int]:  # type: ignore[no-untyped-def]
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    county = draw(st.text("0123456789", min_size=4, max_size=4))
    born = draw(st.dates(dt.date(1930, 1, 1), dt.date(2012, 12, 31)))
    serial = draw(st.text("0123456789", min_size=3, max_size=3))
    if draw(st.integers(0, 5)) == 0:  # the old 15-digit form
        number = province + county + born.strftime("%y%m%d") + serial
    else:
        first17 = province + county + born.strftime("%Y%m%d") + serial
        number = first17 + id_check(first17)
        if number.endswith("X") and draw(st.booleans()):
            number = number[:-1] + "x"
    prefix = draw(st.sampled_from(["", "", "T", "证号T"]))
    typed = prefix + grouped(draw, number, [6, 14] if len(number) == 18 else [6, 12])
    return full_width(draw, typed), number.upper(), 6


def luhn(body: str) -> str:
    total = 0
    for i, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


@st.composite
def bank_cards(draw) -> tuple[str, str, int]:  # type: ignore[no-untyped-def]
    length = draw(st.integers(16, 19))
    start = draw(st.sampled_from(["62", "4", "5", "60"]))
    body = start + draw(st.text("0123456789", min_size=length - 1 - len(start), max_size=length - 1 - len(start)))
    number = body + luhn(body)
    separator = draw(st.sampled_from(["", " ", "\u3000", "-", " - ", "－", "    ", "，", "、"]))
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    return full_width(draw, separator.join(groups)), number, 8


NUMBERS = st.one_of(mobiles(), landlines(), id_numbers(), bank_cards())


@EXAMPLES
@given(planted=st.lists(NUMBERS, min_size=1, max_size=4), prose=st.lists(PROSE, min_size=5, max_size=5))
def test_no_planted_number_survives_in_any_spelling(planted, prose):
    words = ["电话", "手机：", "身份证号", "卡号", "联系方式 "]
    text = prose[0]
    for n, (typed, _digits, _allowed) in enumerate(planted):
        text += words[n % len(words)] + typed + "，" + prose[n + 1] + "。"
    masked, count = mask_numbers(text)
    flat = stripped(masked)
    for _typed, digits, _allowed in planted:
        assert digits not in flat, (text, masked)
        if len(digits) in (15, 18):  # an ID's birth date never shows
            birth = digits[6:14] if len(digits) == 18 else digits[6:12]
            assert birth not in flat, (text, masked)
    assert count == len(planted), (text, masked)
    assert len(re.findall(r"[0-9]", flat)) <= sum(allowed + 4 for *_x, allowed in planted)  # + a kept extension


@EXAMPLES
@given(planted=NUMBERS, before=PROSE, after=PROSE)
def test_each_masked_number_keeps_at_most_its_allowed_digits(planted, before, after):
    typed, digits, allowed = planted
    masked = mask_numbers(f"{before}号码{typed}。{after}")[0]
    shown = re.findall(r"[0-9]", stripped(masked))
    extension = 4 if len(digits) in (7, 8) else 0  # a fixed line's extension group is masked with it
    assert len(shown) <= allowed + extension, (typed, masked)
    assert "*" in masked


@EXAMPLES
@given(planted=NUMBERS, before=PROSE, after=PROSE)
def test_prose_around_a_masked_number_keeps_its_full_width_punctuation(planted, before, after):
    typed = planted[0]
    masked = mask_numbers(f"{before}，号码：{typed}。{after}（完）")[0]
    assert masked.startswith(f"{before}，号码：") and masked.endswith(f"。{after}（完）")


# Names ---------------------------------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪"
)
# Traditional forms of common surnames (NFKC leaves them as they are).
TRADITIONAL_SURNAMES = "張陳劉黃趙吳孫馬鄭謝葉蘇魏呂鍾譚陸賈韋龍顧龔嚴錢楊許馮鄧羅"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国红玉兰志福荣辉鹏飞海燕晓琳"
ROLES = [
    "当事人",
    "负责人",
    "主要负责人",
    "法定代表人",
    "驾驶员",
    "举报人",
    "员工",
    "司机",
    "老板",
    "房东",
    "电工",
    "死者",
]
AFTER = st.one_of(
    st.text(alphabet="，。；、（）", min_size=1, max_size=1),
    st.sampled_from(
        ["因", "在现场", "未按规定", "等三人", "承认", "擅自", "违规操作", "无证驾驶", "已被处罚", "带领工人"]
    ),
    PROSE,
    st.text(alphabet="楼道里堆满杂物电动车充电危险", min_size=1, max_size=6),
)


@st.composite
def person_names(draw) -> str:  # type: ignore[no-untyped-def]
    surname = draw(st.sampled_from(SURNAMES + TRADITIONAL_SURNAMES))
    return surname + draw(st.text(alphabet=GIVEN, min_size=1, max_size=2))


# What may stand between a role word and the name: 当事人：张三, 当事人，张三，, 当事人即张三, 当事人名为张三 …
LINKS = ["", "：", ":", " ", "是", "为", "，", ",", "即", "名为", "名叫", "叫", "系"]
# … and around it: 当事人(张三), 当事人“张三”, 当事人【张三】.
BRACKETS = [("", ""), ("", ""), ("(", ")"), ("（", "）"), ("“", "”"), ("【", "】"), ("「", "」"), ("《", "》")]


@EXAMPLES
@given(
    role=st.sampled_from(ROLES),
    colon=st.sampled_from(LINKS),
    bracket=st.sampled_from(BRACKETS),
    name=person_names(),
    after=AFTER,
    before=PROSE,
    gap=st.sampled_from(["", "", " ", "\u3000", "·"]),
)
def test_a_name_after_a_role_word_is_masked_whatever_follows(role, colon, bracket, name, after, before, gap):
    text = f"{before}{role}{colon}{bracket[0]}{gap.join(name)}{bracket[1]}{after}"
    masked = mask_public_text(text).text
    assert name not in stripped(masked), (text, masked)
    assert f"{name[0]}某" in masked, (text, masked)


@EXAMPLES
@given(
    role=st.sampled_from(ROLES),
    colon=st.sampled_from(LINKS),
    names=st.lists(person_names(), min_size=2, max_size=4),
    joiners=st.lists(st.sampled_from(["、", "和", "与", "及", "，", ",", " 、 "]), min_size=3, max_size=3),
    after=AFTER,
    before=PROSE,
)
def test_every_name_of_a_list_after_a_role_word_is_masked(role, colon, names, joiners, after, before):
    listed = names[0] + "".join(joiner + name for joiner, name in zip(joiners, names[1:], strict=False))
    text = f"{before}{role}{colon}{listed}{after}"
    masked = mask_public_text(text).text
    flat = stripped(masked)
    for name in names:
        assert name not in flat, (text, masked)


@EXAMPLES
@given(
    name=person_names(), suffix=st.sampled_from(["先生", "女士", "同志", "师傅", "（男，45岁）", "(女)"]), before=PROSE
)
def test_a_name_before_a_title_is_masked(name, suffix, before):
    masked = mask_public_text(f"{before}联系{name}{suffix}").text
    assert name not in stripped(masked) and f"{name[0]}某" in masked


@EXAMPLES
@given(name=person_names(), separator=st.sampled_from(["", " ", "\u3000", "·", " . "]), before=PROSE, after=PROSE)
def test_known_names_are_masked_in_every_spelling(name, separator, before, after):
    written = separator.join(name)
    masked = mask_public_text(f"{before}{written}{after}", names=[name]).text
    assert name not in stripped(masked)
    removed = redact_identity(f"{before}{written}{after}", name=name)
    assert name not in stripped(removed) and REDACTED in removed


@EXAMPLES
@given(planted=st.one_of(mobiles(), landlines()), before=PROSE, after=PROSE)
def test_redact_identity_removes_the_reporters_number_in_every_spelling(planted, before, after):
    typed, digits, _allowed = planted
    stored = digits if digits.startswith("1") else "0595-" + digits  # as the reporter typed it into the form
    text = f"{before}我的电话{typed}{after}"
    if not digits.startswith("1"):
        text = f"{before}我的电话(0595){digits}{after}"
    removed = redact_identity(text, phone=stored)
    assert digits not in stripped(removed), (text, removed)
    assert REDACTED in removed


@EXAMPLES
@given(
    area=st.sampled_from(AREA_CODES),
    local=st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True),
    data=st.data(),
    before=PROSE,
    after=PROSE,
)
def test_redact_identity_removes_the_reporters_local_number_without_its_area_code(area, local, data, before, after):
    stored = data.draw(st.sampled_from([f"{area}-{local}", f"（{area}）{local}", f"{area}{local}", f"{area} {local}"]))
    separator = data.draw(st.sampled_from(SEPARATORS))
    typed = full_width(data.draw, separator.join([local[:4], local[4:]]))
    text = f"{before}座机（{area}）{local[:4]}-{local[4:]}，{typed}{after}"
    removed = redact_identity(text, phone=stored)
    assert local not in stripped(removed), (text, removed)
    assert removed.count(REDACTED) >= 2


def test_the_reviews_examples():
    # Chinese commas, the enumeration comma and long space runs between digit groups.
    for typed in ("139，1234，5678", "139、1234、5678", "139    1234 5678", "139，　1234，　5678", "139､1234､5678"):
        assert "13912345678" not in stripped(mask_personal(f"电话{typed}。")), typed
        assert "13912345678" not in stripped(mask_personal(typed)), typed
        assert redact_identity(f"我的电话{typed}。", phone="13912345678") == f"我的电话{REDACTED}。", typed
    assert mask_personal("身份证350582，19900101，1231") == "身份证3505************31"
    assert mask_personal("座机0591，8765，4321") == mask_personal("座机0591-8765-4321")
    assert "87654322" not in mask_personal("电话87654321、87654322")  # a list after a phone word
    # Names in brackets, quotes, after a comma or a linking word, in traditional characters, in lists.
    for text in (
        "当事人(张三)",
        "当事人（张三）",
        "当事人“张三”",
        "当事人【张三】",
        "当事人，张三，",
        "当事人即张三",
        "当事人名为张三",
        "当事人張三",
    ):
        masked = mask_personal(text)
        assert "三" not in masked and ("张某" in masked or "張某" in masked), (text, masked)
    assert mask_personal("当事人张三、李四、王五称") == "当事人张某、李某、王某称"
    assert mask_personal("工人张三、李四") == "工人张某、李某"
    assert mask_personal("当事人张三和李四与王五及赵六在现场") == "当事人张某和李某与王某及赵某在现场"
    assert mask_personal("负责人歐陽明承认") == "负责人歐某承认"
    # The reporter's local number without the area code, and a credit code next to a phone number.
    removed = redact_identity("座机 (0591) 8765-4321, 87654321", phone="0591-87654321")
    assert "8765" not in removed and removed.count(REDACTED) == 2
    code = credit_code("91350582123456789")
    masked = mask_personal(f"统一社会信用代码{code}，13912345678")
    assert code in masked and "13912345678" not in masked


def test_the_issues_examples():
    assert "139******78" in mask_personal("电话１３９１２３４５６７８")
    assert mask_personal("139.1234.5678") == "139******78"
    for typed in ("１３９１２３４５６７８", "139.1234.5678", "+86 139 1234 5678", "139 1234 5678"):
        assert redact_identity(f"我的电话{typed}。", phone="13912345678") == f"我的电话{REDACTED}。"
    assert mask_personal("当事人张三承认违规") == "当事人张某承认违规"
    assert mask_personal("当事人张三丰在现场") == "当事人张某在现场"
    for landline in ("0595-8568 1234", "(0595)85681234", "0595 85681234", "（0595）8568-1234", "0595-85681234-8001"):
        masked = mask_personal(f"座机{landline}。")
        assert "85681234" not in stripped(masked), masked


def test_enterprise_text_loses_the_reporter_and_masks_everyone_else():
    text = (
        "举报人甄金丝（电话１３９ ０００٠ ０００１）反映：车间主任李建国先生身份证350582199001011231，手机13812345678。"
    )
    result = redact_for_enterprise(text, name="甄金丝", phone="13900000001")
    assert "甄" not in result and "13900000001" not in stripped(result)
    assert "李建国" not in result and "13812345678" not in stripped(result) and "350582199001011231" not in result


# False positives -------------------------------------------------------------------------------------------------


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


KEPT = [
    "2024-06-16",
    "2024.06.16",
    "2024/06/16 14:30",
    "2024年6月16日14时30分",
    "晋安办〔2024〕63号",
    "（晋）应急罚〔2026〕12号",
    "晋应急责改〔2026〕7号",
    "罚款人民币20000元",
    "罚款人民币20,000.00元",
    "罚款人民币1,234,567元",
    f"统一社会信用代码：{credit_code('91350582MA2Y4B3C1')}",
    f"统一社会信用代码{credit_code('91350582123456789')}",
    "隐患编号YH2026000123",
    "《中华人民共和国安全生产法》第九十七条第（三）项",
    "举报电话12350",
    "消防电话119",
    "共3人受伤，1人死亡，直接经济损失约150万元",
    "面积约1200平方米，高度4.5米",
    "负责人未履行安全生产管理职责",
    "负责人高度重视，立即整改",
    "孙某已被处罚",
    "当事人王某某在现场",
    "08:30至17:30",
    "第1、2、3号仓库",
    "1、2、3",
    "检查了1、2、3、4、5、6、7、8、9、10、11号楼",
    "第13、139、140、141号",
    "第1001、1002、1003、1004号房间",
    "罚款人民币20，000元",
    "罚款人民币13,912,345,678元",
    "举报电话12350，火警119，急救120",
    "举报电话12350、110、119",
    "2024、2025、2026年度",
    "2024年6月16日、6月17日",
]


def test_dates_document_numbers_amounts_codes_and_times_survive():
    for text in KEPT:
        assert mask_public_text(text).text == text, text


@EXAMPLES
@given(
    day=st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31)),
    fmt=st.sampled_from(["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M", "%Y%m%d"]),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    before=PROSE,
)
def test_dates_and_times_are_never_masked(day, fmt, hour, minute, before):
    text = before + dt.datetime.combine(day, dt.time(hour, minute)).strftime(fmt) + "发生"
    assert mask_public_text(text).text == text


@EXAMPLES
@given(
    register=st.sampled_from(["91", "92", "93", "12", "52"]),
    org=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9).filter(
        lambda s: any(c.isalpha() for c in s)
    ),
    year=st.integers(2000, 2035),
    serial=st.integers(1, 999),
    fine=st.integers(1000, 500000),
)
def test_credit_codes_document_numbers_and_amounts_are_never_masked(register, org, year, serial, fine):
    text = (
        f"统一社会信用代码{credit_code(register + '350582' + org)}，晋应急罚〔{year}〕{serial}号，"
        f"罚款人民币{fine}元，罚款人民币{fine:,}元。"
    )
    assert mask_public_text(text).text == text


@EXAMPLES
@given(
    numbers=st.lists(st.integers(1, 999), min_size=2, max_size=12),
    joiner=st.sampled_from(["、", "，", ",", "､", " 、"]),
    amount=st.integers(1000, 10**13),
    comma=st.sampled_from([",", "，"]),
    before=PROSE,
)
def test_lists_of_short_numbers_and_amounts_with_commas_are_never_masked(numbers, joiner, amount, comma, before):
    text = f"{before}第{joiner.join(map(str, numbers))}号，罚款人民币{format(amount, ',').replace(',', comma)}元"
    assert mask_public_text(text).text == text


def test_text_that_needs_no_mask_is_returned_unchanged_including_full_width_forms():
    text = "经查，你单位（地址：灵源街道１号）存在下列问题：安全出口被堵塞；"
    assert mask_public_text(text).text == text
    assert unicodedata.normalize("NFKC", text) != text  # the full-width forms really were there
