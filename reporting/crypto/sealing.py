"""Public-key sealing with HPKE (RFC 9180), bound to a named key and a record."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .binding import Binding, length_prefixed
from .errors import DecryptionError, KeyFormatError, UnsupportedAlgorithmError

ALG_HYBRID = "MLKEM768-X25519"
ALG_X25519 = "X25519"

# One byte per algorithm in the blob header; never reuse a code.
_ALG_CODE = {ALG_HYBRID: 1, ALG_X25519: 2}
_VERSION = 1
_DOMAIN = b"reporting/seal/v1"
_KID_RE = re.compile(r"k_[0-9a-f]{20}")
_MLKEM_SEED_LEN = 64
_MLKEM_PUBLIC_LEN = 1184
_X25519_LEN = 32

_PrivateKey = hpke.MLKEM768X25519PrivateKey | x25519.X25519PrivateKey
_PublicKey = hpke.MLKEM768X25519PublicKey | x25519.X25519PublicKey


@functools.cache
def hybrid_available() -> bool:
    """Whether this build of `cryptography` can do ML-KEM-768 + X25519 HPKE."""
    try:
        hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
        mlkem.MLKEM768PrivateKey.generate()
    except (AttributeError, UnsupportedAlgorithm):
        # Older wheels lack the attribute; builds on a plain OpenSSL lack ML-KEM.
        return False
    return True


def _suite(algorithm: str) -> hpke.Suite:
    if algorithm == ALG_HYBRID:
        if not hybrid_available():
            raise UnsupportedAlgorithmError(f"{ALG_HYBRID} is not available in this build")
        kem = hpke.KEM.MLKEM768_X25519
    elif algorithm == ALG_X25519:
        kem = hpke.KEM.X25519
    else:
        raise KeyFormatError(f"unknown algorithm {algorithm!r}")
    return hpke.Suite(kem, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


@dataclass(frozen=True)
class KeyPair:
    """Raw key bytes. Hybrid: public 1216 = ML-KEM 1184 | X25519 32; private 96 = seed 64 | X25519 32.

    X25519 alone: 32 and 32.
    """

    algorithm: str
    public: bytes
    private: bytes = field(repr=False)  # keep private keys out of logs and tracebacks

    @property
    def kid(self) -> str:
        """The key id of this pair's public key."""
        return key_id(self.algorithm, self.public)


def key_id(algorithm: str, public: bytes) -> str:
    """Short stable id of a public key: "k_" + 20 hex chars of a SHA-256 over (algorithm, public)."""
    if algorithm not in _ALG_CODE:
        raise KeyFormatError(f"unknown algorithm {algorithm!r}")
    digest = hashlib.sha256(length_prefixed(b"reporting/kid/v1", algorithm.encode(), public))
    return "k_" + digest.hexdigest()[:20]


def generate_keypair(algorithm: str = ALG_HYBRID) -> KeyPair:
    """Generate a key pair; UnsupportedAlgorithmError if hybrid is asked for but missing."""
    _suite(algorithm)
    x = x25519.X25519PrivateKey.generate()
    x_pub, x_priv = x.public_key().public_bytes_raw(), x.private_bytes_raw()
    if algorithm == ALG_X25519:
        return KeyPair(algorithm, x_pub, x_priv)
    m = mlkem.MLKEM768PrivateKey.generate()
    return KeyPair(
        algorithm,
        m.public_key().public_bytes_raw() + x_pub,
        m.private_bytes_raw() + x_priv,
    )


def keypair_from_secret(secret: bytes, algorithm: str = ALG_HYBRID) -> KeyPair:
    """Derive a key pair deterministically from a >= 32-byte secret (e.g. the recovery key).

    The same secret and algorithm always give the same pair, so only the secret need be kept.
    Raises KeyFormatError (short secret, unknown algorithm) or UnsupportedAlgorithmError.
    """
    _suite(algorithm)
    if len(secret) < 32:
        raise KeyFormatError("secret must be at least 32 bytes")
    length = _X25519_LEN if algorithm == ALG_X25519 else _MLKEM_SEED_LEN + _X25519_LEN
    # HKDF output is uniform, and any 64 bytes are a valid ML-KEM seed and any 32 a valid
    # X25519 scalar; the algorithm in info keeps pairs for different algorithms unrelated.
    private = HKDF(
        algorithm=hashes.SHA256(),
        length=length,
        salt=None,
        info=b"reporting/keypair-from-secret/v1:" + algorithm.encode(),
    ).derive(secret)
    return KeyPair(algorithm, _load_private(algorithm, private)[1], private)


def _load_public(algorithm: str, public: bytes) -> _PublicKey:
    try:
        if algorithm == ALG_X25519 and len(public) == _X25519_LEN:
            return x25519.X25519PublicKey.from_public_bytes(public)
        if algorithm == ALG_HYBRID and len(public) == _MLKEM_PUBLIC_LEN + _X25519_LEN:
            return hpke.MLKEM768X25519PublicKey(
                mlkem.MLKEM768PublicKey.from_public_bytes(public[:_MLKEM_PUBLIC_LEN]),
                x25519.X25519PublicKey.from_public_bytes(public[_MLKEM_PUBLIC_LEN:]),
            )
    except ValueError:
        pass
    raise KeyFormatError(f"malformed {algorithm} public key")


def _load_private(algorithm: str, private: bytes) -> tuple[_PrivateKey, bytes]:
    """Return the private key object and the raw public key it belongs to."""
    try:
        if algorithm == ALG_X25519 and len(private) == _X25519_LEN:
            x = x25519.X25519PrivateKey.from_private_bytes(private)
            return x, x.public_key().public_bytes_raw()
        if algorithm == ALG_HYBRID and len(private) == _MLKEM_SEED_LEN + _X25519_LEN:
            m = mlkem.MLKEM768PrivateKey.from_seed_bytes(private[:_MLKEM_SEED_LEN])
            x = x25519.X25519PrivateKey.from_private_bytes(private[_MLKEM_SEED_LEN:])
            public = m.public_key().public_bytes_raw() + x.public_key().public_bytes_raw()
            return hpke.MLKEM768X25519PrivateKey(m, x), public
    except ValueError:
        pass
    raise KeyFormatError(f"malformed {algorithm} private key")


def _header(algorithm: str, kid: str) -> bytes:
    return bytes([_VERSION, _ALG_CODE[algorithm], len(kid)]) + kid.encode("ascii")


def _split(blob: bytes) -> tuple[int, str, bytes]:
    """Parse a blob into (algorithm code, kid, HPKE ciphertext); KeyFormatError if malformed."""
    if len(blob) < 3 or blob[0] != _VERSION or blob[1] not in _ALG_CODE.values():
        raise KeyFormatError("not a sealed blob")
    end = 3 + blob[2]
    kid = blob[3:end].decode("ascii", errors="replace")
    if not _KID_RE.fullmatch(kid) or len(blob) <= end:
        raise KeyFormatError("not a sealed blob")
    return blob[1], kid, blob[end:]


def _info(header: bytes, binding: Binding) -> bytes:
    # The whole header (version, algorithm, kid) is authenticated, as is the cell.
    return length_prefixed(_DOMAIN, header, binding.encode())


def seal(algorithm: str, public: bytes, plaintext: bytes, binding: Binding) -> bytes:
    """Encrypt *plaintext* to a public key, for the cell *binding*.

    Blob: version (1) | algorithm code (1) | kid length (1) | kid (22) | HPKE enc | ciphertext | tag (16).
    Overhead over the plaintext: 1161 bytes for hybrid (enc 1120), 73 for X25519 (enc 32).
    Raises KeyFormatError (bad key / algorithm) or UnsupportedAlgorithmError.
    """
    suite = _suite(algorithm)
    header = _header(algorithm, key_id(algorithm, public))
    key = _load_public(algorithm, public)
    try:
        return header + suite.encrypt(plaintext, key, info=_info(header, binding))
    except ValueError:
        # e.g. an all-zero X25519 public value: the DH output would be zero.
        raise KeyFormatError(f"unusable {algorithm} public key") from None


@dataclass(frozen=True)
class PrivateKey:
    """A private key loaded once, to open several blobs sealed to it (a case page opens a
    dozen). Loading a hybrid key expands the ML-KEM seed and tests the pair, which costs more
    than opening a blob. Keep it no longer than the bytes it came from (one request)."""

    algorithm: str
    kid: str
    key: _PrivateKey = field(repr=False)


def load_private_key(algorithm: str, private: bytes) -> PrivateKey:
    """KeyFormatError if *private*/*algorithm* is bad; UnsupportedAlgorithmError if not built in."""
    _suite(algorithm)
    key, public = _load_private(algorithm, private)
    return PrivateKey(algorithm, key_id(algorithm, public), key)


def open_sealed(algorithm: str, private: bytes | PrivateKey, blob: bytes, binding: Binding) -> bytes:
    """Decrypt a blob made by :func:`seal`, with the private key's bytes or the key loaded.

    DecryptionError for any problem with the blob (malformed, tampered, sealed to another key
    or another algorithm, other binding). KeyFormatError only if *private*/*algorithm* is bad.
    """
    suite = _suite(algorithm)
    loaded = private if isinstance(private, PrivateKey) else load_private_key(algorithm, private)
    if loaded.algorithm != algorithm:
        raise KeyFormatError(f"a {loaded.algorithm} key, not {algorithm}")
    try:
        code, kid, ciphertext = _split(blob)
    except KeyFormatError:
        raise DecryptionError() from None
    if code != _ALG_CODE[algorithm] or kid != loaded.kid:
        raise DecryptionError()
    try:
        return suite.decrypt(ciphertext, loaded.key, info=_info(_header(algorithm, kid), binding))
    except (InvalidTag, ValueError):
        # ValueError too, defensively: no library error may escape as anything else.
        raise DecryptionError() from None


def sealed_key_id(blob: bytes) -> str:
    """The kid of the key a blob was sealed to; KeyFormatError if the blob is malformed."""
    return _split(blob)[1]
