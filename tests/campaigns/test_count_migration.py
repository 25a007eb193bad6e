"""Migration 0007 keeps the meaning of existing returns: sessions/participants stay the totals, and a drill's or a
training's totals become its drill or training counts (the only unambiguous case); other returns get none. The
migration reverses (the totals were never changed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("campaigns", "0006_cascade")]
AFTER = [("campaigns", "0007_return_attachments")]


@pytest.mark.django_db(transaction=True)
def test_existing_returns_keep_their_meaning():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        unit = old.get_model("safetyportal", "Jurisdiction").objects.create(
            code="350582001", name="青阳街道", path="350582/350582001/", level="subdistrict"
        )
        campaign = old.get_model("campaigns", "Campaign").objects.create(
            kind="safety_month",
            year=2024,
            name="安全生产月",
            starts_on=dt.date(2024, 6, 1),
            ends_on=dt.date(2024, 6, 30),
        )
        task = old.get_model("campaigns", "CampaignTask").objects.create(
            campaign=campaign, title="报送", due_on=dt.date(2024, 6, 30)
        )
        ActivityReturn = old.get_model("campaigns", "ActivityReturn")
        common = {"task": task, "jurisdiction": unit, "period_due": dt.date(2024, 6, 30), "title": "活动",
                  "activity_date": dt.date(2024, 6, 16), "place": "广场", "description": "做法"}  # fmt: skip
        for activity_type, sessions, participants in (("drill", 3, 300), ("training", 2, 80), ("consultation", 9, 900)):
            ActivityReturn.objects.create(
                activity_type=activity_type, sessions=sessions, participants=participants, **common
            )

        MigrationExecutor(connection).migrate(AFTER)
        new = MigrationExecutor(connection).loader.project_state(AFTER).apps
        rows = {
            row["activity_type"]: row
            for row in new.get_model("campaigns", "ActivityReturn").objects.values(
                "activity_type",
                "sessions",
                "participants",
                "drill_sessions",
                "drill_participants",
                "training_sessions",
                "training_participants",
                "consultation_desks",
                "spending",
            )
        }
        drill = rows["drill"]
        assert (drill["sessions"], drill["drill_sessions"], drill["drill_participants"]) == (3, 3, 300)
        assert (rows["drill"]["training_sessions"], rows["training"]["drill_sessions"]) == (0, 0)
        assert (rows["training"]["training_sessions"], rows["training"]["training_participants"]) == (2, 80)
        consultation = rows["consultation"]
        assert (consultation["sessions"], consultation["participants"]) == (9, 900)
        assert consultation["drill_sessions"] == consultation["training_sessions"] == 0
        assert consultation["consultation_desks"] == 0 and consultation["spending"] == 0

        MigrationExecutor(connection).migrate(BEFORE)
        totals = old.get_model("campaigns", "ActivityReturn").objects.values_list("activity_type", "sessions")
        assert dict(totals) == {"drill": 3, "training": 2, "consultation": 9}
    finally:
        MigrationExecutor(connection).migrate(leaves)
