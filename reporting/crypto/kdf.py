"""Key derivation: Argon2id for low-entropy secrets, HKDF and HMAC for high-entropy keys."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import KeyFormatError

_PARAMS_RE = re.compile(r"argon2id:t=([1-9][0-9]{0,2}),m=([1-9][0-9]{0,7}),p=([1-9][0-9]?)")
SALT_LEN = 16


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters, stored beside each derived record so they can change later."""

    time_cost: int
    memory_kib: int
    parallelism: int

    def __post_init__(self) -> None:
        # Upper bounds stop a corrupted params string from tying up a worker for minutes.
        if not (
            1 <= self.time_cost <= 100
            and 1 <= self.parallelism <= 16
            and 8 * self.parallelism <= self.memory_kib <= 4 * 1024 * 1024
        ):
            raise KeyFormatError("Argon2id parameters out of range")

    def encode(self) -> str:
        """Return e.g. "argon2id:t=3,m=65536,p=1"."""
        return f"argon2id:t={self.time_cost},m={self.memory_kib},p={self.parallelism}"

    @classmethod
    def decode(cls, text: str) -> KdfParams:
        """Parse :meth:`encode` output; KeyFormatError if malformed or out of range."""
        match = _PARAMS_RE.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise KeyFormatError("malformed KDF parameters")
        t, m, p = (int(group) for group in match.groups())
        return cls(t, m, p)


KDF_DEFAULT = KdfParams(time_cost=3, memory_kib=65536, parallelism=1)
KDF_TEST = KdfParams(time_cost=1, memory_kib=64, parallelism=1)  # fast; tests only


def new_salt() -> bytes:
    """Return a fresh random 16-byte salt."""
    return os.urandom(SALT_LEN)


def derive_keys(secret: bytes, salt: bytes, params: KdfParams) -> tuple[bytes, bytes]:
    """Run Argon2id once and split 64 bytes into (verifier, wrap_key), 32 bytes each.

    Store only verifier_digest(verifier); the wrap key must never be stored.
    """
    if len(salt) < SALT_LEN:
        raise KeyFormatError("salt must be at least 16 bytes")
    out = hash_secret_raw(
        secret,
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=64,
        type=Type.ID,
    )
    return out[:32], out[32:]


def verifier_digest(verifier: bytes) -> bytes:
    """SHA-256 of a verifier: what the database keeps."""
    return hashlib.sha256(verifier).digest()


def verifier_matches(stored_digest: bytes, verifier: bytes) -> bool:
    """Constant-time check of a verifier against a stored digest."""
    return hmac.compare_digest(stored_digest, verifier_digest(verifier))


def keyed_tag(key: bytes, value: str) -> str:
    """HMAC-SHA256 of *value*, as 32 hex chars (128 bits), e.g. for rate-limit keys without IPs."""
    if len(key) < 16:
        raise KeyFormatError("tag key must be at least 16 bytes")
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def derive_subkey(master: bytes, purpose: str) -> bytes:
    """HKDF-SHA256 a 32-byte key for *purpose* from a master secret (e.g. the app secret)."""
    if len(master) < 16 or not purpose:
        raise KeyFormatError("master must be at least 16 bytes and purpose non-empty")
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"reporting/subkey/v1:" + purpose.encode("utf-8"),
    )
    return hkdf.derive(master)
