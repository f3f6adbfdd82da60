"""Staff sign-in: password, then TOTP (enrolled at first sign-in), then the staff area."""
from __future__ import annotations

from urllib.parse import urlsplit

import segno
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user
from markupsafe import Markup

from reporting import crypto
from reporting.auth import passkeys, services
from reporting.auth import session as staff
from reporting.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    FirstPasswordForm,
    PasskeyForm,
    PasskeySignInForm,
    SignInForm,
)
from reporting.auth.models import Role, StaffSession, User
from reporting.auth.passphrases import suggest_passphrase
from reporting.db import utcnow
from reporting.exceptions import (
    PasswordPolicyError,
    SignInFailedError,
    TooManyAttemptsError,
)
from reporting.extensions import db, limiter
from reporting.security import public, roles
from reporting.settings import current_settings
from reporting.words import gettext as _

bp = Blueprint("auth", __name__, url_prefix="/staff")
ALL_STAFF = tuple(role.value for role in Role)
HOMES = {
    Role.REVIEWER.value: "cases.show_queue",
    Role.ADMIN.value: "admin.index",
    Role.CENTRE_STAFF.value: "assisted.index",
    Role.POLICE.value: "referrals.show_inbox",
    Role.AGENCY.value: "partners.home",
}


def _client() -> str:
    return request.remote_addr or "unknown"


def _too_many(error: TooManyAttemptsError) -> str:
    return _("Too many attempts. Wait %(seconds)s seconds, then try again.", seconds=error.seconds)


def _signin_limit() -> str:
    return "30 per minute"


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    form = SignInForm()
    message = None
    if form.validate_on_submit():
        try:
            user, private = services.sign_in_with_password(form.email.data, form.password.data, client=_client(),
                                                           settings=current_settings(),
                                                           account_open=staff.account_open)
        except TooManyAttemptsError as error:
            message = _too_many(error)
        except SignInFailedError:
            db.session.commit()  # keep the audit entry of the failure
            message = _("The email address, password or code is not right.")
        else:
            staff.forget()
            ticket = services.start_session(user, private, now=utcnow())
            db.session.commit()
            staff.remember(ticket)
            return redirect(url_for(_next_step(user)))
    return render_template("auth/login.html", form=form, message=message), 200


def _next_step(user: User) -> str:
    """After the password: one's own password first if the admin set a temporary one and no
    authenticator is enrolled yet, so the enrolment secret is never shown to whoever chose
    the temporary password (the admin who made or reset the account)."""
    if user.must_change_password and not user.totp_confirmed:
        return ".first_password"
    return ".second_factor" if user.totp_confirmed else ".enrol"


@bp.route("/first-password", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def first_password() -> ResponseReturnValue:
    pending = staff.pending_session()
    if pending is None:
        return redirect(url_for(".login"))
    staff_session, user = pending
    if not user.must_change_password or user.totp_confirmed:
        return redirect(url_for(_next_step(user)))
    form = FirstPasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user, staff.personal_private_key_of_pending(), form.new_password.data,
                                     settings=current_settings(), keep_session=staff_session.id)
        except PasswordPolicyError:
            db.session.rollback()
            form.new_password.errors = [_policy_message(user)]
        else:
            db.session.commit()
            return redirect(url_for(_next_step(user)))
    return render_template("auth/first_password.html", form=form, **_passphrase_offer(user))


def _policy_message(user: User) -> str:
    if user.role in services.KEY_HOLDER_ROLES:
        return _("Choose a longer password that is much harder to guess. As a key holder you need a very strong one: "
                 "not a common password, your email address, or built on the name of this service, the Partnership, "
                 "a town or a year. Six random words, like the passphrase suggested above, work well.")
    return _("Choose a longer password that is harder to guess: not a common password, your email address, or built on "
             "the name of this service, the Partnership, a town or a year. A few unrelated words together work well.")


def _passphrase_offer(user: User) -> dict[str, object]:
    """A passphrase made now for the page (never stored), and whether the stronger rule applies."""
    return {"suggestion": suggest_passphrase(), "key_holder": user.role in services.KEY_HOLDER_ROLES}


def _second_factor_page(enrolling: bool) -> ResponseReturnValue:
    pending = staff.pending_session()
    if pending is None:
        return redirect(url_for(".login"))
    staff_session, user = pending
    if user.must_change_password and not user.totp_confirmed:
        return redirect(url_for(".first_password"))
    if enrolling and user.totp_confirmed:
        return redirect(url_for(".second_factor"))
    if not enrolling and not user.totp_confirmed:
        return redirect(url_for(".enrol"))
    form = CodeForm()
    message = None
    if form.validate_on_submit():
        try:
            services.verify_second_factor(user, form.code.data, client=_client(), now=utcnow(),
                                          settings=current_settings())
        except TooManyAttemptsError as error:
            message = _too_many(error)
        except SignInFailedError:
            db.session.commit()
            message = _("The code is not right. Check the time on your phone and try the newest code.")
        else:
            if passkeys.passkey_step_due(staff_session, user):
                db.session.commit()
                return redirect(url_for(".passkey_step"))
            return _signed_in(staff_session, user)
    context = {"form": form, "message": message}
    if enrolling:
        secret = services.totp_secret(user, current_settings())
        db.session.commit()
        uri = services.totp_uri(user, current_settings())
        context |= {
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            # segno writes only path numbers and the two colours; the URI is encoded in the path.
            "qr_svg": Markup(segno.make(uri, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")),  # nosec B704
        }
        return render_template("auth/enrol.html", **context)
    return render_template("auth/two_factor.html", **context)


def _signed_in(staff_session: StaffSession, user: User) -> ResponseReturnValue:
    services.complete_sign_in(staff_session, user, now=utcnow(), settings=current_settings())
    db.session.commit()
    login_user(user)
    if user.must_change_password:
        return redirect(url_for(".change_password"))
    return redirect(url_for(".home"))


def _relying_party() -> crypto.RelyingParty:
    """The service as passkeys see it: its public address in production (never a request's Host)."""
    parts = urlsplit(current_app.config.get("PUBLIC_BASE_URL") or request.host_url)
    return crypto.RelyingParty(id=parts.hostname or "localhost", origin=f"{parts.scheme}://{parts.netloc}",
                               name=current_settings().service_name)


@bp.route("/passkey", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def passkey_step() -> ResponseReturnValue:
    """After the password and the code, a passkey holder's passkey opens their key."""
    pending = staff.pending_session()
    found = staff.ticket()
    if pending is None or found is None:
        return redirect(url_for(".login"))
    staff_session, user = pending
    if not staff_session.awaiting_passkey:
        return redirect(url_for(_next_step(user)))
    form = PasskeySignInForm()
    message = None
    if form.validate_on_submit():
        if not (form.assertion.data and form.prf.data):
            message = _("Use the button below: your browser then asks for your passkey. This step needs JavaScript.")
        else:
            try:
                services.check_step_throttle(user, _client())
                passkeys.unlock_with_passkey(user, staff_session, assertion=form.assertion.data, prf=form.prf.data,
                                             session_secret=found.secret, rp=_relying_party(), now=utcnow())
            except TooManyAttemptsError as error:
                message = _too_many(error)
            except crypto.CryptoError:
                db.session.rollback()
                services.count_failed_step(user, _client())
                db.session.commit()
                message = _("That passkey did not open your key. Try again with the passkey you added to this account.")
            else:
                return _signed_in(staff_session, user)
    options = passkeys.begin_sign_in(staff_session, user, _relying_party())
    db.session.commit()
    return render_template("auth/passkey_sign_in.html", form=form, message=message, options=options)


@bp.route("/passkeys", methods=["GET", "POST"])
@roles(*tuple(services.KEY_HOLDER_ROLES))
def list_passkeys() -> ResponseReturnValue:
    """A key holder's passkeys, and adding one (the page's script talks to the authenticator)."""
    user = current_user._get_current_object()
    staff_session = g.staff_session
    found = staff.ticket()
    form = PasskeyForm()
    message = None
    if form.validate_on_submit() and found is not None:
        if not (form.registration.data and form.assertion.data and form.prf.data):
            message = _("Use the “Add a passkey” button: your browser then asks you to create a passkey. This needs JavaScript.")
        else:
            response = passkeys.EnrolmentResponse(form.registration.data, form.assertion.data, form.prf.data,
                                                  form.name.data or "")
            try:
                _user, password_key = services.check_password(user.email, form.current_password.data,
                                                              client=_client(), settings=current_settings())
                passkeys.enrol_passkey(user, staff_session, response, password_key=password_key,
                                       personal_private=staff.personal_private_key(), session_secret=found.secret,
                                       rp=_relying_party(), now=utcnow())
            except TooManyAttemptsError as error:
                message = _too_many(error)
            except SignInFailedError:
                db.session.commit()
                form.current_password.errors = [_("Your password is not right")]
            except crypto.CryptoError:
                db.session.rollback()
                message = _("The passkey could not be added. Use a passkey that can protect keys (current phones, "
                            "computers and security keys can), and try again. If you added one in another window, "
                            "sign out and sign in again first.")
            else:
                db.session.commit()
                flash(_("Passkey added. From now on you sign in with your password, a code and this passkey."), "success")
                return redirect(url_for(".list_passkeys"))
    options = passkeys.begin_enrolment(staff_session, user, _relying_party())
    db.session.commit()
    return render_template("auth/passkeys.html", form=form, message=message, options=options,
                           passkeys=passkeys.passkeys_of(user))


@bp.route("/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def second_factor() -> ResponseReturnValue:
    return _second_factor_page(enrolling=False)


@bp.route("/enrol", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def enrol() -> ResponseReturnValue:
    return _second_factor_page(enrolling=True)


@bp.get("/")
@roles(*ALL_STAFF)
def home() -> ResponseReturnValue:
    endpoint = HOMES.get(current_user.role)
    if endpoint:
        return redirect(url_for(endpoint))
    return render_template("auth/home.html")


@bp.route("/password", methods=["GET", "POST"])
@roles(*ALL_STAFF)
# Checks the password like a sign-in (and counts failures the same way).
@limiter.limit(_signin_limit, methods=["POST"])
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    message = None
    if form.validate_on_submit():
        try:
            _user, private = services.sign_in_with_password(
                current_user.email, form.current_password.data, client=_client(), settings=current_settings()
            )
            current = staff.ticket()
            services.change_password(current_user, private, form.new_password.data, settings=current_settings(),
                                     keep_session=current.session_id if current else None)
        except TooManyAttemptsError as error:
            message = _too_many(error)
        except SignInFailedError:
            db.session.commit()
            form.current_password.errors = [_("Your current password is not right")]
        except PasswordPolicyError:
            db.session.rollback()
            form.new_password.errors = [_policy_message(current_user._get_current_object())]
        else:
            db.session.commit()
            return redirect(url_for(".home"))
    return render_template("auth/password.html", form=form, message=message,
                           **_passphrase_offer(current_user._get_current_object()))


@bp.post("/logout")
@roles(*ALL_STAFF)
def logout() -> ResponseReturnValue:
    from flask_login import logout_user

    staff.forget()
    logout_user()
    db.session.commit()
    return redirect(url_for(".login"))
