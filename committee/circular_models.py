"""Models of the committee's circular part (issue 15). Imported by committee/models.py so Django finds them."""

from __future__ import annotations

__all__: list[str] = []
