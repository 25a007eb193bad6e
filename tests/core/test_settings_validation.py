"""T69: settings that cannot work stop every process at start-up with a Chinese message naming the variable.

``CELERY_TASK_TIME_LIMIT=12`` once gave a soft limit of −18 s, and every document render then failed at run time.
Real processes are started (``django.setup()``, ``manage.py check``, ``celery report``) for the headline cases and
for good values; the table of every bad value runs ``settings.py`` afresh for each case in one child process (the
same module execution a start-up does, without paying an interpreter start per case).
"""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from safetyportal import config
from tests.security.prod import PRODUCTION_HOST, production_env, random_secret_key

ROOT = Path(settings.BASE_DIR)

# (variable overrides, variable the message must name). The environment is the test one (TESTING=1) unless the case
# is in PRODUCTION_CASES.
BAD_VALUES: list[tuple[dict[str, str], str]] = [
    ({"CELERY_TASK_TIME_LIMIT": "12"}, "CELERY_TASK_TIME_LIMIT"),
    ({"CELERY_TASK_TIME_LIMIT": "abc"}, "CELERY_TASK_TIME_LIMIT"),
    ({"CELERY_TASK_TIME_LIMIT": "300.5"}, "CELERY_TASK_TIME_LIMIT"),
    ({"CELERY_TASK_TIME_LIMIT": "-300"}, "CELERY_TASK_TIME_LIMIT"),
    ({"CELERY_TASK_TIME_LIMIT": "999999999999999999999"}, "CELERY_TASK_TIME_LIMIT"),
    ({"CELERY_TASK_SOFT_TIME_LIMIT": "300"}, "CELERY_TASK_SOFT_TIME_LIMIT"),
    ({"CELERY_TASK_TIME_LIMIT": "100", "CELERY_TASK_SOFT_TIME_LIMIT": "120"}, "CELERY_TASK_SOFT_TIME_LIMIT"),
    ({"CELERY_TASK_SOFT_TIME_LIMIT": "5"}, "CELERY_TASK_SOFT_TIME_LIMIT"),
    (
        {"REDIS_URL": "redis://127.0.0.1:6379/0", "CELERY_TASK_TIME_LIMIT": "7200"},
        "CELERY_VISIBILITY_TIMEOUT",
    ),
    ({"REDIS_URL": "redis://127.0.0.1:6379/0", "CELERY_VISIBILITY_TIMEOUT": "300"}, "CELERY_VISIBILITY_TIMEOUT"),
    ({"CELERY_VISIBILITY_TIMEOUT": "ten"}, "CELERY_VISIBILITY_TIMEOUT"),
    ({"CELERY_WORKER_MAX_MEMORY_KB": "4000"}, "CELERY_WORKER_MAX_MEMORY_KB"),
    ({"CELERY_WORKER_MAX_MEMORY_KB": "400MB"}, "CELERY_WORKER_MAX_MEMORY_KB"),
    ({"DOCUMENT_STALE_QUEUED_SECONDS": "0"}, "DOCUMENT_STALE_QUEUED_SECONDS"),
    ({"SESSION_IDLE_SECONDS": "0"}, "SESSION_IDLE_SECONDS"),
    ({"SESSION_IDLE_SECONDS": "30m"}, "SESSION_IDLE_SECONDS"),
    ({"SESSION_ABSOLUTE_SECONDS": "-1"}, "SESSION_ABSOLUTE_SECONDS"),
    ({"SESSION_IDLE_SECONDS": "7200", "SESSION_ABSOLUTE_SECONDS": "3600"}, "SESSION_ABSOLUTE_SECONDS"),
    ({"AXES_FAILURE_LIMIT": "0"}, "AXES_FAILURE_LIMIT"),
    ({"AXES_FAILURE_LIMIT": "five"}, "AXES_FAILURE_LIMIT"),
    ({"AXES_COOLOFF_MINUTES": "0"}, "AXES_COOLOFF_MINUTES"),
    ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
    ({"TRUSTED_PROXY_COUNT": "yes"}, "TRUSTED_PROXY_COUNT"),
    ({"IMAGE_MAX_UPLOAD_MB": "0"}, "IMAGE_MAX_UPLOAD_MB"),
    ({"IMAGE_MAX_UPLOAD_MB": "10MB"}, "IMAGE_MAX_UPLOAD_MB"),
    ({"IMAGE_MAX_PIXELS": "1000000000"}, "IMAGE_MAX_PIXELS"),
    ({"IMAGE_MAX_PIXELS": "50e6"}, "IMAGE_MAX_PIXELS"),
    ({"SECURE_HSTS_SECONDS": "-1"}, "SECURE_HSTS_SECONDS"),
    ({"EMAIL_PORT": "0"}, "EMAIL_PORT"),
    ({"EMAIL_PORT": "70000"}, "EMAIL_PORT"),
    ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
    ({"EMAIL_BACKEND": "smtp"}, "EMAIL_BACKEND"),
    ({"EMAIL_BACKEND": "no_such_package.mail.Backend"}, "EMAIL_BACKEND"),
    ({"EMAIL_USE_TLS": "maybe"}, "EMAIL_USE_TLS"),
    ({"HTTPS": "2"}, "HTTPS"),
    ({"BEHIND_TLS_PROXY": "enabled"}, "BEHIND_TLS_PROXY"),
    ({"DEBUG": "verbose"}, "DEBUG"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ({"SITE_URL": "aqsc.example.gov.cn"}, "SITE_URL"),
    ({"SITE_URL": "ftp://aqsc.example.gov.cn"}, "SITE_URL"),
    ({"SITE_URL": "https://aqsc.example.gov.cn/portal?x=1"}, "SITE_URL"),
    ({"SITE_URL": "https://aqsc.example.gov.cn:99999"}, "SITE_URL"),
    ({"SITE_URL": "https://"}, "SITE_URL"),
    ({"CSRF_TRUSTED_ORIGINS": "aqsc.example.gov.cn"}, "CSRF_TRUSTED_ORIGINS"),
    ({"DATABASE_URL": "mysql://db/portal"}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgresql://db:port/portal"}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgresql://db:5432/"}, "DATABASE_URL"),
    ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL"),
    ({"REDIS_URL": "redis://127.0.0.1:6379/x"}, "REDIS_URL"),
    ({"REDIS_URL": "redis://127.0.0.1:six/0"}, "REDIS_URL"),
    ({"OTP_PENDING_SECONDS": "0"}, "OTP_PENDING_SECONDS"),
    ({"MEDIA_ROOT": "/tmp/portal-same", "STATIC_ROOT": "/tmp/portal-same"}, "MEDIA_ROOT"),
    ({"MEDIA_ROOT": "/tmp/portal-static/media", "STATIC_ROOT": "/tmp/portal-static"}, "MEDIA_ROOT"),
    ({"MEDIA_ROOT": "/tmp/portal-media", "STATIC_ROOT": "/tmp/portal-media/static"}, "MEDIA_ROOT"),
    ({"MEDIA_ROOT": "/tmp/portal-a/../portal-b/up", "STATIC_ROOT": "/tmp/portal-b"}, "MEDIA_ROOT"),
    ({"BEHIND_TLS_PROXY": "1"}, "TRUSTED_PROXY_COUNT"),
    ({"BEHIND_TLS_PROXY": "on", "TRUSTED_PROXY_COUNT": "0"}, "TRUSTED_PROXY_COUNT"),
]
PRODUCTION_CASES: list[tuple[dict[str, str | None], str]] = [
    ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
    ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
    ({"SECRET_KEY": "k" * 20}, "SECRET_KEY"),
    ({"SECRET_KEY": "a" * 60}, "SECRET_KEY"),
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"CELERY_TASK_TIME_LIMIT": "12"}, "CELERY_TASK_TIME_LIMIT"),
    ({"SITE_URL": None}, "SITE_URL"),
    ({"SITE_URL": " "}, "SITE_URL"),
]
# Values an operator may legitimately choose, all at once: the portal must start with them.
GOOD_VALUES = {
    "CELERY_TASK_TIME_LIMIT": "600",
    "CELERY_TASK_SOFT_TIME_LIMIT": "540",
    "CELERY_VISIBILITY_TIMEOUT": "7200",
    "CELERY_WORKER_MAX_MEMORY_KB": "800_000",
    "DOCUMENT_STALE_QUEUED_SECONDS": "300",
    "SESSION_IDLE_SECONDS": " 900 ",
    "SESSION_ABSOLUTE_SECONDS": "28800",
    "AXES_FAILURE_LIMIT": "10",
    "AXES_COOLOFF_MINUTES": "15",
    "TRUSTED_PROXY_COUNT": "1",
    "IMAGE_MAX_UPLOAD_MB": "20",
    "IMAGE_MAX_PIXELS": "40000000",
    "SECURE_HSTS_SECONDS": "63072000",
    "EMAIL_PORT": "465",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_USE_TLS": "true",
    "BEHIND_TLS_PROXY": "on",
    "LOG_LEVEL": "warning",
    "SITE_URL": "https://aqsc.example.gov.cn/",
    "CSRF_TRUSTED_ORIGINS": "https://aqsc.example.gov.cn,https://www.aqsc.example.gov.cn",
    "OTP_PENDING_SECONDS": "300",
}

# Runs settings.py once per case with that case's environment; prints one JSON result per case.
_DRIVER = textwrap.dedent(
    """
    import json, os, runpy, sys
    base = dict(os.environ)
    results = []
    for overrides in json.loads(sys.stdin.read()):
        os.environ.clear()
        os.environ.update(base)
        for key, value in overrides.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        try:
            runpy.run_path(sys.argv[1], run_name="settings_under_test")
            results.append(None)
        except Exception as error:
            results.append([type(error).__name__, str(error)])
    print(json.dumps(results, ensure_ascii=False))
    """
)


VALIDATED = {name for overrides, _ in BAD_VALUES + PRODUCTION_CASES for name in overrides} | set(GOOD_VALUES)


def prod_env(var_dir: Path, **overrides: str | None) -> dict[str, str]:
    """A production environment (tests/security/prod.py) without any validated variable from the caller's shell,
    with encryption keys for ID numbers, then ``overrides``."""
    env = {key: value for key, value in production_env(str(var_dir)).items() if key not in VALIDATED}
    env.setdefault("FIELD_ENCRYPTION_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    env.setdefault("FIELD_HMAC_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    env["SECRET_KEY"] = random_secret_key()
    env["ALLOWED_HOSTS"] = PRODUCTION_HOST
    env["SITE_URL"] = f"https://{PRODUCTION_HOST}"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def dev_env(var_dir: Path, **overrides: str | None) -> dict[str, str]:
    """The test environment (TESTING=1: local keys, plain HTTP), otherwise as ``prod_env``."""
    return prod_env(var_dir, TESTING="1", **overrides)


def run_settings(env: dict[str, str], cases: list[dict[str, str | None]]) -> list[list[str] | None]:
    result = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(ROOT / "safetyportal" / "settings.py")],
        input=json.dumps(cases),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def start(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def assert_refused(outcome: list[str] | None, variable: str, case: object) -> None:
    assert outcome is not None, f"{case} started"
    kind, message = outcome
    assert kind == "ConfigurationError", (case, outcome)
    assert message.startswith(variable) or f"{variable}=" in message or variable in message.split("无效")[0], (
        case,
        message,
    )
    assert "无效" in message and "docs/configuration.md" in message, message


def test_every_bad_value_stops_start_up_with_a_message_naming_the_variable(tmp_path):
    outcomes = run_settings(dev_env(tmp_path), [overrides for overrides, _ in BAD_VALUES])
    for (overrides, variable), outcome in zip(BAD_VALUES, outcomes, strict=True):
        assert_refused(outcome, variable, overrides)


def test_production_only_rules_stop_start_up(tmp_path):
    outcomes = run_settings(prod_env(tmp_path), [overrides for overrides, _ in PRODUCTION_CASES])
    for (overrides, variable), outcome in zip(PRODUCTION_CASES, outcomes, strict=True):
        assert_refused(outcome, variable, overrides)


def test_secret_values_are_never_repeated_in_a_message(tmp_path):
    short_key = "short-but-private-" + "q" * 10
    database = "postgresql://portal:Sup3r-Secret-Pw@db:5432/"
    outcomes = run_settings(prod_env(tmp_path), [{"SECRET_KEY": short_key}, {"DATABASE_URL": database}])
    assert all(outcome is not None for outcome in outcomes)
    assert short_key not in outcomes[0][1]
    assert "Sup3r-Secret-Pw" not in outcomes[1][1] and "DATABASE_URL" in outcomes[1][1]


def test_good_values_and_the_defaults_start(tmp_path):
    assert run_settings(dev_env(tmp_path), [{}, GOOD_VALUES]) == [None, None]


def test_time_limit_of_12_seconds_stops_django_setup_and_manage_py_check(tmp_path):
    """The review's case, as real processes: nothing starts, and the message says what is wrong."""
    env = dev_env(tmp_path, CELERY_TASK_TIME_LIMIT="12")
    for args in (["-c", "import django; django.setup()"], ["manage.py", "check"]):
        result = start(args, env)
        assert result.returncode != 0
        last_line = result.stderr.strip().splitlines()[-1]
        assert "CELERY_TASK_TIME_LIMIT=12 无效" in last_line, last_line
        assert "60 到 86400" in last_line


def test_a_soft_limit_not_below_the_time_limit_stops_the_celery_worker_configuration(tmp_path):
    env = dev_env(tmp_path, CELERY_TASK_TIME_LIMIT="120", CELERY_TASK_SOFT_TIME_LIMIT="120")
    result = start(["-m", "celery", "-A", "safetyportal", "report"], env)
    assert (
        "CELERY_TASK_SOFT_TIME_LIMIT=120 无效：必须小于 CELERY_TASK_TIME_LIMIT（120）" in result.stdout + result.stderr
    )


def test_abc_is_refused_with_the_expected_type(tmp_path):
    result = start(["manage.py", "check"], dev_env(tmp_path, SESSION_IDLE_SECONDS="abc"))
    assert result.returncode != 0
    assert "SESSION_IDLE_SECONDS=abc 无效：应为整数（单位：秒）" in result.stderr


def test_good_values_pass_manage_py_check_in_production(tmp_path):
    result = start(["manage.py", "check"], prod_env(tmp_path, **GOOD_VALUES))
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("off", False), ("", False)],
)
def test_env_bool_reads_the_documented_spellings(value, expected):
    assert config.env_bool("X", False, environ={"X": value}) is expected


def test_env_int_keeps_the_default_when_unset_and_checks_the_range():
    assert config.env_int("X", 7, min=1, max=9, environ={}) == 7
    assert config.env_int("X", 7, min=1, max=9, environ={"X": " 9 "}) == 9
    with pytest.raises(config.ConfigurationError, match=r"^X=10 无效：应为 1 到 9 之间的整数"):
        config.env_int("X", 7, min=1, max=9, environ={"X": "10"})


def test_control_characters_in_a_value_are_shown_escaped():
    with pytest.raises(config.ConfigurationError) as error:
        config.env_int("X", 7, min=1, max=9, environ={"X": "1\x1b[2J"})
    assert "\x1b" not in str(error.value) and "\\x1b" in str(error.value)
