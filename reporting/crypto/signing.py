"""Grant proofs: Ed25519 signatures by a key derived from a service key's private half.

Only someone who has opened a service key can sign that a person was granted it;
anyone can check the signature with the verify key stored beside the public key.
So a grant row planted in the database, with no proof, gets nothing at rotation.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .binding import length_prefixed
from .errors import KeyFormatError

_INFO = b"reporting/grant-signing/v1"


def _signing_key(service_private: bytes) -> ed25519.Ed25519PrivateKey:
    if len(service_private) < 32:
        raise KeyFormatError("service private key too short")
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(service_private)
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed)


def grant_verify_key(service_private: bytes) -> bytes:
    """The public half (32 bytes) that checks proofs made with this service key."""
    return _signing_key(service_private).public_key().public_bytes_raw()


def _message(kid: str, grantee_id: int, grantee_public: bytes) -> bytes:
    return length_prefixed(b"grant/v1", kid.encode(), str(grantee_id).encode(), grantee_public)


def sign_grant(service_private: bytes, kid: str, grantee_id: int, grantee_public: bytes) -> bytes:
    """Proof that whoever held key *kid* granted it to this person's public key."""
    return _signing_key(service_private).sign(_message(kid, grantee_id, grantee_public))


def grant_proof_valid(verify_key: bytes | None, proof: bytes | None, kid: str, grantee_id: int, grantee_public: bytes) -> bool:
    """Whether *proof* was made by the holder of key *kid* for this grantee; never raises."""
    if not verify_key or not proof:
        return False
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(verify_key).verify(proof, _message(kid, grantee_id, grantee_public))
    except (InvalidSignature, ValueError):
        return False
    return True
