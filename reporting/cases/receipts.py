"""A new receipt code for a reporter who lost theirs: the staff side, under the two-person rule.

A reviewer records the reporter's request: how they asked, how they proved who they
are, the route they asked the code to come by, and why. A second key holder approves
it (reporting.approvals), and only then is the code made, by the service, and emailed
straight to the address the reporter gave in their report with their consent to be
contacted. No member of staff ever sees it: it is not shown on any page, not kept
(only its Argon2id verifier and the key wrapped under it), not logged (the mail log
line is the subject alone). Why email: of the routes this service has, it is the one
that reaches the reporter without passing through staff. A printed slip is printed by
staff; a call-back is read out by staff; the status page's messages are read with the
very code that was lost. A reporter who gave no email address with consent cannot be
sent a new code (the Group can still write to them by the contact route they gave,
and they can make a new report); that is refused when it is asked for, not later.
The reporter's old code keeps working until the new one is first used; then it stops,
and because copies of an email stay in a mailbox, that first use also gives them a
code shown only on their screen.

The reporter's side (the first use of the new code at /status) is in reporting.status; the
code waiting to be used is a PendingReceipt (reporting.reports). Services flush and audit;
callers commit.
"""
from __future__ import annotations

from reporting import audit, crypto
from reporting.approvals import services as approvals
from reporting.approvals.models import Act, AskRoute, DeliveryRoute, IdentityCheck, TwoPersonRequest
from reporting.auth.models import User
from reporting.cases.models import CaseEvent, EventKind
from reporting.db import utcnow
from reporting.exceptions import (
    ContentDestroyedError,
    DeliveryFailedError,
    NoDeliveryRouteError,
    NotAKeyHolderError,
    PermissionDeniedError,
)
from reporting.extensions import db
from reporting.keys.policies import require_reviewer
from reporting.reports.models import Report
from reporting.reports.services import group_wrap_binding, new_pending_receipt, open_report_content

ASK_ROUTES = tuple(route.value for route in AskRoute)
IDENTITY_ROUTES = tuple(check.value for check in IdentityCheck)
DELIVERY_ROUTES = tuple(route.value for route in DeliveryRoute)


def contact_email(report: Report, private: bytes | crypto.PrivateKey) -> str | None:
    """The email address the reporter gave in their report with consent to be contacted."""
    answers = open_report_content(report, private)["answers"]
    if answers.get("contact_ok") == "yes" and isinstance(answers.get("email"), str) and answers["email"].strip():
        return str(answers["email"]).strip()
    return None


def _new_code_event(report: Report, actor: User, action: str) -> None:
    db.session.add(CaseEvent(report_id=report.id, actor_id=actor.id, kind=EventKind.NOTE.value, action=action,
                             at=utcnow()))


def ask_for_new_code(report: Report, private: bytes | crypto.PrivateKey, *, actor: User, asked_by: str,
                     proved_by: str, delivery: str, reason: str) -> TwoPersonRequest:
    """Record the reporter's request for a new code; a second key holder must approve it.

    ``private`` is the report's key opened through the asker's grant (the address the
    code will go to is checked now, so a request that could never be met is refused at
    once: NoDeliveryRouteError). PermissionDeniedError for bad codes or a missing reason.
    """
    if asked_by not in ASK_ROUTES or proved_by not in IDENTITY_ROUTES or delivery not in DELIVERY_ROUTES:
        raise PermissionDeniedError("a new code needs the reporter's request, an identity check and a route")
    if not reason.strip():
        raise PermissionDeniedError("a new code needs a reason")
    require_reviewer(actor, holding_key=True)
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    if contact_email(report, private) is None:
        raise NoDeliveryRouteError(report.reference)
    request = approvals.ask(Act.NEW_RECEIPT_CODE, report, actor=actor, reason=reason,
                            facts={"asked_via": asked_by, "proved_by": proved_by, "delivery": delivery})
    _new_code_event(report, actor, "new_code_asked")
    return request


def new_code_email(receipt: crypto.Receipt, status_url: str, language: str | None) -> tuple[str, str]:
    """Subject and body of the email that carries a new code, in the reporter's language."""
    from reporting.i18n import in_locale
    from reporting.words import gettext

    locale = language if language in ("pl", "ro", "lt", "uk", "ar") else "en"
    with in_locale(locale):
        subject = gettext("Your new receipt code")
        body = "\n\n".join((
            gettext("You asked the Hate Crime Reporting Group for a new receipt code for your report. This is it:"),
            receipt.formatted(),
            gettext("To use it, go to %(url)s and enter it. Your old code works until you use this one; then the old "
                    "one stops, and you are given another new code, shown only on your screen. Write that one down: "
                    "it is the one you will need.", url=status_url),
            gettext("If you did not ask for a new code, do not use this one: your old code still works."),
            gettext("For your safety we never put any details in emails."),
        )) + "\n"
    return subject, body


def send_new_code(request: TwoPersonRequest, report: Report, approver: User, context: approvals.ActContext) -> None:
    """The act of an approved request: make the code and email it to the reporter.

    Runs in the approver's transaction (reporting.approvals.approve). The approver's key
    opens the report's key, which is wrapped under the new code; the code goes only into
    the email. Raises (and the caller rolls back, so nothing is approved): NotAKeyHolderError
    without an open key, NoDeliveryRouteError without an address, DeliveryFailedError if
    the email was not sent.
    """
    from reporting.notify import send_email

    approvals.approved_by_second_person(request, report, Act.NEW_RECEIPT_CODE, approver)
    if report.content_destroyed_at is not None:
        raise ContentDestroyedError(report.reference)
    if context.keyring is None:
        raise NotAKeyHolderError(approver.email)
    group_key, loaded = context.keyring.loaded_by_id(report.group_key_id)
    private = crypto.open_sealed(group_key.algorithm, loaded, report.key_wrap_group, group_wrap_binding(report.reference))
    content = open_report_content(report, private)
    address = contact_email(report, private)
    if address is None:
        raise NoDeliveryRouteError(report.reference)
    receipt = new_pending_receipt(report, private, context.settings.receipt_kdf)
    _new_code_event(report, approver, "new_code_sent")
    audit.record("status.new_code_sent", f"report:{report.id}", actor=approver, request=request.id,
                 delivery=request.facts.get("delivery", "email"), asked_by=request.requested_by_id)
    language = content["meta"].get("language") if isinstance(content.get("meta"), dict) else None
    subject, body = new_code_email(receipt, context.status_url, language)
    if not send_email(address, subject, body):
        raise DeliveryFailedError(report.reference)


approvals.register_act(Act.NEW_RECEIPT_CODE, send_new_code)
