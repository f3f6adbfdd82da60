"""The referral package as a PDF, holding exactly what was shared.

DejaVu Sans (from the npm package ``dejavu-fonts-ttf``, installed with the
front-end build) covers the scripts reporters write in; the core PDF fonts
would lose anything outside Latin-1.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app
from fpdf import FPDF

from reporting import ROOT
from reporting.disclosure.marking import MARKING
from reporting.i18n import in_english
from reporting.referrals.services import package_facts
from reporting.words import gettext as _

FONT_DIR = ROOT / "node_modules" / "dejavu-fonts-ttf" / "ttf"


def _font_dir() -> Path:
    configured = current_app.config.get("PDF_FONT_DIR")
    return Path(configured) if configured else FONT_DIR


class _Document(FPDF):
    """A PDF whose every page carries the protective marking at its top and foot, when given."""

    marking = ""

    def header(self) -> None:
        if self.marking:
            self.set_font("DejaVu", "B", 9)
            self.cell(0, 6, self.marking, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

    def footer(self) -> None:
        if self.marking:
            self.set_y(-12)
            self.set_font("DejaVu", "B", 9)
            self.cell(0, 6, self.marking, align="C")


def new_document(title: str, *, marking: str = "") -> FPDF:
    """An A4 document with DejaVu Sans (every script the reports may hold) and its first page:
    the one set-up the service's PDFs share (referral packages, meeting packs). ``marking``
    (the protective marking) is printed at the top and foot of every page."""
    pdf = _Document(format="A4")
    pdf.marking = marking
    pdf.set_title(title)
    pdf.set_creator("hate-crime-reporting")
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def package_pdf(package: dict[str, Any], *, title: str, facts: list[tuple[str, str]]) -> bytes:
    """Render a referral package; ``facts`` are its coded fields in words (``package_facts``)."""
    pdf = new_document(title, marking=MARKING)
    width = pdf.epw
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(width, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 10)
    for name, value in facts:
        pdf.multi_cell(width, 6, f"{name}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for item in package.get("answers", []):
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(width, 6, str(item["question"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(width, 6, "\n".join(str(line) for line in item["answer"]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def referral_pdf(package: dict[str, Any]) -> bytes:
    """A referral package as the police download it: in English, whatever language the
    police user's session chose (the answers in it are English already, see ``build_package``)."""
    with in_english():
        title = _("Hate crime referral %(reference)s", reference=package["reference"])
        return package_pdf(package, title=title, facts=package_facts(package))
