"""Staff password hashing with Argon2id (argon2-cffi's PasswordHasher)."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from .kdf import KDF_DEFAULT, KdfParams

_PREFIX = "$argon2id$"  # only Argon2id hashes are ever accepted, so no downgrade via a stored hash


def _hasher(params: KdfParams) -> PasswordHasher:
    return PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def _normalise(password: str) -> bytes:
    # NFKC (as NIST SP 800-63B suggests) so the same password typed on another
    # keyboard or OS, with differently composed accents, still matches.
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def hash_password(password: str, params: KdfParams = KDF_DEFAULT) -> str:
    """Return an encoded Argon2id hash ("$argon2id$v=19$m=...") of *password*."""
    return _hasher(params).hash(_normalise(password))


def verify_password(stored: str, password: str) -> bool:
    """Whether *password* matches *stored*; False (never an exception) if *stored* is malformed."""
    if not isinstance(stored, str) or not stored.startswith(_PREFIX):
        return False
    try:
        # Parameters come from the stored hash, so any params in use verify.
        return _hasher(KDF_DEFAULT).verify(stored, _normalise(password))
    except (VerificationError, InvalidHashError, UnicodeError, TypeError):
        return False


def password_needs_rehash(stored: str, params: KdfParams) -> bool:
    """Whether *stored* was made with other parameters than *params* (True if malformed)."""
    if not isinstance(stored, str) or not stored.startswith(_PREFIX):
        return True
    try:
        return _hasher(params).check_needs_rehash(stored)
    except InvalidHashError:
        return True
