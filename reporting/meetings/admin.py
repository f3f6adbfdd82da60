"""Administrators' partner agency pages: "/admin/agencies/"; people at an agency are added here."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from reporting.auth.models import Role, User
from reporting.exceptions import DuplicateEmailError, PasswordPolicyError
from reporting.extensions import db
from reporting.meetings import forms, queries, services
from reporting.meetings.models import Agency, AgencyKind
from reporting.security import roles
from reporting.settings import current_settings
from reporting.words import gettext as _

bp = Blueprint("agencies_admin", __name__, url_prefix="/admin/agencies")
admin_only = roles(Role.ADMIN.value)


def _agency(agency_id: int) -> Agency:
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        abort(404)
    return agency


@bp.get("/")
@admin_only
def list_agencies() -> ResponseReturnValue:
    return render_template("meetings/agencies.html", agencies=queries.agencies())


def _save(form: forms.AgencyForm, agency: Agency | None) -> ResponseReturnValue | None:
    data = services.AgencyData(form.name.data, AgencyKind(form.kind.data), form.contact_email.data.strip().lower(),
                               form.active.data == "yes", (form.lead_contact_email.data or "").strip().lower())
    try:
        saved = services.save_agency(data, actor=current_user._get_current_object(), agency=agency)
    except services.MeetingError:
        db.session.rollback()
        form.name.errors = [_("There is already an agency with this name")]
        return None
    db.session.commit()
    flash(_("Agency saved."), "success")
    return redirect(url_for(".edit_agency", agency_id=saved.id))


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new_agency() -> ResponseReturnValue:
    form = forms.AgencyForm(data=None if request.method == "POST" else {"active": "yes"})
    if form.validate_on_submit():
        done = _save(form, None)
        if done is not None:
            return done
    return render_template("meetings/agency.html", form=form, agency=None, people=[], person_form=None), (
        400 if form.errors else 200)


@bp.route("/<int:agency_id>", methods=["GET", "POST"])
@admin_only
def edit_agency(agency_id: int) -> ResponseReturnValue:
    agency = _agency(agency_id)
    initial = {"name": agency.name, "kind": agency.kind, "contact_email": agency.contact_email,
               "lead_contact_email": agency.lead_contact_email or "", "active": "yes" if agency.active else "no"}
    form = forms.AgencyForm(data=None if request.method == "POST" else initial)
    if form.validate_on_submit():
        done = _save(form, agency)
        if done is not None:
            return done
    return _page(agency, form, forms.AgencyUserForm(formdata=None), 400 if form.errors else 200)


def _page(agency: Agency, form: forms.AgencyForm, person_form: forms.AgencyUserForm, status: int) -> ResponseReturnValue:
    people = list(db.session.scalars(select(User).where(User.agency_id == agency.id).order_by(User.email)))
    return render_template("meetings/agency.html", form=form, agency=agency, people=people,
                           person_form=person_form), status


@bp.post("/<int:agency_id>/people")
@admin_only
def add_person(agency_id: int) -> ResponseReturnValue:
    agency = _agency(agency_id)
    initial = {"name": agency.name, "kind": agency.kind, "contact_email": agency.contact_email,
               "lead_contact_email": agency.lead_contact_email or "", "active": "yes" if agency.active else "no"}
    person_form = forms.AgencyUserForm()
    if person_form.validate():
        try:
            user = services.add_agency_user(agency, email=person_form.email.data, password=person_form.password.data,
                                            actor=current_user._get_current_object(), settings=current_settings())
        except DuplicateEmailError:
            db.session.rollback()
            person_form.email.errors = [_("There is already an account with this email address")]
        except PasswordPolicyError:
            db.session.rollback()
            person_form.password.errors = [_("The password must be at least 12 characters and hard to guess: not their email address, a common password, the name of this service or a year. A few unrelated words together work well.")]
        except services.MeetingError:
            db.session.rollback()
            person_form.email.errors = [_("This agency is no longer active: make it active first")]
        else:
            db.session.commit()
            flash(_("Account created for %(email)s. They read nothing until granted the partners' key, like the police key: with the recovery key for the first person, then asked for and approved by a second holder.", email=user.email), "success")
            return redirect(url_for("admin.show_user", user_id=user.id))
    return _page(agency, forms.AgencyForm(formdata=None, data=initial), person_form, 400)
