"""Run Django with production-like settings in a subprocess.

The settings module switches to test defaults when ``"pytest" in sys.modules`` or TESTING is set, so production
behaviour can only be observed in a fresh interpreter that imports neither: DEBUG, TESTING and the other
deployment variables are removed from the environment, SECRET_KEY is a fresh random 60-character key,
ALLOWED_HOSTS is the production host, and VAR_DIR is a temporary directory (the embedded SQLite file and
broker folders are created there, not in the checkout)."""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

from safetyportal.crypto import new_key

PRODUCTION_HOST = "portal.example.gov.cn"
# Deployment variables that must not leak from the developer's or CI's shell into the "production" process.
_CLEARED = (
    "DEBUG",
    "TESTING",
    "LOCAL_RUN",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS",
    "BEHIND_TLS_PROXY",
    "DATABASE_URL",
    "REDIS_URL",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "VAR_DIR",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "CELERY_FS_BROKER_DIR",
    "CELERY_FS_RESULTS_DIR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser-test harness for Playwright; never in production
    "PYTEST_CURRENT_TEST",
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "PYTHONSTARTUP",
)


def random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def production_env(var_dir: str, **overrides: str | None) -> dict[str, str]:
    """The environment of a production process; an override of None removes the variable."""
    env = {key: value for key, value in os.environ.items() if key not in _CLEARED}
    env.update(
        DJANGO_SETTINGS_MODULE="safetyportal.settings",
        SECRET_KEY=random_secret_key(),
        # ID numbers at rest (safetyportal/crypto.py): production refuses to start without these two keys.
        FIELD_ENCRYPTION_KEY=new_key(),
        FIELD_HMAC_KEY=new_key(),
        ALLOWED_HOSTS=PRODUCTION_HOST,
        SITE_URL=f"https://{PRODUCTION_HOST}",
        VAR_DIR=var_dir,
        PYTHONDONTWRITEBYTECODE="1",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_production(args: list[str], timeout: int = 60, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    """Run ``python <args>`` in the project directory with the production environment."""
    with tempfile.TemporaryDirectory(prefix="portal-prod-") as var_dir:
        return subprocess.run(
            [sys.executable, *args],
            cwd=Path(settings.BASE_DIR),
            env=production_env(var_dir, **overrides),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


_PROBE = """
import json, sys
import django
from django.conf import settings
django.setup()
names = json.loads(sys.argv[1])
values = {name: getattr(settings, name, None) for name in names}
values["__pytest_imported__"] = "pytest" in sys.modules
print(json.dumps(values, default=str))
"""


def production_settings(*names: str, **overrides: str | None) -> dict[str, Any]:
    """The given settings as a production process sees them (JSON-compatible values; others as str).
    ``__pytest_imported__`` reports whether the process imported pytest (it must not)."""
    result = run_production(["-c", _PROBE, json.dumps(names)], **overrides)
    assert result.returncode == 0, f"settings import failed in production env:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])
