"""Issue 11 item 8: the PDF copy holds no actions, JavaScript, annotations, embedded files
or pictures' EXIF: each is planted in a PDF and looked for in the copy."""
from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from reporting.evidence import files

CANARY = "PDFPLANT"


def _photo_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = f"{CANARY}-camera"  # Make
    exif[0x9286] = f"{CANARY}-comment"  # UserComment (stored as bytes in the EXIF block)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _hostile_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(_photo_with_exif()), x=10, y=10, w=40)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({
        NameObject("/O"): DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(f"app.alert('{CANARY}-page-action')"),
        }),
    })
    note = FreeText(text=f"{CANARY}-contents", rect=(50, 550, 200, 650))
    note[NameObject("/T")] = TextStringObject(f"{CANARY}-author")
    writer.add_annotation(page_number=0, annotation=note)
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject(f"app.alert('{CANARY}-document-js')"),
    })
    writer.add_attachment("notes.txt", f"{CANARY}-attachment".encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_planted_pdf_loses_actions_javascript_annotations_attachments_and_exif():
    planted = _hostile_pdf()
    assert planted.count(CANARY.encode()) >= 4  # the plants are really there (some may be compressed)
    copy = files.inspect(planted, "letter.pdf").cleaned
    reader = PdfReader(io.BytesIO(copy))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert "/AA" not in page and "/Annots" not in page
    root = reader.trailer["/Root"]
    for key in ("/Names", "/OpenAction", "/AA", "/AcroForm"):
        assert key not in root
    assert reader.attachments == {}
    images = page.images
    assert len(images) == 1
    assert images[0].image is not None and images[0].image.size == (64, 48)
    # Nothing planted survives anywhere in the file, compressed streams included.
    assert CANARY.encode() not in copy
    for number in range(1, 200):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 - past the last object
            continue
        if obj is not None and hasattr(obj, "get_data"):
            assert CANARY.encode() not in obj.get_data()
