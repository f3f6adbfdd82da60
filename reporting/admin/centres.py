"""Administrators' centre pages: add, edit, retire; reports per centre per month; quiet centres."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from reporting.admin import admin_only, bp, queries
from reporting.centres import admin_forms as forms
from reporting.centres import services
from reporting.centres.models import Centre
from reporting.db import utcnow
from reporting.extensions import db
from reporting.forms import ConfirmForm
from reporting.forms.record_pages import RecordPages
from reporting.words import gettext as _
from reporting.words import lazy_gettext as _l


def _listing() -> dict[str, Any]:
    now = utcnow()
    return {
        "centres": db.session.scalars(select(Centre).order_by(Centre.active.desc(), Centre.name)).all(),
        "activity": queries.centre_activity(now - timedelta(days=365)),
        "months": queries.month_labels(now, 12),
        "one_year_ago": now - timedelta(days=365),
    }


def _form(centre: Centre | None, initial: bool) -> forms.CentreForm:
    if centre is None:
        return forms.CentreForm(new=True)
    return forms.CentreForm(data=forms.CentreForm.initial(centre) if initial else None)


PAGES: RecordPages[Centre] = RecordPages(
    model=Centre, noun="centre", plural="centres",
    list_template="admin/centres.html", edit_template="admin/centre.html",
    make_form=_form,
    problems=lambda data: services.validate(data, towns=services.area_codes()),
    save=lambda data, actor, centre: services.save_centre(data, actor=actor, centre=centre),
    saved_message=_l("Centre saved."),
    list_title=_l("Reporting centres"),
    from_csv=forms.centres_from_csv,
    import_rows=lambda rows, actor: services.import_centres(rows, actor=actor),
    import_title=_l("Import centres from a CSV file"),
    listing=_listing,
    edit_context=lambda centre: {"retire_form": ConfirmForm() if centre else None},
)
PAGES.register(bp, prefix="/centres", guard=admin_only)


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
