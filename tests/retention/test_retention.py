"""Retention: the run destroys expired content for good, keeps the statistics, spares held
cases, survives being killed midway; the subject access export holds everything of one report."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from reporting.cases.models import CaseEvent
from reporting.db import utcnow
from reporting.evidence.models import Evidence
from reporting.extensions import db
from reporting.referrals.models import Referral, ReferralFile, ReferralMessage
from reporting.reports.models import Report
from reporting.retention import services
from reporting.reports.holds import LegalHold
from reporting.retention.models import DeletionRecord
from tests.evidence.conftest import multipart
from tests.helpers import csrf_token, full_answers, post_form, read_report, report, sign_in


def _send_with_file(app, canary: str) -> tuple[str, str]:
    """A report with a file, a note and a message thread, each carrying the canary."""
    client = app.test_client()
    reference, receipt = report(client, full_answers(canary))
    visitor = app.test_client()
    assert post_form(visitor, "/status", {"receipt": receipt}).status_code == 302
    token = csrf_token(visitor, "/status/report")
    body, form_type = multipart({"csrf_token": token}, "evidence-file", "note.txt", f"file {canary}".encode(), "text/plain")
    assert visitor.post("/status/evidence", data=body, content_type=form_type).status_code in (200, 302)
    return reference, receipt


def _close(app, reference: str, *, days_ago: int, reason: str = "spam_or_misuse", note: str | None = None) -> None:
    from reporting.auth.models import User
    from reporting.cases import services as case_services

    with app.app_context():
        found = db.session.scalar(select(Report).where(Report.reference == reference))
        found.status = "closed"
        found.closure_reason = reason
        db.session.add(CaseEvent(report_id=found.id, kind="status", action="changed", before="new", after="closed",
                                 reason=reason,
                                 at=utcnow() - timedelta(days=days_ago)))
        if note:
            actor = db.session.scalar(select(User).where(User.role == "reviewer"))
            case_services.add_note(found, actor=actor, text=note)
        db.session.commit()


def row_id(reference: str) -> int:
    return int(db.session.scalar(select(Report.id).where(Report.reference == reference)))


def _stats(runner) -> dict:
    month = utcnow().strftime("%Y-%m")
    result = runner.invoke(args=["stats", "export", "--from", "2025-01", "--to", month, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    data.pop("generated_at", None)  # when the export ran, not a figure
    data.pop("created", None)
    return data


def _run(runner):
    result = runner.invoke(args=["retention", "run"])
    return result


def _dump(app) -> bytes:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    db.engine.dispose()
    if uri.startswith("sqlite"):
        path = uri[len("sqlite:///"):]
        connection = sqlite3.connect(path)
        connection.execute("VACUUM")
        connection.close()
        data = b""
        for name in (path, path + "-wal", path + "-journal"):
            if os.path.exists(name):
                with open(name, "rb") as handle:
                    data += handle.read()
        return data
    pg_dump = shutil.which("pg_dump") or "/usr/lib/postgresql/15/bin/pg_dump"
    url = uri.replace("postgresql+psycopg://", "postgresql://")
    return subprocess.run([pg_dump, "--data-only", url], check=True, capture_output=True).stdout


def _holds(dump: bytes, blob: bytes) -> bool:
    """Whether a dump holds these bytes: as they are (SQLite), or as pg_dump writes a bytea (hex)."""
    return blob in dump or blob.hex().encode() in dump


def test_a_run_destroys_expired_content_for_good_and_keeps_the_statistics(app, keys, make_user, runner):
    reviewer = make_user("reviewer")
    canary, held_canary, kept_canary = "GONECANARYX7", "HELDCANARYQ2", "KEPTCANARYZ4"
    gone, gone_receipt = _send_with_file(app, canary)
    held, _ = _send_with_file(app, held_canary)
    kept, _ = _send_with_file(app, kept_canary)
    # The gone case also has messages with the reporter and a referral with messages with the police.
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    police = app.test_client()
    sign_in(police, app, make_user("police").email)
    _refer_with_question(app, staff, police, gone, f"police {canary}", answer=True)
    with app.app_context():
        from reporting.auth.models import User
        from reporting.status import services as status_services

        gone_row = db.session.scalar(select(Report).where(Report.reference == gone))
        status_services.send_to_reporter(gone_row, f"to the reporter {canary}", actor=db.session.get(User, reviewer.id))
        status_services.reply(gone_row, f"reply {canary}")
        db.session.commit()
    _close(app, gone, days_ago=31, note=f"note {canary}")
    _close(app, held, days_ago=31)
    _close(app, kept, days_ago=10)  # spam rule: 30 days, not yet
    with app.app_context():
        held_report = db.session.scalar(select(Report).where(Report.reference == held))
        services.place_hold(held_report, actor=db.session.get(type(reviewer), reviewer.id), reason="court case")
        db.session.commit()
        gone_row = db.session.scalar(select(Report).where(Report.reference == gone))
        ciphertexts = [gone_row.content[40:72], gone_row.key_wrap_group[40:72], gone_row.key_wrap_receipt[20:52]]
        ciphertexts += [e.original[40:72] for e in db.session.scalars(select(Evidence).where(Evidence.report_id == gone_row.id))]
        from reporting.status.models import Message

        referral = db.session.scalar(select(Referral).where(Referral.report_id == gone_row.id))
        ciphertexts += [m.sealed[-32:] for m in db.session.scalars(select(Message).where(Message.report_id == gone_row.id))]
        ciphertexts += [referral.package[-32:]]
        ciphertexts += [f.sealed[-32:] for f in db.session.scalars(select(ReferralFile).where(ReferralFile.referral_id == referral.id))]
        ciphertexts += [m.sealed[-32:] for m in db.session.scalars(
            select(ReferralMessage).where(ReferralMessage.referral_id == referral.id))]
        ciphertexts += [e.sealed[-32:] for e in db.session.scalars(
            select(CaseEvent).where(CaseEvent.report_id == gone_row.id, CaseEvent.sealed.is_not(None)))]
        held_row = db.session.scalar(select(Report).where(Report.reference == held))
        held_ciphertext = held_row.content[-32:]  # the control: a sealed value the dump must show
        assert len(ciphertexts) == 4 + 2 + 1 + 1 + 2 + 4  # words on the timeline: 4
        # Every sealed item: the content, 2 messages, the file, 4 timeline words, the referral, its file, 2 messages.
        expected_items = 1 + 2 + 1 + 4 + 1 + 1 + 2
    before = _stats(runner)

    result = _run(runner)
    assert result.exit_code == 0, result.output
    assert f"Content destroyed: {gone} under rule spam" in result.output
    assert held not in result.output and kept not in result.output
    assert _stats(runner) == before  # the baseline whole, to the count

    with app.app_context():
        # No key opens it: the group key with the recovery key (so any holder), nor the receipt.
        with pytest.raises(Exception):
            read_report(gone, keys.recovery_text)
        record = db.session.scalar(select(DeletionRecord).where(DeletionRecord.reference == gone))
        assert (record.rule, record.items) == ("spam", expected_items)
        from reporting.audit.models import AuditEvent

        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "retention.destroy",
                                                             AuditEvent.target == f"report:{row_id(gone)}"))
        row = db.session.scalar(select(Report).where(Report.reference == gone))
        assert row.content_destroyed_rule == "spam" and row.content_destroyed_at is not None
        assert row.area == "shrewsbury" and row.strand_codes  # the clear record stays
        # The held and the not-yet-due cases are whole.
        assert held_canary in json.dumps(read_report(held, keys.recovery_text))
        assert kept_canary in json.dumps(read_report(kept, keys.recovery_text))
    visitor = app.test_client()
    response = post_form(visitor, "/status", {"receipt": gone_receipt})
    assert response.status_code != 302
    assert canary not in response.get_data(as_text=True)
    page = staff.get(f"/review/cases/{gone}").get_data(as_text=True)
    assert "Content destroyed under the rule" in page and canary not in page
    # A second run changes nothing.
    again = _run(runner)
    assert again.exit_code == 0 and "Reports whose content was destroyed: 0" in again.output

    with app.app_context():
        dump = _dump(app)
    assert gone.encode() in dump and held.encode() in dump  # the dump holds the clear records
    assert canary.encode() not in dump
    assert _holds(dump, held_ciphertext)
    for blob in ciphertexts:
        assert not _holds(dump, blob)
    assert held_canary.encode() not in dump  # sealed, as ever


def test_a_run_killed_between_reports_leaves_each_whole_or_destroyed_and_a_rerun_finishes(app, keys, make_user,
                                                                                         runner, monkeypatch):
    make_user("reviewer")
    references = [report(app.test_client(), full_answers(f"KILL{i}CANARY"))[0] for i in range(3)]
    for reference in references:
        _close(app, reference, days_ago=40)
    real = services.destroy_report
    calls = {"n": 0}

    def interrupted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "destroy_report", interrupted)
    result = _run(runner)
    assert result.exit_code != 0 and calls["n"] == 2  # click turns the interrupt into an abort
    with app.app_context():
        db.session.rollback()
        states = []
        for i, reference in enumerate(references):
            row = db.session.scalar(select(Report).where(Report.reference == reference))
            if row.content_destroyed_at is None:
                assert f"KILL{i}CANARY" in json.dumps(read_report(reference, keys.recovery_text))
                states.append("whole")
            else:
                assert row.content == b"" and row.key_wrap_group == b"" and row.key_wrap_receipt == b""
                assert db.session.scalar(select(DeletionRecord).where(DeletionRecord.reference == reference))
                states.append("destroyed")
        assert states == ["destroyed", "whole", "whole"]
    monkeypatch.setattr(services, "destroy_report", real)
    result = _run(runner)
    assert result.exit_code == 0, result.output
    assert "Reports whose content was destroyed: 2" in result.output
    with app.app_context():
        assert db.session.scalar(select(DeletionRecord.id).where(DeletionRecord.reference == references[2]))


def _refer_with_question(app, staff, police, reference: str, canary: str, *, answer: bool) -> int:
    """Send a full referral (description, name and the file), the police ask a question, the Group answers."""
    url = f"/review/cases/{reference}/referral"
    form = staff.get(url).get_data(as_text=True)
    file_ids = re.findall(r'name="files" type="checkbox" value="(\d+)"', form)
    assert len(file_ids) == 1, "the report's one file is offered"
    response = staff.post(url, data={"csrf_token": csrf_token(staff, url), "fields": ["description", "name"],
                                     "files": file_ids, "action": "send"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        report_id = db.session.scalar(select(Report.id).where(Report.reference == reference))
        referral_id = db.session.scalar(select(Referral.id).where(Referral.report_id == report_id))
    page = f"/police/referrals/{referral_id}"
    response = police.post(f"{page}/question", data={"csrf_token": csrf_token(police, page),
                                                     "question-text": f"Question {canary}?"})
    assert response.status_code in (200, 302)
    if answer:
        case = f"/review/cases/{reference}"
        response = staff.post(f"/review/referrals/{referral_id}/answer",
                              data={"csrf_token": csrf_token(staff, case), "answer-text": f"Answer {canary}."})
        assert response.status_code == 302
    return referral_id


def _stored(reference: str, recovery_text: str) -> dict:
    """What is stored about a report's referrals, opened with the recovery key: packages, files, messages."""
    from reporting import crypto
    from reporting.keys.models import ServiceKey
    from reporting.keys.services import private_key_with_recovery
    from reporting.referrals import services as referral_services
    from reporting.reports.services import group_wrap_binding

    row = db.session.scalar(select(Report).where(Report.reference == reference))
    group_key = db.session.get(ServiceKey, row.group_key_id)
    group_private = private_key_with_recovery(group_key, recovery_text)
    report_private = crypto.open_sealed(group_key.algorithm, group_private, row.key_wrap_group,
                                        group_wrap_binding(reference))
    referrals = []
    for referral in db.session.scalars(select(Referral).where(Referral.report_id == row.id).order_by(Referral.id)):
        police_key = db.session.get(ServiceKey, referral.police_key_id)
        police_private = private_key_with_recovery(police_key, recovery_text)
        package = json.loads(crypto.open_sealed(police_key.algorithm, police_private, referral.package,
                                                referral_services._package_binding(row, referral.id)))
        shared_files = [
            (f.evidence_id, crypto.open_sealed(police_key.algorithm, police_private, f.sealed,
                                               referral_services._file_binding(referral, f.id)))
            for f in db.session.scalars(select(ReferralFile).where(ReferralFile.referral_id == referral.id))
        ]
        messages = []
        for message in db.session.scalars(
            select(ReferralMessage).where(ReferralMessage.referral_id == referral.id).order_by(ReferralMessage.id)
        ):
            key, private = (group_key, group_private) if message.direction == "to_group" else (police_key, police_private)
            messages.append(crypto.open_sealed(key.algorithm, private, message.sealed,
                                               referral_services._message_binding(referral, message.id)).decode())
        referrals.append({"package": package, "files": shared_files, "messages": messages})
    return {"report": row, "report_private": report_private, "referrals": referrals}


def test_the_subject_access_export_holds_every_answer_file_referral_and_message_and_nothing_else(app, keys, make_user):
    from reporting.evidence import services as evidence_services

    reviewer = make_user("reviewer")
    mine, _ = _send_with_file(app, "MINECANARY5")
    other, _ = _send_with_file(app, "OTHERCANARY9")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    police = app.test_client()
    sign_in(police, app, make_user("police").email)
    _refer_with_question(app, staff, police, mine, "MINEPOLICE1", answer=True)
    _refer_with_question(app, staff, police, other, "OTHERPOLICE2", answer=True)

    url = f"/review/retention/cases/{mine}"
    response = staff.post(f"{url}/export", data={"csrf_token": csrf_token(staff, url)})
    assert response.status_code == 200 and response.content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read("summary.pdf"))).pages)
    pdf = re.sub(r"\s+", " ", pdf)
    exported_referrals = json.loads(archive.read("referrals.json"))

    with app.app_context():
        # Every answer, as stored.
        stored_answers = read_report(mine, keys.recovery_text)["answers"]
        assert json.loads(archive.read("answers.json")) == json.loads(json.dumps(stored_answers, default=str))
        stored = _stored(mine, keys.recovery_text)
        # Every file, byte for byte, as stored (the original, opened with the report's key).
        from reporting.auth.models import User

        actor = db.session.get(User, reviewer.id)
        originals = {}
        for item in evidence_services.list_evidence(stored["report"], stored["report_private"]):
            originals[item.evidence.id] = evidence_services.open_evidence(
                stored["report"], item.evidence, stored["report_private"], original=True, actor=actor).data
        names = json.loads(archive.read("files.json"))
        assert sorted(archive.read(f["file"]) for f in names) == sorted(originals.values())
        assert [n for n in archive.namelist() if n.startswith("files/")] == [f["file"] for f in names]
        by_content = {archive.read(f["file"]): f["file"] for f in names}
        # Every referral package: the answers it holds, and the files it shared.
        assert len(exported_referrals) == len(stored["referrals"]) == 1
        for exported, held in zip(exported_referrals, stored["referrals"]):
            assert exported["answers"] == held["package"]["answers"]
            assert [a["field"] for a in exported["answers"]] == ["description", "name"]
            assert exported["files"] == [by_content[originals[evidence_id]] for evidence_id, _copy in held["files"]]
            assert [m["text"] for m in exported["messages"]] == held["messages"]
            assert held["messages"] == ["Question MINEPOLICE1?", "Answer MINEPOLICE1."]
            assert [m["kind"] for m in exported["messages"]] == ["Question from the police",
                                                                  "Answer from the Group to the police"]
            for message in held["messages"]:
                assert message in pdf
            for item in held["package"]["answers"]:
                for line in item["answer"]:
                    assert line in pdf
    assert "Sam MINECANARY5" in pdf and "Referral 1 shared files" in pdf
    # Nothing of the other report: its answers, file, reference or messages with the police.
    for absent in (b"OTHERCANARY9", b"OTHERPOLICE2", other.encode()):
        assert absent not in everything
    assert "OTHERCANARY9" not in pdf and "OTHERPOLICE2" not in pdf
    with app.app_context():
        from reporting.audit.models import AuditEvent

        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.export"))


def test_hold_and_erasure_through_the_pages(app, keys, make_user):
    reviewer = make_user("reviewer")
    reference, _ = _send_with_file(app, "ERASECANARY3")
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    url = f"/review/retention/cases/{reference}"
    token = csrf_token(staff, url)
    # Bad input: a clear error, nothing changed.
    response = staff.post(f"{url}/hold", data={"csrf_token": token, "hold-reason": ""})
    assert response.status_code == 400 and "Give the reason for the legal hold" in response.get_data(as_text=True)
    assert staff.post(f"{url}/hold", data={"csrf_token": token, "hold-reason": "Court HOLDWORDS"}).status_code == 302
    page = staff.get(url).get_data(as_text=True)
    assert "Court HOLDWORDS" in page and "on legal hold" in page
    with app.app_context():
        from reporting.audit.models import AuditEvent

        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "retention.hold",
                                                             AuditEvent.target == f"report:{row_id(reference)}"))
    response = staff.post(f"{url}/erase", data={"csrf_token": token, "erase-reason": "reporter_request"})
    assert "lift the hold" in staff.get(url).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Report.content_destroyed_at).where(Report.reference == reference)) is None
        assert b"HOLDWORDS" not in (db.session.scalar(select(LegalHold.reason)) or b"")
    # Lifting and erasing each need a second key holder (issue 26; tests/approvals/test_two_person.py).
    second = app.test_client()
    sign_in(second, app, make_user("reviewer").email)

    def approve_last() -> None:
        from reporting.approvals.models import TwoPersonRequest

        with app.app_context():
            request_id = db.session.scalar(select(TwoPersonRequest.id).order_by(TwoPersonRequest.id.desc()))
        second.post(f"/review/approvals/{request_id}/approve",
                    data={"csrf_token": csrf_token(second, "/review/approvals/")})

    assert staff.post(f"{url}/hold/lift", data={"csrf_token": token, "lift-reason": "Closed"}).status_code == 302
    approve_last()
    # A reviewer who does not hold the Group's key cannot ask to erase: refused, nothing destroyed.
    keyless = app.test_client()
    sign_in(keyless, app, make_user("reviewer", holder=False).email)
    refused = keyless.post(f"{url}/erase", data={"csrf_token": csrf_token(keyless, url), "erase-reason": "reporter_request"})
    assert refused.status_code == 302
    assert "Only a reviewer who holds the Group" in keyless.get(url).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Report.content_destroyed_at).where(Report.reference == reference)) is None
    response = staff.post(f"{url}/erase", data={"csrf_token": token, "erase-reason": "made-up"})
    assert response.status_code == 400 and "Select why the report is being erased" in response.get_data(as_text=True)
    response = staff.post(f"{url}/erase", data={"csrf_token": token, "erase-reason": "reporter_request"})
    assert response.status_code == 302
    approve_last()
    case_page = staff.get(f"/review/cases/{reference}").get_data(as_text=True)
    assert "erased on request" in case_page and "ERASECANARY3" not in case_page
    with app.app_context():
        with pytest.raises(Exception):
            read_report(reference, keys.recovery_text)


def test_cases_due_within_the_review_window_are_listed(app, keys, make_user):
    reviewer = make_user("reviewer")
    soon, _ = report(app.test_client(), full_answers("x"))
    later, _ = report(app.test_client(), full_answers("y"))
    _close(app, soon, days_ago=20)  # spam: due in 10 days
    _close(app, later, days_ago=0, reason="not_hate_incident")  # closed rule: years away
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    page = staff.get("/review/retention/").get_data(as_text=True)
    assert soon in page and later not in page


def test_the_queue_filters_held_cases(app, keys, make_user):
    reviewer = make_user("reviewer")
    held, _ = report(app.test_client(), full_answers("h"))
    free, _ = report(app.test_client(), full_answers("f"))
    staff = app.test_client()
    sign_in(staff, app, reviewer.email)
    url = f"/review/retention/cases/{held}"
    assert staff.post(f"{url}/hold", data={"csrf_token": csrf_token(staff, url), "hold-reason": "inquest"}).status_code == 302
    only_held = staff.get("/review/?hold=held").get_data(as_text=True)
    assert held in only_held and free not in only_held
    not_held = staff.get("/review/?hold=not_held").get_data(as_text=True)
    assert free in not_held and held not in not_held
    assert staff.get("/review/?hold=nonsense").status_code == 200  # ignored, never a crash
