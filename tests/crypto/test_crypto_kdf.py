"""Argon2id parameters and derivation, verifiers, keyed tags, subkeys."""

from __future__ import annotations

import hashlib

import pytest

import reporting.crypto as c

SALT = bytes(range(16))


def test_params_encode_decode() -> None:
    assert c.KDF_DEFAULT.encode() == "argon2id:t=3,m=65536,p=1"
    assert c.KdfParams.decode("argon2id:t=3,m=65536,p=1") == c.KDF_DEFAULT
    assert c.KdfParams.decode(c.KDF_TEST.encode()) == c.KDF_TEST
    params = c.KdfParams(2, 19456, 2)
    assert c.KdfParams.decode(params.encode()) == params


@pytest.mark.parametrize(
    "text",
    [
        "",
        "argon2i:t=3,m=65536,p=1",
        "argon2id:t=3,m=65536",
        "argon2id:m=65536,t=3,p=1",
        "argon2id:t=0,m=65536,p=1",
        "argon2id:t=03,m=65536,p=1",
        "argon2id:t=3,m=65536,p=1\n",
        " argon2id:t=3,m=65536,p=1",
        "argon2id:t=３,m=65536,p=1",  # full-width digit
        "argon2id:t=3,m=7,p=1",  # below Argon2's 8 KiB per lane
        "argon2id:t=3,m=64,p=9",
        "argon2id:t=3,m=99999999,p=1",  # absurd memory
    ],
)
def test_params_decode_rejects(text: str) -> None:
    with pytest.raises(c.KeyFormatError):
        c.KdfParams.decode(text)


def test_params_constructor_validates() -> None:
    with pytest.raises(c.KeyFormatError):
        c.KdfParams(0, 65536, 1)


def test_new_salt() -> None:
    salts = {c.new_salt() for _ in range(8)}
    assert len(salts) == 8 and all(len(s) == 16 for s in salts)


def test_derive_keys_properties() -> None:
    verifier, wrap = c.derive_keys(b"1234567890123456", SALT, c.KDF_TEST)
    assert len(verifier) == 32 and len(wrap) == 32 and verifier != wrap
    assert c.derive_keys(b"1234567890123456", SALT, c.KDF_TEST) == (verifier, wrap)
    assert c.derive_keys(b"1234567890123457", SALT, c.KDF_TEST)[0] != verifier
    assert c.derive_keys(b"1234567890123456", bytes(16), c.KDF_TEST)[0] != verifier
    assert c.derive_keys(b"1234567890123456", SALT, c.KdfParams(2, 64, 1))[0] != verifier


def test_derive_keys_rejects_short_salt() -> None:
    with pytest.raises(c.KeyFormatError):
        c.derive_keys(b"secret", bytes(15), c.KDF_TEST)


def test_verifier_digest_and_match() -> None:
    verifier, wrap = c.derive_keys(b"1234567890123456", SALT, c.KDF_TEST)
    stored = c.verifier_digest(verifier)
    assert stored == hashlib.sha256(verifier).digest()
    assert c.verifier_matches(stored, verifier) is True
    assert c.verifier_matches(stored, wrap) is False
    assert c.verifier_matches(stored, verifier[:-1] + bytes([verifier[-1] ^ 1])) is False
    assert c.verifier_matches(b"", verifier) is False


def test_keyed_tag() -> None:
    key = b"k" * 32
    tag = c.keyed_tag(key, "203.0.113.7")
    assert len(tag) == 32 and int(tag, 16) >= 0
    assert c.keyed_tag(key, "203.0.113.7") == tag
    assert c.keyed_tag(key, "203.0.113.8") != tag
    assert c.keyed_tag(b"j" * 32, "203.0.113.7") != tag
    with pytest.raises(c.KeyFormatError):
        c.keyed_tag(b"short", "x")


def test_derive_subkey() -> None:
    master = b"m" * 32
    first = c.derive_subkey(master, "rate-limit")
    assert len(first) == 32
    assert c.derive_subkey(master, "rate-limit") == first
    assert c.derive_subkey(master, "session") != first
    assert c.derive_subkey(b"n" * 32, "rate-limit") != first
    with pytest.raises(c.KeyFormatError):
        c.derive_subkey(master, "")
    with pytest.raises(c.KeyFormatError):
        c.derive_subkey(b"short", "rate-limit")
