"""Hate crime third-party reporting service."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


class ReportingFlask(Flask):
    def log_exception(self, exc_info: Any) -> None:
        """Log the traceback's frames and the exception's type, never its message.

        Messages can quote user input (a validation error, a database error).
        """
        import traceback

        exc_type, exc, tb = exc_info
        frames = "".join(traceback.format_tb(tb)) if tb else ""
        name = exc_type.__name__ if exc_type else "Exception"
        self.logger.error("unhandled %s\n%s", name, frames)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, policies."""
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("REPORTING_INSTANCE_PATH")
    app = ReportingFlask(
        __name__,
        instance_path=str(instance or ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from reporting import config
    config.load(app, test_config)
    from reporting.settings import init_settings

    init_settings(app)
    # Uploaded files go to memory, encrypted as they arrive, never to a temporary file.
    from reporting.evidence.uploads import init_uploads

    init_uploads(app)

    # Every model module, so the metadata (and the migrations' check) sees all tables.
    from reporting.approvals import models as _approvals_models  # noqa: F401
    from reporting.audit import models as _audit_models  # noqa: F401
    from reporting.auth import models as _auth_models  # noqa: F401
    from reporting.cases import models as _cases_models  # noqa: F401
    from reporting.centres import models as _centres_models  # noqa: F401
    from reporting.evidence import models as _evidence_models  # noqa: F401
    from reporting.keys import models as _keys_models  # noqa: F401
    from reporting.meetings import models as _meetings_models  # noqa: F401
    from reporting.referrals import models as _referrals_models  # noqa: F401
    from reporting.reports import holds as _reports_holds  # noqa: F401
    from reporting.reports import models as _reports_models  # noqa: F401
    from reporting.status import models as _status_models  # noqa: F401
    from reporting.support import models as _support_models  # noqa: F401
    from reporting.retention import models as _retention_models  # noqa: F401
    from reporting.stats import models as _stats_models  # noqa: F401
    from reporting.context import models as _context_models  # noqa: F401
    from reporting import errors, extensions, logs, security
    from reporting.i18n import init_i18n

    logs.init_logging(app)
    extensions.init_extensions(app)
    init_i18n(app)
    security.init_security(app)
    errors.init_errors(app)

    from reporting.admin import cli as _admin_cli  # noqa: F401  (adds `audit publish-head`)
    from reporting.admin.views import bp as admin_bp
    from reporting.approvals.views import bp as approvals_bp
    from reporting.audit import cli as audit_cli
    from reporting.admin import accounts_cli
    from reporting.auth import services as auth_services
    from reporting.auth.session import init_staff_sessions
    from reporting.reports import questions
    from reporting.auth.views import bp as auth_bp
    from reporting.cases.views import bp as cases_bp
    from reporting.cases import reissue as _reissue  # noqa: F401  (adds the new-code routes to cases_bp)
    from reporting.centres import cli as centres_cli
    from reporting.centres.views import bp as centres_bp
    from reporting.centres.records import bp as centre_records_bp
    from reporting.assisted.views import bp as assisted_bp
    from reporting.keys import cli as keys_cli
    from reporting.keys.views import bp as keys_bp
    from reporting.keys.views import register_agency_names
    from reporting.meetings import cli as actions_cli
    from reporting.meetings.admin import bp as agencies_admin_bp
    from reporting.meetings import queries as meeting_queries
    from reporting.meetings.partners import bp as partners_bp
    from reporting.meetings.views import bp as meetings_bp
    from reporting.public.views import bp as public_bp
    from reporting.referrals import cli as referrals_cli
    from reporting.referrals.views import bp as referrals_bp
    from reporting import cli as reporting_cli
    from reporting.status.staff import bp as messages_bp
    from reporting.status.views import bp as status_bp
    from reporting.support import cli as support_cli
    from reporting.support.views import bp as support_admin_bp
    from reporting.support.staff import bp as case_support_bp
    from reporting.stats import cli as stats_cli
    from reporting.referrals.extract_views import bp as police_extracts_bp
    from reporting.stats.views import bp as stats_bp
    from reporting.context.views import bp as context_bp
    from reporting.retention.views import bp as retention_bp
    from reporting.retention.views import public_bp as data_protection_bp

    init_staff_sessions(app)
    from reporting.disclosure.marking import MARKING
    from reporting.labels import init_labels
    from reporting.navigation import init_navigation

    init_labels(app)
    app.jinja_env.globals["protective_marking"] = MARKING  # every page that prints shows it
    init_navigation(app)
    # The case file's registry, then each feature plugs its panels, sentences and queue filters in.
    from reporting import cases, meetings, referrals, retention, status, support
    from reporting.casefile import init_casefile

    init_casefile(app)
    for feature in (cases, referrals, meetings, status, retention, support):
        feature.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(centres_bp)
    app.register_blueprint(centre_records_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(keys_bp)
    register_agency_names(app, meeting_queries.agency_names)
    auth_services.register_places(app, questions.place_names)
    app.register_blueprint(cases_bp)
    app.register_blueprint(assisted_bp)
    app.register_blueprint(status_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(referrals_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(support_admin_bp)
    app.register_blueprint(case_support_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(context_bp)
    app.register_blueprint(police_extracts_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(partners_bp)
    app.register_blueprint(agencies_admin_bp)
    app.register_blueprint(retention_bp)
    app.register_blueprint(approvals_bp)
    app.register_blueprint(data_protection_bp)
    for module in (keys_cli, reporting_cli, accounts_cli, audit_cli, centres_cli, referrals_cli, support_cli, stats_cli,
                   actions_cli):
        module.register(app)

    security.allow_static(app)
    logging.getLogger(__name__).debug("application created")
    return app
