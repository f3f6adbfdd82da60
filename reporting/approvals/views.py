"""/review/approvals: what waits for a second key holder, and their decision."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from reporting import crypto
from reporting.approvals import services
from reporting.approvals.models import TwoPersonRequest
from reporting.auth.models import Role
from reporting.exceptions import (
    ContentDestroyedError,
    DeliveryFailedError,
    NoDeliveryRouteError,
    NotAKeyHolderError,
    OnLegalHoldError,
    PermissionDeniedError,
)
from reporting.extensions import db
from reporting.forms import ConfirmForm
from reporting.keys.staff import staff_keyring as _keyring
from reporting.security import roles
from reporting.settings import current_settings
from reporting.urls import external_url
from reporting.words import gettext as _

bp = Blueprint("approvals", __name__, url_prefix="/review/approvals")
reviewer = roles(Role.REVIEWER)



@bp.get("/")
@reviewer
def list_approvals() -> ResponseReturnValue:
    user = current_user._get_current_object()
    waiting = services.waiting(user, _keyring())
    return render_template("approvals/list.html", waiting=[w for w in waiting if not w.mine],
                           mine=[w for w in waiting if w.mine], may_decide=services.may_ask(user),
                           button_form=ConfirmForm(formdata=None))


def _request(request_id: int) -> TwoPersonRequest:
    request = db.get_or_404(TwoPersonRequest, request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return request


def _refused(message: str) -> ResponseReturnValue:
    db.session.rollback()
    flash(message, "error")
    return redirect(url_for(".list_approvals"))


@bp.post("/<int:request_id>/approve")
@reviewer
def approve_request(request_id: int) -> ResponseReturnValue:
    request = _request(request_id)
    context = services.ActContext(keyring=_keyring(), settings=current_settings(),
                                  status_url=external_url("status.enter_receipt"))
    try:
        services.approve(request, actor=current_user._get_current_object(), context=context)
    except PermissionDeniedError:
        return _refused(_("Refused: a second reviewer who holds the Group's key, not the one who asked, must decide. Nothing was done."))
    except (NotAKeyHolderError, crypto.CryptoError):
        return _refused(_("Your key could not be opened in this session. Sign out, sign in again and try again. Nothing was done."))
    except NoDeliveryRouteError:
        return _refused(_("The reporter gave no email address with consent to be contacted, so the code cannot be sent. Nothing was done."))
    except DeliveryFailedError:
        return _refused(_("The email with the new code could not be sent. Nothing was done: try again later."))
    except OnLegalHoldError:
        return _refused(_("This case is on legal hold, or no longer on hold. Nothing was done."))
    except ContentDestroyedError:
        return _refused(_("This report's content was destroyed already. Nothing was done."))
    db.session.commit()
    flash(_("Approved and done."), "success")
    return redirect(url_for(".list_approvals"))


@bp.post("/<int:request_id>/decline")
@reviewer
def decline_request(request_id: int) -> ResponseReturnValue:
    request = _request(request_id)
    try:
        services.decline(request, actor=current_user._get_current_object())
    except PermissionDeniedError:
        return _refused(_("Refused: a second reviewer who holds the Group's key, not the one who asked, must decide. Nothing was done."))
    db.session.commit()
    flash(_("Declined. Nothing was done."), "success")
    return redirect(url_for(".list_approvals"))
