"""Electronic seals (电子印章) of issuing authorities.

An administrator uploads a scan or drawing of the seal. It goes through the project's image pipeline
(``safetyportal.images.process_image``: format whitelist, pixel caps, full decode, metadata and appended bytes
dropped), then becomes a red stamp: the ink (anything darker than the paper, whatever its colour) sets the alpha of
one seal red, the paper becomes transparent, the picture is cropped to the ink, centred on a square and stored as a
PNG under ``MEDIA_ROOT/seals/`` with a random name. That folder is not one the PDF renderer may read and media is
never served directly: the seal reaches an issued document only as a data: URI put in by the engine
(``context.seal_data_uri``), and never a preview. Old seal files are kept (documents issued with them may be
re-rendered)."""

from __future__ import annotations

import base64
import io
import uuid
from typing import IO, TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from PIL import Image, ImageChops

from safetyportal.images import process_image
from safetyportal.services import record_history

from .models import IssuingAuthority

if TYPE_CHECKING:
    from safetyportal.types import User

SEAL_EDGE = 600  # pixels of the stored square, whatever the scan's size: 42 mm at about 360 dpi
SEAL_RED = (214, 0, 15)
PAPER_LEVEL = 60  # ink weaker than this (paper grain, scan noise) becomes transparent
FULL_INK_LEVEL = 190  # ink at least this strong is fully opaque red...
MAX_ALPHA = 235  # ...at 92 %: the 署名 and date under it still show, as through real ink
MAX_INK_COVER = 0.75  # a seal is a ring and characters: more ink than this is a photo, not a seal


def _ink_table() -> list[int]:
    span = FULL_INK_LEVEL - PAPER_LEVEL
    return [0 if v <= PAPER_LEVEL else min(MAX_ALPHA, round((v - PAPER_LEVEL) * MAX_ALPHA / span)) for v in range(256)]


def process_seal(upload: IO[bytes] | Any) -> bytes:
    """Validate an uploaded seal image and return it as a red PNG with transparency, or raise ValidationError."""
    processed = process_image(upload)  # the one way an uploaded image enters the portal
    with Image.open(io.BytesIO(processed.data)) as picture:
        picture.load()
        rgb = picture.convert("RGB")
    _red, green, blue = rgb.split()
    # Ink is what is darker than the paper in green and blue: red ink and black ink alike, white paper not.
    alpha = ImageChops.invert(ImageChops.darker(green, blue)).point(_ink_table())
    box = alpha.getbbox()
    if box is None:
        raise ValidationError(_("图片中没有可识别的印章印迹，请上传白色或透明背景的印章图片。"), code="no_ink")
    alpha = alpha.crop(box)
    inked = sum(count for level, count in enumerate(alpha.histogram()) if level > 0)
    if inked > MAX_INK_COVER * alpha.width * alpha.height:
        raise ValidationError(_("这不像印章图片：请上传白色或透明背景上的印章，而不是照片。"), code="not_a_seal")
    side = max(alpha.size)
    square = Image.new("L", (side, side), 0)
    square.paste(alpha, ((side - alpha.width) // 2, (side - alpha.height) // 2))
    if square.size != (SEAL_EDGE, SEAL_EDGE):
        square = square.resize((SEAL_EDGE, SEAL_EDGE), Image.Resampling.LANCZOS)
    seal = Image.new("RGBA", square.size, (*SEAL_RED, 0))
    seal.putalpha(square)
    buffer = io.BytesIO()
    seal.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def set_seal(authority: IssuingAuthority, data: bytes | None, *, by: User | None = None) -> IssuingAuthority:
    """Give an authority a new seal (processed PNG bytes) or none, with a history row naming who did it and the
    files before and after. The previous file stays in storage: papers issued with it are rendered from it
    (their record stored its name at issue, ``context.AUTHORITY_KEY``)."""
    before = authority.seal.name if authority.seal else ""
    if data is None and not before:
        return authority  # nothing to remove
    with transaction.atomic():
        if data is None:
            authority.seal = ""
        else:
            authority.seal.save(f"{uuid.uuid4().hex}.png", ContentFile(data), save=False)
        authority.save(update_fields=["seal"])
        after = authority.seal.name if authority.seal else ""
        if not before:
            note = _("上传电子印章")
        elif after:
            note = _("更换电子印章")
        else:
            note = _("撤下电子印章")
        record_history(authority, action="change", by=by, changes={"seal": [before, after]}, note=note)
    return authority


def seal_preview_html(authority: IssuingAuthority) -> str:
    """The current seal as an inline image for the admin page (the file has no URL)."""
    if not authority.seal:
        return gettext("未上传（正式文件留出手工盖章位置）")
    try:
        with authority.seal.open("rb") as handle:
            encoded = base64.b64encode(handle.read()).decode("ascii")
    except OSError:
        return gettext("印章文件缺失，请重新上传。")
    return format_html(
        '<img src="data:image/png;base64,{}" width="160" height="160" alt="{}">', encoded, gettext("电子印章")
    )


class AuthorityForm(forms.ModelForm):
    """The authority's own fields: what staff who may change an authority edit."""

    class Meta:
        model = IssuingAuthority
        fields = ("name", "header", "code", "contact", "is_active")


class AuthoritySealForm(AuthorityForm):
    """For superusers only: the same fields plus the seal, validated and re-encoded when the form is cleaned."""

    seal_upload = forms.FileField(
        label=gettext_lazy("上传电子印章"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=gettext_lazy("白色或透明背景上的印章扫描图（PNG、JPEG或WebP），将转为红色透明印章，不公开存放。"),
    )
    remove_seal = forms.BooleanField(label=gettext_lazy("撤下电子印章"), required=False)

    def clean_seal_upload(self) -> bytes | None:
        upload = self.cleaned_data.get("seal_upload")
        return process_seal(upload) if upload else None

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if cleaned and cleaned.get("seal_upload") and cleaned.get("remove_seal"):
            raise ValidationError(_("不能同时上传和撤下电子印章。"))
        return cleaned
