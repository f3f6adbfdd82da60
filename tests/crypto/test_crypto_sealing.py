"""HPKE sealing: round trips, tampering, wrong keys, wrong records, malformed input."""

from __future__ import annotations

import re
import types
from collections.abc import Callable

import pytest

import reporting.crypto as c
import reporting.crypto.sealing as sealing

ALGS = [c.ALG_HYBRID, c.ALG_X25519]
HEADER = 3 + 22  # version | algorithm | kid length | kid
ENC_LEN = {c.ALG_HYBRID: 1120, c.ALG_X25519: 32}  # HPKE encapsulated key
BINDING = c.Binding("reports", "narrative", "R-0001")
Keys = dict[str, tuple[c.KeyPair, c.KeyPair]]  # algorithm -> two unrelated key pairs


@pytest.fixture(scope="module")
def keys() -> Keys:
    return {alg: (c.generate_keypair(alg), c.generate_keypair(alg)) for alg in ALGS}


def _flip(blob: bytes, index: int) -> bytes:
    return blob[:index] + bytes([blob[index] ^ 0x01]) + blob[index + 1 :]


def test_hybrid_available_on_this_build() -> None:
    assert c.hybrid_available() is True


def test_hybrid_available_detects_missing_mlkem(monkeypatch: pytest.MonkeyPatch) -> None:
    probe = sealing.hybrid_available.__wrapped__  # bypass the cache
    # An OpenSSL without ML-KEM: the library itself then raises UnsupportedAlgorithm.
    monkeypatch.setattr("cryptography.hazmat.backends.openssl.backend.mlkem_supported", lambda: False)
    assert probe() is False
    monkeypatch.undo()
    monkeypatch.setattr(sealing, "hpke", types.SimpleNamespace())  # an older wheel: no hybrid KEM
    assert probe() is False
    monkeypatch.undo()
    assert probe() is True


@pytest.mark.parametrize(
    ("alg", "public_len", "private_len"),
    [(c.ALG_HYBRID, 1184 + 32, 64 + 32), (c.ALG_X25519, 32, 32)],
)
def test_keypair_sizes_and_kid(alg: str, public_len: int, private_len: int) -> None:
    first, second = c.generate_keypair(alg), c.generate_keypair(alg)
    assert (first.algorithm, len(first.public), len(first.private)) == (alg, public_len, private_len)
    assert re.fullmatch(r"k_[0-9a-f]{20}", first.kid)
    assert first.kid == c.key_id(alg, first.public)
    assert first.kid != second.kid and first.private != second.private


def test_default_algorithm_is_hybrid() -> None:
    assert c.generate_keypair().algorithm == c.ALG_HYBRID


def test_keypair_repr_hides_private_key() -> None:
    pair = c.generate_keypair(c.ALG_X25519)
    assert pair.private.hex() not in repr(pair) and "private" not in repr(pair)


@pytest.mark.parametrize("alg", ALGS)
@pytest.mark.parametrize("plaintext", [b"", b"x", "Ünïcødé report".encode() * 500])
def test_round_trip(keys: Keys, alg: str, plaintext: bytes) -> None:
    pair = keys[alg][0]
    blob = c.seal(alg, pair.public, plaintext, BINDING)
    assert len(blob) == HEADER + ENC_LEN[alg] + len(plaintext) + 16
    assert c.sealed_key_id(blob) == pair.kid
    assert c.open_sealed(alg, pair.private, blob, BINDING) == plaintext
    # Randomised: sealing twice never gives the same blob.
    assert c.seal(alg, pair.public, plaintext, BINDING) != blob


@pytest.mark.parametrize("alg", ALGS)
def test_every_single_byte_flip_is_rejected(keys: Keys, alg: str) -> None:
    pair = keys[alg][0]
    blob = c.seal(alg, pair.public, b"the report text", BINDING)
    # Every position: header, kid, enc (for hybrid both the ML-KEM and X25519 parts), body, tag.
    for index in range(len(blob)):
        with pytest.raises(c.DecryptionError):
            c.open_sealed(alg, pair.private, _flip(blob, index), BINDING)


@pytest.mark.parametrize("alg", ALGS)
def test_truncated_or_extended_blob_is_rejected(keys: Keys, alg: str) -> None:
    pair = keys[alg][0]
    blob = c.seal(alg, pair.public, b"the report text", BINDING)
    enc_end = HEADER + ENC_LEN[alg]
    for bad in [b"", blob[:1], blob[:3], blob[:HEADER], blob[:enc_end], blob[:-1], blob + b"\x00"]:
        with pytest.raises(c.DecryptionError):
            c.open_sealed(alg, pair.private, bad, BINDING)


@pytest.mark.parametrize("alg", ALGS)
def test_wrong_key_is_rejected(keys: Keys, alg: str) -> None:
    right, wrong = keys[alg]
    blob = c.seal(alg, right.public, b"secret", BINDING)
    with pytest.raises(c.DecryptionError):
        c.open_sealed(alg, wrong.private, blob, BINDING)


@pytest.mark.parametrize("alg", ALGS)
def test_relabelled_kid_still_fails(keys: Keys, alg: str) -> None:
    # Rewrite the header to name the wrong key: gets past the kid check, must fail in HPKE.
    right, wrong = keys[alg]
    blob = c.seal(alg, right.public, b"secret", BINDING)
    forged = blob[:3] + wrong.kid.encode() + blob[HEADER:]
    assert c.sealed_key_id(forged) == wrong.kid
    with pytest.raises(c.DecryptionError):
        c.open_sealed(alg, wrong.private, forged, BINDING)


@pytest.mark.parametrize("alg", ALGS)
def test_blob_naming_another_key_is_rejected(
    keys: Keys, alg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A blob genuinely sealed to this key, but whose authenticated header names another
    # key, must not open: the kid in the blob is a promise open_sealed checks.
    right, other = keys[alg]
    other_kid = other.kid
    with monkeypatch.context() as patch:
        patch.setattr(sealing, "key_id", lambda algorithm, public: other_kid)
        blob = c.seal(alg, right.public, b"secret", BINDING)
    assert c.sealed_key_id(blob) == other_kid
    with pytest.raises(c.DecryptionError):
        c.open_sealed(alg, right.private, blob, BINDING)


def test_algorithm_mismatch_is_rejected(keys: Keys) -> None:
    hybrid, x_only = keys[c.ALG_HYBRID][0], keys[c.ALG_X25519][0]
    blob = c.seal(c.ALG_HYBRID, hybrid.public, b"secret", BINDING)
    with pytest.raises(c.DecryptionError):
        c.open_sealed(c.ALG_X25519, x_only.private, blob, BINDING)
    # Even with the header rewritten to claim X25519 and that key's kid.
    forged = b"\x01\x02\x16" + x_only.kid.encode() + blob[HEADER:]
    with pytest.raises(c.DecryptionError):
        c.open_sealed(c.ALG_X25519, x_only.private, forged, BINDING)


@pytest.mark.parametrize("alg", ALGS)
@pytest.mark.parametrize(
    "other",
    [
        c.Binding("reports", "narrative", "R-0002"),
        c.Binding("reports", "location", "R-0001"),
        c.Binding("archive", "narrative", "R-0001"),
        c.Binding("report", "snarrative", "R-0001"),  # same concatenation, different fields
    ],
)
def test_wrong_binding_is_rejected(
    keys: Keys, alg: str, other: c.Binding
) -> None:
    pair = keys[alg][0]
    blob = c.seal(alg, pair.public, b"secret", BINDING)
    with pytest.raises(c.DecryptionError):
        c.open_sealed(alg, pair.private, blob, other)
    assert c.open_sealed(alg, pair.private, blob, BINDING) == b"secret"


def test_decryption_error_has_no_detail(keys: Keys) -> None:
    pair, other = keys[c.ALG_X25519]
    blob = c.seal(c.ALG_X25519, pair.public, b"secret", BINDING)
    messages = set()
    attempts: list[Callable[[], bytes]] = [
        lambda: c.open_sealed(c.ALG_X25519, other.private, blob, BINDING),
        lambda: c.open_sealed(c.ALG_X25519, pair.private, _flip(blob, len(blob) - 1), BINDING),
        lambda: c.open_sealed(c.ALG_X25519, pair.private, b"junk", BINDING),
    ]
    for attempt in attempts:
        with pytest.raises(c.DecryptionError) as info:
            attempt()
        messages.add(str(info.value))
    assert messages == {"decryption failed"}


@pytest.mark.parametrize(
    "bad",
    [
        b"",
        b"\x01",
        b"\x02\x01\x16k_" + b"0" * 20 + b"x",  # unknown version
        b"\x01\x09\x16k_" + b"0" * 20 + b"x",  # unknown algorithm code
        b"\x01\x01\x16k_" + b"0" * 20,  # no ciphertext
    ],
)
def test_sealed_key_id_rejects_malformed(bad: bytes) -> None:
    with pytest.raises(c.KeyFormatError):
        c.sealed_key_id(bad)


def test_sealed_key_id_rejects_non_hex_kid(keys: Keys) -> None:
    blob = c.seal(c.ALG_X25519, keys[c.ALG_X25519][0].public, b"x", BINDING)
    with pytest.raises(c.KeyFormatError):
        c.sealed_key_id(blob[:3] + b"K" + blob[4:])


def test_unknown_algorithm() -> None:
    pair = c.generate_keypair(c.ALG_X25519)
    with pytest.raises(c.KeyFormatError):
        c.generate_keypair("RSA")
    with pytest.raises(c.KeyFormatError):
        c.key_id("x25519", pair.public)
    with pytest.raises(c.KeyFormatError):
        c.seal("RSA", pair.public, b"x", BINDING)
    with pytest.raises(c.KeyFormatError):
        c.open_sealed("RSA", pair.private, b"x", BINDING)


@pytest.mark.parametrize("alg", ALGS)
def test_malformed_keys(keys: Keys, alg: str) -> None:
    pair = keys[alg][0]
    blob = c.seal(alg, pair.public, b"x", BINDING)
    for public in [b"", pair.public[:-1], pair.public + b"\x00"]:
        with pytest.raises(c.KeyFormatError):
            c.seal(alg, public, b"x", BINDING)
    for private in [b"", pair.private[:-1], pair.private + b"\x00"]:
        with pytest.raises(c.KeyFormatError):
            c.open_sealed(alg, private, blob, BINDING)


def test_unusable_x25519_public_key() -> None:
    with pytest.raises(c.KeyFormatError):
        c.seal(c.ALG_X25519, bytes(32), b"x", BINDING)


def test_invalid_mlkem_public_key() -> None:
    with pytest.raises(c.KeyFormatError):
        c.seal(c.ALG_HYBRID, b"\xff" * (1184 + 32), b"x", BINDING)


def test_hybrid_unavailable_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sealing, "hybrid_available", lambda: False)
    with pytest.raises(c.UnsupportedAlgorithmError):
        c.generate_keypair(c.ALG_HYBRID)
    with pytest.raises(c.UnsupportedAlgorithmError):
        c.seal(c.ALG_HYBRID, b"\x00" * 1216, b"x", BINDING)
    assert c.generate_keypair(c.ALG_X25519).algorithm == c.ALG_X25519
    # Ids of stored hybrid keys can still be computed, e.g. to report what cannot be opened.
    assert c.key_id(c.ALG_HYBRID, b"\x00" * 1216).startswith("k_")


@pytest.mark.parametrize("alg", ALGS)
def test_keypair_from_secret_is_deterministic_and_works(alg: str) -> None:
    secret = c.random_key()
    pair = c.keypair_from_secret(secret, alg)
    assert pair == c.keypair_from_secret(secret, alg)
    assert pair.algorithm == alg and len(pair.public) == len(c.generate_keypair(alg).public)
    assert c.keypair_from_secret(c.random_key(), alg).kid != pair.kid
    blob = c.seal(alg, pair.public, b"group private key", BINDING)
    again = c.keypair_from_secret(secret, alg)
    assert c.open_sealed(alg, again.private, blob, BINDING) == b"group private key"


def test_keypair_from_secret_separates_algorithms() -> None:
    secret = c.random_key()
    hybrid = c.keypair_from_secret(secret, c.ALG_HYBRID)
    assert c.keypair_from_secret(secret) == hybrid  # hybrid is the default
    assert c.keypair_from_secret(secret, c.ALG_X25519).private not in hybrid.private


def test_keypair_from_recovery_key_text() -> None:
    text, secret = c.new_recovery_key()
    pair = c.keypair_from_secret(secret)
    blob = c.seal(pair.algorithm, pair.public, b"service key", BINDING)
    again = c.keypair_from_secret(c.parse_recovery_key(text.lower()))
    assert c.open_sealed(again.algorithm, again.private, blob, BINDING) == b"service key"


def test_keypair_from_secret_rejects_bad_input() -> None:
    with pytest.raises(c.KeyFormatError):
        c.keypair_from_secret(bytes(31), c.ALG_X25519)
    with pytest.raises(c.KeyFormatError):
        c.keypair_from_secret(bytes(32), "RSA")


# A private key loaded once (crypto.load_private_key) opens exactly what its bytes open.

@pytest.mark.parametrize("alg", ALGS)
def test_a_loaded_key_opens_what_its_bytes_open(keys: Keys, alg: str) -> None:
    right, wrong = keys[alg]
    loaded = c.load_private_key(alg, right.private)
    assert loaded.kid == right.kid
    blobs = [c.seal(alg, right.public, text, BINDING) for text in (b"one", b"two", b"")]
    assert [c.open_sealed(alg, loaded, blob, BINDING) for blob in blobs] == [b"one", b"two", b""]
    other = c.Binding("reports", "narrative", "R-0002")
    with pytest.raises(c.DecryptionError):
        c.open_sealed(alg, loaded, blobs[0], other)  # wrong record
    with pytest.raises(c.DecryptionError):
        c.open_sealed(alg, loaded, _flip(blobs[0], len(blobs[0]) - 1), BINDING)  # tampered
    with pytest.raises(c.DecryptionError):
        c.open_sealed(alg, c.load_private_key(alg, wrong.private), blobs[0], BINDING)  # wrong key


def test_a_loaded_key_is_not_taken_for_another_algorithm(keys: Keys) -> None:
    hybrid = keys[c.ALG_HYBRID][0]
    blob = c.seal(c.ALG_HYBRID, hybrid.public, b"secret", BINDING)
    with pytest.raises(c.KeyFormatError):
        c.open_sealed(c.ALG_X25519, c.load_private_key(c.ALG_HYBRID, hybrid.private), blob, BINDING)


@pytest.mark.parametrize("alg", ALGS)
def test_loading_a_malformed_private_key_is_refused(keys: Keys, alg: str) -> None:
    with pytest.raises(c.KeyFormatError):
        c.load_private_key(alg, keys[alg][0].private[:-1])
    with pytest.raises(c.KeyFormatError):
        c.load_private_key("RSA", keys[alg][0].private)


def test_a_loaded_keys_repr_hides_the_key(keys: Keys) -> None:
    loaded = c.load_private_key(c.ALG_HYBRID, keys[c.ALG_HYBRID][0].private)
    assert "key=" not in repr(loaded) and loaded.kid in repr(loaded)
