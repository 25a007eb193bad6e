"""deploy/env.example lists every variable the settings read, and only those (plus the sections read by the
gunicorn config, the worker unit and the backup script); docs/configuration.md describes the same names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.deploy.support import DEPLOY, ROOT

ENV_EXAMPLE = DEPLOY / "env.example"
CONFIGURATION_MD = ROOT / "docs" / "configuration.md"
READERS = {"env_bool", "env_int", "env_str", "env_list", "env_choice", "env_dotted_path", "env_site_url"}
READERS |= {"env_database_url", "env_redis_url", "env_origins", "get", "getenv"}
READERS |= {"env_endpoint_url"}


def variables_read_by(path: Path) -> set[str]:
    """Names passed as the first argument to os.environ.get/os.getenv/os.environ[...] or to safetyportal.config's
    env_* readers, anywhere in the module."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in READERS and isinstance(node.args[0].value, str):
                if name == "get" and not _is_environ(function):
                    continue
                names.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.slice, ast.Constant):
            names.add(str(node.slice.value))
    return names


def _is_environ(node: ast.AST) -> bool:
    target = node.value if isinstance(node, ast.Attribute) and node.attr == "get" else node
    return isinstance(target, ast.Attribute) and target.attr == "environ"


def env_example_sections() -> dict[str, set[str]]:
    """Names per section ("# --- section: NAME"), set ("NAME=…") or shown commented out ("#NAME=…")."""
    sections: dict[str, set[str]] = {}
    current = ""
    for line in ENV_EXAMPLE.read_text().splitlines():
        if found := re.match(r"# --- section: (\w+)", line):
            current = found.group(1)
            sections[current] = set()
        elif found := re.match(r"#?([A-Z][A-Z0-9_]*)=", line):
            assert current, f"{line!r} is outside a section"
            sections[current].add(found.group(1))
    return sections


def documented_names() -> set[str]:
    """Backticked names in the first column of docs/configuration.md's tables."""
    names: set[str] = set()
    for line in CONFIGURATION_MD.read_text().splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    return names


def test_the_settings_section_is_exactly_what_the_settings_read() -> None:
    read = variables_read_by(ROOT / "safetyportal" / "settings.py")
    assert "SECRET_KEY" in read and "SESSION_ABSOLUTE_SECONDS" in read  # the scan finds multi-line calls too
    listed = env_example_sections()["settings"]
    assert sorted(read - listed) == [], "read by settings.py but missing from deploy/env.example"
    assert sorted(listed - read) == [], "in deploy/env.example but not read by settings.py"


def test_the_other_sections_are_read_where_they_say() -> None:
    sections = env_example_sections()
    assert set(sections) == {"settings", "gunicorn", "systemd", "backup"}
    assert sections["gunicorn"] <= variables_read_by(DEPLOY / "gunicorn.conf.py")
    assert variables_read_by(DEPLOY / "gunicorn.conf.py") <= set().union(*sections.values())
    units = "\n".join(path.read_text() for path in (DEPLOY / "systemd").iterdir())
    assert all(f"{name}=" in units or f"${{{name}}}" in units for name in sections["systemd"])
    backup = (DEPLOY / "backup.sh").read_text()
    assert sections["backup"] == set(re.findall(r"\b(BACKUP_[A-Z_]+)\b", backup))


def test_docs_configuration_describes_the_same_variables() -> None:
    listed = set().union(*env_example_sections().values())
    documented = documented_names()
    assert sorted(listed - documented) == [], "in deploy/env.example but not in docs/configuration.md"
    assert sorted(documented - listed) == [], "in docs/configuration.md but not in deploy/env.example"


def test_the_example_is_valid_for_systemd_and_holds_no_secret() -> None:
    for number, line in enumerate(ENV_EXAMPLE.read_text().splitlines(), start=1):
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name), f"line {number}: {line!r}"
            assert " " not in value and '"' not in value and "$" not in value, f"line {number}: {line!r}"
            if name in {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "FIELD_HMAC_KEY", "EMAIL_HOST_PASSWORD"}:
                assert value == "", f"line {number}: a secret must be left empty in the example"
