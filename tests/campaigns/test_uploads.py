"""SECURITY.md section E through the return form: what the photo pipeline refuses is refused end to end, with a
clear Chinese message, a 400, and nothing saved (no return, no photo row, no file)."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from campaigns.models import ActivityReturn, ReturnPhoto
from tests.campaigns.factories import ActivityReturnFactory, ReturnPhotoFactory, jpeg_bytes
from tests.core.test_images import assert_clean, jpeg_with_metadata, png_header_only

pytestmark = pytest.mark.django_db


def form_data(task, photos: list[SimpleUploadedFile]) -> dict[str, object]:
    return {
        "period_due": task.due_on.isoformat(),
        "activity_type": "consultation",
        "title": "宣传咨询活动",
        "activity_date": "2024-06-16",
        "place": "文化广场",
        "sessions": "1",
        "participants": "120",
        "description": "现场宣传咨询。",
        **dict.fromkeys(("leaflets", "booklets", "wall_charts", "boards", "banners", "giveaways"), "0"),
        "media_reports": "0",
        "exposures": "0",
        "photos": photos,
    }


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def post_photos(client, task, photos):
    return client.post(reverse("portal:return_create", args=[task.pk]), form_data(task, photos))


def assert_refused(response, message: str, media_root) -> None:
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActivityReturn.objects.exists()
    assert not ReturnPhoto.objects.exists()
    assert stored_files(media_root) == []


def test_decompression_bomb_png_is_refused_quickly_and_nothing_is_saved(officer_client, task, media_root):
    bomb = SimpleUploadedFile("bomb.png", png_header_only(30_000, 30_000), content_type="image/png")
    started = time.monotonic()
    response = post_photos(officer_client, task, [bomb])
    assert time.monotonic() - started < 2
    assert_refused(response, "照片像素过大，已拒绝。", media_root)


def test_renamed_pdf_is_refused(officer_client, task, media_root):
    pdf = SimpleUploadedFile(
        "现场照片.jpg", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", content_type="image/jpeg"
    )
    assert_refused(post_photos(officer_client, task, [pdf]), "只接受JPEG、PNG或WebP格式的照片。", media_root)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_renamed_jpg_are_refused(officer_client, task, media_root, fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buffer, fmt)
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert_refused(post_photos(officer_client, task, [upload]), "只接受JPEG、PNG或WebP格式的照片。", media_root)


def test_thirty_megabyte_photo_is_refused(officer_client, task, media_root):
    big = SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\x00" * (30 * 1024 * 1024), content_type="image/jpeg")
    assert_refused(post_photos(officer_client, task, [big]), "照片不能超过10MB。", media_root)


def test_truncated_jpeg_is_a_400_not_a_500(officer_client, task, media_root, monkeypatch):
    from PIL import ImageFile

    # As in a process that has imported WeasyPrint (which turns Pillow's truncated-image tolerance on globally).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = jpeg_with_metadata(size=(400, 400))
    upload = SimpleUploadedFile("cut.jpg", data[: len(data) // 2], content_type="image/jpeg")
    assert_refused(post_photos(officer_client, task, [upload]), "照片文件已损坏或不完整", media_root)


def test_one_bad_photo_among_good_ones_saves_none_of_them(officer_client, task, media_root):
    good = [SimpleUploadedFile(f"{i}.jpg", jpeg_bytes(), content_type="image/jpeg") for i in range(3)]
    bad = SimpleUploadedFile("4.jpg", b"GIF89a....", content_type="image/jpeg")
    response = post_photos(officer_client, task, [*good, bad])
    assert_refused(response, "第4张：", media_root)


def test_ten_photos_when_nine_are_allowed_is_a_400(officer_client, task, media_root):
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg_bytes(), content_type="image/jpeg") for i in range(10)]
    assert_refused(post_photos(officer_client, task, photos), "最多上传9张照片。", media_root)


def test_photos_added_on_edit_count_with_those_already_there(officer_client, task, unit_a, media_root):
    activity_return = ActivityReturnFactory(task=task, jurisdiction=unit_a)
    ReturnPhotoFactory.create_batch(8, activity_return=activity_return)
    files_before = sorted(stored_files(media_root))
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg_bytes(), content_type="image/jpeg") for i in range(2)]
    response = officer_client.post(reverse("portal:return_edit", args=[activity_return.pk]), form_data(task, photos))
    assert response.status_code == 400
    assert "每份报送最多9张照片（已有8张）。" in response.content.decode()
    assert activity_return.photos.count() == 8
    assert sorted(stored_files(media_root)) == files_before


@pytest.mark.parametrize(
    "name",
    ["../../x.jpg", "x.jpg%00.php", "x.jpg\x00.php", "长" * 300 + ".jpg", "photo\u202egpj.exe", "/etc/passwd"],
)
def test_hostile_file_names_are_stored_under_random_names(officer_client, task, media_root, name):
    upload = SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")
    response = post_photos(officer_client, task, [upload])
    assert response.status_code == 302
    photo = ReturnPhoto.objects.get()
    for stored in (photo.image, photo.thumbnail):
        assert stored.startswith("derived/returns/")
        stem = stored.removeprefix("derived/returns/").removesuffix(".jpg").removesuffix("_t")
        assert len(stem) == 32 and all(c in "0123456789abcdef" for c in stem)
    root = media_root.resolve()
    assert all(path.resolve().is_relative_to(root / "derived" / "returns") for path in stored_files(media_root))


def test_polyglot_keeps_no_appended_payload_and_is_served_as_a_jpeg(officer_client, task, media_root):
    payload = b"PK\x03\x04<html><script>alert(1)</script></html>"
    upload = SimpleUploadedFile("poly.jpg", jpeg_with_metadata() + payload, content_type="image/jpeg")
    assert post_photos(officer_client, task, [upload]).status_code == 302
    photo = ReturnPhoto.objects.get()
    stored = (media_root / photo.image).read_bytes()
    assert b"<script>" not in stored and b"PK\x03\x04" not in stored
    response = officer_client.get(reverse("portal:return_photo", args=[photo.activity_return_id, photo.pk]))
    served = b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert b"<script>" not in served


def test_gps_and_metadata_are_gone_from_what_is_stored_and_served(officer_client, task, media_root):
    upload = SimpleUploadedFile("gps.jpg", jpeg_with_metadata(orientation=6), content_type="image/jpeg")
    assert post_photos(officer_client, task, [upload]).status_code == 302
    photo = ReturnPhoto.objects.get()
    assert (photo.width, photo.height) == (32, 64)  # the EXIF orientation was applied
    for name in (photo.image, photo.thumbnail):
        assert_clean((media_root / name).read_bytes())
    served = officer_client.get(reverse("portal:return_photo", args=[photo.activity_return_id, photo.pk]))
    assert_clean(b"".join(served.streaming_content))


def test_media_files_are_not_served_directly(client, officer_client, task, media_root):
    upload = SimpleUploadedFile("ok.jpg", jpeg_bytes(), content_type="image/jpeg")
    post_photos(officer_client, task, [upload])
    photo = ReturnPhoto.objects.get()
    assert client.get(f"/media/{photo.image}").status_code == 404
    assert officer_client.get(f"/media/{photo.image}").status_code == 404
