"""The one way an uploaded photo enters the portal.

Pillow opens only JPEG, PNG and WebP (``formats=``), refuses anything above the project's pixel cap before decoding
(its decompression-bomb warning is promoted to an error), decodes the whole image (truncated files fail), applies
the EXIF orientation, and re-encodes to a fresh JPEG: EXIF, GPS, XMP, ICC comments and any bytes appended to the
original (polyglots) are gone. Only the re-encoded image and its thumbnail are stored, under random names below
``MEDIA_ROOT/derived/`` — the only media folder the PDF renderer may read. Originals are never kept.
"""

from __future__ import annotations

import io
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
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_UPLOAD_BYTES = getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_PIXELS = getattr(settings, "IMAGE_MAX_PIXELS", 50_000_000)
MAX_EDGE = 2560
THUMB_EDGE = 400
JPEG_QUALITY = 85

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


def process_image(upload: IO[bytes] | Any) -> ProcessedImage:
    """Validate and re-encode one upload, or raise ValidationError with a Chinese message. Reads at most
    MAX_UPLOAD_BYTES + 1 bytes."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("照片不能超过%(mb)sMB。") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, code="too_large")
    if hasattr(upload, "seek"):
        upload.seek(0)
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("照片不能超过%(mb)sMB。") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, code="too_large")
    if not raw:
        raise ValidationError(_("上传的文件是空的。"), code="empty")
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=ALLOWED_FORMATS) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(_("照片像素过大，已拒绝。"), code="too_many_pixels")
                if getattr(image, "n_frames", 1) > 1 and image.format != "JPEG":
                    image.seek(0)
                image.load()
                oriented = ImageOps.exif_transpose(image)
                return _encode(oriented)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("照片像素过大，已拒绝。"), code="too_many_pixels") from None
    except UnidentifiedImageError:
        raise ValidationError(_("只接受JPEG、PNG或WebP格式的照片。"), code="format") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(_("照片文件已损坏或不完整，请重新拍摄或选择。"), code="corrupt") from None


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image) -> ProcessedImage:
    picture = _flatten(image)
    picture.info = {}  # Pillow would otherwise write back the original's comment, ICC profile, DPI...
    picture.thumbnail((MAX_EDGE, MAX_EDGE))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif=, no icc_profile=: nothing carried
    thumb = picture.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
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
        processed, errors = [], []
        for index, upload in enumerate(files, 1):
            try:
                processed.append(process_image(upload))
            except ValidationError as error:
                errors.append(_("第%(n)s张：%(error)s") % {"n": index, "error": " ".join(error.messages)})
        if errors:
            raise ValidationError(errors)
        return processed
