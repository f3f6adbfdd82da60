"""The administrators' area, "/admin/": accounts, key holders, the audit log (admins only).

Each POST validates one form, calls one service, commits once and redirects. A
refusal from a service (the last key holder, a duplicate email...) is rolled back
and shown on the page as an error: nothing changes.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from reporting import audit, crypto, labels
from reporting.admin import accounts, admin_only, bp, forms, queries
from reporting.auth import services
from reporting.auth import session as staff
from reporting.auth.models import Role, User
from reporting.exceptions import (
    DuplicateEmailError,
    LastKeyHolderError,
    NoHolderYetError,
    NotAKeyHolderError,
    PasswordPolicyError,
    PermissionDeniedError,
)
from reporting.db import utcnow
from reporting.evidence import services as evidence_services
from reporting.extensions import db
from reporting.keys import services as key_services
from reporting.keys.models import KeyName, KeyPurpose
from reporting.meetings import queries as meeting_queries
from reporting.meetings.models import Agency


def _last_holder_message() -> str:
    return _("Refused: this is the last person who can read the reports; grant someone else first")


def _self_message() -> str:
    return _("You cannot change your own account here. Ask another administrator.")


@bp.context_processor
def _key_holder_warning() -> dict[str, Any]:
    # A callable, so only pages that show the warning pay for the query.
    return {"group_key_holders": lambda: accounts.key_holders(KeyPurpose.GROUP)}


@bp.get("/")
@admin_only
def index() -> ResponseReturnValue:
    rows = queries.user_rows()
    waiting = [row for row in rows if row.waiting_for_key]
    delayed = audit.recent(services.SIGNIN_DELAYED, utcnow() - timedelta(hours=24))
    storage_files, storage_bytes = evidence_services.storage_used()
    return render_template("admin/index.html", user_count=len(rows), waiting=waiting, delayed_sign_ins=delayed,
                           storage_files=storage_files, storage_bytes=storage_bytes)


# Accounts ------------------------------------------------------------------------------

@bp.get("/users/")
@admin_only
def list_users() -> ResponseReturnValue:
    return render_template("admin/users.html", rows=queries.user_rows(), role_labels=forms.ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user() -> ResponseReturnValue:
    form = forms.NewUserForm(centres=queries.centre_choices())
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                role=Role(form.role.data),
                password=form.password.data,
                actor=current_user,
                settings=current_settings(),
                centre=queries.centre_by_slug(form.centre_slug()),
            )
        except DuplicateEmailError:
            db.session.rollback()
            form.email.errors = [_("There is already an account with this email address")]
        except PasswordPolicyError:
            db.session.rollback()
            form.password.errors = [_("The password must be at least 12 characters and hard to guess: not their email address, a common password, the name of this service or a year. A few unrelated words together work well.")]
        else:
            db.session.commit()
            flash(_("Account created for %(email)s. They must choose their own password when they first sign in.",
                    email=user.email), "success")
            return redirect(url_for(".show_user", user_id=user.id))
    return render_template("admin/new_user.html", form=form, role_labels=forms.ROLE_LABELS)


def _may_grant(row: queries.UserRow) -> bool:
    """The ask button shows only when it can work: a reader's role, no grant yet, someone holds
    the key to approve it, and it is not an account we created or reset (the two-person rule)."""
    return (
        row.key is not None
        and row.user.active
        and not row.holder
        and key_services.may_request(row.user, current_user._get_current_object())
        and not key_services.is_first_grant(row.key)
    )


def _key_title(row: queries.UserRow) -> str:
    if row.key is None:
        return ""
    agency = db.session.get(Agency, row.key.agency_id) if row.key.agency_id is not None else None
    return labels.key_title(row.key.purpose, agency.name if agency else None)


def _user_page(user: User, *, refusal: dict[str, str] | None = None, **given: Any) -> ResponseReturnValue:
    row = queries.user_row(user)
    centre_slug = row.centre.slug if row.centre else ""
    context: dict[str, Any] = {
        "row": row,
        "is_self": user.id == current_user.id,
        "may_grant": _may_grant(row),
        "key_title": _key_title(row),
        "no_holder_yet": bool(row.key and key_services.is_first_grant(row.key)),
        "grant_pending": bool(row.key and key_services.pending_request(user, row.key)),
        "role_labels": forms.ROLE_LABELS,
        "role_form": forms.RoleForm(formdata=None, prefix="role", centres=queries.centre_choices(),
                                    data={"role": user.role, "centre": centre_slug}),
        "reset_form": forms.ResetForm(formdata=None, prefix="reset", email=user.email),
        "button_form": forms.ButtonForm(formdata=None),
        "refusal": refusal,
    }
    context.update(given)
    return render_template("admin/user.html", **context)


@bp.get("/users/<int:user_id>")
@admin_only
def show_user(user_id: int) -> ResponseReturnValue:
    return _user_page(db.get_or_404(User, user_id))


def _done(user: User, message: str) -> ResponseReturnValue:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show_user", user_id=user.id))


def _refuse(user: User, section: str, message: str, **given: Any) -> ResponseReturnValue:
    db.session.rollback()
    return _user_page(user, refusal={"section": section, "message": message}, **given)


@bp.post("/users/<int:user_id>/role")
@admin_only
def change_role(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = forms.RoleForm(prefix="role", centres=queries.centre_choices())
    if not form.validate():
        return _user_page(user, role_form=form)
    if user.id == current_user.id:
        return _refuse(user, "role", _self_message(), role_form=form)
    try:
        accounts.change_role(user, Role(form.role.data), actor=current_user,
                             centre=queries.centre_by_slug(form.centre_slug()))
    except LastKeyHolderError:
        return _refuse(user, "role", _last_holder_message(), role_form=form)
    return _done(user, _("Role saved."))


@bp.post("/users/<int:user_id>/deactivate")
@admin_only
def deactivate_user(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    if not forms.ButtonForm().validate():
        abort(400)
    if user.id == current_user.id:
        return _refuse(user, "active", _self_message())
    try:
        accounts.set_active(user, False, actor=current_user)
    except LastKeyHolderError:
        return _refuse(user, "active", _last_holder_message())
    return _done(user, _("Account deactivated. They can no longer sign in."))


@bp.post("/users/<int:user_id>/reactivate")
@admin_only
def reactivate_user(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    if not forms.ButtonForm().validate():
        abort(400)
    accounts.set_active(user, True, actor=current_user)
    return _done(user, _("Account reactivated. They can sign in again."))


@bp.post("/users/<int:user_id>/reset")
@admin_only
def reset_user(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = forms.ResetForm(prefix="reset", email=user.email)
    if not form.validate():
        return _user_page(user, reset_form=form)
    if user.id == current_user.id:
        return _refuse(user, "reset", _self_message(), reset_form=form)
    try:
        accounts.reset_user(user, form.password.data, actor=current_user, settings=current_settings())
    except LastKeyHolderError:
        return _refuse(user, "reset", _last_holder_message(), reset_form=form)
    except PasswordPolicyError:
        db.session.rollback()
        form.password.errors = [_("The password must be at least 12 characters and hard to guess: not their email address, a common password, the name of this service or a year. A few unrelated words together work well.")]
        return _user_page(user, reset_form=form)
    return _done(user, _("Account reset. They must set up sign-in again, and a key holder must grant them access to the reports again."))


@bp.post("/users/<int:user_id>/grant")
@admin_only
def grant_access(user_id: int) -> ResponseReturnValue:
    """Ask for a grant: a second key holder approves it at /staff/grants (the two-person rule)."""
    user = db.get_or_404(User, user_id)
    if not forms.ButtonForm().validate():
        abort(400)
    try:
        key_services.request_grant(user, requester=current_user._get_current_object())
    except PermissionDeniedError:
        return _refuse(user, "grant", _("Refused: you cannot grant access to an account you created or reset. Ask another key holder."))
    except NotAKeyHolderError:
        return _refuse(user, "grant", _("Refused: you do not hold the key this person's role needs, or their role does not read reports."))
    except NoHolderYetError:
        return _refuse(user, "grant", _("Refused: nobody holds this key yet. Its first holder is granted it with the offline recovery key."))
    return _done(user, _("Access asked for. A second key holder must approve it before %(email)s can read the reports.", email=user.email))


# Keys and the audit log ----------------------------------------------------------------

@bp.get("/key-holders")
@admin_only
def list_key_holders() -> ResponseReturnValue:
    agencies = [(agency, key_services.holders_of(KeyName(KeyPurpose.AGENCY, agency.id)))
                for agency in meeting_queries.agencies()]
    return render_template(
        "admin/key_holders.html",
        group=accounts.key_holders(KeyPurpose.GROUP),
        police=accounts.key_holders(KeyPurpose.POLICE),
        agencies=agencies,
    )


@bp.get("/audit")
@admin_only
def show_audit_log() -> ResponseReturnValue:
    problem = audit.verify()
    form = forms.AuditFilterForm(
        formdata=MultiDict((k, v) for k, v in request.args.items(multi=True) if v),
        actions=queries.audit_actions(),
    )
    form.validate()
    # An unknown filter is ignored (with its message), so a hand-edited URL still shows the log.
    action = form.action.data if form.action.data and not form.action.errors else None
    page_number = form.page.data if form.page.data and not form.page.errors else 1
    listing = queries.audit_page(action, page_number)
    # Recorded last: on PostgreSQL the entry takes the chain's lock until the commit,
    # and every other audited action waits for it, so never hold it across verify().
    audit.record("audit.view", "audit", actor=current_user)
    db.session.commit()
    return render_template("admin/audit_log.html", form=form, problem=problem, listing=listing, action=action)


# The centre pages add their routes to this blueprint.
from reporting.admin import centres as _centres  # noqa: E402,F401
from reporting.settings import current_settings
from reporting.words import gettext as _
