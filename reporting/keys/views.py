"""The two-person rule on the web: a second key holder approves each grant ("/staff/grants")."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from reporting import crypto
from reporting.auth import session as staff
from reporting.auth.models import User
from reporting.exceptions import NotAKeyHolderError, PermissionDeniedError
from reporting.extensions import db
from reporting.forms import ConfirmForm
from reporting.keys import services as key_services
from reporting.codes import KEY_FOR_ROLE
from reporting.keys.models import GrantRequest
from reporting.security import roles
from reporting.words import gettext as _

bp = Blueprint("keys", __name__, url_prefix="/staff")
KEY_HOLDING = tuple(KEY_FOR_ROLE)

AgencyNames = Callable[[], Iterable[tuple[int, str, bool]]]
_AGENCY_NAMES = "reporting.agency_names"


def register_agency_names(app: Flask, names: AgencyNames) -> None:
    """Where the grant pages find partner agencies' names ((id, name, active) rows): the agencies
    live above keys, so the app factory passes their lookup in."""
    app.extensions[_AGENCY_NAMES] = names


def _agency_names() -> dict[int, str]:
    names: AgencyNames | None = current_app.extensions.get(_AGENCY_NAMES)
    return {agency_id: name for agency_id, name, _active in names()} if names else {}


@bp.get("/grants")
@roles(*KEY_HOLDING)
def list_grants() -> ResponseReturnValue:
    waiting = key_services.requests_for(current_user._get_current_object())
    agencies = _agency_names() if waiting else {}
    askers = {user.id: user.email for user in db.session.scalars(
        select(User).where(User.id.in_({request.requested_by_id for request, _grantee in waiting if request.requested_by_id}))
    )} if waiting else {}
    rows = [(grant_request, grantee, agencies.get(grant_request.agency_id or 0), askers.get(grant_request.requested_by_id or 0))
            for grant_request, grantee in waiting]
    return render_template("keys/grants.html", waiting=rows, button_form=ConfirmForm(formdata=None))


@bp.post("/grants/<int:request_id>/approve")
@roles(*KEY_HOLDING)
def approve_grant(request_id: int) -> ResponseReturnValue:
    grant_request = db.get_or_404(GrantRequest, request_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        key_services.approve_grant(grant_request, current_user._get_current_object(), staff.personal_private_key())
    except crypto.CryptoError:
        db.session.rollback()
        flash(_("Your key could not be opened in this session. Sign out, sign in again and try again."), "error")
    except (PermissionDeniedError, NotAKeyHolderError):
        db.session.rollback()
        flash(_("Refused: a second key holder, not the one who asked and not whoever created or reset the account, must approve."), "error")
    else:
        db.session.commit()
        flash(_("Approved. They can now read what their role allows."), "success")
    return redirect(url_for(".list_grants"))
