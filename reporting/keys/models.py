from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

# The codes of this package's columns (defined, with their words, in reporting.codes;
# re-exported for the modules that read them from here).
from reporting.codes import (
    KeyPurpose as KeyPurpose,
)
from reporting.db import Base, UTCDateTime, utcnow


@dataclass(frozen=True)
class KeyName:
    """Which key: a purpose and, for a partner agency's own key, that agency's id."""

    purpose: KeyPurpose
    agency_id: int | None = None


class ServiceKey(Base):
    """A public key the web code may seal to, with its private half wrapped.

    The private half is never stored in clear: it is sealed to the recovery key
    (``recovery_wrap``) and, from the staff issue on, to each key holder.
    The recovery key itself keeps only its public half here.
    """

    __tablename__ = "service_keys"
    __table_args__ = (
        CheckConstraint("purpose IN ('recovery', 'group', 'police', 'partners', 'agency')", name="purpose"),
        CheckConstraint("(purpose = 'agency') = (agency_id IS NOT NULL)", name="one_agency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(48), unique=True)
    purpose: Mapped[str] = mapped_column(String(16), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)  # an agency's own key
    algorithm: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    recovery_wrap: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Checks grant proofs (crypto.grant_proof_valid); derived from the private half.
    grant_verify_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KeyGrant(Base):
    """A service key's private half sealed to one holder's personal public key."""

    __tablename__ = "key_grants"
    __table_args__ = (UniqueConstraint("user_id", "service_key_id", name="user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    service_key_id: Mapped[int] = mapped_column(ForeignKey("service_keys.id"), index=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Signed with the service key itself: a row planted in the database has none.
    proof: Mapped[bytes | None] = mapped_column(LargeBinary)


class GrantRequest(Base):
    """A grant of a key (the group's, the police's, an agency's) waiting for a second holder.

    ``requested_by_id`` is the holder who asked; None when it came from the command
    line with the recovery key. The approver opens the key and seals the grant.
    """

    __tablename__ = "grant_requests"
    __table_args__ = (
        CheckConstraint("purpose IN ('group', 'police', 'partners', 'agency')", name="purpose"),
        CheckConstraint("(purpose = 'agency') = (agency_id IS NOT NULL)", name="one_agency"),
        CheckConstraint("approved_by_id IS NULL OR requested_by_id IS NULL OR approved_by_id != requested_by_id",
                        name="second_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def key_name(self) -> KeyName:
        return KeyName(KeyPurpose(self.purpose), self.agency_id)
