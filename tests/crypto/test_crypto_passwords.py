"""Staff password hashing."""

from __future__ import annotations

import pytest

import reporting.crypto as c

# Made with argon2-cffi's Type.I for password "correct horse": valid Argon2, wrong variant.
ARGON2I_HASH = "$argon2i$v=19$m=64,t=1,p=1$h9sWI1P7esL/RUeKd1kHlg$pSRU5L+3KH/ydDIFMxTn3i1VHKWYVRTU/G0rrRc0Zhk"


@pytest.fixture(scope="module")
def stored() -> str:
    return c.hash_password("correct horse", c.KDF_TEST)


def test_hash_format(stored: str) -> None:
    assert stored.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert c.hash_password("correct horse", c.KDF_TEST) != stored  # random salt


def test_verify(stored: str) -> None:
    assert c.verify_password(stored, "correct horse") is True
    assert c.verify_password(stored, "correct horse ") is False
    assert c.verify_password(stored, "Correct horse") is False
    assert c.verify_password(stored, "") is False


@pytest.mark.parametrize(
    ("typed_at_signup", "typed_at_login"),
    [("caf\u00e9", "cafe\u0301"), ("cafe\u0301", "caf\u00e9")],  # precomposed é vs e + combining accent
)
def test_verify_normalises_unicode(typed_at_signup: str, typed_at_login: str) -> None:
    stored = c.hash_password(typed_at_signup, c.KDF_TEST)
    assert c.verify_password(stored, typed_at_login) is True
    assert c.verify_password(stored, "cafe") is False


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not a hash",
        "$argon2id$v=19$m=64,t=1,p=1$garbage",
        "$argon2id$v=19$m=64,t=1,p=1$h9sWI1P7esL/RUeKd1kHlg$",
        "$2b$12$abcdefghijklmnopqrstuuJ9bQ0m6vJ8zv1r7k8fS3Lq1cL6m2bO",
        "$argon2id$v=19$m=64,t=1,p=1$ñ$ñ",
        ARGON2I_HASH,
    ],
)
def test_verify_malformed_stored_is_false(bad: str) -> None:
    assert c.verify_password(bad, "correct horse") is False


def test_verify_truncated_and_non_string(stored: str) -> None:
    assert c.verify_password(stored[:-5], "correct horse") is False
    assert c.verify_password(None, "correct horse") is False  # type: ignore[arg-type]


def test_needs_rehash(stored: str) -> None:
    assert c.password_needs_rehash(stored, c.KDF_TEST) is False
    assert c.password_needs_rehash(stored, c.KdfParams(2, 64, 1)) is True
    assert c.password_needs_rehash(stored, c.KDF_DEFAULT) is True
    assert c.password_needs_rehash("garbage", c.KDF_TEST) is True
    assert c.password_needs_rehash("$argon2id$v=19$garbage", c.KDF_TEST) is True
    assert c.password_needs_rehash(ARGON2I_HASH, c.KDF_TEST) is True
