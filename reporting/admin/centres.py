"""Administrators' centre pages: add, edit, retire; reports per centre per month; quiet centres."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from reporting.admin import queries
from reporting.admin import admin_only, bp
from reporting.centres import forms, services
from reporting.centres.models import Centre
from reporting.db import utcnow
from reporting.extensions import db
from reporting.forms import ConfirmForm


@bp.get("/centres/")
@admin_only
def list_centres() -> ResponseReturnValue:
    now = utcnow()
    activity = queries.centre_activity(now - timedelta(days=365))
    months = queries.month_labels(now, 12)
    return render_template(
        "admin/centres.html",
        centres=db.session.scalars(select(Centre).order_by(Centre.active.desc(), Centre.name)).all(),
        activity=activity,
        months=months,
        one_year_ago=now - timedelta(days=365),
    )


def _save(form: forms.CentreForm, centre: Centre | None) -> ResponseReturnValue | None:
    data = form.data_for_service(slug=centre.slug if centre else None)
    problems = services.validate(data, towns=services.area_codes())
    if centre is None and db.session.scalar(select(Centre.id).where(Centre.slug == data.slug)) is not None:
        problems.append("slug is taken")
    if problems:
        form.name.errors = list(form.name.errors) + [_("Check the details: %(problems)s", problems="; ".join(problems))]
        return None
    saved = services.save_centre(data, actor=current_user, centre=centre)
    db.session.commit()
    flash(_("Centre saved."), "success")
    return redirect(url_for(".edit_centre", centre_id=saved.id))


@bp.route("/centres/new", methods=["GET", "POST"])
@admin_only
def new_centre() -> ResponseReturnValue:
    form = forms.CentreForm(new=True)
    if form.validate_on_submit():
        done = _save(form, None)
        if done is not None:
            return done
    return render_template("admin/centre.html", form=form, centre=None, retire_form=None)


@bp.route("/centres/<int:centre_id>", methods=["GET", "POST"])
@admin_only
def edit_centre(centre_id: int) -> ResponseReturnValue:
    centre = db.get_or_404(Centre, centre_id)
    form = forms.CentreForm(data=None if request.method == "POST" else forms.CentreForm.initial(centre))
    if form.validate_on_submit():
        done = _save(form, centre)
        if done is not None:
            return done
    return render_template("admin/centre.html", form=form, centre=centre, retire_form=ConfirmForm())


@bp.post("/centres/<int:centre_id>/retire")
@admin_only
def retire_centre(centre_id: int) -> ResponseReturnValue:
    centre = db.get_or_404(Centre, centre_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.retire_centre(centre, actor=current_user)
    db.session.commit()
    flash(_("Centre retired: it no longer shows in the directory. Its reports are kept."), "success")
    return redirect(url_for(".list_centres"))
