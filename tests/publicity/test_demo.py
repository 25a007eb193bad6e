"""The demo loader reproduces the figures of 晋江市应急管理局's report, and a second run changes nothing."""

from __future__ import annotations

import pytest

from publicity import selectors
from publicity.demo import load_demo_publicity
from safetyportal.demo.registry import demo_loaders
from tests.publicity.support import publicity_checksum

pytestmark = pytest.mark.django_db


def test_the_loader_is_registered():
    assert "publicity" in [name for name, _loader in demo_loaders()]


def test_demo_reproduces_the_offices_figures_and_is_idempotent():
    first = load_demo_publicity()
    assert first["微信推送（期）"] == 296
    assert first["微信推文（篇）"] == 1093
    assert first["参观接待（批次）"] == 289

    figures = selectors.publicity_figures(year=2024)
    totals = figures.totals
    assert (totals["pushes"], totals["articles"]) == (296, 1093)
    assert (totals["visit_batches"], totals["visitors"]) == (289, 13_000)
    assert min(figures.series("reads")) > 100_000
    assert totals["screens_on_air"] == 610
    assert "推文296期、1093篇次" in figures.wording
    assert "每月阅读量均超10万" in figures.wording
    assert "110部公交车载电视、500部电梯梯载电视" in figures.wording
    assert "289批次、1.3万人次" in figures.wording

    campaign_row = next(row for row in figures.campaigns if row.name == "2024年安全生产月")
    totals = selectors.campaign_publicity_totals(campaign_id=campaign_row.campaign_id)
    assert totals["screens_on_air"] == 610
    assert totals["videos"] == 2 and totals["plays"] == 86_400 + 124_800

    before = publicity_checksum()
    assert load_demo_publicity() == first
    assert publicity_checksum() == before
