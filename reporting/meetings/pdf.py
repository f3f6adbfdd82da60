"""The meeting pack as a PDF: attendance and apologies, agenda, redacted summaries, previous
decisions (the Group's pack), open and overdue actions, and the protective marking on every page.

The same fpdf2 and DejaVu Sans approach as the referral PDF (reporting/referrals/pdf.py).
"""
from __future__ import annotations

from reporting import labels
from reporting.disclosure.marking import MARKING
from reporting.meetings.models import Attendance
from reporting.meetings.services import Pack, PackAction
from reporting.referrals.pdf import new_document
from reporting.words import gettext as _
from reporting.words import ngettext


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
    attendance = pack.attendance
    if attendance is not None:
        heading(_("Attendance and apologies"))
        line((_("Quorate") if attendance.quorate else _("Not quorate")) + ". " + ngettext(
            "%(num)d agency attended; the quorum is %(quorum)s.", "%(num)d agencies attended; the quorum is %(quorum)s.",
            attendance.agencies_attending, quorum=attendance.quorum))
        none = _("None")
        line(f"{_('Agencies attending')}: " + (", ".join(attendance.agencies_with(Attendance.ATTENDED)) or none))
        line(f"{_('Agencies sending apologies')}: "
             + (", ".join(attendance.agencies_with(Attendance.APOLOGIES)) or none))
        for words, which in ((_("People attending"), Attendance.ATTENDED),
                             (_("People sending apologies"), Attendance.APOLOGIES)):
            people = [f"{row.name} ({row.agency})" if row.agency else row.name for row in attendance.people_with(which)]
            line(f"{words}: " + ("; ".join(people) or none))
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
    if not pack.for_agency:
        heading(_("Previous decisions"))
        if not pack.previous:
            line(_("No earlier decisions on these cases."))
        for decision in pack.previous:
            line(f"{decision.reference}, " + _("meeting %(number)s on %(day)s", number=decision.meeting.id,
                                                 day=labels.day(decision.meeting.held_on)) + f": {decision.text}")
        pdf.ln(3)
    heading(_("Open actions") if not pack.for_agency else _("Your agency's open actions"))

    def actions(entries: list[PackAction], empty: str) -> None:
        if not entries:
            line(empty)
        for action in entries:
            overdue = f" ({_('Overdue').upper()})" if action.overdue else ""
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(width, 6, f"{action.reference}: {action.agency}, {_('due')} "
                                     f"{labels.day(action.action.due_on)}{overdue}", new_x="LMARGIN", new_y="NEXT")
            line(_("Destroyed under the retention rules.") if action.destroyed else action.text)
            if action.decision and not action.destroyed:
                line(_("The Group's decision for the agency:") + f" {action.decision}")
            pdf.ln(1)

    heading(_("Given at this meeting"), 11)
    actions(pack.actions, _("No open actions."))
    heading(_("Carried forward from earlier meetings"), 11)
    actions(pack.carried, _("No open actions from earlier meetings."))
    pdf.ln(3)
    seq, entry_hash = pack.audit_head
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(width, 4, _("Audit log when this pack was made: entry %(number)s, %(hash)s. Keep this pack: the "
                               "Partnership can check later that the log still holds this entry unchanged.",
                               number=seq, hash=entry_hash), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
