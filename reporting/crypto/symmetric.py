"""AES-256-GCM for data and for wrapping private keys, bound to a record."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .binding import Binding, length_prefixed
from .errors import DecryptionError, KeyFormatError

KEY_LEN = 32
_VERSION = b"\x01"
_NONCE_LEN = 12
_TAG_LEN = 16
# Separate labels so a wrapped private key can never be opened as "data" or vice versa.
_DOMAIN_DATA = b"reporting/aead/data/v1"
_DOMAIN_WRAP = b"reporting/aead/wrap/v1"


def _nonce() -> bytes:
    # A function of its own only so known-answer tests can pin it.
    return os.urandom(_NONCE_LEN)


def _check_key(key: bytes) -> AESGCM:
    if not isinstance(key, bytes) or len(key) != KEY_LEN:
        raise KeyFormatError("symmetric key must be 32 bytes")
    return AESGCM(key)


def _aad(domain: bytes, binding: Binding) -> bytes:
    return length_prefixed(domain, _VERSION, binding.encode())


def _seal(domain: bytes, key: bytes, plaintext: bytes, binding: Binding) -> bytes:
    aead = _check_key(key)
    nonce = _nonce()
    return _VERSION + nonce + aead.encrypt(nonce, plaintext, _aad(domain, binding))


def _open(domain: bytes, key: bytes, blob: bytes, binding: Binding) -> bytes:
    aead = _check_key(key)
    if len(blob) < 1 + _NONCE_LEN + _TAG_LEN or blob[:1] != _VERSION:
        raise DecryptionError()
    nonce, body = blob[1 : 1 + _NONCE_LEN], blob[1 + _NONCE_LEN :]
    try:
        return aead.decrypt(nonce, body, _aad(domain, binding))
    except InvalidTag:
        raise DecryptionError() from None


def random_key() -> bytes:
    """Return a fresh random 32-byte symmetric key."""
    return os.urandom(KEY_LEN)


def encrypt(key: bytes, plaintext: bytes, binding: Binding) -> bytes:
    """Encrypt *plaintext* for the cell *binding* with AES-256-GCM.

    Blob layout: version (1) | nonce (12) | ciphertext | tag (16), i.e. 29 bytes
    longer than the plaintext. Raises KeyFormatError if *key* is not 32 bytes.
    """
    return _seal(_DOMAIN_DATA, key, plaintext, binding)


def decrypt(key: bytes, blob: bytes, binding: Binding) -> bytes:
    """Open a blob made by :func:`encrypt`; DecryptionError if anything is wrong."""
    return _open(_DOMAIN_DATA, key, blob, binding)


def wrap_private_key(wrapping_key: bytes, keypair_private: bytes, binding: Binding) -> bytes:
    """Encrypt a private key under *wrapping_key*; same layout as :func:`encrypt`."""
    return _seal(_DOMAIN_WRAP, wrapping_key, keypair_private, binding)


def unwrap_private_key(wrapping_key: bytes, blob: bytes, binding: Binding) -> bytes:
    """Open a blob made by :func:`wrap_private_key`; DecryptionError if anything is wrong."""
    return _open(_DOMAIN_WRAP, wrapping_key, blob, binding)
