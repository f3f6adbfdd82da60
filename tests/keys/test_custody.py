"""Key custody: who can open the reports, and who cannot.

A new reviewer reads nothing until granted; a reset password loses that
person's wrap but no data; after rotation old and new reports open; and the
database plus the whole configuration, without a password or the recovery
key, opens nothing (the last test tries in earnest).
"""
from __future__ import annotations

import ast
import hashlib
import json
import secrets
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select

import reporting
from reporting import crypto
from reporting.admin import accounts
from reporting.auth import services as auth_services
from reporting.auth.models import User
from reporting.exceptions import LastKeyHolderError
from reporting.extensions import db
from reporting.keys.models import KeyGrant, KeyPurpose, ServiceKey
from reporting.keys.services import current_key, grant_from_holder, is_holder
from reporting.reports.models import Report
from reporting.settings import current_settings
from tests.helpers import csrf_token, full_answers, minimal_answers, post_form, read_report, report, sign_in

CANNOT_READ = "You cannot read this report yet"
STORY = "A man shouted at me in the street."
NEW_PASSWORD = "a temporary passphrase from the admin"


def case_page(staff, reference: str) -> str:  # type: ignore[no-untyped-def]
    response = staff.get(f"/review/cases/{reference}")
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def grants_of(app, user_id: int) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return len(db.session.scalars(select(KeyGrant).where(KeyGrant.user_id == user_id)).all())


# A new reviewer -------------------------------------------------------------------------

def test_a_new_reviewer_reads_nothing_until_granted_with_the_recovery_key(app, client, keys, make_user, runner):
    reference, _ = report(client, full_answers("only-for-holders"))
    newcomer = make_user("reviewer", holder=False)
    staff = app.test_client()
    sign_in(staff, app, newcomer.email)

    page = case_page(staff, reference)
    assert CANNOT_READ in page
    assert "only-for-holders" not in page
    assert STORY not in page
    assert reference in page  # the clear fields of the queue still show

    wrong = runner.invoke(args=["keys", "grant", "--email", newcomer.email, "--recovery-key-stdin"],
                          input="0000-0000-0000-0000-0000-0000-0000-0000\n")
    assert wrong.exit_code != 0
    assert CANNOT_READ in case_page(staff, reference)

    granted = runner.invoke(args=["keys", "grant", "--email", newcomer.email, "--recovery-key-stdin"],
                            input=keys.recovery_text + "\n")
    assert granted.exit_code == 0, granted.output
    # The same session now reads it: the grant is sealed to the newcomer's public key.
    page = case_page(staff, reference)
    assert CANNOT_READ not in page
    assert f"{STORY} only-for-holders" in page


def test_an_existing_holder_can_grant_a_new_reviewer(app, client, make_user):
    reference, _ = report(client, full_answers("passed-on"))
    holder = make_user("reviewer")
    newcomer = make_user("reviewer", holder=False)
    with app.app_context():
        granter = db.session.get(User, holder.id)
        _user, private = auth_services.sign_in_with_password(
            holder.email, "correct horse battery staple", client="test", settings=current_settings())
        grant_from_holder(granter, private, db.session.get(User, newcomer.id))
        db.session.commit()
    staff = app.test_client()
    sign_in(staff, app, newcomer.email)
    assert f"{STORY} passed-on" in case_page(staff, reference)


# A reset password -----------------------------------------------------------------------

def test_a_reset_loses_that_persons_wrap_but_no_data(app, client, keys, make_user):
    reference, _ = report(client, full_answers("survives-reset"))
    forgetful = make_user("reviewer")
    other = make_user("reviewer")
    assert grants_of(app, forgetful.id) > 0

    with app.app_context():
        accounts.reset_user(db.session.get(User, forgetful.id), NEW_PASSWORD, actor="test",
                                 settings=current_settings())
        db.session.commit()
        assert not is_holder(db.session.get(User, forgetful.id))
    assert grants_of(app, forgetful.id) == 0

    # The other holder still reads everything.
    colleague = app.test_client()
    sign_in(colleague, app, other.email)
    assert f"{STORY} survives-reset" in case_page(colleague, reference)
    # So does the recovery key.
    with app.app_context():
        assert read_report(reference, keys.recovery_text)["answers"]["description"].startswith(STORY)

    # The reset person signs in again (new authenticator, new password) and reads nothing yet.
    again = app.test_client()
    chosen = "my own chosen passphrase again"
    # Their own password first (before the authenticator), then signed in.
    landing = sign_in(again, app, forgetful.email, NEW_PASSWORD, chosen=chosen)
    assert landing.headers["Location"].endswith("/staff/")
    page = case_page(again, reference)
    assert CANNOT_READ in page
    assert "survives-reset" not in page

    # A holder grants again, and the reset person reads the old report once more.
    with app.app_context():
        _user, private = auth_services.sign_in_with_password(
            other.email, "correct horse battery staple", client="t", settings=current_settings())
        grant_from_holder(db.session.get(User, other.id), private, db.session.get(User, forgetful.id))
        db.session.commit()
    assert f"{STORY} survives-reset" in case_page(again, reference)


def test_the_last_key_holder_cannot_be_reset(app, make_user):
    only = make_user("reviewer")
    with app.app_context():
        with pytest.raises(LastKeyHolderError):
            accounts.reset_user(db.session.get(User, only.id), NEW_PASSWORD, actor="test",
                                     settings=current_settings())
        db.session.rollback()
    assert grants_of(app, only.id) > 0


# Rotation --------------------------------------------------------------------------------

def test_after_rotation_old_and_new_reports_open(app, client, keys, make_user, runner):
    holder = make_user("reviewer")
    before, _ = report(client, full_answers("before-rotation"))
    rotated = runner.invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    after, _ = report(app.test_client(), full_answers("after-rotation"))

    with app.app_context():
        new_key = current_key(KeyPurpose.GROUP)
        assert new_key.kid != keys.group_kid
        by_reference = {r.reference: r.group_key_id for r in db.session.scalars(select(Report))}
        assert by_reference[after] == new_key.id
        assert by_reference[before] != new_key.id
        # The holder was granted the new key at rotation, without signing in.
        assert is_holder(db.session.get(User, holder.id))
        assert "before-rotation" in read_report(before, keys.recovery_text)["answers"]["description"]
        assert "after-rotation" in read_report(after, keys.recovery_text)["answers"]["description"]

    staff = app.test_client()
    sign_in(staff, app, holder.email)
    assert f"{STORY} before-rotation" in case_page(staff, before)
    assert f"{STORY} after-rotation" in case_page(staff, after)

    # Someone granted after the rotation gets the old key too.
    late = make_user("reviewer")
    late_client = app.test_client()
    sign_in(late_client, app, late.email)
    assert f"{STORY} before-rotation" in case_page(late_client, before)
    assert f"{STORY} after-rotation" in case_page(late_client, after)


# The stolen server ----------------------------------------------------------------------

def steal_database(app, folder: Path) -> dict[str, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """Every row of every table, read from a copy of the database files (SQLite) or
    straight from the server (PostgreSQL), without the application's code."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        source = Path(url.database)
        folder.mkdir()
        copied = [shutil.copy(p, folder / p.name) for p in source.parent.glob(source.name + "*")]
        assert any(str(p).endswith("-wal") for p in copied), "the WAL holds recent writes: take it too"
        url = url.set(database=str(folder / source.name))
    engine = sa.create_engine(url)
    rows: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table in sa.inspect(connection).get_table_names():
            rows[table] = [dict(r._mapping) for r in connection.execute(sa.text(f'SELECT * FROM "{table}"'))]
    engine.dispose()
    return rows


def stolen_files(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()) if folder.exists() else b""


def configuration_secrets(app) -> list[bytes]:  # type: ignore[no-untyped-def]
    """Every value in the configuration and every file of the instance folder."""
    found: list[bytes] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            found.append(value.encode())
        elif isinstance(value, bytes):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                collect(item)
        elif value is not None:
            found.append(str(value).encode())

    collect(dict(app.config))
    collect(app.extensions.get("reporting.ratelimit_key"))
    instance = Path(app.instance_path)
    if instance.exists():
        for path in instance.rglob("*"):
            if path.is_file():
                found.append(path.read_bytes())
                found.append(path.read_bytes().strip())
    return sorted({value for value in found if len(value) >= 16})


def purposes_in_the_code() -> set[str]:
    """Every purpose the code passes to derive_subkey, and some it might have."""
    purposes: set[str] = set()
    for path in Path(reporting.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "derive_subkey":
                if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    purposes.add(str(node.args[1].value))
    assert {"totp secrets", "rate-limit client tag"} <= purposes, purposes
    guesses = {"group", "police", "recovery", "report", "reports", "content", "session", "sessions", "staff sessions",
               "personal key", "private key", "key_grants", "service_keys", "users", "drafts", "receipt", "secret"}
    return purposes | guesses


def candidate_keys(config_secrets: list[bytes]) -> list[bytes]:
    keys: set[bytes] = set()
    purposes = purposes_in_the_code()
    for secret in config_secrets:
        keys.add(hashlib.sha256(secret).digest())
        keys.add(secret[:32].ljust(32, b"\0"))
        keys.add(hashlib.blake2b(secret, digest_size=32).digest())
        for purpose in purposes:
            keys.add(crypto.derive_subkey(secret, purpose))
    return sorted(keys)


def candidate_pairs(keys: list[bytes], config_secrets: list[bytes]) -> list[crypto.KeyPair]:
    """Key pairs derivable from the configuration, as the recovery key pair is derived from its text."""
    pairs = []
    for seed in keys + [s for s in config_secrets if len(s) >= 32]:
        for algorithm in (crypto.ALG_HYBRID, crypto.ALG_X25519):
            pairs.append(crypto.keypair_from_secret(seed, algorithm))
    return pairs


SEALED = [  # (table, column, how the row names its binding)
    ("service_keys", "recovery_wrap", lambda row: row["kid"]),
    ("key_grants", "wrapped", lambda row: f"{row['user_id']}:{row['service_key_id']}"),
    ("reports", "key_wrap_group", lambda row: row["reference"]),
    ("reports", "content", lambda row: row["reference"]),
    ("reports", "staff_flags", lambda row: row["reference"]),
    ("case_events", "sealed", lambda row: f"{row['reference']}:{row['id']}"),
]
WRAPPED = [  # AES-GCM under a key derived from a password, a receipt or a cookie secret
    ("users", "private_key_wrap", lambda row: str(row["id"]), ("password_salt", "password_kdf")),
    ("reports", "key_wrap_receipt", lambda row: row["reference"], ("receipt_salt", "receipt_kdf")),
    ("staff_sessions", "keys", lambda row: row["id"], None),
    ("drafts", "receipt", lambda row: row["id"], None),
    ("drafts", "answers", lambda row: row["id"], None),
]


def attack(rows, keys: list[bytes], pairs: list[crypto.KeyPair], secrets_: list[bytes]) -> list[tuple[str, bytes]]:  # type: ignore[no-untyped-def]
    """Try every key and key pair on every sealed or wrapped cell; whatever opens is
    tried in turn as a private key (a group key opens reports, a report key its content).
    Returns what opened, and with it the plaintext."""
    opened: dict[tuple[str, str, str], bytes] = {}
    tried = 0
    pairs = list(pairs)
    while True:
        before = len(opened)
        for table, column, row_name in SEALED:
            for row in rows.get(table, []):
                blob = bytes(row[column]) if row[column] else b""
                binding = crypto.Binding(table, column, row_name(row))
                if not blob or (table, column, binding.row) in opened:
                    continue
                for pair in pairs:
                    tried += 1
                    try:
                        opened[(table, column, binding.row)] = crypto.open_sealed(pair.algorithm, pair.private, blob, binding)
                        break
                    except crypto.CryptoError:
                        continue
        for table, column, row_name, kdf_columns in WRAPPED:
            for row in rows.get(table, []):
                blob = bytes(row[column]) if row[column] else b""
                binding = crypto.Binding(table, column, row_name(row))
                if not blob or (table, column, binding.row) in opened:
                    continue
                tries = list(keys)
                if kdf_columns:  # as if a password or receipt were kept in the configuration
                    salt, params = bytes(row[kdf_columns[0]]), crypto.KdfParams.decode(row[kdf_columns[1]])
                    tries += [crypto.derive_keys(secret, salt, params)[1] for secret in secrets_]
                for key in tries:
                    for open_ in (crypto.decrypt, crypto.unwrap_private_key):
                        tried += 1
                        try:
                            opened[(table, column, binding.row)] = open_(key, blob, binding)
                        except crypto.CryptoError:
                            continue
        if len(opened) == before:
            break
        for plaintext in opened.values():  # anything shaped like a private key is one to try
            for algorithm, length in ((crypto.ALG_HYBRID, 96), (crypto.ALG_X25519, 32)):
                if len(plaintext) == length:
                    pairs.append(crypto.KeyPair(algorithm, b"", plaintext))
    assert tried > 1000, f"only {tried} attempts: the stolen data is missing something"
    return [(".".join(where), plaintext) for where, plaintext in opened.items()]  # e.g. "reports.content.HC-26-..."


def test_the_database_and_the_whole_configuration_open_nothing(app, client, keys, make_user, tmp_path):
    canary = "STOLENCANARY" + secrets.token_hex(6)
    reference, receipt = report(client, full_answers(canary))
    report(app.test_client(), minimal_answers())
    # A signed-in holder, mid-session, who has opened the case and written on it.
    holder = make_user("reviewer")
    staff = app.test_client()
    sign_in(staff, app, holder.email)
    assert canary in case_page(staff, reference)
    token = csrf_token(staff, f"/review/cases/{reference}")
    note = staff.post(f"/review/cases/{reference}/notes", data={"csrf_token": token, "note-note": f"note {canary}"})
    flags = staff.post(f"/review/cases/{reference}/flags", data={"csrf_token": token, "flags-flags": "ongoing_threat"})
    assert (note.status_code, flags.status_code) == (302, 302)

    rows = steal_database(app, tmp_path / "stolen")
    assert len(rows["staff_sessions"]) == 1 and rows["staff_sessions"][0]["second_factor_done"]
    stolen_report = next(row for row in rows["reports"] if row["reference"] == reference)
    assert stolen_report["staff_flags"]
    # The thief knows the schema: a case event's binding names its report's reference.
    references = {row["id"]: row["reference"] for row in rows["reports"]}
    for event in rows["case_events"]:
        event["reference"] = references[event["report_id"]]
    assert any(event["sealed"] for event in rows["case_events"])
    config_secrets = configuration_secrets(app)
    assert app.config["SECRET_KEY"].encode() in config_secrets
    keys_ = candidate_keys(config_secrets)
    pairs = candidate_pairs(keys_, config_secrets)

    # The attempt is real: the configuration does open what it is meant to open (TOTP
    # secrets), and the same attack with the recovery key reads the report.
    totp_binding = crypto.Binding("users", "totp_secret", str(holder.id))
    holder_row = next(row for row in rows["users"] if row["id"] == holder.id)
    assert any(_opens(key, bytes(holder_row["totp_secret"]), totp_binding) for key in keys_)
    recovery_pair = crypto.keypair_from_secret(crypto.parse_recovery_key(keys.recovery_text), crypto.ALG_HYBRID)
    with_recovery = dict(attack(rows, keys_, pairs + [recovery_pair], config_secrets))
    assert canary.encode() in with_recovery[f"reports.content.{reference}"]
    assert any(where.startswith("case_events.sealed") and canary.encode() in text for where, text in with_recovery.items())

    # Without it: nothing opens, and every attempt failed as a CryptoError.
    assert [where for where, _ in attack(rows, keys_, pairs, config_secrets)] == []

    # And the canary is in none of it: not the database, not the configuration.
    everything = json.dumps(rows, default=_as_text).encode()
    assert canary.encode() not in everything
    assert canary.encode() not in stolen_files(tmp_path / "stolen")
    assert canary.encode() not in b"".join(config_secrets)
    assert receipt.replace(" ", "").encode() not in everything.replace(b" ", b"")


def _as_text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("latin-1")
    return str(value)


def _opens(key: bytes, blob: bytes, binding: crypto.Binding) -> bool:
    try:
        crypto.decrypt(key, blob, binding)
    except crypto.CryptoError:
        return False
    return True
