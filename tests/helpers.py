"""Walking the public journey through the test client, as a browser would post it."""
from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any):  # type: ignore[no-untyped-def]
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


# The steps and what a browser posts on each, for a full report. The required
# steps come in turn; the others are reached from "Would you like to tell us more?".
REQUIRED_STEPS = ("who", "what", "why", "when", "where", "description", "police", "police-details")


def full_answers(canary: str = "") -> dict[str, dict[str, Any]]:
    c = canary
    return {
        "who": {"reporter_type": "victim"},
        "what": {"incident_types": ["verbal_abuse", "online_abuse", "other"], "incident_other": f"spat at {c}"},
        "why": {"motivations": ["race", "religion", "other"], "motivation_other": f"my accent {c}"},
        "when": {"incident_date-day": "3", "incident_date-month": "11", "incident_date-year": "2025"},
        "where": {"area": "shrewsbury"},
        "description": {"description": f"A man shouted at me in the street. {c}\nThen he followed me."},
        "police": {"police_consent": "with_details"},
        "why-evidence": {"evidence": ["words", "something_else"], "evidence_detail": f"they said {c}"},
        "when-details": {"time_of_day": "evening", "ongoing": "yes", "frequency": "weekly"},
        "place": {"place_kind": "street", "place_description": f"outside the market hall {c}"},
        "happened-before": {"happened_before": "several"},
        "online": {"platform": f"a chat app {c}", "links": f"https://example.org/{c}"},
        "offenders": {"offender_count": "one", "offender_relationship": "neighbour", "offender_age": "31_50",
                      "offender_sex": "male", "offender_distinctive": f"a snake tattoo {c}",
                      "offender_description": f"tall, red coat {c}"},
        "witnesses": {"witnesses": f"the shopkeeper {c}"},
        "impact": {"impact": f"I am afraid to go out {c}", "injury": "no", "support": "yes"},
        "reported-before": {"already_reported": "yes", "crime_reference": f"22/{c or '12345'}/26"},
        "contact": {"contact_ok": "yes", "name": f"Sam {c}", "email": f"{c or 'sam'}@example.org",
                    "phone": "07700 900982", "safe_times": f"evenings {c}", "contact_language": f"Polish {c}"},
        # Asked straight after "yes" to being contacted.
        "contact-how": {"leave_message": "no", "preferred_contact": "email", "interpreter": "no"},
        "equality": {"age_group": "25_34", "sex": "prefer_not", "trans": "yes", "ethnicity": "white_other",
                     "religion": "muslim", "disability": "no", "sexual_orientation": "prefer_not"},
    }


def minimal_answers() -> dict[str, dict[str, Any]]:
    return {
        "who": {"reporter_type": "witness"},
        "what": {"incident_types": ["graffiti"]},
        "why": {"motivations": ["not_sure"]},
        "when": {"incident_date-month": "10", "incident_date-year": "2026"},
        "where": {"area": "ludlow"},
        "description": {"description": "Graffiti on a bus shelter."},
        "police": {"police_consent": "no"},
    }


def start(client: FlaskClient) -> None:
    """Press the home page's button (the one start)."""
    token = csrf_token(client, "/")
    response = client.post("/report/", data={"csrf_token": token})
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].endswith("/report/who")


def answer_all(client: FlaskClient, steps: dict[str, dict[str, Any]]) -> None:
    """Answer the required steps in turn, following the service's own redirects; then,
    if ``steps`` has any optional ones, open "tell us more" and answer each of them."""
    optional = [name for name in steps if name not in REQUIRED_STEPS]
    url = "/report/who"
    while url.startswith("/report/") and not url.endswith(("/check", "/more")):
        name = url.rsplit("/", 1)[1]
        assert name in steps, f"the journey asked an unexpected step: {name}"
        data = dict(steps[name])
        if name == "police" and optional:
            data["next"] = "more"
        response = post_form(client, url, data)
        assert response.status_code == 302, (name, response.get_data(as_text=True)[:2000])
        url = response.headers["Location"]
    if optional:
        assert url.endswith("/report/more"), url
        for name in optional:
            page = client.get(f"/report/{name}")
            if page.status_code == 302:  # this question does not apply to these answers
                continue
            response = post_form(client, f"/report/{name}", steps[name])
            assert response.status_code == 302, (name, response.get_data(as_text=True)[:2000])
        url = client.get("/report/check").headers.get("Location", "/report/check")
        while url.startswith("/report/") and not url.endswith("/check"):  # a contradiction to settle
            name = url.rsplit("/", 1)[1]
            response = post_form(client, url, steps[name])
            url = response.headers["Location"]
    assert url.endswith("/report/check"), url


def send(client: FlaskClient) -> tuple[str, str]:
    response = post_form(client, "/report/check", {})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith("/report/sent")
    page = client.get("/report/sent").get_data(as_text=True)
    reference = re.search(r"HC-\d\d-[0-9A-Z]{6}", page)
    receipt = re.search(r'id="receipt-code">(.*?)</strong>', page, re.S)
    assert reference and receipt
    digits = re.sub(r"<[^>]+>", "", receipt.group(1)).split()
    return reference.group(0), " ".join(digits)


def report(client: FlaskClient, steps: dict[str, dict[str, Any]] | None = None) -> tuple[str, str]:
    start(client)
    answer_all(client, steps or full_answers())
    return send(client)


def read_report(reference: str, recovery_text: str) -> dict[str, Any]:
    """Open a stored report the way a key holder would: group key, then the report's key."""
    from sqlalchemy import select

    from reporting import crypto
    from reporting.extensions import db
    from reporting.settings import current_settings
    from reporting.keys.models import ServiceKey
    from reporting.keys.services import private_key_with_recovery
    from reporting.reports.models import Report
    from reporting.reports.services import group_wrap_binding, open_report_content

    stored = db.session.scalar(select(Report).where(Report.reference == reference))
    assert stored is not None
    group_key = db.session.get(ServiceKey, stored.group_key_id)
    assert group_key is not None
    group_private = private_key_with_recovery(group_key, recovery_text)
    report_private = crypto.open_sealed(
        group_key.algorithm, group_private, stored.key_wrap_group, group_wrap_binding(reference)
    )
    return open_report_content(stored, report_private)


def totp_now(app, email: str, *, offset_steps: int = 0) -> str:  # type: ignore[no-untyped-def]
    """The code an authenticator app would show now for this account."""
    import time

    import pyotp
    from sqlalchemy import select

    from reporting.auth.models import User
    from reporting.auth.services import totp_secret
    from reporting.extensions import db
    from reporting.settings import current_settings

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        secret = totp_secret(user, current_settings())
        db.session.commit()
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + offset_steps * totp.interval)


def sign_in(client: FlaskClient, app, email: str, password: str = "correct horse battery staple",  # type: ignore[no-untyped-def]
            chosen: str = "correct horse battery staple"):
    """Password, then TOTP (enrolling on first sign-in), as a person would.

    After a temporary password the person chooses their own (``chosen``) before enrolling.
    """
    response = post_form(client, "/staff/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    second = response.headers["Location"]
    if second.endswith("/staff/first-password"):
        response = post_form(client, second, {"new_password": chosen, "confirm_password": chosen})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        second = response.headers["Location"]
    code = totp_now(app, email)
    response = post_form(client, second, {"code": code})
    if response.status_code != 302:
        # The code of this 30-second step may have been used by an earlier sign-in in the test.
        response = post_form(client, second, {"code": totp_now(app, email, offset_steps=1)})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response


# The answers of ``minimal_answers`` as stored (not as posted), for ``send_directly``.
MINIMAL_STORED: dict[str, Any] = {
    "reporter_type": "witness", "incident_types": ["graffiti"], "motivations": ["not_sure"],
    "incident_date": {"month": 10, "year": 2026}, "area": "ludlow",
    "description": "Graffiti on a bus shelter.", "police_consent": "no",
}


def send_directly(app, answers: dict[str, Any] | None = None) -> str:  # type: ignore[no-untyped-def]
    """Send a report through the services the journey calls, without its pages: for tests of
    what happens to a report after it arrives (a journey through the test client costs a
    score of requests). Needs the keys; returns the reference."""
    from reporting.db import utcnow
    from reporting.extensions import db
    from reporting.reports.demo import send_answers
    from reporting.settings import current_settings

    answers = answers or MINIMAL_STORED
    with app.app_context():
        settings = current_settings()
        stored, _ = send_answers(answers, now=utcnow(), receipt_kdf=settings.receipt_kdf,
                                 retention_years=settings.retention_years)
        reference = stored.reference
        db.session.commit()
    return reference
