"""The one way an uploaded photo enters the portal.

Pillow opens only JPEG, PNG and WebP (``formats=``; a multi-picture JPEG, which phones write, opens as "MPO", is treated
as a JPEG throughout and only its first picture is kept), refuses anything above the project's pixel cap before decoding
(its decompression-bomb warning is promoted to an error), decodes the whole image (truncated files fail), applies the
EXIF orientation, and re-encodes to a fresh JPEG: EXIF, GPS, XMP, ICC comments and any bytes appended to the original
(polyglots) are gone. Only the re-encoded image and its thumbnail are stored, under random names below
``MEDIA_ROOT/derived/`` — the only media folder the PDF renderer may read. Originals are never kept.

Memory (SECURITY.md T67): a decoded pixel takes 4 bytes whatever the file's size, so
- a JPEG is decoded by libjpeg directly at 1/2, 1/4 or 1/8 scale (``Image.draft``) when the stored size
  (at most ``MAX_EDGE`` on the longest side) allows it;
- PNG, WebP and progressive JPEG cannot be decoded at a smaller scale (or not without every coefficient in memory),
  so they have lower pixel caps (``FULL_DECODE_CAPS``);
- the decoded image is the only full-size one: mode conversion (alpha flattened on white, palette, 16-bit grey)
  and the downscale run strip by strip into the stored size, the orientation is applied to the small result;
- a form's photos together may not decode more than ``IMAGE_MAX_PIXELS_PER_REQUEST`` pixels, checked from the
  headers before any photo is decoded (this bounds a request's time as well).
See ``benchmarks/images.py`` for the figures.
"""

from __future__ import annotations

import io
import math
import uuid
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageFile, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")  # passed to Image.open(formats=...): Pillow has no opener named "MPO"
# Pillow's JPEG opener returns an MpoImageFile (format "MPO") for a multi-picture JPEG; it is a JPEG for every purpose
# here (scaled decoding, caps, progressive detection), and only its first picture is decoded.
JPEG_FORMATS = frozenset({"JPEG", "MPO"})
MAX_UPLOAD_BYTES = getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_PIXELS = getattr(settings, "IMAGE_MAX_PIXELS", 50_000_000)
# Formats decoded at full size get lower pixel caps, from a budget of about 100 MB for the decode: PNG takes 4 bytes a
# pixel, a progressive JPEG about 7 (libjpeg keeps every coefficient, then the pixels), WebP about 16 (libwebp's two
# canvases, the frame copied out, the image). A baseline JPEG is decoded at a smaller scale and only has MAX_PIXELS.
FULL_DECODE_CAPS = {
    "PNG": min(MAX_PIXELS, getattr(settings, "IMAGE_MAX_PNG_PIXELS", 24_000_000)),
    "JPEG-progressive": min(MAX_PIXELS, getattr(settings, "IMAGE_MAX_PROGRESSIVE_JPEG_PIXELS", 14_000_000)),
    "WEBP": min(MAX_PIXELS, getattr(settings, "IMAGE_MAX_WEBP_PIXELS", 6_000_000)),
}
# All the photos of one form together, counted in pixels decoded (a baseline JPEG at its reduced scale) weighted by
# what a pixel costs that decoder (measured in benchmarks/images.py: a progressive JPEG or a PNG pixel about twice a
# baseline JPEG's, a WebP pixel three times). The budget lets nine ordinary phone photos through (4032x3024 baseline
# or progressive JPEG: 12.2 million pixels, weight 1 or 2; nine maximal 50-million-pixel JPEGs decode 12.5 million
# each) while bounding the time of one form; four maximal PNGs pass, not five.
MAX_PIXELS_PER_REQUEST = getattr(settings, "IMAGE_MAX_PIXELS_PER_REQUEST", 230_000_000)
DECODE_WEIGHTS = {"JPEG": 1, "JPEG-progressive": 2, "PNG": 2, "WEBP": 3}
MAX_EDGE = 2560
THUMB_EDGE = 400
JPEG_QUALITY = 85
STRIP_ROWS = 64  # output rows converted and resampled at a time
ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# Pillow's own guard, at our cap: anything larger raises DecompressionBombError instead of only warning.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Truncated files must fail. WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True process-wide when imported, so
# process_image() sets it back before every decode as well.
ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes  # re-encoded JPEG
    thumbnail: bytes  # JPEG, at most THUMB_EDGE pixels on its longest side
    width: int
    height: int


@dataclass(frozen=True)
class StoredImage:
    name: str
    thumbnail_name: str
    width: int
    height: int


def _too_large() -> ValidationError:
    return ValidationError(_("照片不能超过%(mb)sMB。") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, code="too_large")


def _read(upload: IO[bytes] | Any) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _too_large()
    if hasattr(upload, "seek"):
        upload.seek(0)
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise _too_large()
    if not raw:
        raise ValidationError(_("上传的文件是空的。"), code="empty")
    return raw


def _format(image: Image.Image) -> str:
    """The file's format, a multi-picture JPEG ("MPO") counted as "JPEG"."""
    return "JPEG" if image.format in JPEG_FORMATS else (image.format or "")


def _decoder(image: Image.Image) -> str:
    kind = _format(image)
    if kind == "JPEG" and (image.info.get("progressive") or image.info.get("progression")):
        kind = "JPEG-progressive"
    return kind


def pixel_cap(image: Image.Image) -> int:
    """The most pixels this file may have: full-size decoders get a lower cap than libjpeg's scaled decoding."""
    return FULL_DECODE_CAPS.get(_decoder(image), MAX_PIXELS)


def _check_size(image: Image.Image) -> None:
    if _format(image) not in ALLOWED_FORMATS:  # a plugin handing back another format is refused all the same
        raise UnidentifiedImageError
    pixels = image.width * image.height
    if pixels > MAX_PIXELS:
        raise ValidationError(_("照片像素过大，已拒绝。"), code="too_many_pixels")
    cap = pixel_cap(image)
    if pixels > cap:
        raise ValidationError(
            _("这种格式的照片不能超过%(mp)s万像素，请改用普通JPEG格式或缩小后上传。") % {"mp": cap // 10_000},
            code="too_many_pixels",
        )


def _draft_size(image: Image.Image, target: tuple[int, int]) -> tuple[int, int]:
    """The size libjpeg decodes a baseline JPEG at for ``target`` (as ``JpegImageFile.draft`` chooses it)."""
    if _format(image) != "JPEG" or pixel_cap(image) != MAX_PIXELS:
        return image.size
    ratio = min(image.width // target[0], image.height // target[1])
    scale = next(s for s in (8, 4, 2, 1) if ratio >= s)
    return -(-image.width // scale), -(-image.height // scale)


def decoded_pixels(upload: IO[bytes] | Any) -> int:
    """How many pixels process_image() will decode for this upload, weighted by the decoder's cost
    (DECODE_WEIGHTS), from the file's header (nothing decoded); 0 when it will refuse the file anyway
    (process_image() then gives the reason)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(_read(upload)), formats=ALLOWED_FORMATS) as image:
                _check_size(image)
                width, height = _draft_size(image, fit(image.size, MAX_EDGE))
                return width * height * DECODE_WEIGHTS.get(_decoder(image), 3)
    except (ValidationError, UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return 0
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return 0


def process_image(upload: IO[bytes] | Any) -> ProcessedImage:
    """Validate and re-encode one upload, or raise ValidationError with a Chinese message. Reads at most
    MAX_UPLOAD_BYTES + 1 bytes."""
    raw = _read(upload)
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=ALLOWED_FORMATS) as image:
                _check_size(image)
                if getattr(image, "n_frames", 1) > 1:
                    image.seek(0)  # the first frame only (an MPO's main picture); before draft(), which it would undo
                orientation = image.getexif().get(ORIENTATION_TAG, 1)
                target = fit(image.size, MAX_EDGE)
                if _format(image) == "JPEG":
                    image.draft(None, target)  # libjpeg decodes at the smallest 1/2^n scale still >= target
                image.load()
                picture = _downscale(image, target)
        # The full-size decoded image is released here; only the stored size remains.
        if orientation in _TRANSPOSE:
            picture = picture.transpose(_TRANSPOSE[orientation])
        return _encode(picture)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("照片像素过大，已拒绝。"), code="too_many_pixels") from None
    except UnidentifiedImageError:
        raise ValidationError(_("只接受JPEG、PNG或WebP格式的照片。"), code="format") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(_("照片文件已损坏或不完整，请重新拍摄或选择。"), code="corrupt") from None


def fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """``size`` scaled down (never up) so that its longest side is at most ``edge``."""
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _to_rgb(image: Image.Image) -> Image.Image:
    """One strip in RGB: transparency flattened on white, palette expanded, 16-bit grey scaled to 8 bits."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _downscale(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The decoded image converted to RGB and resampled (Lanczos) to ``size``, STRIP_ROWS output rows at a time:
    each strip's source rows, plus the filter's reach on either side, are cropped, converted and resampled, so that
    no second full-size image is ever made and the strips join without a seam."""
    width, height = image.size
    out_width, out_height = size
    scale_x, scale_y = width / out_width, height / out_height
    reach = math.ceil(3 * max(scale_y, 1.0)) + 2  # Lanczos has 3 lobes, stretched by the scale
    picture = Image.new("RGB", size, "white")
    for top in range(0, out_height, STRIP_ROWS):
        bottom = min(out_height, top + STRIP_ROWS)
        y0, y1 = top * scale_y, bottom * scale_y
        crop_top, crop_bottom = max(0, math.floor(y0) - reach), min(height, math.ceil(y1) + reach)
        strip = _to_rgb(image.crop((0, crop_top, width, crop_bottom)))
        if (out_width, out_height) != (width, height):
            box = (0.0, y0 - crop_top, float(width), y1 - crop_top)
            reducing_gap = 3.0 if min(scale_x, scale_y) >= 3 else None
            strip = strip.resize((out_width, bottom - top), Image.Resampling.LANCZOS, box, reducing_gap)
        picture.paste(strip, (0, top))
    return picture


def _encode(picture: Image.Image) -> ProcessedImage:
    picture.info = {}  # Pillow would otherwise write back the original's comment, ICC profile, DPI...
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif=, no icc_profile=: nothing carried
    thumb = picture.resize(fit(picture.size, THUMB_EDGE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    thumb_buffer = io.BytesIO()
    thumb.save(thumb_buffer, "JPEG", quality=80, optimize=True)
    return ProcessedImage(buffer.getvalue(), thumb_buffer.getvalue(), picture.width, picture.height)


def store_image(processed: ProcessedImage, folder: str) -> StoredImage:
    """Save a processed image and its thumbnail under random names in MEDIA_ROOT/derived/<folder>/."""
    stem = uuid.uuid4().hex
    name = default_storage.save(f"derived/{folder}/{stem}.jpg", ContentFile(processed.data))
    thumb = default_storage.save(f"derived/{folder}/{stem}_t.jpg", ContentFile(processed.thumbnail))
    return StoredImage(name, thumb, processed.width, processed.height)


def image_response(name: str, *, download_name: str = "photo.jpg") -> FileResponse:
    """Serve a stored (re-encoded) image through a view that has already checked permission."""
    if not name or not name.startswith("derived/") or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="{download_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """A form field for one or several photos; cleans to a list of ProcessedImage."""

    default_error_messages = {"too_many": gettext_lazy("最多上传%(max)s张照片。")}

    def __init__(self, *, max_files: int = 9, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[ProcessedImage]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"max": self.max_files})
        self._check_total_pixels(files)
        processed, errors = [], []
        for index, upload in enumerate(files, 1):
            try:
                processed.append(process_image(upload))
            except ValidationError as error:
                errors.append(_("第%(n)s张：%(error)s") % {"n": index, "error": " ".join(error.messages)})
        if errors:
            raise ValidationError(errors)
        return processed

    @staticmethod
    def _check_total_pixels(files: list[Any]) -> None:
        """All photos of the form together decode at most MAX_PIXELS_PER_REQUEST pixels, read from their headers
        before any is decoded; the message names the first photo over the cap."""
        total = 0
        for index, upload in enumerate(files, 1):
            total += decoded_pixels(upload)
            if total > MAX_PIXELS_PER_REQUEST:
                message = _("第%(n)s张：本次上传的照片合计过大，请减少照片数量，或缩小照片后分次上传。") % {"n": index}
                raise ValidationError(message, code="too_many_pixels_in_total")
