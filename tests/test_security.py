"""Promise 4 (every route declares who may use it) and the headers every response carries."""
from __future__ import annotations

import pytest
from flask import Blueprint

from reporting import create_app
from reporting.security import PUBLIC, policy_for
from tests.conftest import base_config

# The public trust zone, as docs/design.md names it. Anything else must be staff-only.
PUBLIC_ENDPOINTS = {
    "static", "public.index", "public.start_report", "public.report_step", "public.check_answers",
    "public.report_sent", "public.finish_report", "public.exit_page", "public.privacy", "data_protection.data_protection_file",
    "public.accessibility", "public.safety", "public.healthz",
    "centres.show_directory", "centres.show_centre", "centres.print_poster", "centres.print_card",
    "auth.login", "auth.second_factor", "auth.enrol", "auth.first_password", "auth.passkey_step",
    "status.enter_receipt", "status.give_feedback", "status.enter_word", "status.show_report", "status.reply", "status.add_information", "status.leave",
    "status.upload_evidence", "public.report_files", "public.remove_report_file",
}


def test_every_route_declares_an_access_policy(app):
    missing = sorted(rule.rule for rule in app.url_map.iter_rules() if policy_for(app, rule.endpoint) is None)
    assert missing == [], f"routes without an access policy: {missing}"


def test_only_the_known_public_endpoints_are_public(app):
    public = {rule.endpoint for rule in app.url_map.iter_rules() if policy_for(app, rule.endpoint) == PUBLIC}
    assert public == PUBLIC_ENDPOINTS


def test_a_route_without_a_policy_is_denied(tmp_path, database_url):
    app = create_app(base_config(tmp_path, database_url))
    extra = Blueprint("forgotten", __name__)

    @extra.get("/forgotten")
    def forgotten():
        return "should never be served"

    app.register_blueprint(extra)
    response = app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"should never be served" not in response.data


@pytest.mark.parametrize("url", ["/", "/report/", "/privacy", "/no-such-page"])
def test_security_headers_on_every_page(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_in_production(tmp_path, database_url):
    production = create_app(base_config(tmp_path, database_url) | {"ENV_NAME": "production", "SESSION_COOKIE_SECURE": True,
                                                                   "PUBLIC_BASE_URL": "https://report.example.org"})
    assert "max-age" in production.test_client().get("/privacy").headers["Strict-Transport-Security"]


def test_journey_forms_carry_csrf_tokens_and_reject_posts_without(client):
    page = client.get("/report/").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    response = client.post("/report/", data={})
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True).lower() or "expired" in response.get_data(as_text=True).lower()


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok\n"
