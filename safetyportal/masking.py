"""Masking of personal data in free text: what leaves the office (exposure pages, feeds, open data, rectification
orders sent to enterprises) and what portal pages show of text typed by people.

Matching runs on the NFKC form of the text (full-width ``１３９`` is ``139``, ``（`` is ``(``, U+3000 is a space), but
the result is built from the *original* text: every character of the NFKC form remembers which original character
it came from, and each matched span is replaced in the original. So nothing matched can survive in any spelling,
and Chinese prose keeps its full-width punctuation (``，：（）``) wherever nothing was masked — masking the NFKC text
and returning that would turn every ``，`` into ``,``.

Numbers. A *run* is a sequence of digit groups joined by runs of up to six separators (spaces of every width, dots,
hyphens and dashes of every kind, slashes, parentheses, middle dots, invisible characters, and — only where a group
of four digits or more makes it one number — commas and the enumeration comma: ``139，1234，5678``), optionally led
by ``+``. Each run is cut, group by group, into the longest pieces that are one of:

- resident ID numbers by shape (province code and a real birth date; 18 characters ending in a digit or X, or the
  old 15 digits) → ``mask_id_number`` (first four, last two); a certificate's "T" prefix stays outside the match;
- mobile numbers (``1[3-9]`` + 9 digits, also after ``+86``/``0086``/``86`` or a leading 0) → ``mask_phone``;
- fixed lines with a real area code (010, 02x, 03xx–09xx) and a 7–8 digit number, optionally an extension group
  → ``mask_phone``;
- bank card numbers (16–19 digits, in one group or in groups of four) → first four and last four;
- 7–12 digits right after a phone word (电话, 手机, 座机, 联系方式, QQ, 微信 …) → ``mask_phone``.

Dates (2024-06-16), times, amounts (罚款人民币20000元), document numbers (晋安办〔2024〕63号), unified social credit
codes and hazard numbers (YH2026000123) match none of these and are left alone.

Names. ``mask_names`` masks every name it is given (also written with spaces or dots between the characters) and
any name that follows a role word (当事人、负责人、驾驶员、举报人 …, optionally with a colon or comma, 是/为/系/即/名为
and an opening bracket or quote; every further name of a list joined by 、/和/与/及/， is masked too) or precedes
先生/女士/同志/师傅/（男/（女: a common surname plus one or two characters. The second given-name character is taken
unless it cannot belong to a name (punctuation, a function character such as 因/在/未/等, or the start of a word
such as 现场/擅自/承认), so a name never leaks a character; at worst a character of the following word is masked
with it. Automatic name detection cannot be complete, which is why publishing shows a preview first.

Common surnames are also recognised in their traditional forms (張、陳、劉、歐陽 …), which NFKC does not fold.

``redact_identity`` removes a reporter's own name and number entirely (``***``), in every spelling, and a fixed
line's local number also where it is written without its area code."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from stdnum.cn import uscc

from .validators import PROVINCE_CODES, mask_id_number, mask_name, mask_phone

REDACTED = "***"

# Characters that may stand between digit groups of one number (after NFKC). Parentheses are here for area codes.
_SEPARATORS = (
    " \t\r\n\u00a0\u2000-\u200a\u202f\u205f\u3000"  # spaces (NFKC maps most of them to " ")
    "\u200b-\u200d\u2060\ufeff\u00ad"  # invisible: zero-width space/joiners, word joiner, BOM, soft hyphen
    r".\-\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d"  # dots, hyphens and dashes of every kind
    r"/\\·\u2027\u30fb_~()"
)
_SEP = f"[{_SEPARATORS}]"
# Commas and the enumeration comma (，、 after NFKC: "," and "、") may also stand between the digit groups of one number
# ("139，1234，5678"), but such a piece is only masked when it forms a mobile, fixed line, ID or (Luhn-valid) card
# number and has a group of four digits or more: never by the phone-word rule alone, never as a list of short numbers
# (第1、2、3号) or an amount with thousands separators (20,000; 1,234,567).
_SOFT_SEPARATORS = ",、"
_NUMBER_SEP = f"[{_SEPARATORS}{_SOFT_SEPARATORS}]"
_SEP_RUN = 6  # the longest run of separators between two digit groups ("139    1234")
_RUN = re.compile(
    rf"(?<![0-9])(?:\(?\+{_SEP}?)?\(?[0-9]+(?:{_NUMBER_SEP}{{1,{_SEP_RUN}}}[0-9]+)*(?:{_SEP}?[Xx](?![A-Za-z]))?"
)
_GROUP = re.compile(r"[0-9]+|[Xx]")
_MAX_DIGITS = 22  # the longest number recognised: 0086 + a fixed line with extension

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})[2-9][0-9]{6,7}")
# A number right after one of these words is masked even when its shape is not a known one (a local number without
# its area code, a mistyped mobile, a QQ number).
_PHONE_WORDS = re.compile(
    r"(?:电话|手机|座机|固话|联系方式|号码|tel|phone|mobile)(?:号码?)?[\s:是为]{0,3}$", re.IGNORECASE
)
_ACCOUNT_WORDS = re.compile(r"(?:QQ|微信|wechat)(?:号码?)?[\s:是为]{0,3}$", re.IGNORECASE)


_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def _normal_char(char: str) -> str:
    normal = unicodedata.normalize("NFKC", char)
    if len(normal) == 1 and not normal.isascii() and normal.isdecimal():
        return str(unicodedata.decimal(normal))  # other scripts' digits (٠١٢, ०१२) NFKC leaves alone
    return normal


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """The NFKC form (every decimal digit as an ASCII digit) and, for each of its characters, the index of the
    original character it came from (None: the text is its own normal form)."""
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and not _OTHER_DIGIT.search(text)):
        return text, None
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        normal = char if char.isascii() else _normal_char(char)
        parts.append(normal)
        origin.extend([index] * len(normal))
    return "".join(parts), origin


def normalise(text: str) -> str:
    """NFKC, as the maskers and the privacy scanners see text."""
    return _normalise(text or "")[0]


def _apply(text: str, origin: list[int] | None, spans: list[tuple[int, int, str]]) -> str:
    """Replace spans of the normalised text in the original text (spans sorted, not overlapping)."""
    if not spans:
        return text
    out: list[str] = []
    position = 0
    for start, end, replacement in spans:
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        if start < position:  # two normalised spans inside one original character
            continue
        out.append(text[position:start])
        out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out)


# Numbers -----------------------------------------------------------------------------------------------------------


def is_id_shaped(number: str) -> bool:
    """A resident ID number by shape (province code and a real birth date), whatever its check digit."""
    if len(number) == 18:
        if not (number[:17].isdigit() and (number[17].isdigit() or number[17] in "Xx")):
            return False
        year, month, day = number[6:10], number[10:12], number[12:14]
    elif len(number) == 15 and number.isdigit():
        year, month, day = "19" + number[6:8], number[8:10], number[10:12]
    else:
        return False
    if number[:2] not in PROVINCE_CODES:
        return False
    try:
        born = dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return 1900 <= born.year <= dt.date.today().year


def _is_credit_code(number: str) -> bool:
    try:
        return len(number) == 18 and uscc.calc_check_digit(number[:17]) == number[17]
    except Exception:
        return False


def mask_card(digits: str) -> str:
    """Bank card numbers: first four and last four digits."""
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _mobile(digits: str) -> str | None:
    for prefix in ("0086", "86", "0"):
        if digits.startswith(prefix) and _MOBILE.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :]
    return digits if _MOBILE.fullmatch(digits) else None


def _landline(groups: list[str], plus: bool) -> str | None:
    digits = "".join(groups)
    if digits.startswith("0086"):
        digits = "0" + digits[4:]
    elif plus and digits.startswith("86"):
        digits = "0" + digits[2:]
    if _LANDLINE.fullmatch(digits):
        return digits
    extension = groups[-1]
    if len(groups) > 1 and len(extension) <= 5 and _LANDLINE.fullmatch(digits[: -len(extension)]):
        return digits
    return None


def _classify(groups: list[str], plus: bool, context: int) -> str | None:
    """The masked form of a number made of these digit groups, or None if they are not a number we mask."""
    digits = "".join(groups)
    if is_id_shaped(digits):
        return mask_id_number(digits.upper())
    if not digits.isdigit():
        return None
    mobile = _mobile(digits)
    if mobile:
        return mask_phone(mobile)
    landline = _landline(groups, plus)
    if landline:
        return mask_phone(landline)
    if (
        16 <= len(digits) <= 19
        and digits[0] != "0"
        and (len(groups) == 1 or all(len(g) == 4 for g in groups[:-1]) or (len(groups[0]) == 6 and len(groups) == 2))
    ):
        return mask_card(digits)
    if context and context <= len(digits) <= 12:
        return mask_phone(digits)
    return None


_CREDIT_CODE = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Za-z])")
_CREDIT_WORDS = re.compile(r"(?:代码|信用码|USCC)[\s:为是]{0,3}$", re.IGNORECASE)


def _credit_codes(normal: str) -> list[tuple[int, int]]:
    """Spans of unified social credit codes (GB 32100), which are public: with a valid check character and either a
    letter in them or named as such (an all-digit one could be a bank card)."""
    found = []
    for match in _CREDIT_CODE.finditer(normal):
        code = match.group()
        if not _is_credit_code(code) or is_id_shaped(code):
            continue
        if code.isdigit() and not _CREDIT_WORDS.search(normal[max(0, match.start() - 12) : match.start()]):
            continue
        found.append(match.span())
    return found


def _luhn_valid(digits: str) -> bool:
    total = 0
    for i, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _piece(parts: list[str], separators: list[str], plus: bool, context: int) -> str | None:
    """The masked form of one candidate piece of a run (groups ``parts`` joined by ``separators``), or None."""
    soft = any(char in _SOFT_SEPARATORS for separator in separators for char in separator)
    if soft:
        if max(len(part) for part in parts) < 4:
            return None  # a list (1、2、3; 13、139、140、141) or an amount (20,000; 13,912,345,678), not one number
        context = 0
    masked = _classify(parts, plus, context)
    if masked is None and parts[-1].endswith("X"):
        masked = _classify([*parts[:-1], parts[-1][:-1]], plus, context)
        if masked is not None:
            masked += "X"  # not an ID: the X was a letter after the number
    if masked is not None and soft and "*" in masked and _is_card_mask(parts, masked):
        digits = "".join(parts)
        if not _luhn_valid(digits):
            return None  # room or item numbers listed with 、 ("1001、1002、1003、1004") are no card
    return masked


def _is_card_mask(parts: list[str], masked: str) -> bool:
    digits = "".join(parts)
    return digits.isdigit() and 16 <= len(digits) <= 19 and masked == mask_card(digits)


def _number_spans(normal: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    protected = _credit_codes(normal)
    for run in _RUN.finditer(normal):
        groups = [(m.group(), run.start() + m.start(), run.start() + m.end()) for m in _GROUP.finditer(run.group())]
        if groups and groups[-1][0] in "Xx" and len(groups) > 1:
            # An ID's check character belongs to the last digit group.
            last_digits, start, _end = groups[-2]
            groups[-2:] = [(last_digits + "X", start, groups[-1][2])]
        # A credit code inside a run (joined to a phone number by a comma) is skipped, the rest is still examined.
        blocked = [any(start < g[2] and g[1] < end for start, end in protected) for g in groups]
        # separators[k]: what stands between group k - 1 and group k
        separators = [""] + [normal[groups[k - 1][2] : groups[k][1]] for k in range(1, len(groups))]
        plus = run.group().startswith("+")
        before = normal[max(0, run.start() - 12) : run.start()]
        context = 7 if _PHONE_WORDS.search(before) else 5 if _ACCOUNT_WORDS.search(before) else 0
        i = 0
        previous = -2  # the last group of the previous masked piece
        while i < len(groups):
            if blocked[i]:
                i += 1
                continue
            limit = i
            while limit + 1 < len(groups) and not blocked[limit + 1]:
                limit += 1
            # The phone-word rule reaches the first piece and each piece listed after it ("电话87654321、87654322").
            in_context = i == 0 or (previous == i - 1 and any(c in _SOFT_SEPARATORS for c in separators[i]))
            found = None
            total = sum(len(g[0]) for g in groups[i : limit + 1])
            for j in range(limit, i - 1, -1):
                if total <= _MAX_DIGITS:
                    parts = [g[0] for g in groups[i : j + 1]]
                    masked = _piece(parts, separators[i + 1 : j + 1], plus and i == 0, context if in_context else 0)
                    if masked is not None:
                        found = (j, masked)
                        break
                total -= len(groups[j][0])
            if found is None:
                i += 1
                continue
            j, masked = found
            start, end = groups[i][1], groups[j][2]
            if i == 0:
                start = run.start()  # "+86 " or "(" before the first group
            opened = "(" in normal[start:end] and ")" not in normal[normal.rindex("(", start, end) : end]
            if opened and normal[end : end + 1] == ")":
                end += 1
            spans.append((start, end, masked))
            previous = j
            i = j + 1
    return spans


def mask_numbers(text: str) -> tuple[str, int]:
    """ID, phone and bank card numbers masked in any spelling; returns the text and how many were replaced."""
    text = text or ""
    normal, origin = _normalise(text)
    spans = _number_spans(normal)
    return _apply(text, origin, spans), len(spans)


# Names -------------------------------------------------------------------------------------------------------------

# The hundred-odd most common surnames (together about 90 % of the population), including the double surnames seen
# in Fujian. Only a name starting with one of these is masked by the context rules, so "负责人未履行" stays.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤洪庄施柯纪颜傅翁骆欧连卓涂温甄卞岑隗"
    "尤葛童康殷易常乔赖文钟陆伍聂"
    # Traditional forms (NFKC does not fold them): 張三 is written by people from Taiwan, Hong Kong and Macao.
    "張陳劉黃趙吳週孫馬鄭謝葉蘇魏呂鍾譚陸賈韋龍顧龔嚴錢楊許馮鄧蕭羅湯鄒閻閆賴聶盧蔣韓萬莊顏駱溫紀費項鄔"
)
_DOUBLE_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "司徒",
    "夏侯",
    "歐陽",
    "司馬",
    "諸葛",
    "東方",
    "尉遲",
    "公孫",
)
_ROLES = (
    "主要负责人|实际负责人|负责人|法定代表人|法人代表|法人|实际控制人|总经理|副总经理|经理|厂长|矿长|车间主任|主任|班组长|班长|"
    "组长|队长|老板娘|老板|店主|业主|房东|户主|租户|承租人|出租人|经营者|员工|职工|工人|驾驶员|司机|举报人|投诉人|报案人|当事人|"
    "联系人|证人|目击者|安全员|安全管理人员|电工|焊工|作业人员|操作工|股东|监护人|承包人|包工头|施工员|死者|伤者|伤员|遇难者|"
    "受伤人员|责任人|村民|居民|市民|群众|网友|患者|我叫|名叫|姓名|"
    "當事人|負責人|舉報人|投訴人|駕駛員|聯繫人|責任人|員工|職工"  # traditional forms
)
# After the role word: a colon or comma, a linking word (是/为/即/名为…) and an opening bracket or quote, each optional:
# 当事人：张三, 当事人，张三，, 当事人即张三, 当事人名为张三, 当事人(张三), 当事人“张三”, 当事人【张三】.
_ROLE = re.compile(
    rf"(?:{_ROLES})\s*(?:[:,]\s*)?(?:名为|名叫|叫做|即为|即|是|为|系|叫)?\s*(?:[(\[“‘\"'「『【〔《<]\s*)?"
)
# What joins the names of a list after a role word: 当事人张三、李四和王五.
_NAME_JOINER = re.compile(r"\s*(?:、|和|与|及|,)\s*")
_NAME_AFTER = re.compile(r"(?=先生|女士|同志|师傅|老师|\((?:男|女))")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Characters that end a name when they come after the surname and one given-name character.
_STOP = frozenset("因在于未等已被将对把向从和与及的了是为说称系均曾也都仍再又并即就还便却所要会能可应无没不有到去来们")
# Words that start right after a name (so their first character is not the name's).
_FOLLOWERS = (
    "现场|当场|当即|当天|当日|承认|表示|称其|违规|违反|违章|擅自|私自|无证|未经|未按|未能|指挥|带领|驾驶|操作|负责|签字|签收|"
    "陈述|供述|交代|受伤|死亡|身亡|经营|租用|雇佣|安排|同意|拒绝|拒不|明知|因为|所在|家中|家里|住在|电话|手机|联系|身份"
)
_FOLLOWER = re.compile(rf"(?:{_FOLLOWERS})")
# Words that look like a surname + name but are ordinary words after a role word ("负责人高度重视").
_NOT_NAMES = frozenset(
    re.findall(
        "..",
        "高度于当于现于次于同于该于本于今于昨于上于下于前于后于是于事向其向他向她向公向有向单向应向区向镇"
        "向街向社向村向执向检连续连同连夜万元任务任何金额方面方式白天严重严格温度常年常态马上周边周围周末"
        "江边黄色石块龙门田间林地文件文明易燃康复乔迁童工钱款毛坯程序孔洞孟某尤其陆续伍某聂某余款余下史上"
        "卢某于某曾经曾在曾因付款付清邓某单位安全叶片贾某范围何时何处何种戴好戴上段时段内雷电汤某沈某石棉"
        "石料",
    )
)


def _surname_at(normal: str, position: int) -> int:
    """Length of the surname starting at ``position`` (0 if none)."""
    if normal[position : position + 2] in _DOUBLE_SURNAMES:
        return 2
    return 1 if normal[position : position + 1] in _SURNAMES else 0


_NAME_GAP = re.compile(r"[ \u00a0\u3000·.\u200b]?")  # 张 三, 张·三: one spacing character between name characters


def _gap_end(normal: str, position: int) -> int:
    """End of the optional spacing character at ``position`` (the pattern always matches, if only emptily)."""
    gap = _NAME_GAP.match(normal, position)
    return gap.end() if gap is not None else position


def _name_after(normal: str, position: int) -> int:
    """End of the name that starts at ``position`` after a role word (``position`` if none)."""
    surname = _surname_at(normal, position)
    if not surname or normal[position : position + 2] in _NOT_NAMES:
        return position
    first = _gap_end(normal, position + surname)
    if not _CJK.match(normal, first) or normal[first] == "某" or normal[position] + normal[first] in _NOT_NAMES:
        return position
    second = _gap_end(normal, first + 1)
    if (
        _CJK.match(normal, second)
        and normal[second] not in _STOP
        and normal[second] != "某"
        and not _FOLLOWER.match(normal, second)
    ):
        return second + 1
    return first + 1


def _name_before(normal: str, end: int) -> int:
    """Start of the name that ends at ``end`` before 先生/女士… (``end`` if none: a bare surname is fine)."""
    for length in (3, 4, 2):
        start = end - length
        if start < 0:
            continue
        candidate = normal[start:end]
        if not all(_CJK.match(char) for char in candidate) or "某" in candidate:
            continue
        surname = _surname_at(normal, start)
        if surname and length - surname in (1, 2):
            return start
    return end


def _known_name_pattern(name: str) -> re.Pattern[str] | None:
    name = "".join(normalise(name).split())
    if len(name) < 2:
        return None
    return re.compile(f"[{_SEPARATORS}]{{0,3}}".join(re.escape(char) for char in name))


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sorted spans, dropping any that overlaps one kept before it (earlier and longer first)."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def _name_spans(normal: str, names: Iterable[str], replace: Callable[[str], str]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        pattern = _known_name_pattern(name)
        if pattern is None or re.fullmatch(r".某+", name):
            continue
        spans += [(m.start(), m.end(), replace(name)) for m in pattern.finditer(normal)]
    for role in _ROLE.finditer(normal):
        start = role.end()
        end = _name_after(normal, start)
        while end > start:
            spans.append((start, end, mask_name(normal[start:end])))
            joiner = _NAME_JOINER.match(normal, end)
            if joiner is None:
                break
            start = joiner.end()
            end = _name_after(normal, start)
    for suffix in _NAME_AFTER.finditer(normal):
        start = _name_before(normal, suffix.start())
        if start < suffix.start():
            spans.append((start, suffix.start(), mask_name(normal[start : suffix.start()])))
    return _merge(spans)


def mask_names(text: str, names: Iterable[str] = ()) -> tuple[str, int]:
    """Known names and names found by context replaced by surname + 某; returns the text and the count."""
    text = text or ""
    normal, origin = _normalise(text)
    spans = _name_spans(normal, names, mask_name)
    return _apply(text, origin, spans), len(spans)


# Together ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MaskedText:
    text: str
    replacements: int


def mask_public_text(text: str, names: Iterable[str] = ()) -> MaskedText:
    """Text fit for a public page or a portal page: numbers and names masked."""
    text, numbers = mask_numbers(text or "")
    text, people = mask_names(text, names)
    return MaskedText(text, numbers + people)


def mask_personal(text: str) -> str:
    """What the ``mask_personal`` template filter shows of text typed by people."""
    return mask_public_text(text).text


def _phone_core(phone: str) -> str:
    digits = re.sub(r"\D", "", normalise(phone))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            return digits[len(prefix) :]
    return digits


def _local_number(digits: str) -> str:
    """A fixed line's local number (7–8 digits) without its area code and extension; "" for anything else."""
    if not _LANDLINE.match(digits):
        return ""
    area = 3 if digits[1] in "12" else 4
    return digits[area : area + 8] if _LANDLINE.fullmatch(digits[: area + 8]) else digits[area : area + 7]


def redact_identity(text: str, *, name: str = "", phone: str = "") -> str:
    """Remove a reporter's own name and phone from a text (as written by them or copied by staff), entirely and in
    every spelling: full-width, with any separators between the digits or characters, with +86/0086/86."""
    text = text or ""
    if not text:
        return text
    normal, origin = _normalise(text)
    spans: list[tuple[int, int, str]] = []
    pattern = _known_name_pattern(name or "")
    if pattern is not None:
        spans += [(m.start(), m.end(), REDACTED) for m in pattern.finditer(normal)]
    digits = _phone_core(phone or "")
    if len(digits) >= 7:
        gap = f"{_NUMBER_SEP}{{0,{_SEP_RUN}}}"
        prefix = rf"\(?(?:(?:\+{_SEP}?|00)?86{gap}\(?)?"
        # A fixed line is also written without its 0 after +86.
        body = (rf"0?{gap}" if digits.startswith("0") else digits[0] + gap) + gap.join(digits[1:])
        spans += [(m.start(), m.end(), REDACTED) for m in re.finditer(prefix + body, normal)]
        local = _local_number(digits)
        if local:  # the fixed line written without its area code
            local_pattern = rf"(?<![0-9]){gap.join(local)}(?![0-9])"
            spans += [(m.start(), m.end(), REDACTED) for m in re.finditer(local_pattern, normal)]
    return _apply(text, origin, _merge(spans))


def redact_for_enterprise(text: str, *, name: str = "", phone: str = "") -> str:
    """What an enterprise may read: the reporter's identity removed, other numbers and names masked."""
    return mask_public_text(redact_identity(text, name=name, phone=phone)).text
