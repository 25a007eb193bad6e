"""deploy/restore.sh's target address: from RESTORE_DATABASE_URL (no password on any command line) or from
--database-url, which warns when the address carries a password (readable by every local user in ps)."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

from tests.deploy.support import DEPLOY, ROOT


def restore(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "RESTORE_DATABASE_URL"} | env
    return subprocess.run(
        [str(DEPLOY / "restore.sh"), *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=30
    )


def test_the_target_can_come_from_the_environment(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("x")
    missing = str(tmp_path / "none.tar.age")
    without = restore(["--identity", str(key), "--media-root", str(tmp_path / "m"), missing])
    assert without.returncode != 0 and "RESTORE_DATABASE_URL" in without.stderr  # the usage line names it
    with_env = restore(
        ["--identity", str(key), "--media-root", str(tmp_path / "m"), missing],
        RESTORE_DATABASE_URL="postgresql://portal@127.0.0.1:5432/drill",
    )
    assert with_env.returncode != 0 and "no such backup" in with_env.stderr  # past the usage check


def test_a_password_on_the_command_line_is_warned_about(tmp_path: Path) -> None:
    password = secrets.token_hex(8)
    url = f"postgresql://portal:{password}@127.0.0.1:5432/drill"
    result = restore(["--database-url", url, "--identity", str(tmp_path / "k"), str(tmp_path / "none.tar.age")])
    assert result.returncode != 0
    assert "visible in ps" in result.stderr and password not in result.stderr
    quiet = restore(["--database-url", "postgresql://portal@127.0.0.1/drill", str(tmp_path / "none.tar.age")])
    assert "visible in ps" not in quiet.stderr
