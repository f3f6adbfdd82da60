"""Type from the content, and the copy without metadata, for each kind of file accepted."""
from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from reporting.evidence import files
from reporting.exceptions import EvidenceRefusedError
from tests.evidence.conftest import photo_with_canary


def encoded(image: Image.Image, fmt: str, **options) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def test_a_photo_loses_its_exif_gps_and_comment_but_keeps_its_pixels():
    canary = "FILESCANARY42"
    photo = photo_with_canary(canary, (40, 30))
    result = files.inspect(photo, "IMG_0001.JPG")
    assert result.type.content_type == "image/jpeg" and not result.cleaned_is_original
    assert canary.encode() not in result.cleaned
    with Image.open(io.BytesIO(result.cleaned)) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
        assert len(image.getexif()) == 0 and "comment" not in image.info
        red, green, blue = image.convert("RGB").getpixel((20, 15))
        assert red > 150 and green < 80 and blue < 80


def test_a_png_keeps_transparency_and_loses_its_text_chunks_and_icc_profile():
    image = Image.new("RGBA", (10, 10), (0, 0, 255, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "PNGCANARY home address")
    data = encoded(image, "PNG", pnginfo=info, icc_profile=b"\x00" * 128)
    assert b"PNGCANARY" in data
    result = files.inspect(data, "screenshot.png")
    assert b"PNGCANARY" not in result.cleaned
    with Image.open(io.BytesIO(result.cleaned)) as cleaned:
        assert cleaned.format == "PNG" and cleaned.mode == "RGBA"
        assert "icc_profile" not in cleaned.info and "Comment" not in cleaned.info


def test_gif_and_webp_are_accepted_and_copied_without_their_metadata():
    gif = encoded(Image.new("P", (6, 6), 3), "GIF", comment=b"GIFCANARY")
    result = files.inspect(gif, "moving.gif")
    assert result.type.content_type == "image/gif" and result.cleaned_type.content_type == "image/png"
    assert b"GIFCANARY" not in result.cleaned
    webp = encoded(Image.new("RGB", (6, 6), (1, 2, 3)), "WEBP", exif=Image.Exif())
    result = files.inspect(webp, "chat.webp")
    assert result.type.content_type == "image/webp" and result.cleaned_type.content_type == "image/jpeg"


def test_a_rotated_photo_is_copied_the_right_way_up():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    data = encoded(Image.new("RGB", (40, 20), (10, 10, 10)), "JPEG", exif=exif)
    with Image.open(io.BytesIO(files.inspect(data, "p.jpg").cleaned)) as image:
        assert image.size == (20, 40)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ("Notes in Polish: zażółć gęślą jaźń\r\n\tand tabs\n".encode(), "text"),
        (b"\xef\xbb\xbfwith a byte order mark\n", "text"),
        (b"a < b and c > d\n", "text"),
    ],
)
def test_text_is_passed_on_as_it_is(data: bytes, kind: str):
    result = files.inspect(data, "file")
    assert result.type.kind == kind and result.cleaned == data and result.cleaned_is_original


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "a.txt", "empty"),
        (b"x" * (files.MAX_FILE_BYTES + 1), "a.txt", "too_large"),
        (b"  \n<!doctype HTML><p>hi", "a.txt", "markup"),
        (b"\xef\xbb\xbf<svg onload=alert(1)>", "a", "markup"),
        (b"plain words", "page.html", "markup"),
        (b"\x00\x01binary", "a", "type"),
        (b"\xc3\x28 not utf-8", "a.txt", "type"),
        (b"%PDF-1.4", "a.png", "mismatch"),
    ],
)
def test_refusals_name_their_reason(data: bytes, name: str, reason: str):
    with pytest.raises(EvidenceRefusedError) as refused:
        files.inspect(data, name)
    assert refused.value.reason == reason


def test_an_image_over_the_pixel_cap_is_refused_before_it_is_decoded():
    # The header claims a picture far larger than the cap; the data is tiny.
    big = encoded(Image.new("1", (8000, 7000)), "PNG")  # 56 MP, over the 50 MP cap
    with pytest.raises(EvidenceRefusedError) as refused:
        files.inspect(big, "big.png")
    assert refused.value.reason == "image_too_big"


def test_a_picture_of_up_to_50_megapixels_is_taken():
    """Issue 26 item 8: docs/operating.md (Uploads) says pictures up to 50 megapixels; a 48 MP phone photo
    (8000 x 6000) was refused at 24."""
    photo = encoded(Image.new("1", (8000, 6000)), "PNG")
    assert files.inspect(photo, "phone.png") is not None
    assert files.MAX_PIXELS == 50_000_000


def _pdf_with_metadata(canary: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": f"Author {canary}", "/Title": f"Title {canary}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_copy_has_no_document_information():
    from pypdf import PdfReader

    data = _pdf_with_metadata("PDFCANARY")
    assert b"PDFCANARY" in data
    result = files.inspect(data, "letter.pdf")
    assert result.type.kind == "pdf" and not result.cleaned_is_original
    assert b"PDFCANARY" not in result.cleaned
    reader = PdfReader(io.BytesIO(result.cleaned))
    assert len(reader.pages) == 1
    assert not reader.metadata


@pytest.mark.parametrize("data", [b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", b"%PDF-1.4\n" + b"\x00" * 50])
def test_a_pdf_that_cannot_be_read_is_refused(data: bytes):
    with pytest.raises(EvidenceRefusedError) as refused:
        files.inspect(data, "letter.pdf")
    assert refused.value.reason == "pdf_unreadable"
