"""The Group's meetings: "/review/meetings/" (reviewers only)."""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from reporting.auth.models import Role, User
from reporting.casefile import Holdings, Keys, Panel
from reporting.cases import queries as case_queries
from reporting.db import utcnow
from reporting.disclosure import gate
from reporting.disclosure.identifying import Match
from reporting.exceptions import (
    ContentDestroyedError, KeysNotInitialisedError, NotAKeyHolderError, PermissionDeniedError,
)
from reporting.extensions import db
from reporting.forms import fields_html
from reporting.keys.keyring import Keyring
from reporting.keys.staff import staff_keyring as _keyring
from reporting.meetings import forms, pdf, queries, services
from reporting.meetings.models import Action, Agency, Attendance, Meeting, MeetingItem
from reporting.reports.models import Report
from reporting.periods import london_today
from reporting.security import roles
from reporting.settings import current_settings
from reporting.words import gettext as _

bp = Blueprint("meetings", __name__, url_prefix="/review/meetings")
reviewer = roles(Role.REVIEWER.value)


def _me() -> User:
    user: User = current_user._get_current_object()
    return user



def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _item(meeting: Meeting, item_id: int) -> MeetingItem:
    item = db.session.get(MeetingItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def _agency_choices() -> list[tuple[str, str]]:
    return [(str(a.id), a.name) for a in queries.agencies(active_only=True)]


def _no_key() -> ResponseReturnValue:
    flash(_("You need the group key to read this. Ask another key holder to grant you access."), "error")
    return redirect(url_for(".list_meetings"))


@bp.get("/")
@reviewer
def list_meetings() -> ResponseReturnValue:
    today = utcnow().date()
    rows = queries.actions(open_only=True)
    return render_template(
        "meetings/list.html", meetings=queries.meetings(), flagged=queries.flagged_reports(),
        actions=rows, today=today, is_overdue=queries.is_overdue,
    )


@bp.route("/new", methods=["GET", "POST"])
@reviewer
def new_meeting() -> ResponseReturnValue:
    cases = [(str(r.id), r.reference) for r in queries.flagged_reports()]
    form = forms.MeetingForm(agencies=_agency_choices(), cases=cases,
                             data=None if request.method == "POST" else {"cases": [c for c, _r in cases]})
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(
                actor=_me(), held_on=form.held_on.data, place=form.place.data,
                agency_ids=[int(a) for a in form.agencies.data or []], report_ids=[int(c) for c in form.cases.data],
            )
        except services.MeetingError:
            db.session.rollback()
            form.cases.errors = [_("Choose cases and agencies from the lists")]
        else:
            db.session.commit()
            flash(_("Meeting created. Write a summary for each case, then share the pack."), "success")
            return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    return render_template("meetings/new.html", form=form), 400 if form.errors else 200


def _people_choices(meeting: Meeting) -> list[tuple[str, str]]:
    names = {agency_id: name for agency_id, name, _active in queries.agency_names()}
    return [(str(user.id), f"{user.email} ({names[user.agency_id]})" if user.agency_id in names else user.email)
            for user in queries.people_who_may_attend(meeting)]


def _attendance_form(meeting: Meeting, invited: list[Any], *, formdata: Any = None) -> forms.AttendanceForm:
    agencies = [(str(a.id), a.name) for _row, a in invited]
    if formdata is not None:
        return forms.AttendanceForm(prefix="attendance", agencies=agencies, people=_people_choices(meeting))
    people = queries.people_recorded(meeting)
    return forms.AttendanceForm(
        prefix="attendance", formdata=None, agencies=agencies, people=_people_choices(meeting),
        data={"attended": [str(row.agency_id) for row, _a in invited if row.attended],
              "apologies": [str(row.agency_id) for row, _a in invited if row.apologies],
              "people_attended": [str(u) for u, a in people.items() if a == Attendance.ATTENDED],
              "people_apologies": [str(u) for u, a in people.items() if a == Attendance.APOLOGIES]})


def _meeting_page(meeting: Meeting, status: int = 200, **given: Any) -> ResponseReturnValue:
    keyring = _keyring()
    invited = queries.invited(meeting)
    minutes = ""
    if keyring is not None and meeting.minutes is not None:
        try:
            minutes = services.minutes_text(meeting, keyring)
        except NotAKeyHolderError:
            keyring = None
    context: dict[str, Any] = {
        "meeting": meeting,
        "items": queries.items(meeting),
        "item_of": {item.report_id: item.id for item, _report in queries.items(meeting)},
        "invited": invited,
        "actions": queries.actions(meeting_id=meeting.id),
        "carried": queries.carried_forward(meeting),
        "attendance": queries.attendance(meeting, current_settings().meeting_quorum),
        "today": utcnow().date(),
        "is_overdue": queries.is_overdue,
        "is_heard": lambda item: queries.is_heard(item, meeting, london_today()),
        "attendance_form": _attendance_form(meeting, invited),
        "minutes_form": forms.MinutesForm(prefix="minutes", formdata=None, data={"minutes": minutes}),
        "share_form": forms.ShareForm(prefix="share", formdata=None),
        "warnings": [],
    }
    context.update(given)
    db.session.commit()  # any decryption's audit entry
    return render_template("meetings/meeting.html", **context), status


@bp.get("/<int:meeting_id>")
@reviewer
def show_meeting(meeting_id: int) -> ResponseReturnValue:
    return _meeting_page(_meeting(meeting_id))


@bp.post("/<int:meeting_id>/attendance")
@reviewer
def record_attendance(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    form = _attendance_form(meeting, queries.invited(meeting), formdata=request.form)
    if not form.validate():
        return _meeting_page(meeting, 400, attendance_form=form)
    people = {int(u): Attendance.ATTENDED for u in form.people_attended.data or []}
    people |= {int(u): Attendance.APOLOGIES for u in form.people_apologies.data or []}
    try:
        services.set_attendance(meeting, [int(a) for a in form.attended.data or []], actor=_me(),
                                apologies_ids=[int(a) for a in form.apologies.data or []], people=people)
    except services.MeetingError:
        db.session.rollback()
        form.attended.errors = [_("Choose agencies and people from the lists")]
        return _meeting_page(meeting, 400, attendance_form=form)
    db.session.commit()
    flash(_("Attendance and apologies saved."), "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/minutes")
@reviewer
def save_minutes(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    form = forms.MinutesForm(prefix="minutes")
    if not form.validate():
        return _meeting_page(meeting, 400, minutes_form=form)
    try:
        services.save_minutes(meeting, form.minutes.data, actor=_me())
    except KeysNotInitialisedError:
        abort(503)
    db.session.commit()
    flash(_("Minutes saved. Only the Group can read them."), "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/share")
@reviewer
def share_pack(meeting_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    form = forms.ShareForm(prefix="share")
    keyring = _keyring()
    if not form.validate() or keyring is None:
        return _no_key() if keyring is None else _meeting_page(meeting, 400, share_form=form)
    reason = form.override_reason.data or ""
    try:
        warnings = services.share_pack(meeting, actor=_me(), keyring=keyring, override_reason=reason)
    except services.MeetingError:
        db.session.rollback()
        form.override_reason.errors = [_("Write a summary for every case on the agenda before sharing the pack")]
        return _meeting_page(meeting, 400, share_form=form)
    except (NotAKeyHolderError, PermissionDeniedError):
        db.session.rollback()
        return _no_key()
    if warnings and not reason.strip():
        db.session.commit()  # the check's audit entry (the reports it opened, and its warning)
        form.override_reason.errors = [_("The check found details that may identify someone. Change the words "
                                         "listed below, or give a reason to share the pack anyway")]
        return _meeting_page(meeting, 400, share_form=form, warnings=warnings)
    db.session.commit()
    flash(_("Pack shared with the invited agencies."), "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id))


def matched_words(matches: list[Match]) -> str:
    """What the check found, for the form's error: each kind, and the words as typed."""
    found = "; ".join(_("%(kind)s: “%(typed)s”", kind=match.kind.label, typed=match.text)
                      for match in matches)
    return str(_("These words may identify someone (%(found)s). Change them, or give a reason to share them "
                 "anyway", found=found))


def _destroyed(meeting: Meeting, item: MeetingItem) -> ResponseReturnValue:
    db.session.rollback()
    flash(_("This case's content was destroyed under the retention rules: nothing can be written about it."), "error")
    return redirect(url_for(".show_item", meeting_id=meeting.id, item_id=item.id))


def _item_page(meeting: Meeting, item: MeetingItem, status: int = 200, **given: Any) -> ResponseReturnValue:
    keyring = _keyring()
    if keyring is None:
        return _no_key()
    try:
        summary, decision, beside = services.item_for_review(item, keyring)
    except NotAKeyHolderError:
        return _no_key()
    report = db.session.get(Report, item.report_id)
    assert report is not None
    context: dict[str, Any] = {
        "meeting": meeting, "item": item, "report": report, "beside": beside, "decision": decision,
        "summary_form": forms.SummaryForm(prefix="summary", formdata=None, data={"summary": summary}),
        "decision_form": forms.DecisionForm(prefix="decision", formdata=None),
        "action_form": forms.ActionForm(prefix="action", formdata=None, agencies=_agency_choices()),
        "actions": services.group_actions(keyring, queries.actions(report_id=report.id, meeting_id=meeting.id)),
        "action_matches": [],
    }
    context.update(given)
    db.session.commit()  # the report's opening is audited
    return render_template("meetings/item.html", **context), status


@bp.get("/<int:meeting_id>/items/<int:item_id>")
@reviewer
def show_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    return _item_page(meeting, _item(meeting, item_id))


@bp.post("/<int:meeting_id>/items/<int:item_id>/summary")
@reviewer
def write_summary(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    item = _item(meeting, item_id)
    form = forms.SummaryForm(prefix="summary")
    if not form.validate():
        return _item_page(meeting, item, 400, summary_form=form)
    try:
        services.write_summary(item, form.summary.data, actor=_me())
    except ContentDestroyedError:
        return _destroyed(meeting, item)
    db.session.commit()
    flash(_("Summary saved."), "success")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/items/<int:item_id>/decision")
@reviewer
def record_decision(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    item = _item(meeting, item_id)
    form = forms.DecisionForm(prefix="decision")
    if not form.validate():
        return _item_page(meeting, item, 400, decision_form=form)
    try:
        services.record_decision(item, form.decision.data, actor=_me())
    except ContentDestroyedError:
        return _destroyed(meeting, item)
    db.session.commit()
    flash(_("Decision recorded: the case counts as heard at this meeting."), "success")
    return redirect(url_for(".show_item", meeting_id=meeting.id, item_id=item.id))


@bp.post("/<int:meeting_id>/items/<int:item_id>/actions")
@reviewer
def open_action(meeting_id: int, item_id: int) -> ResponseReturnValue:
    meeting = _meeting(meeting_id)
    item = _item(meeting, item_id)
    form = forms.ActionForm(prefix="action", agencies=_agency_choices())
    if not form.validate():
        return _item_page(meeting, item, 400, action_form=form)
    report = db.session.get(Report, item.report_id)
    agency = db.session.get(Agency, int(form.agency.data))
    keyring = _keyring()
    assert report is not None and agency is not None
    if keyring is None:
        return _no_key()
    try:
        services.open_action(report, agency, form.text.data, form.due_on.data, actor=_me(), keyring=keyring,
                             meeting=meeting, override_reason=form.override_reason.data or "",
                             decision=form.decision.data or "")
    except ContentDestroyedError:
        return _destroyed(meeting, item)
    except services.MeetingError as error:
        db.session.rollback()
        _action_refused(form, str(error))
        return _item_page(meeting, item, 400, action_form=form)
    except gate.IdentifyingTextError as error:
        db.session.commit()  # nothing was shared; the report's opening for the check is audited
        stopped = form.decision if isinstance(error, services.DecisionTextError) else form.text
        stopped.errors = [matched_words(error.matches)]
        return _item_page(meeting, item, 400, action_form=form, action_matches=error.matches)
    except (NotAKeyHolderError, PermissionDeniedError):
        db.session.rollback()
        return _no_key()
    db.session.commit()
    flash(_("Action given to %(agency)s.", agency=agency.name), "success")
    return redirect(url_for(".show_item", meeting_id=meeting.id, item_id=item.id))


def _action_refused(form: forms.ActionForm, code: str) -> None:
    if code == "due_in_past":
        form.due_on.errors = [_("The due date must be today or in the future")]
    else:
        form.agency.errors = [_("Select an active agency from the list")]


def _action(item: MeetingItem, action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.report_id != item.report_id:
        abort(404)
    return action


@bp.route("/<int:meeting_id>/items/<int:item_id>/actions/<int:action_id>/decision", methods=["GET", "POST"])
@reviewer
def share_decision(meeting_id: int, item_id: int, action_id: int) -> ResponseReturnValue:
    """The Group's decision behind one action, written for its agency and checked before it reads it."""
    meeting = _meeting(meeting_id)
    item = _item(meeting, item_id)
    action = _action(item, action_id)
    agency = db.session.get(Agency, action.agency_id)
    report = db.session.get(Report, item.report_id)
    assert agency is not None and report is not None
    keyring = _keyring()
    if keyring is None:
        return _no_key()
    back = url_for(".show_item", meeting_id=meeting.id, item_id=item.id)
    form = forms.AgencyDecisionForm(prefix="agency_decision")
    matches: list[Match] = []
    if form.validate_on_submit():
        try:
            services.share_decision(action, form.decision.data, actor=_me(), keyring=keyring,
                                    override_reason=form.override_reason.data or "")
        except ContentDestroyedError:
            return _destroyed(meeting, item)
        except services.MeetingError:
            db.session.rollback()
            form.decision.errors = [_("This agency is no longer active: nothing can be shared with it")]
        except gate.IdentifyingTextError as error:
            db.session.commit()  # nothing was shared; the report's opening for the check is audited
            form.decision.errors = [matched_words(error.matches)]
            matches = error.matches
        except (NotAKeyHolderError, PermissionDeniedError):
            db.session.rollback()
            return _no_key()
        else:
            db.session.commit()
            flash(_("Decision shared with %(agency)s.", agency=agency.name), "success")
            return redirect(back)
    elif request.method == "GET":
        try:
            shared = services.group_actions(keyring, [(action, agency, report.reference)])[0].decision
        except NotAKeyHolderError:
            return _no_key()
        form = forms.AgencyDecisionForm(prefix="agency_decision", formdata=None, data={"decision": shared})
    return render_template("meetings/agency_decision.html", form=form, meeting=meeting, item=item, agency=agency,
                           report=report, back=back, matches=matches), 400 if form.errors else 200


def _pack(meeting: Meeting, *, download: bool) -> services.Pack | None:
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        return services.build_pack(meeting, keyring, actor=_me(), download=download, settings=current_settings())
    except NotAKeyHolderError:
        db.session.rollback()
        return None


@bp.get("/<int:meeting_id>/pack")
@reviewer
def show_pack(meeting_id: int) -> ResponseReturnValue:
    pack = _pack(_meeting(meeting_id), download=False)
    if pack is None:
        return _no_key()
    db.session.commit()
    return render_template("meetings/pack.html", pack=pack, pdf_url=url_for(".download_pack", meeting_id=meeting_id),
                           back=url_for(".show_meeting", meeting_id=meeting_id))


@bp.get("/<int:meeting_id>/pack.pdf")
@reviewer
def download_pack(meeting_id: int) -> ResponseReturnValue:
    pack = _pack(_meeting(meeting_id), download=True)
    if pack is None:
        return _no_key()
    data = pdf.pack_pdf(pack)
    db.session.commit()
    return pdf_response(data, meeting_id)


def pdf_response(data: bytes, meeting_id: int) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="meeting-{meeting_id}-pack.pdf"'})


# From a case -------------------------------------------------------------------------------

def _case(reference: str) -> Report:
    report = case_queries.report_by_reference(reference)
    if report is None:
        abort(404)
    return report


@bp.post("/cases/<reference>/flag")
@reviewer
def flag_case(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    form = forms.FlagForm(prefix="meeting_flag")
    if not form.validate():
        flash(_("Choose whether the case is for the next meeting"), "error")
    else:
        services.set_meeting_flag(report, form.flagged.data == "yes", actor=_me())
        db.session.commit()
        flash(_("Flagged for the next meeting.") if form.flagged.data == "yes"
              else _("No longer flagged for the next meeting."), "success")
    return redirect(url_for("cases.show_case", reference=report.reference))


@bp.post("/cases/<reference>/actions")
@reviewer
def open_case_action(reference: str) -> ResponseReturnValue:
    report = _case(reference)
    form = forms.ActionForm(prefix="case_action", agencies=_agency_choices())
    back = url_for("cases.show_case", reference=report.reference) + "#meetings"
    if not form.validate():
        for field in form:
            for error in field.errors:
                flash(str(error), "error")
        return redirect(back)
    agency = db.session.get(Agency, int(form.agency.data))
    keyring = _keyring()
    assert agency is not None
    if keyring is None:
        return _no_key()
    try:
        services.open_action(report, agency, form.text.data, form.due_on.data, actor=_me(), keyring=keyring,
                             override_reason=form.override_reason.data or "", decision=form.decision.data or "")
    except ContentDestroyedError:
        db.session.rollback()
        flash(_("This case's content was destroyed under the retention rules: nothing can be written about it."),
              "error")
        return redirect(back)
    except services.MeetingError as error:
        db.session.rollback()
        flash(_("The due date must be today or in the future") if str(error) == "due_in_past"
              else _("Select an active agency from the list"), "error")
        return redirect(back)
    except gate.IdentifyingTextError as error:
        db.session.commit()  # nothing was shared; the report's opening for the check is audited
        stopped = form.decision if isinstance(error, services.DecisionTextError) else form.text
        stopped.errors = [matched_words(error.matches)]
        # The case page keeps its form short: the words are checked again on a page of their own.
        return render_template("meetings/action_check.html", form=form, report=report, back=back,
                               matches=error.matches), 400
    except (NotAKeyHolderError, PermissionDeniedError):
        db.session.rollback()
        return _no_key()
    db.session.commit()
    flash(_("Action given to %(agency)s.", agency=agency.name), "success")
    return redirect(back)


def _action_fields(agencies: list[tuple[str, str]]) -> Mapping[str, Markup]:
    """The case page's action form as first shown."""
    form = forms.ActionForm(prefix="case_action", formdata=None, agencies=list(agencies))
    return MappingProxyType(fields_html(form))


def case_panel(report: Report, viewer: User, keys: Keys | None, held: Holdings) -> Panel:
    """What the case page shows of meetings: the flag, the meetings it was on, its actions.
    Whether it is flagged is read with the case (reporting/meetings/casefile.py)."""
    rows = queries.actions(report_id=report.id) if held.holds("actions") else []
    flagged = held.holds("meeting_flag")
    try:
        actions = services.group_actions(keys.keyring if keys is not None else None, rows)
    except NotAKeyHolderError:
        actions = services.group_actions(None, rows)
    every_agency = queries.agency_names()  # active first: the action form offers those
    active = [(str(agency_id), name) for agency_id, name, is_active in every_agency if is_active]
    context = {
        "flagged": flagged,
        # The form is only offered when there is an agency to ask.
        "action_fields": _action_fields(active) if active else None,
        "actions": actions,
        "today": utcnow().date(),
    }
    return Panel("meetings/_case_panel.html", context,
                 people={f"agency:{agency_id}": name for agency_id, name, _active in every_agency})
