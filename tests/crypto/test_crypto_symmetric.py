"""AES-256-GCM encrypt/decrypt and private-key wrapping, bound to a record."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reporting.crypto as c

BINDING = c.Binding("reports", "narrative", "R-0001")
Fields = tuple[str, str, str]


def _flip(blob: bytes, index: int) -> bytes:
    return blob[:index] + bytes([blob[index] ^ 0x80]) + blob[index + 1 :]


def test_random_key() -> None:
    keys = {c.random_key() for _ in range(8)}
    assert len(keys) == 8 and all(len(k) == 32 for k in keys)


@pytest.mark.parametrize("plaintext", [b"", b"a", bytes(range(256)) * 40])
def test_round_trip(plaintext: bytes) -> None:
    key = c.random_key()
    blob = c.encrypt(key, plaintext, BINDING)
    assert len(blob) == len(plaintext) + 29
    assert c.decrypt(key, blob, BINDING) == plaintext
    assert c.encrypt(key, plaintext, BINDING)[1:13] != blob[1:13]  # fresh nonce each time


def test_wrap_round_trip() -> None:
    key, private = c.random_key(), c.generate_keypair(c.ALG_X25519).private
    blob = c.wrap_private_key(key, private, BINDING)
    assert c.unwrap_private_key(key, blob, BINDING) == private


def test_every_single_byte_flip_is_rejected() -> None:
    key = c.random_key()
    blob = c.encrypt(key, b"report text", BINDING)
    for index in range(len(blob)):
        with pytest.raises(c.DecryptionError):
            c.decrypt(key, _flip(blob, index), BINDING)
    wrapped = c.wrap_private_key(key, b"k" * 32, BINDING)
    for index in range(len(wrapped)):
        with pytest.raises(c.DecryptionError):
            c.unwrap_private_key(key, _flip(wrapped, index), BINDING)


def test_truncated_blob_is_rejected() -> None:
    key = c.random_key()
    blob = c.encrypt(key, b"report text", BINDING)
    for length in range(len(blob)):
        with pytest.raises(c.DecryptionError):
            c.decrypt(key, blob[:length], BINDING)


def test_wrong_key_is_rejected() -> None:
    blob = c.encrypt(c.random_key(), b"report text", BINDING)
    with pytest.raises(c.DecryptionError):
        c.decrypt(c.random_key(), blob, BINDING)


@pytest.mark.parametrize(
    "other",
    [
        c.Binding("reports", "narrative", "R-0002"),
        c.Binding("reports", "location", "R-0001"),
        c.Binding("archive", "narrative", "R-0001"),
        c.Binding("reportsn", "arrative", "R-0001"),
    ],
)
def test_wrong_binding_is_rejected(other: c.Binding) -> None:
    key = c.random_key()
    blob = c.encrypt(key, b"report text", BINDING)
    with pytest.raises(c.DecryptionError):
        c.decrypt(key, blob, other)
    wrapped = c.wrap_private_key(key, b"k" * 32, BINDING)
    with pytest.raises(c.DecryptionError):
        c.unwrap_private_key(key, wrapped, other)


@pytest.mark.parametrize("key", [b"", b"\x00" * 16, b"\x00" * 31, b"\x00" * 33])
def test_bad_key_length(key: bytes) -> None:
    with pytest.raises(c.KeyFormatError):
        c.encrypt(key, b"x", BINDING)
    with pytest.raises(c.KeyFormatError):
        c.decrypt(key, b"\x01" * 40, BINDING)


@pytest.mark.parametrize(
    ("table", "column", "row"),
    [("", "c", "r"), ("t", "", "r"), ("t", "c", ""), ("t", "c", 1), (None, "c", "r")],
)
def test_binding_rejects_empty_or_non_string(table: object, column: object, row: object) -> None:
    with pytest.raises(ValueError):
        c.Binding(table, column, row)  # type: ignore[arg-type]


@given(
    st.tuples(st.text(min_size=1), st.text(min_size=1), st.text(min_size=1)),
    st.tuples(st.text(min_size=1), st.text(min_size=1), st.text(min_size=1)),
)
def test_binding_encoding_is_unambiguous(a: Fields, b: Fields) -> None:
    first, second = c.Binding(*a), c.Binding(*b)
    assert (first.encode() == second.encode()) == (first == second)


@pytest.mark.parametrize(
    "pair",
    [
        (("ab", "c", "d"), ("a", "bc", "d")),
        (("a", "b", "cd"), ("a", "bc", "d")),
        (("a\x00", "b", "c"), ("a", "\x00b", "c")),
    ],
)
def test_binding_encoding_separates_shifted_fields(pair: tuple[Fields, Fields]) -> None:
    assert c.Binding(*pair[0]).encode() != c.Binding(*pair[1]).encode()
