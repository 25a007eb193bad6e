"""The shared photo pipeline (SECURITY.md section E): only JPEG/PNG/WebP, re-encoded, metadata gone, bombs refused."""

from __future__ import annotations

import io
import struct
import time
import zlib
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from safetyportal.images import PhotoField, process_image

GPS_IFD = 0x8825


def jpeg_with_metadata(orientation: int = 1, size=(64, 32)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))  # left half blue, to check orientation
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "CanaryCam"  # Make
    exif[GPS_IFD] = {1: "N", 2: (24.0, 48.0, 0.0), 3: "E", 4: (118.0, 35.0, 0.0)}
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/>canary-xmp</x:xmpmeta>'
    image.save(buffer, "JPEG", exif=exif, comment=b"canary-comment", xmp=xmp)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def assert_clean(data: bytes) -> None:
    for marker in (
        b"Exif",
        b"CanaryCam",
        b"canary-comment",
        b"canary-xmp",
        b"http://ns.adobe.com/xap",
        b"tEXt",
        b"iTXt",
    ):
        assert marker not in data, marker
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "comment" not in image.info


def test_jpeg_metadata_and_gps_are_removed():
    processed = process_image(upload(jpeg_with_metadata()))
    assert_clean(processed.data)
    assert_clean(processed.thumbnail)


def test_orientation_is_applied_before_the_tag_is_dropped():
    processed = process_image(upload(jpeg_with_metadata(orientation=6, size=(64, 32))))
    assert (processed.width, processed.height) == (32, 64)  # rotated 90°


def test_png_text_chunks_and_alpha_are_handled():
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "canary-comment")
    info.add_itxt("XML:com.adobe.xmp", "canary-xmp")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    assert_clean(process_image(upload(buffer.getvalue(), "x.png")).data)


def test_webp_with_exif_is_cleaned():
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), "green").save(buffer, "WEBP", exif=exif)
    assert_clean(process_image(upload(buffer.getvalue(), "x.webp")).data)


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (decoding it would need gigabytes)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused_quickly():
    bomb = png_header_only(30_000, 30_000)
    assert len(bomb) < 100_000
    started = time.monotonic()
    with pytest.raises(ValidationError) as caught:
        process_image(upload(bomb, "bomb.png"))
    assert caught.value.code == "too_many_pixels"
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "TGA", "PDF"])
def test_other_formats_renamed_jpg_are_refused(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buffer, fmt)
    with pytest.raises(ValidationError) as caught:
        process_image(upload(buffer.getvalue(), "photo.jpg"))
    assert caught.value.code == "format"


def test_svg_and_text_are_refused():
    for data in (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', b"%PDF-1.7\n..."):
        with pytest.raises(ValidationError):
            process_image(upload(data, "photo.jpg"))


def test_oversized_upload_is_refused_without_reading_it_all():
    with pytest.raises(ValidationError) as caught:
        process_image(upload(b"\xff\xd8" + b"\x00" * (30 * 1024 * 1024), "big.jpg"))
    assert caught.value.code == "too_large"


def test_truncated_jpeg_is_refused():
    data = jpeg_with_metadata(size=(400, 400))
    with pytest.raises(ValidationError) as caught:
        process_image(upload(data[: len(data) // 2]))
    assert caught.value.code == "corrupt"


def test_polyglot_payload_does_not_survive():
    payload = b"PK\x03\x04<html><script>alert(1)</script></html>"
    processed = process_image(upload(jpeg_with_metadata() + payload))
    assert b"<script>" not in processed.data and b"PK\x03\x04" not in processed.data


def test_photo_field_limits_the_count_and_names_the_bad_file():
    field = PhotoField(max_files=2, required=False)
    good = jpeg_with_metadata()
    with pytest.raises(ValidationError):
        field.clean([upload(good), upload(good), upload(good)])
    with pytest.raises(ValidationError) as caught:
        field.clean([upload(good), upload(b"GIF89a....", "b.jpg")])
    assert "第2张" in caught.value.messages[0]
    assert len(field.clean([upload(good)])) == 1


def test_truncated_jpeg_is_refused_even_after_weasyprint_was_imported():
    import weasyprint  # noqa: F401 - it flips Pillow's LOAD_TRUNCATED_IMAGES on import
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    data = jpeg_with_metadata(size=(400, 400))
    with pytest.raises(ValidationError):
        process_image(upload(data[: len(data) // 2]))


# Memory (SECURITY.md T67): scaled JPEG decoding, per-format caps, one full-size image, a cap per form -----------------


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    from safetyportal import images

    data = encoded(Image.new("RGB", (6000, 4000), (90, 140, 60)), "JPEG", quality=60)
    seen = []
    real = images._downscale
    with mock.patch.object(
        images, "_downscale", side_effect=lambda image, size: seen.append(image.size) or real(image, size)
    ):
        processed = process_image(upload(data))
    assert seen == [(3000, 2000)]  # libjpeg decoded at 1/2: a quarter of the pixels
    assert (processed.width, processed.height) == (2560, 1707)


@pytest.mark.parametrize(
    ("size", "fmt", "options"),
    [((5000, 5000), "PNG", {}), ((3800, 3800), "JPEG", {"progressive": True}), ((2500, 2500), "WEBP", {})],
)
def test_formats_decoded_at_full_size_have_a_lower_cap(size, fmt, options):
    data = encoded(Image.new("RGB", size, "white"), fmt, **options)
    with pytest.raises(ValidationError) as caught:
        process_image(upload(data))
    assert caught.value.code == "too_many_pixels" and "JPEG" in caught.value.messages[0]


def test_the_issues_7000_pixel_png_is_refused_from_its_header():
    started = time.monotonic()
    with pytest.raises(ValidationError) as caught:
        process_image(upload(png_header_only(7000, 7000), "big.png"))
    assert caught.value.code == "too_many_pixels"
    assert time.monotonic() - started < 0.5


def test_strips_join_without_a_seam_and_alpha_is_flattened_on_white():
    from safetyportal.images import _downscale

    gradient = Image.linear_gradient("L").resize((1200, 3000)).convert("RGB")
    strips = _downscale(gradient, (400, 1000))
    whole = gradient.resize((400, 1000), Image.Resampling.LANCZOS)
    assert max(abs(a - b) for a, b in zip(strips.tobytes(), whole.tobytes(), strict=True)) <= 1
    transparent = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    assert _downscale(transparent, (300, 300)).getextrema() == ((255, 255),) * 3


def test_sixteen_bit_grey_keeps_its_tone():
    data = encoded(Image.new("I;16", (64, 64), 32768), "PNG")
    processed = process_image(upload(data, "grey.png"))
    with Image.open(io.BytesIO(processed.data)) as image:
        assert 120 <= image.convert("L").getpixel((10, 10)) <= 136  # mid-grey, not clipped to white


def test_a_form_over_the_pixel_cap_names_the_photo_and_decodes_none():
    from safetyportal import images

    data = encoded(Image.new("RGB", (1000, 1000), "red"), "JPEG")
    field = PhotoField(max_files=5, required=False)
    with (
        mock.patch.object(images, "MAX_PIXELS_PER_REQUEST", 4_000_000),
        mock.patch.object(images, "process_image", wraps=images.process_image) as decode,
    ):
        assert len(field.clean([upload(data) for _ in range(4)])) == 4
        decode.reset_mock()
        with pytest.raises(ValidationError) as caught:
            field.clean([upload(data) for _ in range(5)])
    assert caught.value.code == "too_many_pixels_in_total" and "第5张" in caught.value.messages[0]
    assert not decode.called


# Multi-picture JPEG (what phones write): Pillow opens it as "MPO"; it is a JPEG for decoding, caps and storage ------


def mpo(size: tuple[int, int], **options) -> bytes:
    """A two-picture MPO: the main picture at ``size`` with EXIF/GPS and a comment, plus a small second picture."""
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"
    exif[GPS_IFD] = {1: "N", 2: (24.0, 48.0, 0.0), 3: "E", 4: (118.0, 35.0, 0.0)}
    second = Image.new("RGB", (size[0] // 10, size[1] // 10), "blue")
    data = encoded(
        Image.new("RGB", size, (90, 140, 60)),
        "MPO",
        save_all=True,
        append_images=[second],
        exif=exif,
        comment=b"canary-comment",
        **options,
    )
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "MPO" and image.n_frames == 2
    return data


def test_an_mpo_is_decoded_at_a_reduced_scale_and_stored_as_a_plain_jpeg():
    from safetyportal import images

    data = mpo((6000, 4000), quality=60)
    assert images.decoded_pixels(upload(data)) == 3000 * 2000  # the form's pixel budget counts the reduced scale
    seen = []
    real = images._downscale
    with mock.patch.object(
        images, "_downscale", side_effect=lambda image, size: seen.append(image.size) or real(image, size)
    ):
        processed = process_image(upload(data))
    assert seen == [(3000, 2000)]  # the first picture only, decoded by libjpeg at 1/2
    assert (processed.width, processed.height) == (2560, 1707)
    for stored in (processed.data, processed.thumbnail):
        assert_clean(stored)
        assert b"MPF" not in stored
        with Image.open(io.BytesIO(stored)) as image:
            assert not hasattr(image, "n_frames") and image.getpixel((5, 5))[2] < 100  # green, not the blue picture


def test_a_progressive_mpo_has_the_progressive_jpeg_cap():
    with pytest.raises(ValidationError) as caught:
        process_image(upload(mpo((3800, 3800), progressive=True)))
    assert caught.value.code == "too_many_pixels" and "JPEG" in caught.value.messages[0]


def test_nine_ordinary_phone_photos_fit_one_forms_budget_and_five_maximal_pngs_do_not():
    """The per-form budget is a time bound, not a usability limit: an officer's nine 12-megapixel phone photos
    (baseline or progressive, as WeChat re-encodes them) pass the header check; five maximal PNGs do not."""
    phone = Image.new("RGB", (4032, 3024), "white")
    baseline, progressive = io.BytesIO(), io.BytesIO()
    phone.save(baseline, "JPEG", quality=60)
    phone.save(progressive, "JPEG", quality=60, progressive=True)
    for data in (baseline.getvalue(), progressive.getvalue()):
        PhotoField._check_total_pixels([upload(data) for _ in range(9)])
    png = io.BytesIO()
    Image.new("RGB", (4898, 4898), "white").save(png, "PNG")
    with pytest.raises(ValidationError) as caught:
        PhotoField._check_total_pixels([upload(png.getvalue()) for _ in range(5)])
    assert "第5张" in caught.value.messages[0]
