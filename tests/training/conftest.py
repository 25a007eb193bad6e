from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Rate-limit counters live in the cache, which outlives a test's database: start each test from zero."""
    cache.clear()
    yield
    cache.clear()
