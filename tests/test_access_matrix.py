"""Promise 4, least privilege: every route declares who may use it, and is held to it.

The walk takes every rule of ``app.url_map`` (so a new route is covered the day
it is added), requests it with each of its methods as anonymous and as each
role, and compares the answer with the route's declared policy.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing.converters import NumberConverter

from reporting.security import policy_for
from tests.helpers import CSRF, full_answers, minimal_answers, report, sign_in

ROLES = ("admin", "reviewer", "centre_staff", "police", "analyst", "agency")
ANONYMOUS = "anonymous"
# Done last, in this order: each ends the session the rest of the walk needs.
LAST = {"auth.logout": 1, "public.exit_page": 2}


def walked_rules(app: Flask) -> list[Any]:
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    return sorted(rules, key=lambda rule: LAST.get(rule.endpoint, 0))


def test_every_route_declares_an_access_policy(app):
    undeclared = sorted(
        rule.endpoint for rule in app.url_map.iter_rules() if policy_for(app, rule.endpoint) is None
    )
    assert undeclared == [], f"routes without an access policy: {undeclared}"


# docs/design.md: centre staff cannot read sent reports; police see only what was
# referred; analysts see only aggregates. So whatever a future route declares,
# these areas must never be open to these roles.
NEVER = {
    "/review/": {"centre_staff", "police", "analyst", "agency"},
    "/admin/": {"reviewer", "centre_staff", "police", "analyst", "agency"},
    "/police/": {"centre_staff", "analyst", "agency"},
    "/stats/": {"centre_staff", "police", "agency"},
    "/partners/": {"admin", "reviewer", "centre_staff", "police", "analyst"},
}


def test_no_area_is_declared_open_to_roles_that_must_not_see_it(app):
    too_open = []
    for rule in app.url_map.iter_rules():
        policy = policy_for(app, rule.endpoint)
        for prefix, barred in NEVER.items():
            if rule.rule.startswith(prefix) and (policy is None or policy.is_public or policy.roles & barred):
                too_open.append(f"{rule.rule} ({rule.endpoint}): {policy}")
    assert too_open == []
    assert any(rule.rule.startswith("/review/cases/") for rule in app.url_map.iter_rules())


def test_a_route_without_a_policy_is_named_and_refused(make_app):
    # The check above is not a formality: an undeclared route is caught, and denied.
    app = make_app()

    @app.get("/forgotten")
    def forgotten() -> str:
        return "secret"

    assert policy_for(app, "forgotten") is None
    response = app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)


@dataclass
class World:
    reference: str
    other: str
    user_id: int
    canary: str


@pytest.fixture
def world(app, client, make_user) -> World:  # type: ignore[no-untyped-def]
    canary = "MATRIXCANARY7"
    reference, _ = report(client, full_answers(canary))
    other, _ = report(app.test_client(), minimal_answers())
    # Admin actions in the walk (reset, deactivate...) land on this spare account.
    spare = make_user("analyst")
    return World(reference, other, spare.id, canary)


def url_for_rule(app: Flask, rule: Any, world: World) -> str:
    values = {
        "reference": world.reference,
        "other": world.other,
        "name": "who",
        "user_id": world.user_id,
    }
    arguments = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        if argument in values:
            arguments[argument] = values[argument]
        elif isinstance(converter, NumberConverter):  # the app's ids (security.IdConverter) included
            arguments[argument] = 1
        else:
            arguments[argument] = "example"
    with app.test_request_context():
        return url_for(rule.endpoint, **arguments)


def signed_in_client(app: Flask, make_user: Any, role: str) -> FlaskClient:
    staff = app.test_client()
    if role != ANONYMOUS:
        user = make_user(role, centre="lib" if role == "centre_staff" else None)
        sign_in(staff, app, user.email)
    return staff


def token_for(staff: FlaskClient) -> str:
    page = staff.get("/staff/login").get_data(as_text=True)
    match = CSRF.search(page)
    assert match
    return match.group(1)


def is_sign_in_redirect(response: Any) -> bool:
    """The refusal the policy gives anonymous visitors: sign in, then come back here.

    (A view sending someone back to the start of sign-in, like the code page without
    a password step, is not a refusal and carries no ``next``.)
    """
    return response.status_code == 302 and response.headers["Location"].startswith("/staff/login?next=")


@pytest.mark.parametrize("role", (ANONYMOUS, *ROLES))
def test_every_route_answers_each_role_as_its_policy_says(app, make_user, world, role):
    staff = signed_in_client(app, make_user, role)
    token = token_for(staff)
    wrong: list[str] = []
    walked = 0
    for rule in walked_rules(app):
        policy = policy_for(app, rule.endpoint)
        assert policy is not None, f"{rule.endpoint} has no access policy"
        url = url_for_rule(app, rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = staff.get(url)
            else:
                response = staff.open(url, method=method, data={"csrf_token": token})
            walked += 1
            seen = f"{method} {url} ({rule.endpoint}, {policy.name}) as {role}: {response.status_code}"
            if response.status_code >= 500:
                wrong.append(seen + " - a server error")
            elif policy.is_public or role in policy.roles:
                if response.status_code in (401, 403) or is_sign_in_redirect(response):
                    wrong.append(seen + " - refused, but the policy allows it")
            elif role == ANONYMOUS:
                if not is_sign_in_redirect(response):
                    wrong.append(seen + " - expected a redirect to sign in")
            elif response.status_code != 403:
                wrong.append(seen + " - expected 403")
    assert walked >= 30, "the walk should cover the whole URL map"
    assert wrong == [], "\n".join(wrong)


def test_a_person_at_a_deactivated_agency_is_refused_every_route(app, make_user, world):
    """Issue 26: a person at a partner agency signs in, then the agency is made inactive while
    they keep their cookie. Every route that is not public now answers them as it answers
    someone signed out (a sign-in redirect), never with a page, and nothing is written."""
    from sqlalchemy import func, select, update

    from reporting.audit.models import AuditEvent
    from reporting.extensions import db
    from reporting.meetings.models import ActionUpdate, Agency

    staff = signed_in_client(app, make_user, "agency")
    token = token_for(staff)
    assert staff.get("/partners/").status_code == 200
    with app.app_context():
        db.session.execute(update(Agency).values(active=False))
        db.session.commit()
        entries_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    wrong: list[str] = []
    for rule in walked_rules(app):
        policy = policy_for(app, rule.endpoint)
        assert policy is not None
        if policy.is_public:
            continue
        url = url_for_rule(app, rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = staff.get(url) if method == "GET" else staff.open(url, method=method, data={"csrf_token": token})
            if not is_sign_in_redirect(response):
                wrong.append(f"{method} {url} ({rule.endpoint}): {response.status_code}")
    assert wrong == [], "\n".join(wrong)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ActionUpdate)) == 0
        written = db.session.scalars(select(AuditEvent.action).where(AuditEvent.seq > entries_before)).all()
        assert written == []


@pytest.mark.parametrize("role", ("centre_staff", "police", "analyst", "agency", ANONYMOUS))
def test_case_content_is_refused_to_everyone_but_the_group(app, make_user, world, role):
    staff = signed_in_client(app, make_user, role)
    for url in (f"/review/cases/{world.reference}", "/review/", "/review/retention/",
                f"/review/retention/cases/{world.reference}"):
        response = staff.get(url)
        page = response.get_data(as_text=True)
        if role == ANONYMOUS:
            assert is_sign_in_redirect(response)
        else:
            assert response.status_code == 403, url
        assert world.canary not in page
        assert "A man shouted at me" not in page
        if role != ANONYMOUS:  # (the sign-in redirect repeats the address asked for)
            assert world.reference not in page


def test_grant_approval_routes_are_for_key_holding_roles_only(app):
    """Issue 11: the two-person rule's approval pages exist and only key-holding roles reach them."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint in ("keys.list_grants", "keys.approve_grant", "admin.grant_access"):
        assert endpoint in rules
    for endpoint in ("keys.list_grants", "keys.approve_grant"):
        policy = policy_for(app, endpoint)
        assert policy is not None and policy.roles == {"admin", "reviewer", "police", "agency"}
    assert policy_for(app, "admin.grant_access").roles == {"admin"}


@pytest.mark.parametrize("key", ("group", "police", "agency"))
def test_every_approval_route_grants_only_for_a_holder_of_that_key(app, make_user, key):
    """Issue 26: the approval of a grant of each key (the Group's, the police's, an agency's),
    tried by everyone else: anonymous and roles without keys are refused by the policy; the
    admin who asked, holders of other keys and a person at a deactivated agency get nothing;
    only a holder of that very key approves."""
    import re as _re

    from sqlalchemy import func, select, update

    from reporting.extensions import db
    from reporting.keys.models import GrantRequest, KeyGrant
    from reporting.meetings.models import Agency

    grantee_role = {"group": "reviewer", "police": "police", "agency": "agency"}[key]
    holders = {"group": make_user("reviewer"), "police": make_user("police"),
               "agency": make_user("agency", agency="Example housing association")}
    other_agency = make_user("agency", agency="Example school")
    closed_agency = make_user("agency", agency="Example charity, later closed")
    asker = make_user("admin")
    grantee = make_user(grantee_role, holder=False, agency="Example housing association" if key == "agency" else None)
    asking = signed_in_client_as(app, asker)
    page = f"/admin/users/{grantee.id}"
    token = CSRF.search(asking.get(page).get_data(as_text=True)).group(1)
    assert asking.post(f"{page}/grant", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        request_id = db.session.scalar(select(GrantRequest.id).where(GrantRequest.user_id == grantee.id))
    url = f"/staff/grants/{request_id}/approve"

    def grants() -> int:
        with app.app_context():
            return int(db.session.scalar(select(func.count()).select_from(KeyGrant)
                                         .where(KeyGrant.user_id == grantee.id)) or 0)

    closed = signed_in_client_as(app, closed_agency)
    with app.app_context():
        db.session.execute(update(Agency).where(Agency.id == closed_agency.agency_id).values(active=False))
        db.session.commit()
    tried = {"anonymous": app.test_client(), "asker": asking, "deactivated agency": closed}
    for role in ("centre_staff", "analyst"):
        tried[role] = signed_in_client(app, make_user, role)
    for other, person in holders.items():
        if other != key:
            tried[f"{other} holder"] = signed_in_client_as(app, person)
    tried["another agency"] = signed_in_client_as(app, other_agency)
    for who, staff in tried.items():
        response = staff.post(url, data={"csrf_token": token_for(staff)})
        assert response.status_code in (302, 403), who
        if who in ("anonymous", "deactivated agency"):
            assert is_sign_in_redirect(response), who
        assert grants() == 0, who
    approver = signed_in_client_as(app, holders[key])
    listing = approver.get("/staff/grants").get_data(as_text=True)
    assert _re.search(rf'action="{url}"', listing)
    assert approver.post(url, data={"csrf_token": token_for(approver)}).status_code == 302
    assert grants() >= 1


def signed_in_client_as(app: Flask, user: Any) -> FlaskClient:
    staff = app.test_client()
    sign_in(staff, app, user.email)
    return staff


def test_analysts_are_refused_every_case_referral_and_admin_route(app, make_user, world):
    """Analysts see only aggregates: 403 on every route under /review/, /police/ and /admin/."""
    staff = signed_in_client(app, make_user, "analyst")
    token = token_for(staff)
    walked, wrong = 0, []
    for rule in walked_rules(app):
        if not rule.rule.startswith(("/review/", "/police/", "/admin/")) or rule.endpoint in LAST:
            continue
        url = url_for_rule(app, rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = staff.get(url) if method == "GET" else staff.open(url, method=method, data={"csrf_token": token})
            walked += 1
            if response.status_code != 403:
                wrong.append(f"{method} {url}: {response.status_code}")
    assert walked >= 20
    assert wrong == []
    assert staff.get("/stats/").status_code == 200


def test_statistics_send_anonymous_visitors_to_sign_in(app, client):
    response = client.get("/stats/")
    assert is_sign_in_redirect(response)
    assert client.get("/stats/export.csv").status_code == 302


def test_two_person_approval_routes_are_for_reviewers_only(app):
    """Issue 26: the approvals page, approving and declining a new code, a hold's lifting or an
    erasure, and the asking routes, exist and only reviewers reach them (the walk above holds
    every other role to 403 and anonymous visitors to the sign-in page)."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint in ("approvals.list_approvals", "approvals.approve_request", "approvals.decline_request",
                     "cases.issue_new_code", "retention.lift_hold", "retention.erase_report"):
        assert endpoint in rules, endpoint
        policy = policy_for(app, endpoint)
        assert policy is not None and policy.roles == {"reviewer"}, endpoint
        assert rules[endpoint].rule.startswith("/review/")
    for endpoint in ("approvals.approve_request", "approvals.decline_request"):
        assert rules[endpoint].methods - {"HEAD", "OPTIONS"} == {"POST"}


@pytest.mark.parametrize("role", ("admin", "centre_staff", "police", "analyst", "agency", ANONYMOUS))
def test_no_one_but_a_reviewer_can_decide_a_waiting_request(app, make_user, world, role):
    """A real waiting request (a lift of a hold asked by one key holder) cannot be approved
    or declined by any other role: refused, and the request still waits."""
    from sqlalchemy import select

    from reporting.approvals.models import TwoPersonRequest
    from reporting.auth.models import User
    from reporting.extensions import db
    from reporting.reports.models import Report
    from reporting.retention import services as retention_services

    asker = make_user("reviewer")
    with app.app_context():
        actor = db.session.get(User, asker.id)
        stored = db.session.scalar(select(Report).where(Report.reference == world.reference))
        retention_services.place_hold(stored, actor=actor, reason="kept")
        request_id = retention_services.ask_to_lift_hold(stored, actor=actor, reason="done").id
        db.session.commit()
    staff = signed_in_client(app, make_user, role)
    token = token_for(staff)
    for verb in ("approve", "decline"):
        response = staff.post(f"/review/approvals/{request_id}/{verb}", data={"csrf_token": token})
        assert is_sign_in_redirect(response) if role == ANONYMOUS else response.status_code == 403
    with app.app_context():
        assert db.session.get(TwoPersonRequest, request_id).decided_at is None


def test_context_for_a_rise_routes_say_who_may(app):
    """Issue 30 item 7: analysts and administrators record initiatives, reviewers may look; only
    administrators enter area populations (the walk above holds every other role to 403)."""
    expected = {
        "context.list_initiatives": {"analyst", "admin", "reviewer"},
        "context.new_initiative": {"analyst", "admin"},
        "context.edit_initiative": {"analyst", "admin"},
        "context.remove_initiative": {"analyst", "admin"},
        "context.list_populations": {"admin"},
        "context.edit_population": {"admin"},
        "context.remove_population": {"admin"},
    }
    for endpoint, roles in expected.items():
        policy = policy_for(app, endpoint)
        assert policy is not None and policy.roles == roles, endpoint


def test_meeting_attendance_and_decisions_for_agencies_are_for_reviewers_only(app, make_user):
    """Issue 31: recording attendance and apologies, and writing the decision an agency reads
    beside its action, exist under /review/ and only reviewers reach them; a person at an
    agency is refused the Group's side (the walk above holds every other role to 403 and
    anonymous visitors to the sign-in page)."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint, methods in (("meetings.share_decision", {"GET", "POST"}), ("meetings.record_attendance", {"POST"})):
        assert endpoint in rules, endpoint
        assert methods <= rules[endpoint].methods
        policy = policy_for(app, endpoint)
        assert policy is not None and policy.roles == {"reviewer"}, endpoint
        assert rules[endpoint].rule.startswith("/review/meetings/")
    agency = signed_in_client(app, make_user, "agency")
    assert agency.get("/review/meetings/1/items/1/actions/1/decision").status_code == 403
    assert agency.post("/review/meetings/1/attendance", data={"csrf_token": token_for(agency)}).status_code == 403


@pytest.mark.parametrize("role", (*ROLES, ANONYMOUS))
def test_the_cohort_chart_is_for_the_statistics_readers_only(app, make_user, role):
    """Issue 30 item 5: /stats/charts/cohorts.svg (each quarter's reports followed to their outcomes)
    is drawn for analysts, admins and reviewers; refused to everyone else, anonymous visitors sent to sign in."""
    policy = policy_for(app, "stats.show_chart")
    assert policy is not None and policy.roles == {"analyst", "admin", "reviewer"}
    staff = signed_in_client(app, make_user, role)
    response = staff.get("/stats/charts/cohorts.svg")
    if role in ("analyst", "admin", "reviewer"):
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    elif role == ANONYMOUS:
        assert is_sign_in_redirect(response)
    else:
        assert response.status_code == 403


def test_support_and_feedback_routes_declare_who_may_use_them(app):
    """Issue 30 item 8: recording a case's support is for reviewers only (every other role is held
    to 403 and anonymous visitors to the sign-in page by the walk above); "How did we do?" is a
    public page of /status, opened only with a receipt code (without one it sends to /status)."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    support = policy_for(app, "case_support.record_support")
    assert support is not None and support.roles == {"reviewer"} and not support.is_public
    assert rules["case_support.record_support"].rule == "/review/cases/<reference>/support"
    assert rules["case_support.record_support"].methods - {"HEAD", "OPTIONS"} == {"POST"}
    feedback = policy_for(app, "status.give_feedback")
    assert feedback is not None and feedback.is_public
    assert rules["status.give_feedback"].rule == "/status/feedback"
    response = app.test_client().get("/status/feedback")
    assert response.status_code == 302 and response.headers["Location"].endswith("/status")


def test_centre_records_routes_are_for_the_group_and_administrators(app):
    """Issue 31 items 6-7: each centre's history, visits and training are read and recorded by
    administrators and the Group; only administrators change a centre's dates (closing hides it
    from the public). The walk above holds every other role to 403 and anonymous to sign-in."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    expected = {
        "centre_records.list_centres": {"admin", "reviewer"},
        "centre_records.show_centre": {"admin", "reviewer"},
        "centre_records.record_visit": {"admin", "reviewer"},
        "centre_records.record_training": {"admin", "reviewer"},
        "centre_records.edit_history": {"admin"},
    }
    for endpoint, allowed in expected.items():
        assert endpoint in rules, endpoint
        assert rules[endpoint].rule.startswith("/review/centres/"), endpoint
        policy = policy_for(app, endpoint)
        assert policy is not None and policy.roles == allowed, endpoint
    assert sorted(e for e in rules if e.startswith("centre_records.")) == sorted(expected)
# Issue 31 item 5: the police inbox's parameters (?filter=, ?page=) open it to no one else.
INBOX_QUERIES = ("", "?filter=new", "?filter=not_acknowledged", "?filter=late", "?filter=acknowledged",
                 "?filter=outcome", "?filter=all&page=2", "?page=2147483648", "?filter=unknown")


@pytest.mark.parametrize("role", (ANONYMOUS, *ROLES))
def test_the_police_inbox_s_filters_and_pages_are_the_police_s_alone(app, make_user, world, role):
    staff = signed_in_client(app, make_user, role)
    for query in INBOX_QUERIES:
        response = staff.get(f"/police/{query}")
        if role == "police":
            assert response.status_code == (400 if query == "?filter=unknown" else 200), query
            assert world.canary not in response.get_data(as_text=True)
        elif role == ANONYMOUS:
            assert is_sign_in_redirect(response), query
        else:
            assert response.status_code == 403, (role, query)
