"""Models of the reward ledger (举报奖励, issue 15). Imported by inspections/models.py so Django finds them."""

from __future__ import annotations

__all__: list[str] = []
