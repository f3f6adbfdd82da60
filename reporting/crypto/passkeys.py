"""A key holder's personal private key locked by a password AND a passkey (WebAuthn PRF).

Once a key holder enrols a passkey, their personal private key is wrapped twice:

    users.private_key_wrap = password layer( passkey layer( personal private key ) )
    passkeys.key_wrap      = passkey key wrapped under HKDF(PRF output)   (one per passkey)

The password layer is opened with the Argon2id-derived password key (as before); the
passkey layer with the person's *passkey key*, a random 32-byte key that each of their
passkeys wraps under a key derived (HKDF-SHA256) from that passkey's PRF output. The
PRF output comes from the authenticator (CTAP2 hmac-secret over a per-passkey salt); it
is never stored, so the database, the whole configuration and a guessed password
together open nothing. The passkey key lets one person enrol several passkeys and
change their password without any passkey at hand (only the outer layer changes).

Every layer has its own domain label and is bound to its database cell, so no layer's
blob opens as another's, and none opens in another row.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .binding import Binding, length_prefixed
from .errors import KeyFormatError
from .symmetric import KEY_LEN, _open, _seal

PRF_SALT_LEN = 32
PRF_OUTPUT_LEN = 32  # CTAP2 hmac-secret and WebAuthn PRF give 32 bytes
_DOMAIN_PASSKEY_KEY = b"reporting/aead/passkey-key/v1"
_DOMAIN_PASSKEY_LAYER = b"reporting/aead/passkey-layer/v1"
_DOMAIN_PASSWORD_LAYER = b"reporting/aead/password-layer/v1"
_HKDF_SALT = b"reporting/passkey/prf/v1"


def new_prf_salt() -> bytes:
    """A fresh salt for a passkey's PRF evaluation (stored beside the passkey; not secret)."""
    return os.urandom(PRF_SALT_LEN)


def new_passkey_key() -> bytes:
    """A fresh passkey key: the inner layer's key, wrapped by each of a person's passkeys."""
    return os.urandom(KEY_LEN)


def _prf_wrap_key(prf_output: bytes, binding: Binding) -> bytes:
    if not isinstance(prf_output, bytes) or len(prf_output) != PRF_OUTPUT_LEN:
        raise KeyFormatError("a PRF output must be 32 bytes")
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_LEN,
        salt=_HKDF_SALT,
        info=length_prefixed(b"passkey wrap key", binding.encode()),
    )
    return hkdf.derive(prf_output)


def wrap_passkey_key(prf_output: bytes, passkey_key: bytes, binding: Binding) -> bytes:
    """Wrap the person's passkey key under a key derived (HKDF) from one passkey's PRF output."""
    if not isinstance(passkey_key, bytes) or len(passkey_key) != KEY_LEN:
        raise KeyFormatError("a passkey key must be 32 bytes")
    return _seal(_DOMAIN_PASSKEY_KEY, _prf_wrap_key(prf_output, binding), passkey_key, binding)


def unwrap_passkey_key(prf_output: bytes, blob: bytes, binding: Binding) -> bytes:
    """Open :func:`wrap_passkey_key`'s blob; DecryptionError for a wrong PRF output, tampering or another row."""
    return _open(_DOMAIN_PASSKEY_KEY, _prf_wrap_key(prf_output, binding), blob, binding)


def seal_passkey_layer(passkey_key: bytes, private: bytes, binding: Binding) -> bytes:
    """The inner layer: the personal private key under the passkey key."""
    return _seal(_DOMAIN_PASSKEY_LAYER, passkey_key, private, binding)


def open_passkey_layer(passkey_key: bytes, inner: bytes, binding: Binding) -> bytes:
    """Open the inner layer; DecryptionError if anything is wrong."""
    return _open(_DOMAIN_PASSKEY_LAYER, passkey_key, inner, binding)


def seal_password_layer(password_key: bytes, inner: bytes, binding: Binding) -> bytes:
    """The outer layer: the inner layer under the password-derived key (a password change redoes only this)."""
    return _seal(_DOMAIN_PASSWORD_LAYER, password_key, inner, binding)


def open_password_layer(password_key: bytes, blob: bytes, binding: Binding) -> bytes:
    """Open the outer layer, giving the inner one (still locked by the passkey key)."""
    return _open(_DOMAIN_PASSWORD_LAYER, password_key, blob, binding)
