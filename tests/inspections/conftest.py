"""Fixtures of the inspections tests: a private cache per test (rate limits and the exposure page cache must not
leak between tests), roles with the restricted permissions, no broker, and photos carrying EXIF and GPS."""

from __future__ import annotations

import contextlib
import io
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from PIL import Image

from inspections import public_cache
from safetyportal.documents import services as document_services
from safetyportal.roles import STAFF_GROUP
from tests.core.factories import StaffUserFactory

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def private_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"inspections-{uuid.uuid4().hex}",
        }
    }
    cache.clear()
    public_cache.clear_local()
    yield
    with contextlib.suppress(Exception):  # a test may have pointed the cache at a dead server
        cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def no_broker(monkeypatch):
    published: list[int] = []
    monkeypatch.setattr(document_services, "enqueue", lambda pk: published.append(pk) or True)
    return published


def grant(user, *codenames: str):  # type: ignore[no-untyped-def]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="inspections", codename__in=codenames))
    # Drop the permission caches so the new grants count at once.
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)
    return user


@pytest.fixture
def staff(db):
    return StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)])


@pytest.fixture
def custodian(db):
    """Office staff who were granted, by name, the right to read reporters' identities."""
    return grant(StaffUserFactory(groups=[Group.objects.get(name=STAFF_GROUP)]), "view_reporter_identity")


def jpeg_with_exif(color: str = "red", size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG carrying camera make, a comment and a GPS position, as a phone would send it."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "CanaryPhone"  # Make
    exif[0x0110] = "Model-GPS-Leak"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (24.0, 48.0, 30.0), 3: "E", 4: (118.0, 34.0, 12.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"secret comment")
    return buffer.getvalue()


@pytest.fixture
def exif_jpeg() -> bytes:
    data = jpeg_with_exif()
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif().get_ifd(GPS_IFD), "the fixture must carry GPS data"
    return data
