"""The Group's pages for keeping reporting centres alive (issue 31 items 6-7), "/review/centres/":
every centre's history, reports per quarter and last report, the quiet ones flagged, the
checks of a centre and its staff's hate crime awareness training.

Administrators and the Group (reviewers) read them and log visits and training; only
administrators change a centre's opening and closing dates (closing hides it from the public).
Reports are counted from clear columns only: a report's centre and when it was received.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from reporting.auth.models import Role
from reporting.centres import queries, services
from reporting.centres import record_forms as forms
from reporting.centres.models import Centre
from reporting.db import utcnow
from reporting.extensions import db
from reporting.security import roles
from reporting.settings import current_settings
from reporting.words import gettext as _

bp = Blueprint("centre_records", __name__, url_prefix="/review/centres")
group_or_admin = roles(Role.ADMIN.value, Role.REVIEWER.value)
admin_only = roles(Role.ADMIN.value)


def _centre(centre_id: int) -> Centre:
    return db.get_or_404(Centre, centre_id)


@bp.get("/")
@group_or_admin
def list_centres() -> ResponseReturnValue:
    today = utcnow().date()
    rows = queries.centre_rows(today)
    return render_template(
        "centres/records/list.html", rows=rows, today=today,
        quiet=[row for row in rows if row.quiet], lapsed=[row for row in rows if row.lapsed],
    )


@bp.get("/<int:centre_id>")
@group_or_admin
def show_centre(centre_id: int) -> ResponseReturnValue:
    centre = _centre(centre_id)
    today = utcnow().date()
    return render_template(
        "centres/records/centre.html", centre=centre, row=queries.centre_row(centre, today), today=today,
        quarters=queries.reports_per_quarter(centre.id), visits=queries.visits(centre.id),
        training=queries.training(centre.id), is_admin=current_user.role == Role.ADMIN.value,
    )


def _form_page(template: str, centre: Centre, form: Any) -> ResponseReturnValue:
    return render_template(template, centre=centre, form=form), 400 if form.errors else 200


@bp.route("/<int:centre_id>/history", methods=["GET", "POST"])
@admin_only
def edit_history(centre_id: int) -> ResponseReturnValue:
    centre = _centre(centre_id)
    form = forms.HistoryForm(data=forms.HistoryForm.initial(centre.opened_on, centre.closed_on, centre.contact_email))
    if form.validate_on_submit():
        data = form.data_for_service()
        problems = services.history_problems(data, today=utcnow().date())
        for name, problem in problems.items():
            getattr(form, name).errors = [problem]  # staff-only, in English like the rest of this page
        if not problems:
            services.set_history(centre, data, actor=current_user)
            db.session.commit()
            flash(_("Centre's dates saved."), "success")
            return redirect(url_for(".show_centre", centre_id=centre.id))
    return _form_page("centres/records/history.html", centre, form)


@bp.route("/<int:centre_id>/visits/new", methods=["GET", "POST"])
@group_or_admin
def record_visit(centre_id: int) -> ResponseReturnValue:
    centre = _centre(centre_id)
    form = forms.VisitForm()
    if form.validate_on_submit():
        services.record_visit(centre, form.data_for_service(), actor=current_user)
        db.session.commit()
        flash(_("Visit recorded."), "success")
        return redirect(url_for(".show_centre", centre_id=centre.id, _anchor="visits"))
    return _form_page("centres/records/visit.html", centre, form)


@bp.route("/<int:centre_id>/training/new", methods=["GET", "POST"])
@group_or_admin
def record_training(centre_id: int) -> ResponseReturnValue:
    centre = _centre(centre_id)
    months = current_settings().training_refresh_months
    form = forms.TrainingForm(refresh_months=months)
    if form.validate_on_submit():
        services.record_training(centre, form.data_for_service(), actor=current_user, refresh_months=months)
        db.session.commit()
        flash(_("Training recorded."), "success")
        return redirect(url_for(".show_centre", centre_id=centre.id, _anchor="training"))
    return _form_page("centres/records/training.html", centre, form)
