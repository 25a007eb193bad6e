"""Password validation beyond Django's own validators: how guessable a password is, scored by zxcvbn.

Django's validators check length, a list of common passwords, all-digits and similarity to the user's fields.
``GuessablePasswordValidator`` adds what people really do to pass them: keyboard walks (``qwertyuiop123``,
``1qaz2wsx3edc``), repeated words (``monkeymonkey``), sequences (``abcdefghijkl``), dates and common words, and
passwords built from their own user name or name (``lingyuan2024!!``). The message says, in Chinese, what zxcvbn
found and what to do instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

if TYPE_CHECKING:
    from .types import User

# zxcvbn refuses longer input (its matching is quadratic); the first 72 characters decide anyway.
ANALYSED_LENGTH = 72
# A user's own name, user name or e-mail counts when it covers at least this many characters of the password.
MIN_PERSONAL_MATCH = 3
# A password mostly made of keyboard walks, repeats and sequences is refused whatever its score: zxcvbn multiplies
# the guesses of each part, so four keyboard columns (2wsx3edc4rfv5tgb) reach a good score.
MAX_PATTERN_SHARE = 0.75


def _personal_inputs(user: User | None) -> list[str]:
    if user is None:
        return []
    values = []
    for attribute in ("username", "first_name", "last_name", "email"):
        value = str(getattr(user, attribute, "") or "").strip()
        if value:
            values.append(value)
            if attribute == "email" and "@" in value:
                values.append(value.split("@", 1)[0])
    return values


def _reasons(sequence: Sequence[Mapping[str, Any]]) -> list[str]:
    """What zxcvbn found, one Chinese phrase per kind of weakness, in the order they occur."""
    reasons: list[str] = []

    def add(text: str) -> None:
        if text not in reasons:
            reasons.append(text)

    for match in sequence:
        pattern = match.get("pattern")
        if pattern == "spatial" or (pattern == "dictionary" and _is_keyboard_walk(match.get("token", ""))):
            add(_("含有键盘上相邻按键的组合（如 qwerty、1qaz2wsx）"))
        elif pattern == "repeat":
            add(_("含有重复的字符或单词（如 aaaa、abcabc）"))
        elif pattern == "sequence":
            add(_("含有连续的字母或数字（如 abcd、1234）"))
        elif pattern == "date":
            add(_("含有日期（如生日、年份）"))
        elif pattern == "dictionary":
            if match.get("dictionary_name") == "user_inputs":
                add(_("含有您的用户名、姓名或邮箱"))
            elif match.get("dictionary_name") == "passwords":
                add(_("是常见密码或其变形"))
            else:
                add(_("由常见单词或人名组成"))
            if match.get("l33t"):
                add(_("把字母换成相似的数字或符号（如 p@ssw0rd）并不能让密码更难猜"))
    return reasons


def _is_pattern(match: Mapping[str, Any]) -> bool:
    pattern = match.get("pattern")
    if pattern in {"spatial", "repeat", "sequence"}:
        return True
    return pattern == "dictionary" and _is_keyboard_walk(match.get("token", ""))


def _is_keyboard_walk(token: str) -> bool:
    """Common-password matches like 1qaz2wsx are keyboard walks too: say so rather than just "common"."""
    from zxcvbn import matching

    spatial = matching.spatial_match(token.lower())
    covered = {index for match in spatial for index in range(match["i"], match["j"] + 1)}
    return len(token) >= 4 and len(covered) >= len(token) - 1


class GuessablePasswordValidator:
    """Refuse a password zxcvbn scores below ``min_score`` (0–4), or one that contains the user's own name."""

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def validate(self, password: str, user: User | None = None) -> None:
        analysed = password[:ANALYSED_LENGTH]
        inputs = _personal_inputs(user)
        result = zxcvbn(analysed, user_inputs=inputs, max_length=ANALYSED_LENGTH)
        lowered = analysed.lower()
        personal = any(
            len(value) >= MIN_PERSONAL_MATCH and (value.lower() in lowered or value.lower()[::-1] in lowered)
            for value in inputs
        ) or any(  # zxcvbn also finds l33t variants (l1ngyuan)
            match.get("dictionary_name") == "user_inputs" and len(match.get("token", "")) >= MIN_PERSONAL_MATCH
            for match in result["sequence"]
        )
        patterned = sum(len(match.get("token", "")) for match in result["sequence"] if _is_pattern(match))
        mostly_patterns = patterned >= MAX_PATTERN_SHARE * len(analysed)
        if result["score"] >= self.min_score and not personal and not mostly_patterns:
            return
        reasons = _reasons(result["sequence"])
        personal_reason = _("含有您的用户名、姓名或邮箱")
        if personal and personal_reason not in reasons:
            reasons.insert(0, personal_reason)
        reasons = reasons or [_("太短或太简单")]
        message = _("这个密码太容易被猜到：%(reasons)s。%(advice)s")
        raise ValidationError(
            message % {"reasons": "；".join(reasons), "advice": self.advice()}, code="password_too_guessable"
        )

    @staticmethod
    def advice() -> str:
        return _("请换一个更长、没有规律的密码，例如用几个互不相关的词语拼音加数字和符号组成，不要包含用户名或姓名。")

    def get_help_text(self) -> str:
        return _("密码不能是键盘上相邻的按键、重复或连续的字符、常见密码或日期，也不能含有您的用户名或姓名。")
