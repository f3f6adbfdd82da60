"""Staff accounts and their server-side sessions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false as sa_false

# The codes of this package's columns (defined, with their words, in reporting.codes;
# re-exported for the modules that read them from here).
from reporting.codes import (
    Role as Role,
)
from reporting.db import Base, UTCDateTime, utcnow


class User(Base):
    """A member of staff. The password is never stored: one Argon2id run gives a
    verifier (its digest is kept) and the key that wraps the personal private key."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'reviewer', 'centre_staff', 'police', 'analyst', 'agency')", name="role"),
        CheckConstraint("role != 'agency' OR agency_id IS NOT NULL", name="agency_user_agency"),
        CheckConstraint("role != 'centre_staff' OR centre_id IS NOT NULL", name="centre_staff_centre"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))  # agency users only
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who made the account and who last reset it: neither may grant it a key.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reset_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Password: salt, Argon2id parameters and the digest of the derived verifier.
    password_salt: Mapped[bytes] = mapped_column(LargeBinary)
    password_kdf: Mapped[str] = mapped_column(String(64))
    password_verifier: Mapped[bytes] = mapped_column(LargeBinary)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    # Personal key pair: the private half wrapped under the password-derived key.
    key_algorithm: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    private_key_wrap: Mapped[bytes] = mapped_column(LargeBinary)
    # TOTP: the secret encrypted under a key derived from the app secret (not in the database).
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_counter: Mapped[int] = mapped_column(Integer, default=0)

    # Flask-Login
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class StaffSession(Base):
    """A signed-in session. ``keys`` holds the holder's personal private key encrypted
    under a secret that exists only in the person's session cookie."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    second_factor_done: Mapped[bool] = mapped_column(Boolean, default=False)
    keys: Mapped[bytes] = mapped_column(LargeBinary)
    # A passkey holder's sign-in: the code is done and the passkey is next. Until then
    # ``keys`` holds only what the password opened (the key still locked by the passkey).
    awaiting_passkey: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The pending WebAuthn ceremony (challenges, the new passkey's PRF salt): used once.
    passkey_ceremony: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The holder's passkey key, encrypted under the cookie's secret like ``keys``: adding
    # another passkey needs it.
    passkey_key: Mapped[bytes | None] = mapped_column(LargeBinary)


class Passkey(Base):
    """A key holder's passkey (WebAuthn credential with the PRF extension).

    ``key_wrap`` is the holder's passkey key wrapped under a key derived from this
    passkey's PRF output over ``prf_salt``: the output comes from the authenticator at
    each sign-in and is never stored. Public key and sign count check its signatures.
    """

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    prf_salt: Mapped[bytes] = mapped_column(LargeBinary)
    key_wrap: Mapped[bytes] = mapped_column(LargeBinary)
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
