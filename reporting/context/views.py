"""Initiatives ("/stats/initiatives/": analysts and administrators record them, reviewers may
look) and area populations ("/admin/populations/": administrators only)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from reporting.auth.models import Role
from reporting.codes import InitiativeKind
from reporting.context import queries, services
from reporting.context.forms import InitiativeForm, PopulationForm
from reporting.context.models import AreaPopulation, Initiative
from reporting.extensions import db
from reporting.security import roles
from reporting.words import gettext as _

bp = Blueprint("context", __name__)
readers = roles(Role.ANALYST, Role.ADMIN, Role.REVIEWER)
recorders = roles(Role.ANALYST, Role.ADMIN)
admin_only = roles(Role.ADMIN)


def _actor() -> object:
    return current_user._get_current_object()


def _initiative(initiative_id: int) -> Initiative:
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None:
        abort(404)
    return initiative


def _may_record() -> bool:
    return current_user.role in (Role.ANALYST, Role.ADMIN)


@bp.get("/stats/initiatives/")
@readers
def list_initiatives() -> ResponseReturnValue:
    return render_template("context/initiatives.html", initiatives=queries.initiatives(),
                           areas=dict(queries.areas()), may_record=_may_record())


def _form_page(initiative: Initiative | None) -> ResponseReturnValue:
    areas = queries.areas()
    initial = None
    if request.method != "POST":
        initial = {"area": "all"} if initiative is None else {
            "title": initiative.title, "kind": initiative.kind, "starts_on": initiative.starts_on,
            "ends_on": initiative.ends_on, "area": initiative.area or "all"}
    form = InitiativeForm(data=initial, areas=areas)
    if form.validate_on_submit():
        data = services.InitiativeData(
            title=form.title.data, kind=InitiativeKind(form.kind.data), starts_on=form.starts_on.data,
            ends_on=form.ends_on.data, area=None if form.area.data == "all" else form.area.data)
        services.save_initiative(data, actor=_actor(), initiative=initiative)
        db.session.commit()
        flash(_("Initiative saved: “%(title)s”.", title=data.title), "success")
        return redirect(url_for(".list_initiatives"))
    return render_template("context/initiative.html", form=form, initiative=initiative), 400 if form.errors else 200


@bp.route("/stats/initiatives/new", methods=["GET", "POST"])
@recorders
def new_initiative() -> ResponseReturnValue:
    return _form_page(None)


@bp.route("/stats/initiatives/<int:initiative_id>", methods=["GET", "POST"])
@recorders
def edit_initiative(initiative_id: int) -> ResponseReturnValue:
    return _form_page(_initiative(initiative_id))


@bp.route("/stats/initiatives/<int:initiative_id>/remove", methods=["GET", "POST"])
@recorders
def remove_initiative(initiative_id: int) -> ResponseReturnValue:
    initiative = _initiative(initiative_id)
    if request.method == "POST":
        title = initiative.title
        services.remove_initiative(initiative, actor=_actor())
        db.session.commit()
        flash(_("Initiative removed: “%(title)s”.", title=title), "success")
        return redirect(url_for(".list_initiatives"))
    return render_template("context/remove_initiative.html", initiative=initiative)


@bp.get("/admin/populations/")
@admin_only
def list_populations() -> ResponseReturnValue:
    return render_template("context/populations.html", areas=queries.areas(), populations=queries.populations())


def _area(code: str) -> str:
    """The area's words; 404 for a code not in the list."""
    words = dict(queries.areas()).get(code)
    if words is None:
        abort(404)
    return words


@bp.route("/admin/populations/<area>", methods=["GET", "POST"])
@admin_only
def edit_population(area: str) -> ResponseReturnValue:
    words = _area(area)
    row = db.session.get(AreaPopulation, area)
    initial = None
    if request.method != "POST" and row is not None:
        initial = {"population": f"{row.population:,}", "source": row.source, "year": str(row.year)}
    form = PopulationForm(data=initial)
    if form.validate_on_submit():
        assert form.population.number is not None and form.year.number is not None
        services.save_population(area, population=form.population.number, source=form.source.data,
                                 year=form.year.number, actor=_actor())
        db.session.commit()
        flash(_("Population saved for %(area)s.", area=words), "success")
        return redirect(url_for(".list_populations"))
    return render_template("context/population.html", form=form, area=area, area_words=words, row=row), (
        400 if form.errors else 200)


@bp.post("/admin/populations/<area>/remove")
@admin_only
def remove_population(area: str) -> ResponseReturnValue:
    words = _area(area)
    if services.remove_population(area, actor=_actor()):
        db.session.commit()
        flash(_("Population removed for %(area)s: its rate is no longer shown.", area=words), "success")
    return redirect(url_for(".list_populations"))
