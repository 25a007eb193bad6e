"""An issued paper keeps the authority it was issued under: name, header, code and seal file are stored with the
record at issue (``context.AUTHORITY_KEY``), and the worker renders from them, whatever seal or header the authority
has when the paper is rendered (again). Every seal change is a history row."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from safetyportal.documents import services
from safetyportal.documents.context import AUTHORITY_KEY, engine_context
from safetyportal.documents.models import IssuingAuthority
from safetyportal.documents.seals import process_seal, set_seal
from safetyportal.history import RecordHistory
from tests.core.documents_support import make_authority, make_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def scan(square: bool) -> SimpleUploadedFile:
    picture = Image.new("RGB", (400, 400), "white")
    draw = ImageDraw.Draw(picture)
    draw.ellipse((20, 20, 380, 380), outline=(200, 10, 10), width=14)
    if square:
        draw.rectangle((150, 150, 250, 250), fill=(200, 10, 10))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return SimpleUploadedFile("seal.png", buffer.getvalue())


def stored(authority: IssuingAuthority) -> bytes:
    with authority.seal.open("rb") as handle:
        return handle.read()


def test_a_seal_or_header_changed_after_issue_does_not_change_the_paper(admin_user_office, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda pk: True)
    authority = set_seal(make_authority(), process_seal(scan(square=False)), by=admin_user_office)
    old_seal, old_name, old_header = stored(authority), authority.seal.name, authority.header
    old_title = authority.name
    issued = services.issue(make_notice(authority=authority), by=admin_user_office)
    assert issued.snapshot[AUTHORITY_KEY]["seal"] == old_name

    # Between the issue and the worker's rendering (or a later re-rendering): a new seal and a new header.
    authority.refresh_from_db()
    set_seal(authority, process_seal(scan(square=True)), by=admin_user_office)
    IssuingAuthority.objects.filter(pk=authority.pk).update(header="改过的版头", name="改过的机关")
    authority.refresh_from_db()
    assert authority.seal.name != old_name and stored(authority) != old_seal

    issued.document.refresh_from_db()
    context = engine_context(issued.document)
    assert context["seal_uri"] == "data:image/png;base64," + base64.b64encode(old_seal).decode("ascii")
    assert (context["authority"].header, context["authority"].name) == (old_header, old_title)
    assert context["authority"].code == authority.code

    # A preview of a draft of the same authority shows today's authority (and no seal).
    preview = services.preview(make_notice(authority=authority), by=admin_user_office)
    assert engine_context(preview)["authority"].header == "改过的版头" and engine_context(preview)["seal_uri"] == ""


def test_every_seal_change_is_a_history_row(admin_user_office):
    authority = make_authority()
    set_seal(authority, process_seal(scan(square=False)), by=admin_user_office)
    first = authority.seal.name
    set_seal(authority, process_seal(scan(square=True)), by=admin_user_office)
    second = authority.seal.name
    set_seal(authority, None, by=admin_user_office)
    set_seal(authority, None, by=admin_user_office)  # no seal to remove: no row

    rows = list(
        RecordHistory.objects.filter(object_id=authority.pk, content_type__model="issuingauthority").order_by("pk")
    )
    assert [(row.action, row.note, row.changes["seal"]) for row in rows] == [
        ("change", "上传电子印章", ["", first]),
        ("change", "更换电子印章", [first, second]),
        ("change", "撤下电子印章", [second, ""]),
    ]
    assert {row.actor for row in rows} == {admin_user_office}
