"""What an uploaded file is, judged from its bytes, and its copy without metadata.

The name a browser sends is only used to catch a file pretending to be something
else (a web page called photo.jpg). Images are decoded with Pillow and their pixels
copied into a new image, which carries no EXIF (location, camera), XMP, ICC profile
or comment. PDF documents are rebuilt from their pages without their document
information, XMP, actions, JavaScript, annotations or embedded files, and their
pictures re-encoded. Text files are passed on as they are.
"""
from __future__ import annotations

import io
import re
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter

from reporting.exceptions import EvidenceRefusedError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_REPORT = 5
# All of one report's files together (as uploaded): 5 x 10 MB would be 50 MB per report,
# from anyone, anonymously.
MAX_BYTES_PER_REPORT = 25 * 1024 * 1024
# 50 megapixels, as docs/operating.md (Uploads) says: a phone's full-resolution 48 or 50 MP photo
# (8160 x 6120) is taken, and anything larger, such as a bomb claiming 100,000 x 100,000
# pixels in a few hundred bytes, is refused from its header before decoding.
MAX_PIXELS = 50_000_000
# Decodes at once per worker process: each may take up to MAX_PIXELS x 4 bytes twice,
# so one at a time keeps a worker's memory bounded whatever arrives together.
MAX_CONCURRENT_DECODES = 1
_decoding = threading.BoundedSemaphore(MAX_CONCURRENT_DECODES)
_IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
# Control characters (C0 and C1, and DEL) other than tab, new line, form feed and carriage
# return: a file holding any of them is not plain text.
_TEXT_CONTROLS_REFUSED = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Starts of markup a browser would sniff as a page or a picture with script (WHATWG
# MIME sniffing, plus SVG and XML). A "text" file that starts like this is refused.
_MARKUP_STARTS = (
    b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font",
    b"<table", b"<a ", b"<a>", b"<style", b"<title", b"<b ", b"<b>", b"<body", b"<br", b"<p ", b"<p>",
    b"<!--", b"<?xml", b"<svg", b"<object", b"<embed", b"<img", b"<meta", b"<link", b"<form",
)
_EXTENSION_KIND = {
    "jpg": "image", "jpeg": "image", "jfif": "image", "png": "image", "gif": "image", "webp": "image",
    "pdf": "pdf", "txt": "text", "text": "text",
    "html": "markup", "htm": "markup", "xhtml": "markup", "svg": "markup", "svgz": "markup", "xml": "markup",
}


@dataclass(frozen=True)
class FileType:
    kind: str  # image, pdf or text: the Evidence.kind values
    content_type: str
    extension: str


@dataclass(frozen=True)
class Inspected:
    """A file that was accepted: its type, and the copy shown by default."""

    type: FileType
    cleaned: bytes
    cleaned_type: FileType
    cleaned_is_original: bool


def sniff(data: bytes) -> FileType | None:
    """The type of a file from its first bytes, or None for anything not accepted."""
    if data.startswith(b"\xff\xd8\xff"):
        return FileType("image", "image/jpeg", "jpg")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("image", "image/png", "png")
    if data.startswith((b"GIF87a", b"GIF89a")):
        return FileType("image", "image/gif", "gif")
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return FileType("image", "image/webp", "webp")
    if data.startswith(b"%PDF-"):
        return FileType("pdf", "application/pdf", "pdf")
    if _is_plain_text(data):
        return FileType("text", "text/plain; charset=utf-8", "txt")
    return None


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return _TEXT_CONTROLS_REFUSED.search(text) is None


def looks_like_markup(data: bytes) -> bool:
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x0c")[:64].lower()
    return start.startswith(_MARKUP_STARTS)


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def inspect(data: bytes, name: str) -> Inspected:
    """Accept a file or raise EvidenceRefusedError with a reason code.

    Codes: ``empty``, ``too_large``, ``type`` (not an accepted kind), ``markup`` (a web
    page or SVG), ``mismatch`` (the name says another kind), ``image_unreadable``,
    ``image_too_big`` (too many pixels: a decompression bomb or an enormous picture).
    """
    if not data:
        raise EvidenceRefusedError("empty")
    if len(data) > MAX_FILE_BYTES:
        raise EvidenceRefusedError("too_large")
    named = _EXTENSION_KIND.get(_extension(name))
    if named == "markup" or looks_like_markup(data):
        raise EvidenceRefusedError("markup")
    found = sniff(data)
    if found is None:
        raise EvidenceRefusedError("type")
    if named is not None and named != found.kind:
        raise EvidenceRefusedError("mismatch")
    if found.kind == "image":
        cleaned, cleaned_type = clean_image(data)
        return Inspected(found, cleaned, cleaned_type, cleaned_is_original=False)
    if found.kind == "pdf":
        return Inspected(found, clean_pdf(data), found, cleaned_is_original=False)
    return Inspected(found, data, found, cleaned_is_original=True)


# Page entries that can act or carry words of their own: actions (/AA), annotations
# (comments with their authors and contents, links with JavaScript), thumbnails, articles.
_PDF_PAGE_KEYS_REMOVED = ("/AA", "/Annots", "/Metadata", "/PieceInfo", "/Thumb", "/B")
# Document entries the same: open actions, JavaScript and embedded files (/Names), forms.
_PDF_ROOT_KEYS_REMOVED = ("/OpenAction", "/AA", "/Names", "/AcroForm", "/Metadata", "/PieceInfo", "/Outlines")
_PDF_MAX_XOBJECT_DEPTH = 8


def _pdf_images(resources: object, depth: int = 0) -> list[tuple[object, object]]:
    """(dictionary, stream) of every image XObject in a page's resources, forms included."""
    from pypdf.generic import DictionaryObject

    found: list[tuple[object, object]] = []
    if depth > _PDF_MAX_XOBJECT_DEPTH or not isinstance(resources, DictionaryObject):
        return found
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return found
    for name in list(xobjects):
        stream = xobjects[name].get_object()
        if stream.get("/Subtype") == "/Image":
            found.append((xobjects, name))
        elif stream.get("/Subtype") == "/Form":
            inner = stream.get("/Resources")
            found += _pdf_images(inner.get_object() if inner is not None else None, depth + 1)
    return found


def _reencode_pdf_images(page: object) -> None:
    """Re-encode every picture on a page from its pixels alone (no EXIF, XMP or ICC inside)."""
    from pypdf.generic import NameObject

    resources = page.get("/Resources")  # type: ignore[attr-defined]
    for xobjects, name in _pdf_images(resources.get_object() if resources is not None else None):
        stream = xobjects[name].get_object()  # type: ignore[index]
        if int(stream.get("/Width", 0)) * int(stream.get("/Height", 0)) > MAX_PIXELS:
            raise EvidenceRefusedError("image_too_big")
        for key in ("/Metadata", "/PieceInfo"):
            if key in stream:
                del stream[key]
    with _decoding:
        for image in page.images:  # type: ignore[attr-defined]
            pixels = image.image
            if pixels is None:
                continue
            pixels.info = {}
            if pixels.mode not in ("RGB", "L", "CMYK"):
                pixels = pixels.convert("RGB")
            image.replace(pixels, quality=90)
            replaced = image.indirect_reference.get_object() if image.indirect_reference else None
            if replaced is not None:
                for key in ("/Metadata", "/PieceInfo"):
                    if NameObject(key) in replaced:
                        del replaced[NameObject(key)]


def clean_pdf(data: bytes) -> bytes:
    """Copy a PDF's pages into a new document with nothing but what the pages show.

    Gone: the information dictionary and XMP; page and document actions (/AA,
    /OpenAction) and JavaScript; annotations (comments with their authors and contents,
    links, form fields); embedded files. Pictures are re-encoded from their pixels, so
    a photo's EXIF inside the PDF goes too. Raises EvidenceRefusedError.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about small defects it repairs
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise EvidenceRefusedError("pdf_unreadable")
            writer = PdfWriter()
            for page in reader.pages:
                # Removed before copying, so the writer never takes the objects they point to.
                for key in _PDF_PAGE_KEYS_REMOVED:
                    if key in page:
                        del page[key]
                added = writer.add_page(page)
                _reencode_pdf_images(added)
            root = writer.root_object
            for key in _PDF_ROOT_KEYS_REMOVED:
                if key in root:
                    del root[key]
            writer.metadata = None
            out = io.BytesIO()
            writer.write(out)
    except EvidenceRefusedError:
        raise
    except Exception:  # any parse failure of a hostile or damaged file is a refusal, never a 500
        raise EvidenceRefusedError("pdf_unreadable") from None
    return out.getvalue()


def clean_image(data: bytes) -> tuple[bytes, FileType]:
    """Decode an image and re-encode its pixels alone: no EXIF, XMP, ICC profile or comment.

    JPEG and WebP photos become JPEG; PNG, GIF and anything with transparency become
    PNG. An animation keeps its first frame. The size is checked from the header before
    any pixel is decoded, at most MAX_CONCURRENT_DECODES run at once in a process, and
    the pixels are decoded into one buffer that is converted (one more) only when its
    mode must change. Raises EvidenceRefusedError.
    """
    try:
        with warnings.catch_warnings(), _decoding:
            # Pillow warns before it refuses; both mean a picture too big to decode safely.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_IMAGE_FORMATS) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise EvidenceRefusedError("image_too_big")
                probe.verify()
            with Image.open(io.BytesIO(data), formats=_IMAGE_FORMATS) as image:
                source_format = image.format
                image.load()
                ImageOps.exif_transpose(image, in_place=True)  # keep the picture the right way up
                alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                target = "RGBA" if alpha else "RGB"
                pixels = image if image.mode == target else image.convert(target)
                if pixels is not image:
                    image.close()  # frees the decoded buffer before encoding
                # Only the pixels go out: nothing of the file's info dictionary (EXIF, XMP,
                # ICC profile, comments, text chunks) is handed to the encoder.
                pixels.info = {}
                out = io.BytesIO()
                if source_format in ("JPEG", "WEBP") and not alpha:
                    pixels.save(out, format="JPEG", quality=92, exif=b"", icc_profile=None)
                    return out.getvalue(), FileType("image", "image/jpeg", "jpg")
                pixels.save(out, format="PNG", optimize=False)
                return out.getvalue(), FileType("image", "image/png", "png")
    except EvidenceRefusedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceRefusedError("image_too_big") from None
    except MemoryError:
        raise EvidenceRefusedError("image_too_big") from None
    except Exception:  # noqa: BLE001 - a hostile file can make a decoder raise anything
        raise EvidenceRefusedError("image_unreadable") from None
