"""T05: DEBUG off and a real secret key in production, no secrets in the repository, and error pages that reveal
nothing."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.security.crawl import assert_security_headers
from tests.security.prod import production_settings, run_production
from tests.security.repo import project_files
from tests.security.urlconf_probe import BOOM_MARKER

BASE_DIR = Path(settings.BASE_DIR)

# Password literals that are deliberate and public (private keys, cloud keys and insecure Django keys are never
# allowed). Each entry: (path glob, line regex, reason).
ALLOWED_SECRET_LITERALS = [
    (
        "tests/core/factories.py",
        r"^TEST_PASSWORD\s*=",
        "the fixed password of throw-away test users (TEST_PASSWORD), never a real account",
    ),
    (
        "safetyportal/demo/*",
        r"^\s*DEMO_PASSWORD\s*=",
        "the published password of the generated demo accounts (demo data only, never production)",
    ),
    (
        "tests/*",
        r"""(?i)(?<![\w-])(?:old_|new_)?password[12]?["']?\s*[:=]""",
        "passwords typed into login and password forms by tests (throw-away users in the test database); a"
        " 'secret', 'token' or 'api_key' literal in tests is still reported",
    ),
]

SECRET_PATTERNS = {
    "private key block": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(r"(?i)aws_?secret_?access_?key\W{0,4}[A-Za-z0-9/+=]{40}"),
    "Django insecure key": re.compile("django-" + "insecure-"),
    "password or secret literal": re.compile(
        r"""(?i)\b[\w-]*(?:password|passwd|pwd|secret|api_?key|access_?token|auth_?token)[\w-]*["']?\s*[:=]\s*"""
        r"""[rbu]?["']([^"'\s{}]{8,})["']"""
    ),
}
PASSWORD_LITERAL = "password or secret literal"
SCANNED_MAX_BYTES = 2_000_000


def _allowed(path: str, line: str) -> bool:
    return any(
        fnmatch.fnmatch(path, glob) and re.search(line_regex, line) for glob, line_regex, _ in ALLOWED_SECRET_LITERALS
    )


def scan_for_secrets(paths: list[str]) -> list[str]:
    hits = []
    for path in paths:
        file = BASE_DIR / path
        if not file.is_file() or file.stat().st_size > SCANNED_MAX_BYTES:
            continue
        data = file.read_bytes()
        if b"\0" in data:
            continue  # binary
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            for kind, pattern in SECRET_PATTERNS.items():
                if pattern.search(line) and not (kind == PASSWORD_LITERAL and _allowed(path, line)):
                    hits.append(f"{path}:{number}: {kind}")
    return hits


def test_debug_is_off_and_the_secret_key_is_strong_in_production() -> None:
    values = production_settings("DEBUG", "SECRET_KEY", "TESTING")
    assert values["__pytest_imported__"] is False
    assert values["TESTING"] is False
    assert values["DEBUG"] is False
    assert len(values["SECRET_KEY"]) >= 50
    assert not values["SECRET_KEY"].startswith("django-" + "insecure-")


def test_celery_workers_load_the_same_settings_with_debug_off() -> None:
    script = (
        "from safetyportal.celery import app; from django.conf import settings; import django; django.setup(); "
        "print(settings.DEBUG, app.conf.broker_url is not None)"
    )
    result = run_production(["-c", script])
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["False", "True"]


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_production(["-c", "import django; django.setup()"], SECRET_KEY=None)
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr  # safetyportal.config's ImproperlyConfigured
    assert "SECRET_KEY 无效：未设置" in result.stderr


def test_the_secret_scanner_finds_what_it_is_meant_to_find(tmp_path: Path) -> None:
    """Guards the scan below against a pattern that silently matches nothing."""
    samples = {
        "private key block": "-----BEGIN RSA " + "PRIVATE KEY-----",
        "AWS access key id": "key = AKIA" + "ABCDEFGHIJKLMNOP",
        "AWS secret access key": "aws_secret_access_key = " + "a" * 40,
        "Django insecure key": 'SECRET_KEY = "django-' + 'insecure-abc"',
        "password or secret literal": 'EMAIL_HOST_PASSWORD = "' + "hunter2hunter2" + '"',
    }
    for kind, line in samples.items():
        assert SECRET_PATTERNS[kind].search(line), kind
    literal = SECRET_PATTERNS["password or secret literal"]
    assert not literal.search('SECRET_KEY = os.environ.get("SECRET_KEY", "")')
    assert not literal.search("password = f\":{params['PASSWORD']}\"")
    assert _allowed("tests/core/factories.py", 'TEST_PASSWORD = "' + "x" * 12 + '"')
    assert not _allowed("safetyportal/settings.py", 'TEST_PASSWORD = "' + "x" * 12 + '"')
    assert _allowed("tests/x/test_login.py", 'client.post(url, {"password": "' + "x" * 12 + '"})')
    assert not _allowed("tests/x/test_login.py", 'API_KEY = "' + "x" * 12 + '"')
    assert not _allowed("tests/x/test_login.py", 'EMAIL_HOST_PASSWORD = "' + "x" * 12 + '"')


def test_the_repository_contains_no_private_keys_passwords_or_cloud_keys() -> None:
    files = project_files()
    assert "safetyportal/settings.py" in files  # the listing works
    hits = scan_for_secrets(files)
    assert not hits, f"possible secrets (add a justified entry to ALLOWED_SECRET_LITERALS if deliberate): {hits}"


@pytest.mark.django_db
def test_the_404_page_is_the_chinese_template_without_debug_details() -> None:
    assert settings.DEBUG is False
    response = Client().get("/no-such-page/?q=<script>", secure=True)
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    for leak in ("Traceback", "URLconf", "Page not found", "DEBUG", "Request Method", "<script>"):
        assert leak not in body, leak
    assert_security_headers(response, authenticated=False)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.security.urlconf_probe")
def test_a_500_shows_the_static_error_page_without_traceback_settings_or_sql(caplog) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", secure=True)
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器错误" in body
    for leak in (
        BOOM_MARKER,
        "probe-local-variable",
        "RuntimeError",
        "Traceback",
        "SECRET_KEY",
        settings.SECRET_KEY,
        "DATABASES",
        "SELECT ",
        "safetyportal",
        "site-packages",
    ):
        assert leak not in body, leak
    assert_security_headers(response, authenticated=False)
