"""Papers a person would sign (GB/T 9704-2012): 版记 last with the verification line above it, the signature never
alone on a page, balanced titles, 黑体/楷体 headings, and the electronic seal of the issuing authority."""

from __future__ import annotations

import base64
import datetime as dt
import io
import itertools
import re
import shutil
import subprocess
from typing import Any

import pypdf
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from safetyportal.documents.context import (
    TITLE_MAX_EM,
    balanced_title_lines,
    engine_context,
    signature_centred_on_date,
    text_width_em,
)
from safetyportal.documents.models import GeneratedDocument, IssuingAuthority
from safetyportal.documents.registry import get_builder
from safetyportal.documents.rendering import render_template_to_pdf
from safetyportal.documents.seals import SEAL_EDGE, process_seal, set_seal
from safetyportal.templatetags.official import heading_parts, official_paragraph
from tests.core.documents_support import make_authority, make_notice, pdf_fonts, require_poppler

SIGN_DATE = "2024年5月28日"
FILLER = (
    "各社区、有关单位和各企业主要负责人要组织开展学习，把理论学习成果转化为谋划推动工作的创新思路、务实举措、有效方法。"
)
ATTACHMENTS = "“安全生产月”活动信息报送表\n“安全生产月”活动总结报送表"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Titles --------------------------------------------------------------------------------------------------------

# Real titles: the seeds (../shared/seeds/: 003's own notice, the notices 001 and 003 cite) and the demo notices.
SEED_TITLES = {
    # 003 prints its title broken exactly here.
    "关于开展2024年灵源街道“安全生产月”活动的通知": ["关于开展2024年灵源街道", "“安全生产月”活动的通知"],
    "关于开展2024年全市“安全生产月”活动的通知": ["关于开展2024年全市", "“安全生产月”活动的通知"],
    "关于开展 2022年全国“安全生产月”活动的通知": ["关于开展 2022年全国", "“安全生产月”活动的通知"],
    "关于做好“安全宣传咨询日”活动信息报送工作的通知": ["关于做好“安全宣传咨询日”", "活动信息报送工作的通知"],
    "晋江市安全生产委员会办公室 晋江市应急管理局关于开展2024年泉州市“安全生产月”活动的通知": [
        "晋江市安全生产委员会办公室",
        "晋江市应急管理局关于开展2024年",
        "泉州市“安全生产月”活动的通知",
    ],
    "关于印发x区xxxx年“安全生产月”活动方案的通知": ["关于印发x区xxxx年", "“安全生产月”活动方案的通知"],
    "区2021年“安全生产月”活动总结": ["区2021年“安全生产月”活动总结"],
    "临沂市安全生产委员会 2022 年工作要点": ["临沂市安全生产委员会 2022 年工作要点"],
}


@pytest.mark.parametrize(("title", "lines"), SEED_TITLES.items())
def test_seed_titles_break_at_natural_places(title, lines):
    assert balanced_title_lines(title) == lines


def test_a_long_title_takes_three_balanced_lines_before_暨():
    lines = balanced_title_lines("关于进一步加强人员密集场所“生命通道”排查整治工作暨开展消防安全专项检查的通知")
    assert lines == ["关于进一步加强人员密集场所", "“生命通道”排查整治工作", "暨开展消防安全专项检查的通知"]


def test_balanced_lines_are_of_near_equal_width():
    for title in SEED_TITLES:
        widths = [text_width_em(line) for line in balanced_title_lines(title)]
        assert max(widths) <= TITLE_MAX_EM
        assert max(widths) - min(widths) <= 6, (title, widths)


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
TITLE_PIECES = st.lists(
    st.one_of(
        st.text(CJK, min_size=1, max_size=6),
        st.sampled_from(["关于", "开展", "2024年", "“安全生产月”", "《工作要点》", "、", "，", " ", "的通知", "暨"]),
    ),
    min_size=1,
    max_size=16,
)


@settings(max_examples=300, deadline=None)
@given(TITLE_PIECES)
def test_title_lines_keep_every_character_and_never_leave_one_alone(pieces):
    title = " ".join("".join(pieces).split())
    lines = balanced_title_lines(title)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    if len(lines) > 1:
        assert all(text_width_em(line) >= 2 for line in lines), lines  # no orphan character
        assert all(text_width_em(line) <= TITLE_MAX_EM for line in lines), lines
        assert not any(re.search(r"\d$", a) and re.match(r"[\d年月日号]", b) for a, b in itertools.pairwise(lines))


def test_headings_split_from_the_text_run_in_after_them():
    assert heading_parts("（一）领导重视。区委书记在常委会上强调。") == ("（一）领导重视。", "区委书记在常委会上强调。")
    assert heading_parts("一、深入宣传贯彻习近平总书记关于安全生产重要论述") == (
        "一、深入宣传贯彻习近平总书记关于安全生产重要论述",
        "",
    )

    class Paragraph:
        level, text = 2, "（一）聚焦<生命通道>。组织整治。"

    html = str(official_paragraph(Paragraph()))
    assert html == '<span class="head">（一）聚焦&lt;生命通道&gt;。</span><span class="run-in">组织整治。</span>'


def test_a_long_name_is_right_aligned_instead_of_centred_past_the_margin():
    assert signature_centred_on_date("晋江市安全生产委员会办公室", SIGN_DATE)
    assert not signature_centred_on_date("晋江市安全生产委员会办公室 晋江市应急管理局 晋江市消防救援大队", SIGN_DATE)


# --- Rendered notices ----------------------------------------------------------------------------------------------


def notice_document(*, preview: bool = False, authority: IssuingAuthority | None = None, **fields: Any):
    notice = make_notice(**({"authority": authority} if authority else {}), **fields)
    return GeneratedDocument.objects.create(
        kind="notice",
        title=notice.title,
        source_type=ContentType.objects.get_for_model(notice),
        source_id=notice.pk,
        is_preview=preview,
        authority=notice.authority,
        number="" if preview else "晋安办〔2024〕63号",
        issued_on=dt.date(2024, 5, 28),
        verify_token=None if preview else f"tok{notice.pk:013d}",
    )


def render(document: GeneratedDocument) -> bytes:
    spec = get_builder(document.kind)(document)
    rendered = render_template_to_pdf(spec.template_name, {**engine_context(document), **spec.context})
    assert not rendered.refused_urls
    return rendered.data


def page_texts(data: bytes) -> list[str]:
    """Each page's text without white space or its page number (— 1 —)."""
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return [re.sub(r"—\d+—$", "", re.sub(r"\s+", "", page.extract_text())) for page in pages]


def image_pages(data: bytes) -> list[int]:
    """The page number of every image drawn in the PDF (pdfimages; soft masks not counted)."""
    require_poppler()
    listing = subprocess.run(["pdfimages", "-list", "-"], input=data, capture_output=True, check=True).stdout
    rows = [line.split() for line in listing.decode().splitlines()[2:] if line.strip()]
    return [int(row[0]) for row in rows if row[2] != "smask"]


def sign_page(pages: list[str]) -> int:
    found = [i for i, text in enumerate(pages) if re.search(SIGN_DATE + "(?!印发)", text)]
    assert len(found) == 1, pages
    return found[0]


def long_body(chars: int) -> str:
    return "一、深入宣传贯彻习近平总书记关于安全生产重要论述\n" + (FILLER * 60)[:chars] + "末段结束。"


def test_版记_is_last_and_the_verification_line_stands_just_above_it(db):
    pages = page_texts(render(notice_document()))
    last = pages[-1]
    assert last.endswith(f"晋江市安全生产委员会办公室{SIGN_DATE}印发"), last[-80:]
    assert last.index("核验本文件真伪") < last.index("抄送：市委办、市政府办。") < last.index(SIGN_DATE + "印发")
    assert sign_page(pages) == len(pages) - 1  # the 版记 shares the signature's page, at its foot


@pytest.mark.parametrize(
    ("attachments", "step"), [("", 3), (ATTACHMENTS, 2)], ids=["no-attachments", "two-attachments"]
)
def test_the_signature_and_the_qr_code_never_stand_alone(db, attachments, step):
    """Bodies growing a few lines (27 characters each) at a time across a whole page: wherever the page ends, the
    page holding the 署名 and 成文日期 holds the last lines of the body, and the QR code and 版记 are on that same
    page."""
    body_on_sign_page = []
    for chars in range(380, 380 + 27 * 24, 27 * step):
        pages = page_texts(render(notice_document(body=long_body(chars), attachments_text=attachments)))
        index = sign_page(pages)
        assert "末段结束" in pages[index], (chars, pages[index][:60])
        assert all("核验本文件真伪" not in text for text in pages[:index] + pages[index + 1 :])
        assert "核验本文件真伪" in pages[index] and pages[index].endswith("印发"), chars
        before_sign = pages[index].split("附件：")[0].split("晋江市安全生产委员会办公室")[0]
        body_on_sign_page.append(len(before_sign))
    assert min(body_on_sign_page) < 80, body_on_sign_page  # some page break did fall right before the signature


def test_headings_use_黑体_and_楷体_and_every_font_is_embedded(db, tmp_path):
    path = tmp_path / "notice.pdf"
    path.write_bytes(render(notice_document()))
    fonts = pdf_fonts(path)
    assert "Noto-Sans-CJK-SC" in fonts  # 一、 headings
    assert "Noto-Serif-CJK-SC" in fonts and "Noto-Serif-CJK-SC-Bold" in fonts  # body; masthead and title
    if (
        shutil.which("fc-list")
        and "AR PL UKai CN" in subprocess.run(["fc-list"], capture_output=True, text=True).stdout
    ):
        assert "AR-PL-UKai-CN" in fonts  # （一） headings
    font_lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert all(" yes yes yes " in line for line in font_lines), fonts


def test_the_title_is_broken_into_the_balanced_lines(db):
    first = page_texts(render(notice_document()))[0]
    assert "关于开展2024年全市“安全生产月”活动的通知" in first
    html = render_template_html(notice_document())
    assert '<h1 class="title">关于开展2024年全市<br>“安全生产月”活动的通知</h1>' in html


def render_template_html(document: GeneratedDocument) -> str:
    from django.template.loader import render_to_string

    spec = get_builder(document.kind)(document)
    return render_to_string(spec.template_name, {**engine_context(document), **spec.context})


# --- Electronic seal -----------------------------------------------------------------------------------------------


def seal_scan(fmt: str = "PNG") -> bytes:
    """A red ring with a star on off-white paper, as a scanner gives it."""
    image = Image.new("RGB", (500, 500), (247, 245, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 480, 480), outline=(200, 25, 30), width=18)
    draw.polygon([(250, 150), (280, 230), (360, 230), (295, 280), (320, 360), (250, 310), (180, 360), (205, 280),
                  (140, 230), (220, 230)], fill=(200, 25, 30))  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def test_a_seal_becomes_a_red_square_png_with_transparent_paper():
    data = process_seal(SimpleUploadedFile("seal.png", seal_scan()))
    with Image.open(io.BytesIO(data)) as seal:
        assert seal.format == "PNG" and seal.mode == "RGBA" and seal.size == (SEAL_EDGE, SEAL_EDGE)
        assert seal.getpixel((3, 3))[3] == 0  # corner: paper, transparent
        red, green, blue, alpha = seal.getpixel((SEAL_EDGE // 2, SEAL_EDGE // 2 - 40))  # the star
        assert alpha > 200 and red > 150 and green < 30 and blue < 30
        colours = {pixel[:3] for pixel in seal.get_flattened_data() if pixel[3]}
        assert len(colours) == 1  # one seal red, whatever the scan's shades


@pytest.mark.parametrize(
    "upload",
    [b"%PDF-1.4 not an image", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a\x01\x00\x01\x00"],
    ids=["pdf", "svg", "gif"],
)
def test_a_seal_that_is_not_a_png_jpeg_or_webp_image_is_refused(upload):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        process_seal(SimpleUploadedFile("seal.png", upload))


def test_a_photo_or_a_blank_page_is_not_a_seal():
    from django.core.exceptions import ValidationError

    blank, photo = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(blank, "PNG")
    Image.new("RGB", (300, 300), (90, 120, 60)).save(photo, "JPEG")
    for data in (blank.getvalue(), photo.getvalue()):
        with pytest.raises(ValidationError):
            process_seal(SimpleUploadedFile("seal.jpg", data))


def sealed_authority() -> IssuingAuthority:
    authority = make_authority()
    return set_seal(authority, process_seal(SimpleUploadedFile("seal.png", seal_scan())))


def test_the_seal_is_stored_privately(db, settings):
    authority = sealed_authority()
    assert authority.seal.name.startswith("seals/") and authority.seal.name.endswith(".png")
    assert not authority.seal.name.startswith("derived/")  # not a folder the renderer may read by URL
    html = render_template_html(notice_document(authority=authority))
    assert authority.seal.name not in html and settings.MEDIA_URL not in html
    assert 'class="seal" src="data:image/png;base64,' in html


def test_only_issued_documents_carry_the_seal(db):
    authority = sealed_authority()
    issued, preview = notice_document(authority=authority), notice_document(authority=authority, preview=True)
    issued_html, preview_html = render_template_html(issued), render_template_html(preview)
    assert 'class="seal"' in issued_html
    assert 'class="seal"' not in preview_html and "预览稿 不具效力" in preview_html
    data = render(issued)
    assert image_pages(data) == [sign_page(page_texts(data)) + 1]  # one image, the seal, on the signature's page
    assert image_pages(render(preview)) == []


def test_without_a_seal_the_space_for_a_hand_seal_is_left(db):
    html = render_template_html(notice_document())
    assert 'class="seal"' not in html and '<div class="sign-block">' in html
    assert f'<p class="sign-date">{SIGN_DATE}</p>' in html
    assert image_pages(render(notice_document())) == []


# --- Seal upload in the admin --------------------------------------------------------------------------------------


def change_url(authority: IssuingAuthority) -> str:
    return f"/admin/safetyportal/issuingauthority/{authority.pk}/change/"


def form_data(authority: IssuingAuthority, **extra: Any) -> dict[str, Any]:
    return {"name": authority.name, "header": authority.header, "code": authority.code, "contact": "",
            "is_active": "on", **extra}  # fmt: skip


def test_a_superuser_uploads_a_seal_and_a_non_image_is_refused(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("seal-admin", "seal@example.org", None)
    authority = make_authority()
    client.force_login(superuser)
    page = client.get(change_url(authority))
    assert "上传电子印章" in page.content.decode()
    refused = client.post(change_url(authority), form_data(authority, seal_upload=SimpleUploadedFile("x.png", b"MZ")))
    assert refused.status_code == 200 and "只接受JPEG、PNG或WebP格式" in refused.content.decode()
    authority.refresh_from_db()
    assert not authority.seal
    done = client.post(
        change_url(authority), form_data(authority, seal_upload=SimpleUploadedFile("s.jpg", seal_scan("JPEG")))
    )
    assert done.status_code == 302
    authority.refresh_from_db()
    assert authority.seal.name.startswith("seals/")
    page = client.get(change_url(authority)).content.decode()
    assert '<img src="data:image/png;base64,' in page and "/media/seals/" not in page
    client.post(change_url(authority), form_data(authority, remove_seal="on"))
    authority.refresh_from_db()
    assert not authority.seal


def test_an_office_administrator_who_is_not_a_superuser_cannot_set_a_seal(client, admin_user_office):
    authority = make_authority()
    client.force_login(admin_user_office)
    page = client.get(change_url(authority))
    assert page.status_code == 200 and "上传电子印章" not in page.content.decode()
    response = client.post(
        change_url(authority), form_data(authority, seal_upload=SimpleUploadedFile("s.png", seal_scan()))
    )
    assert response.status_code == 302
    authority.refresh_from_db()
    assert not authority.seal
    sealed = sealed_authority()
    client.post(change_url(sealed), form_data(sealed, remove_seal="on"))
    sealed.refresh_from_db()
    assert sealed.seal


def test_the_seal_data_uri_is_the_stored_png(db):
    authority = sealed_authority()
    html = render_template_html(notice_document(authority=authority))
    encoded = re.search(r'class="seal" src="data:image/png;base64,([^"]+)"', html).group(1)
    with authority.seal.open("rb") as handle:
        assert base64.b64decode(encoded) == handle.read()
