"""deploy/systemd/: the units an operator installs, checked without booting them: `systemd-analyze verify` (with the
code paths pointed at this checkout) and the rules of docs/deployment.md (service user, restart, sandbox, one beat,
a worker per queue), plus the pieces they name (gunicorn config, nginx upstream, scripts)."""

from __future__ import annotations

import configparser
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.deploy.support import DEPLOY, NGINX_CONF, ROOT

UNITS = DEPLOY / "systemd"
LONG_RUNNING = ("portal-web.service", "portal-worker@.service", "portal-beat.service")


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


def values(name: str, section: str, key: str) -> list[str]:
    """Every value of a key (systemd allows a key several times; configparser keeps the last, so read by hand)."""
    found, current = [], ""
    for line in (UNITS / name).read_text().splitlines():
        if line.startswith("["):
            current = line.strip("[]")
        elif current == section and line.startswith(f"{key}="):
            found.append(line.split("=", 1)[1])
    return found


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    for path in UNITS.iterdir():
        if path.suffix in (".service", ".socket", ".target", ".timer"):
            (tmp_path / path.name).write_text(path.read_text().replace("/opt/portal", str(ROOT)))
    instances = []
    for queue in settings.PORTAL_QUEUES:
        name = f"portal-worker@{queue}.service"
        shutil.copy(tmp_path / "portal-worker@.service", tmp_path / name)
        instances.append(name)
    names = [p.name for p in tmp_path.iterdir() if "@." not in p.name and p.name not in instances] + instances
    result = subprocess.run(
        ["systemd-analyze", "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # unknown keys and bad values are only warnings


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_are_sandboxed_as_the_service_user(name: str) -> None:
    service = unit(name)["Service"]
    assert service["User"] == service["Group"] == "portal"
    assert service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert values(name, "Service", "ReadWritePaths") == ["/var/lib/portal"]  # VAR_DIR, which holds MEDIA_ROOT
    assert service["PrivateTmp"] == service["ProtectHome"] == "yes"
    assert service["CapabilityBoundingSet"] == ""
    assert "/etc/portal/portal.env" in values(name, "Service", "EnvironmentFile")
    assert service["WorkingDirectory"] == "/opt/portal"
    assert unit(name)["Install"]["WantedBy"] == "portal.target"


def test_web_is_socket_activated_behind_nginx_only() -> None:
    socket_unit = unit("portal-web.socket")["Socket"]
    web = unit("portal-web.service")
    assert web["Unit"]["Requires"] == "portal-web.socket"
    assert web["Service"]["Type"] == "notify"
    assert "gunicorn -c /opt/portal/deploy/gunicorn.conf.py" in web["Service"]["ExecStart"]
    assert socket_unit["SocketUser"] == "www-data" and socket_unit["SocketMode"] == "0600"
    assert f"server unix:{socket_unit['ListenStream']} " in NGINX_CONF.read_text()


def test_gunicorn_config_loads_and_listens_on_loopback_only_when_started_by_hand() -> None:
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "safetyportal.wsgi:application"
    assert all(address.startswith("127.0.0.1:") for address in config["bind"])
    assert isinstance(config["workers"], int) and config["workers"] >= 1
    assert config["timeout"] < 75  # nginx's proxy_read_timeout


def test_one_worker_unit_serves_any_queue_and_exactly_one_beat() -> None:
    worker = unit("portal-worker@.service")["Service"]["ExecStart"]
    assert "--queues=%i" in worker and "--hostname=%i@%H" in worker
    assert "--concurrency=${PORTAL_WORKER_CONCURRENCY}" in worker
    assert int(unit("portal-worker@.service")["Service"]["TimeoutStopSec"]) > settings.CELERY_TASK_TIME_LIMIT
    services = [path.name for path in UNITS.iterdir() if path.suffix == ".service"]
    beats = [name for name in services if " beat " in unit(name)["Service"]["ExecStart"]]
    assert beats == ["portal-beat.service"]
    assert "@" not in beats[0]  # not a template: one scheduler per installation


def test_backup_timer_runs_the_script_as_the_service_user() -> None:
    backup = unit("portal-backup.service")["Service"]
    assert backup["ExecStart"] == "/opt/portal/deploy/backup.sh"
    assert backup["User"] == "portal" and backup["ProtectSystem"] == "strict"
    assert values("portal-backup.service", "Service", "ReadWritePaths") == ["/var/backups/portal"]
    assert unit("portal-backup.timer")["Timer"]["Persistent"] == "true"


def test_directories_and_user_match_the_units_and_the_environment() -> None:
    tmpfiles = (UNITS / "portal.tmpfiles").read_text()
    env = (DEPLOY / "env.example").read_text()
    for variable, path in (("VAR_DIR", "/var/lib/portal"), ("MEDIA_ROOT", "/var/lib/portal/media")):
        assert f"\n{variable}={path}\n" in env
        assert re.search(rf"^d {re.escape(path)}\s+0750 portal portal", tmpfiles, re.MULTILINE)
    assert re.search(r"^d /var/www/portal/static\s+0755 portal portal", tmpfiles, re.MULTILINE)
    assert "\nSTATIC_ROOT=/var/www/portal/static\n" in env
    assert "alias /var/www/portal/static/;" in NGINX_CONF.read_text()
    assert re.search(r"^u portal - ", (UNITS / "portal.sysusers").read_text(), re.MULTILINE)


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh", "manage.sh", "env.sh"])
def test_shell_scripts_parse(script: str) -> None:
    result = subprocess.run(["bash", "-n", str(DEPLOY / script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    if script != "env.sh":
        assert (DEPLOY / script).stat().st_mode & 0o111, f"{script} is not executable"
