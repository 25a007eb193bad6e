"""Admin of the committee's circular part (issue 15). Imported by committee/admin.py."""

from __future__ import annotations
