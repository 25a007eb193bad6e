"""Fixtures of the deployment tests (health, metrics, logs, queues)."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def own_keys(settings) -> str:
    """A cache key prefix of this test's own, so heartbeats and task figures left in the shared Redis database or
    the local cache by earlier runs are not seen (probes and metrics derive their keys from it)."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    return prefix
