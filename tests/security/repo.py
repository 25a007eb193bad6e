"""The project's own files (not the virtualenv, node_modules, var/ or caches), for source scans."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# Used only when git is unavailable (e.g. an exported tarball): the directories .gitignore leaves out.
_SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "staticfiles", "media", "__pycache__", ".pytest_cache"}
_SKIPPED_DIRS |= {".ruff_cache"}


def project_files(suffix: str = "") -> list[str]:
    """Paths (relative to BASE_DIR) of tracked files and new files that .gitignore does not exclude."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=BASE_DIR,
            capture_output=True,
            check=True,
            timeout=30,
        )
        names = {name for name in listing.stdout.decode().split("\0") if name}
    except (OSError, subprocess.SubprocessError):
        names = set()
        for root, dirs, files in os.walk(BASE_DIR):
            dirs[:] = [name for name in dirs if name not in _SKIPPED_DIRS]
            names.update(str(Path(root, name).relative_to(BASE_DIR)) for name in files)
    return sorted(name for name in names if name.endswith(suffix) and (BASE_DIR / name).is_file())
