"""Benchmark of the login POST: the old PBKDF2 setting against Argon2 (the production setting), in one run.

``python -m benchmarks.login [--runs 15]`` (``make bench-login``). Against a throwaway VAR_DIR and SQLite file, an
officer account with an authenticator; every login is a real POST of the portal's password step through the whole
middleware stack (django.test.Client in this process), each from a fresh client; the median of ``--runs``.

Lines: the password step with the account's hash and PASSWORD_HASHERS set to
- PBKDF2, Django 5.2's default (1,000,000 iterations), the setting before this change;
- PBKDF2 at 1,200,000 iterations (the review's figure, Django 6.0's default);
- Argon2 (the production setting, Django's default cost: 100 MiB, 2 passes, 8 lanes);
- the upgrade login: a PBKDF2 hash under the production setting (verified, then re-hashed to Argon2 once);
and the code step (a TOTP code), for a whole two-step login. Ratios are to the first line.

Target (a ratio in one run, since other work on the machine moves the seconds): the Argon2 password step takes at
most 0.75× the old setting's. Exit status 0 when met, 1 when missed, 2 when it could not run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_SCRUBBED = ("DATABASE_URL", "REDIS_URL", "TESTING", "MEDIA_ROOT", "STATIC_ROOT", "CELERY_FS_BROKER_DIR")
PASSWORD = secrets.token_urlsafe(18)  # a benchmark account in a throwaway database
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
PBKDF2_1200K = "benchmarks.login.PBKDF2At1200k"
TARGET_RATIO = 0.75


def _hasher_class() -> Any:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    class PBKDF2At1200k(PBKDF2PasswordHasher):
        iterations = 1_200_000

    return PBKDF2At1200k


def __getattr__(name: str) -> Any:  # the 1.2M hasher, importable by its dotted path once Django is set up
    if name == "PBKDF2At1200k":
        return _hasher_class()
    raise AttributeError(name)


def prepare(var_dir: Path) -> None:
    for name in _SCRUBBED:
        os.environ.pop(name, None)
    os.environ.update(VAR_DIR=str(var_dir), DEBUG="1", DJANGO_SETTINGS_MODULE="safetyportal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _officer() -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safetyportal.models import Jurisdiction, JurisdictionLevel, OfficerProfile

    county = Jurisdiction.objects.create(code="350582", name="晋江市", level=JurisdictionLevel.COUNTY, kind="市")
    unit = Jurisdiction.objects.create(
        code="350582001", name="灵源街道", level=JurisdictionLevel.SUBDISTRICT, kind="街道", parent=county
    )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench-officer", password=PASSWORD)
    OfficerProfile.objects.create(user=user, jurisdiction=unit, title="安监站站长")
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return user


def _password_step(user: Any) -> float:
    from django.test import Client

    client = Client(SERVER_NAME="localhost")  # an ALLOWED_HOSTS name of the DEBUG default
    started = time.perf_counter()
    response = client.post("/portal/login/", {"username": user.username, "password": PASSWORD})
    elapsed = time.perf_counter() - started
    if response.status_code != 302 or response["Location"] != "/accounts/verify/":
        raise RuntimeError(f"login POST answered {response.status_code} {response.get('Location')}")
    return elapsed


def measure(user: Any, hashers: list[str], hash_with: str, runs: int) -> list[float]:
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    times = []
    with override_settings(PASSWORD_HASHERS=hashers):
        for _ in range(runs):
            user.password = make_password(PASSWORD, hasher=hash_with)
            user.save(update_fields=["password"])
            times.append(_password_step(user))
    return times


def measure_upgrade(user: Any, runs: int) -> list[float]:
    """A PBKDF2 hash under the production setting: the login verifies it and stores an Argon2 hash."""
    from django.contrib.auth.hashers import identify_hasher, make_password

    times = []
    for _ in range(runs):
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        times.append(_password_step(user))
        user.refresh_from_db()
        assert identify_hasher(user.password).algorithm == "argon2"
    return times


def measure_code_step(user: Any, runs: int) -> list[float]:
    from django.test import Client
    from django_otp.oath import hotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    times = []
    for _ in range(runs):
        client = Client(SERVER_NAME="localhost")  # an ALLOWED_HOSTS name of the DEBUG default
        client.post("/portal/login/", {"username": user.username, "password": PASSWORD})
        TOTPDevice.objects.filter(user=user).update(last_t=-1, drift=0)  # the same code may be used again
        device = TOTPDevice.objects.get(user=user)
        code = f"{hotp(device.bin_key, (int(time.time()) - device.t0) // device.step):06d}"
        started = time.perf_counter()
        response = client.post("/accounts/verify/", {"code": code})
        times.append(time.perf_counter() - started)
        if response.status_code != 302 or response["Location"] != "/portal/":
            raise RuntimeError(f"code step answered {response.status_code} {response.get('Location')}")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.login", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="login POSTs per line (median); default 15")
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="portal-bench-login-"))
    try:
        try:
            prepare(var_dir)
            user = _officer()
        except Exception as error:  # the benchmark could not start
            print(f"benchmarks.login: could not set up Django and the throwaway database: {error}", file=sys.stderr)
            return 2
        from django.conf import settings

        production = list(settings.PASSWORD_HASHERS)
        print(f"login POST benchmark: {args.runs} runs per line, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
        print(f"production PASSWORD_HASHERS[0]: {production[0]}")
        rows = [
            ("password step, PBKDF2 1,000,000 (old setting)", measure(user, [PBKDF2], "pbkdf2_sha256", args.runs)),
            ("password step, PBKDF2 1,200,000", measure(user, [PBKDF2_1200K], "pbkdf2_sha256", args.runs)),
            ("password step, Argon2 (production)", measure(user, production, "argon2", args.runs)),
            ("password step, PBKDF2 hash upgraded", measure_upgrade(user, args.runs)),
            ("code step (TOTP)", measure_code_step(user, args.runs)),
        ]
        base = statistics.median(rows[0][1])
        print(f"\n{'line':<48}{'median':>10}{'min':>9}{'max':>9}{'ratio':>8}")
        for name, times in rows:
            median = statistics.median(times)
            print(f"{name:<48}{median:>9.3f}s{min(times):>8.3f}s{max(times):>8.3f}s{median / base:>7.2f}x")
        argon2 = statistics.median(rows[2][1])
        whole = argon2 + statistics.median(rows[4][1])
        met = argon2 <= TARGET_RATIO * base
        print(f"\nwhole two-step login with Argon2: {whole:.3f} s")
        verdict = "met" if met else "MISSED"
        print(f"target: Argon2 password step <= {TARGET_RATIO}x the old setting's: {argon2 / base:.2f}x, {verdict}")
        return 0 if met else 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
