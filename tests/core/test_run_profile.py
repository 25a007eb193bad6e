"""`make run` runs as production does (issue 13): the local run profile LOCAL_RUN=1 has DEBUG off, generates its
keys once in var/, answers localhost only, shows the Chinese 404 page and serves static files through WhiteNoise.

Observed in a fresh interpreter (tests/security/prod.py): under pytest the settings switch to test defaults."""

from __future__ import annotations

import json

from tests.security.prod import run_production

_PROBE = """
import json
import django
from django.conf import settings
django.setup()
from django.test import Client
client = Client()
missing = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9", HTTP_HOST="127.0.0.1")
static = client.get("/static/css/site.css", HTTP_HOST="localhost")
admin_static = client.get("/static/admin/css/base.css", HTTP_HOST="localhost")
key_files = sorted(path.name for path in settings.VAR_DIR.glob("dev-*"))
first_key = settings.SECRET_KEY
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "TESTING": settings.TESTING,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "key_files": key_files,
    "key_matches_file": (settings.VAR_DIR / "dev-secret-key").read_text().strip() == first_key,
    "missing_status": missing.status_code,
    "missing_body": missing.content.decode(),
    "static_status": static.status_code,
    "static_served_by": type(static).__name__,
    "static_body": b"".join(static.streaming_content).decode()[:200] if static.status_code == 200 else "",
    "admin_static_status": admin_static.status_code,
}))
"""


def test_the_local_run_profile_is_production_with_generated_keys_and_chinese_404() -> None:
    result = run_production(
        ["-c", _PROBE],
        LOCAL_RUN="1",
        SECRET_KEY=None,
        FIELD_ENCRYPTION_KEY=None,
        FIELD_HMAC_KEY=None,
        ALLOWED_HOSTS=None,
        SITE_URL=None,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["TESTING"] is False
    assert values["SECURE_SSL_REDIRECT"] is False  # plain HTTP on localhost
    assert set(values["ALLOWED_HOSTS"]) >= {"localhost", "127.0.0.1"}
    assert values["key_files"] == ["dev-field-encryption-key", "dev-field-hmac-key", "dev-secret-key"]
    assert values["key_matches_file"]
    assert values["missing_status"] == 404
    body = values["missing_body"]
    assert "页面不存在" in body
    for leak in ("Page not found", "URLconf", "Using the URLconf", "DEBUG = True", "Request Method"):
        assert leak not in body
    # WhiteNoise answers static files itself (Django serves none with DEBUG off).
    assert values["static_status"] == 200
    assert values["static_served_by"] == "WhiteNoiseFileResponse"
    assert values["static_body"]
    assert values["admin_static_status"] == 200


def test_production_without_the_profile_still_refuses_to_start_without_a_secret_key() -> None:
    result = run_production(["-c", "import django; django.setup()"], SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_makefile_runs_the_demo_with_the_local_profile_not_debug() -> None:
    from django.conf import settings

    makefile = (settings.BASE_DIR / "Makefile").read_text()
    run_recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "LOCAL_RUN=1 $(PY) manage.py runportal" in run_recipe
    assert "DEBUG=1" not in run_recipe
