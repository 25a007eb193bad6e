"""Admin of the reward ledger (举报奖励, issue 15). Imported by inspections/admin.py."""

from __future__ import annotations
