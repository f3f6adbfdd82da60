"""The meeting pack as a PDF: agenda, redacted summaries, open actions, and the protective
marking on every page.

The same fpdf2 and DejaVu Sans approach as the referral PDF (reporting/referrals/pdf.py).
"""
from __future__ import annotations

from flask_babel import gettext as _

from reporting import labels
from reporting.disclosure.marking import MARKING
from reporting.meetings.services import Pack
from reporting.referrals.pdf import new_document


def pack_pdf(pack: Pack) -> bytes:
    meeting = pack.meeting
    title = _("Hate Crime Reporting Group: meeting %(number)s pack", number=meeting.id)
    pdf = new_document(title, marking=MARKING)
    width = pdf.epw

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 8, text, new_x="LMARGIN", new_y="NEXT")

    def line(text: str) -> None:
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")

    heading(title, 16)
    line(f"{_('Date')}: {labels.day(meeting.held_on)}")
    line(f"{_('Place or call link')}: {meeting.place}")
    line(f"{_('Agencies invited')}: " + ", ".join(name for name, _attended in pack.agencies))
    pdf.ln(3)
    heading(_("Agenda"))
    for number, entry in enumerate(pack.items, start=1):
        line(f"{number}. {entry.reference} ({entry.area})")
    pdf.ln(3)
    heading(_("Case summaries"))
    for entry in pack.items:
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(width, 6, f"{entry.reference} ({entry.area})", new_x="LMARGIN", new_y="NEXT")
        if entry.destroyed_on is not None:
            line(_("Destroyed on %(date)s under the retention rules.", date=labels.day(entry.destroyed_on)))
        else:
            line(entry.summary or _("No summary yet."))
        pdf.ln(2)
    heading(_("Open actions"))
    if not pack.actions:
        line(_("No open actions."))
    for action in pack.actions:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(width, 6, f"{action.reference}: {action.agency}, {_('due')} {labels.day(action.action.due_on)}",
                       new_x="LMARGIN", new_y="NEXT")
        line(_("Destroyed under the retention rules.") if action.destroyed else action.text)
        pdf.ln(1)
    return bytes(pdf.output())
