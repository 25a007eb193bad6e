"""Masking of personal data in text that leaves the office: exposure cases (published) and rectification orders
(sent to the enterprise).

- ID numbers (18 characters, or 15 digits) → ``safetyportal.validators.mask_id_number`` (first four, last two);
- mobile and fixed-line phone numbers → ``mask_phone``;
- people's names → ``mask_name`` (孙某): every name the office knows to be involved (the principal person, the
  enterprise's legal representative and contacts, its employees on record, the reporter), and any name written
  after a role word (负责人张三、驾驶员李四) or before 先生/女士/（男/（女.

Automatic name detection cannot be complete, which is why publishing shows a preview of the masked text first.
``redact_identity`` removes a reporter's name and phone entirely (not even the surname is left), for what is sent to
an enterprise."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from safetyportal.validators import mask_id_number, mask_name, mask_phone

_ID18 = re.compile(r"(?<!\d)(\d{17}[\dXx])(?![\dXx])")
_ID15 = re.compile(r"(?<!\d)(\d{15})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[-－\s]?([2-9]\d{6,7})(?!\d)")

# The hundred-odd most common surnames (together about 90 % of the population), including the double surnames seen
# in Fujian. Only a name starting with one of these is masked by the context patterns, so "负责人未履行" stays.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤洪庄施柯纪颜傅翁骆欧连卓涂温甄卞岑隗"
)
_DOUBLE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")
_SURNAME = "(?:" + "|".join(_DOUBLE_SURNAMES) + f"|[{_SURNAMES}])"
_ROLES = (
    "主要负责人|实际负责人|负责人|法定代表人|法人代表|实际控制人|总经理|副总经理|经理|厂长|车间主任|老板|店主|业主|房东|户主|"
    "员工|职工|工人|驾驶员|司机|举报人|当事人|安全员|安全管理人员|电工|焊工|作业人员|操作工|股东|监护人|承包人|包工头|死者|伤者|"
    "遇难者|受伤人员|责任人"
)
# A role word, an optional colon, then the name (surname + one or two characters), ending at punctuation or a
# bracket, or followed by a word that cannot belong to a name.
_ROLE_NAME = re.compile(
    rf"(?P<role>{_ROLES})(?P<sep>[：:\s]?)(?P<name>{_SURNAME}[\u4e00-\u9fa5]{{1,2}}?)"
    r"(?=[，,。；;、（(）)\s“”\"]|等|因|在|于|未|擅自|违规|无证|带领|指挥|驾驶|私自|对|将|被|已|$)"
)
_NAME_SUFFIX = re.compile(rf"(?P<name>{_SURNAME}[\u4e00-\u9fa5]{{1,2}}?)(?=先生|女士|同志|[（(][男女])")
# A name already masked ("孙某", "孙某某") is left as it is.
_ALREADY_MASKED = re.compile(r"^.某+$")


@dataclass(frozen=True)
class MaskedText:
    text: str
    replacements: int


def _mask_phone_match(match: re.Match[str]) -> str:
    return mask_phone("".join(group for group in match.groups() if group))


def mask_numbers(text: str) -> tuple[str, int]:
    """ID and phone numbers masked; returns the text and how many were replaced."""
    count = 0

    def counted(replace):  # type: ignore[no-untyped-def]
        def inner(match: re.Match[str]) -> str:
            nonlocal count
            count += 1
            return replace(match)

        return inner

    text = _ID18.sub(counted(lambda m: mask_id_number(m.group(1))), text)
    text = _ID15.sub(counted(lambda m: mask_id_number(m.group(1))), text)
    text = _MOBILE.sub(counted(_mask_phone_match), text)
    text = _LANDLINE.sub(counted(_mask_phone_match), text)
    return text, count


def mask_names(text: str, names: Iterable[str] = ()) -> tuple[str, int]:
    count = 0
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        if _ALREADY_MASKED.match(name):
            continue
        occurrences = text.count(name)
        if occurrences:
            text = text.replace(name, mask_name(name))
            count += occurrences

    def role(match: re.Match[str]) -> str:
        nonlocal count
        name = match.group("name")
        if _ALREADY_MASKED.match(name) or name.endswith("某"):
            return match.group(0)
        count += 1
        return match.group("role") + match.group("sep") + mask_name(name)

    def suffix(match: re.Match[str]) -> str:
        nonlocal count
        name = match.group("name")
        if name.endswith("某"):
            return name
        count += 1
        return mask_name(name)

    text = _ROLE_NAME.sub(role, text)
    text = _NAME_SUFFIX.sub(suffix, text)
    return text, count


def mask_public_text(text: str, names: Iterable[str] = ()) -> MaskedText:
    """Text fit for a public page: numbers and names masked."""
    text = text or ""
    text, numbers = mask_numbers(text)
    text, people = mask_names(text, names)
    return MaskedText(text, numbers + people)


REDACTED = "***"


def redact_identity(text: str, *, name: str = "", phone: str = "") -> str:
    """Remove a reporter's own name and phone from a text (as written by them or copied by staff), entirely."""
    text = text or ""
    if name and len(name.strip()) >= 2:
        text = text.replace(name.strip(), REDACTED)
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) >= 7:
        # The number as typed with separators, or plain.
        pattern = r"[-\s]?".join(re.escape(d) for d in digits)
        text = re.sub(pattern, REDACTED, text)
    return text


def redact_for_enterprise(text: str, *, name: str = "", phone: str = "") -> str:
    """What an enterprise may read: the reporter's identity removed, other ID and phone numbers masked."""
    return mask_numbers(redact_identity(text, name=name, phone=phone))[0]
