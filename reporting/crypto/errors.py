"""Exceptions raised by :mod:`reporting.crypto`; callers never see library exceptions."""

from __future__ import annotations


class CryptoError(Exception):
    """Base class for every error this package raises on purpose."""


class DecryptionError(CryptoError):
    """A ciphertext could not be opened: wrong key, tampered, moved, or malformed.

    The message is always the same, so nothing about *why* leaks to logs or users.
    """

    def __init__(self) -> None:
        super().__init__("decryption failed")


class KeyFormatError(CryptoError):
    """Key material, parameters or an algorithm name is malformed or unknown."""


class UnsupportedAlgorithmError(CryptoError):
    """The algorithm is known but this build of the crypto library lacks it."""


class InvalidReceiptError(CryptoError):
    """Receipt text is not 24 digits in an accepted layout."""


class PasskeyError(CryptoError):
    """A passkey (WebAuthn) response did not verify, or its PRF result is malformed."""
