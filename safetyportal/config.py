"""Reading the environment for ``settings.py``: every value is checked when the process starts (SECURITY.md T69).

A setting that cannot work must stop gunicorn, the Celery worker and ``manage.py`` at once with a message the IT
contractor can act on, never surface later as failing tasks (``CELERY_TASK_TIME_LIMIT=12`` once gave a soft limit of
−18 s and every document render failed). Each helper parses one variable, checks its type and range and raises
``ImproperlyConfigured`` with a Chinese message that names the variable, the value given and what is expected;
``check_relations()`` then checks the rules between settings at the end of ``settings.py``. Ranges are listed in
docs/configuration.md.

Values of secret variables (keys, passwords, credentials inside URLs) are never repeated in a message.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.core.exceptions import ImproperlyConfigured

DOCS = "docs/configuration.md"
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_DOTTED_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


class ConfigurationError(ImproperlyConfigured):
    """A variable that cannot work, with the message shown to whoever starts the process."""


def _shown(value: str, secret: bool) -> str:
    if secret:
        return "（已隐藏）"
    value = value if len(value) <= 80 else value[:77] + "…"
    return value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value


def fail(name: str, value: str | None, reason: str, *, secret: bool = False) -> ConfigurationError:
    """The error for ``name``: "NAME=value 无效：reason". Raise what it returns."""
    given = f"{name}={_shown(value, secret)}" if value is not None else name
    return ConfigurationError(f"{given} 无效：{reason}。请修改环境变量后重新启动（见 {DOCS}）。")


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    """The variable's text, or None when it is unset or empty (both mean "use the default")."""
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise fail(name, value, "应为 1 或 0（也可写 true/false、yes/no、on/off）")


def env_int(
    name: str,
    default: int,
    *,
    min: int,
    max: int,
    unit: str = "",
    why: str = "",
    environ: Mapping[str, str] | None = None,
) -> int:
    """An integer between ``min`` and ``max`` inclusive (``unit`` and ``why`` complete the message)."""
    value = _raw(name, environ)
    if value is None:
        return default
    unit_text = f"（单位：{unit}）" if unit else ""
    try:
        number = int(value)
    except ValueError:
        raise fail(name, value, f"应为整数{unit_text}，例如 {default}") from None
    if not min <= number <= max:
        reason = f"应为 {min} 到 {max} 之间的整数{unit_text}"
        raise fail(name, value, f"{reason}；{why}" if why else reason)
    return number


def env_list(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    return [item.strip() for item in (default if value is None else value).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: Iterable[str], *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    if value is None:
        return default
    options = tuple(choices)
    if value.upper() not in options:
        raise fail(name, value, f"应为以下之一：{'、'.join(options)}")
    return value.upper()


def env_dotted_path(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """A ``package.module.Class`` path whose module exists (the class itself is imported when first used)."""
    value = env_str(name, default, environ=environ)
    if not _DOTTED_PATH.match(value):
        raise fail(name, value, "应为 Python 类的完整路径，例如 django.core.mail.backends.smtp.EmailBackend")
    module = value.rsplit(".", 1)[0]
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise fail(name, value, f"找不到模块 {module}")
    return value


def _split_url(name: str, value: str, schemes: Iterable[str], example: str, secret: bool) -> SplitResult:
    allowed = tuple(schemes)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError:
        raise fail(
            name, value, f"不是有效的地址（端口应为 1 到 65535 之间的整数），例如 {example}", secret=secret
        ) from None
    if parts.scheme.lower() not in allowed:
        raise fail(
            name, value, f"地址应以 {' 或 '.join(s + '://' for s in allowed)} 开头，例如 {example}", secret=secret
        )
    if parts.port == 0:
        raise fail(name, value, "端口应为 1 到 65535 之间的整数", secret=secret)
    return parts


def _hide_password(value: str) -> str:
    """The URL with any password replaced, so that a message can show the rest."""
    parts = urlsplit(value)
    if parts.password is None:
        return value
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def env_site_url(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """The public address: ``http(s)://host[:port]``, without path, query or credentials; no trailing slash."""
    value = env_str(name, default, environ=environ).rstrip("/")
    example = "https://aqsc.example.gov.cn"
    parts = _split_url(name, value, ("http", "https"), example, secret=False)
    if not parts.hostname:
        raise fail(name, value, f"缺少主机名，例如 {example}")
    if parts.username or parts.password or parts.path or parts.query or parts.fragment:
        raise fail(name, value, f"只能包含协议、主机名和端口（不含路径、参数或账号），例如 {example}")
    return value


def env_endpoint_url(name: str, default: str, *, path: bool = True, environ: Mapping[str, str] | None = None) -> str:
    """A service address: ``http(s)://host[:port][/path]`` (no path with ``path=False``), without query or
    credentials; no trailing slash."""
    value = env_str(name, default, environ=environ).rstrip("/")
    parts = _split_url(name, value, ("http", "https"), default, secret=False)
    if not parts.hostname:
        raise fail(name, value, f"缺少主机名，例如 {default}")
    if parts.username or parts.password or parts.query or parts.fragment or (parts.path and not path):
        shape = "协议、主机名、端口和路径" if path else "协议、主机名和端口"
        raise fail(name, value, f"只能包含{shape}（不含参数或账号），例如 {default}")
    return value


def env_database_url(name: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, "", environ=environ)
    if value:
        example = "postgresql://user@host:5432/portal"
        parts = _split_url(name, _hide_password(value), ("postgres", "postgresql", "pgsql", "sqlite"), example, False)
        if parts.scheme != "sqlite" and not parts.path.strip("/"):
            raise fail(name, _hide_password(value), f"缺少数据库名，例如 {example}")
    return value


def env_redis_url(name: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, "", environ=environ)
    if value:
        shown = _hide_password(value)
        parts = _split_url(name, shown, ("redis", "rediss", "unix"), "redis://127.0.0.1:6379/0", False)
        database = parts.path.strip("/")
        if parts.scheme != "unix" and database and not (database.isdigit() and int(database) <= 15):
            raise fail(name, shown, "地址末尾的数据库编号应为 0 到 15 之间的整数，例如 redis://127.0.0.1:6379/0")
    return value


def env_origins(name: str, *, environ: Mapping[str, str] | None = None) -> list[str]:
    origins = env_list(name, environ=environ)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise fail(name, origin, "每一项都应是带协议的来源，例如 https://aqsc.example.gov.cn（多个用逗号分隔）")
    return origins


@dataclass(frozen=True)
class Relation:
    """One rule between settings, for the table in docs/configuration.md and the start-up check."""

    holds: bool
    name: str
    value: object
    reason: str


def check_relations(relations: Iterable[Relation]) -> None:
    """Raise for the first rule between settings that does not hold."""
    for relation in relations:
        if not relation.holds:
            raise fail(relation.name, str(relation.value), relation.reason)
