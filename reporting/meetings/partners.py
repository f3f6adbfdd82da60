"""Partner agencies' side: "/partners/" (agency users only).

A person at an agency sees the packs of the meetings their agency was invited to
(once shared) and their agency's actions, read with the partners' key; never a
report, a case page, the queue or a referral.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from reporting.auth import session as staff
from reporting.auth.models import Role, User
from reporting.db import utcnow
from reporting.exceptions import ContentDestroyedError, NotAKeyHolderError, PermissionDeniedError
from reporting.extensions import db
from reporting.keys.staff import staff_keyring as _keyring
from reporting.meetings import forms, pdf, policies, queries, services
from reporting.meetings.models import Action, ActionStatus, Meeting
from reporting.meetings.views import pdf_response
from reporting.security import roles
from reporting.settings import current_settings
from reporting.words import gettext as _

bp = Blueprint("partners", __name__, url_prefix="/partners")
agency_only = roles(Role.AGENCY.value)
# A person at an agency made inactive can neither sign in nor use a session they had.
bp.record_once(lambda state: staff.register_access_check(state.app, policies.agency_open))


def _me() -> User:
    user: User = current_user._get_current_object()
    return user



def _no_key() -> ResponseReturnValue:
    return render_template("partners/no_key.html"), 403


@bp.get("/")
@agency_only
def home() -> ResponseReturnValue:
    me = _me()
    keyring = _keyring()
    if keyring is None or me.agency_id is None:
        return _no_key()
    try:
        actions = services.agency_actions(keyring, actor=me)
    except NotAKeyHolderError:
        db.session.rollback()
        return _no_key()
    db.session.commit()
    return render_template("partners/home.html", meetings=queries.meetings_for_agency(me.agency_id),
                           actions=actions, today=utcnow().date(), is_overdue=queries.is_overdue)


def _pack(meeting_id: int, *, download: bool) -> services.Pack | None:
    meeting = db.session.get(Meeting, meeting_id)
    keyring = _keyring()
    if meeting is None:
        abort(404)
    if keyring is None:
        return None
    try:
        return services.build_pack(meeting, keyring, actor=_me(), download=download, settings=current_settings())
    except PermissionDeniedError:
        abort(404)  # not invited, or not shared yet: as if it did not exist
    except NotAKeyHolderError:
        db.session.rollback()
        return None


@bp.get("/meetings/<int:meeting_id>")
@agency_only
def show_pack(meeting_id: int) -> ResponseReturnValue:
    pack = _pack(meeting_id, download=False)
    if pack is None:
        return _no_key()
    db.session.commit()
    return render_template("meetings/pack.html", pack=pack, pdf_url=url_for(".download_pack", meeting_id=meeting_id),
                           back=url_for(".home"))


@bp.get("/meetings/<int:meeting_id>/pack.pdf")
@agency_only
def download_pack(meeting_id: int) -> ResponseReturnValue:
    pack = _pack(meeting_id, download=True)
    if pack is None:
        return _no_key()
    data = pdf.pack_pdf(pack)
    db.session.commit()
    return pdf_response(data, meeting_id)


def _action(action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.agency_id != _me().agency_id:
        abort(404)
    return action


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@agency_only
def update_action(action_id: int) -> ResponseReturnValue:
    action = _action(action_id)
    keyring = _keyring()
    if keyring is None:
        return _no_key()
    form = forms.ActionUpdateForm(data={"status": action.status})
    if form.validate_on_submit():
        try:
            services.update_action(action, ActionStatus(form.status.data), form.text.data or "", actor=_me())
        except ContentDestroyedError:
            db.session.rollback()
            form.text.errors = [_("This case's content was destroyed under the retention rules, so no words can be "
                                  "added to it. Leave this box empty to change the action's status.")]
        else:
            db.session.commit()
            flash(_("Update sent to the Group."), "success")
            return redirect(url_for(".home"))
    try:
        mine = [a for a in services.agency_actions(keyring, actor=_me()) if a.action.id == action.id]
    except NotAKeyHolderError:
        db.session.rollback()
        return _no_key()
    db.session.commit()
    return render_template("partners/action.html", form=form, entry=mine[0], today=utcnow().date(),
                           is_overdue=queries.is_overdue), 400 if form.errors else 200
