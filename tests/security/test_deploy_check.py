"""T02: Django's deployment check is clean with production settings, and no security check is silenced."""

from __future__ import annotations

from django.conf import settings

from tests.security.prod import PRODUCTION_HOST, production_settings, run_production

# The reviewed list of checks production may silence, each with its reason (none is silenced today).
ALLOWED_SILENCED_CHECKS = {
    "security.W005": "HSTS includeSubDomains would be wrong if other hosts of the domain were plain HTTP",
    "security.W021": "HSTS preload needs the office's agreement to submit the domain to the preload list",
}


def test_manage_py_check_deploy_passes_at_warning_level_with_production_settings() -> None:
    result = run_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, f"check --deploy failed:\n{result.stdout}\n{result.stderr[-3000:]}"
    assert "no issues" in result.stdout + result.stderr


def test_the_deploy_check_really_saw_production_settings() -> None:
    """Guards the test above: the subprocess must not fall back to the test defaults (HTTP, local key)."""
    values = production_settings(
        "DEBUG", "TESTING", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS"
    )
    assert values["__pytest_imported__"] is False
    assert values["DEBUG"] is False
    assert values["TESTING"] is False
    assert values["ALLOWED_HOSTS"] == [PRODUCTION_HOST]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000


def _forbidden_silenced(silenced: list[str]) -> list[str]:
    return [check for check in silenced if check.split(".")[0] in {"axes", "django_ratelimit"}]


def test_no_axes_or_ratelimit_check_is_silenced_in_production_or_tests() -> None:
    production = production_settings("SILENCED_SYSTEM_CHECKS")["SILENCED_SYSTEM_CHECKS"]
    for silenced in (production, settings.SILENCED_SYSTEM_CHECKS):
        assert not _forbidden_silenced(silenced), silenced
        unreviewed = set(silenced) - set(ALLOWED_SILENCED_CHECKS)
        assert not unreviewed, f"silenced checks outside the reviewed list: {sorted(unreviewed)}"
