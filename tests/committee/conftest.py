from __future__ import annotations

import pytest

from safetyportal.documents import services as document_services


@pytest.fixture
def no_broker(monkeypatch):
    published: list[int] = []
    monkeypatch.setattr(document_services, "enqueue", lambda pk: published.append(pk) or True)
    return published


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
