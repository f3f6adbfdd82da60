"""Administrators' support-services pages ("/admin/support/"): list, add, edit."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from reporting.auth.models import Role
from reporting.extensions import db
from reporting.security import roles
from reporting.support import services
from reporting.support.forms import SupportServiceForm
from reporting.support.models import SupportService

bp = Blueprint("support_admin", __name__, url_prefix="/admin/support")
admin_only = roles(Role.ADMIN.value)


@bp.get("/")
@admin_only
def list_services() -> ResponseReturnValue:
    return render_template("support/admin_list.html", services=services.all_services())


def _save(form: SupportServiceForm, service: SupportService | None) -> ResponseReturnValue | None:
    data = form.data_for_service(slug=service.slug if service else None)
    problems = services.validate(data)
    if service is None and db.session.scalar(select(SupportService.id).where(SupportService.slug == data.slug)) is not None:
        problems.append("slug is taken")
    if problems:
        form.name.errors = list(form.name.errors) + [_("Check the details: %(problems)s", problems="; ".join(problems))]
        return None
    saved = services.save_service(data, actor=current_user, service=service)
    db.session.commit()
    flash(_("Support service saved."), "success")
    return redirect(url_for(".edit_service", service_id=saved.id))


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new_service() -> ResponseReturnValue:
    form = SupportServiceForm()
    if request.method == "POST" and form.validate():
        saved = _save(form, None)
        if saved is not None:
            return saved
    return render_template("support/admin_edit.html", form=form, service=None)


@bp.route("/<int:service_id>", methods=["GET", "POST"])
@admin_only
def edit_service(service_id: int) -> ResponseReturnValue:
    service = db.get_or_404(SupportService, service_id)
    form = SupportServiceForm() if request.method == "POST" else SupportServiceForm.for_service(service)
    if request.method == "POST" and form.validate():
        saved = _save(form, service)
        if saved is not None:
            return saved
    return render_template("support/admin_edit.html", form=form, service=service)


@bp.app_context_processor
def _support_services() -> dict[str, object]:
    # Called only by the pages that show them (templates/support/_services.html).
    return {"support_services": services.active_services}
