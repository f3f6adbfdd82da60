"""The Group writes to the person who reported, from the case page ("/review/cases/<ref>/messages")."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from reporting.cases import forms, policies, queries
from reporting.cases import services as case_services
from reporting.cases.views import case_page
from reporting.exceptions import ContentDestroyedError, NotAKeyHolderError, PermissionDeniedError
from reporting.extensions import db
from reporting.keys.staff import staff_keyring as _keyring
from reporting.reports.models import Report
from reporting.security import roles
from reporting.status import services
from reporting.urls import external_url
from reporting.words import gettext as _

bp = Blueprint("messages", __name__, url_prefix="/review")


@bp.post("/cases/<reference>/messages")
@roles(policies.REVIEWER)
def send_message(reference: str) -> ResponseReturnValue:
    report: Report = db.first_or_404(queries.by_reference(reference))
    form = forms.MessageForm(prefix="message")
    if not form.validate():
        return case_page(report, message_form=form)
    back = url_for("cases.show_case", reference=report.reference)
    try:
        services.send_to_reporter(report, form.text.data, actor=current_user)
    except PermissionDeniedError:
        db.session.rollback()
        flash(_("Only a reviewer who holds the Group's key can write to the reporter: nothing was sent."), "error")
        return redirect(back)
    except ContentDestroyedError:
        db.session.rollback()
        flash(_("This report's content was destroyed: the reporter can no longer read messages, so nothing was sent."), "error")
        return redirect(back)
    keyring = _keyring()
    address = language = None
    if keyring is not None:
        try:
            content = case_services.open_case(report, keyring)
            address, language = services.notification_address(content.answers), content.meta.get("language")
        except NotAKeyHolderError:
            address = None
    db.session.commit()
    if address:
        services.notify_reporter(address, external_url("status.enter_receipt"), language)
    flash(_("Message sent. The person reads it with their receipt code."), "success")
    return redirect(back)
