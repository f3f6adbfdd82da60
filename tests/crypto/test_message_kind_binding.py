"""Issue 11 item 13: who wrote a message (``messages.kind``) is part of its sealed binding."""
from __future__ import annotations

from sqlalchemy import select, update

from reporting import crypto
from reporting.auth.models import User
from reporting.extensions import db
from reporting.reports.models import Report
from reporting.status import services as status_services
from reporting.status.models import Message
from reporting.keys.models import ServiceKey
from reporting.keys.services import private_key_with_recovery
from reporting.reports.services import group_wrap_binding
from tests.helpers import minimal_answers, report


def report_private(stored: Report, recovery_text: str) -> bytes:
    group_key = db.session.get(ServiceKey, stored.group_key_id)
    assert group_key is not None
    return crypto.open_sealed(group_key.algorithm, private_key_with_recovery(group_key, recovery_text),
                              stored.key_wrap_group, group_wrap_binding(stored.reference))


def test_a_message_relabelled_as_the_reporters_own_no_longer_opens(app, client, keys, make_user):
    reference, _ = report(client, minimal_answers())
    reviewer = make_user("reviewer")
    with app.app_context():
        stored = db.session.scalar(select(Report).where(Report.reference == reference))
        status_services.send_to_reporter(stored, "Please call us", actor=db.session.get(User, reviewer.id))
        db.session.commit()
        private = report_private(stored, keys.recovery_text)
        assert [m.text for m in status_services.messages(stored, private)] == ["Please call us"]
        db.session.execute(update(Message).values(kind="from_reporter"))
        db.session.commit()
        # It fails to open (issue 26 item 8: shown as "could not be opened", never a 500).
        (relabelled,) = status_services.messages(stored, private)
        assert relabelled.text is None
