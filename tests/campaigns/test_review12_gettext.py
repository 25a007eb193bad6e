"""Review 12 §10: text the roll-up and the message sender show goes through gettext (Chinese msgids)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.functional import Promise

from campaigns import rollup
from safetyportal.messaging import services as messaging_services
from tests.campaigns.test_cascade import network  # noqa: F401
from tests.core.factories import UserFactory
from tests.core.messaging_factories import MessageDeliveryFactory


def _marked(text: str) -> str:
    return f"«{text}»"


def test_rollup_state_labels_are_translatable():
    assert all(isinstance(label, Promise) for label in rollup.STATE_LABELS.values())
    assert str(rollup.STATE_LABELS["late"]) == "逾期报送"


def test_the_units_own_row_name_goes_through_gettext(network, monkeypatch):  # noqa: F811
    monkeypatch.setattr(rollup, "_", _marked)
    level = rollup.level_board(network["city"], network["lingyuan"])
    assert "«%(unit)s（本级）»" in {row.name.replace(network["lingyuan"].name, "%(unit)s") for row in level.rows}


def test_delivery_reasons_go_through_gettext(db, monkeypatch):
    monkeypatch.setattr(messaging_services, "_", _marked)
    old = MessageDeliveryFactory(user=UserFactory(), day=timezone.localdate() - dt.timedelta(days=1))
    messaging_services.sweep_deliveries()
    old.refresh_from_db()
    assert old.last_error == "«过期未发送»"
