"""Passkey layers (WebAuthn PRF) and ceremonies: known answers, tampering, wrong keys, wrong records."""

from __future__ import annotations

import hashlib
import hmac
import json
import struct

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import reporting.crypto as c
import reporting.crypto.symmetric as symmetric
from tests.passkey_authenticator import SoftAuthenticator, b64url

PRF = bytes(range(200, 232))
PASSKEY_KEY = bytes(range(32))
PASSWORD_KEY = bytes(range(32, 64))
NONCE = bytes(range(100, 112))
BINDING = c.Binding("passkeys", "key_wrap", "7")
USER_BINDING = c.Binding("users", "private_key_wrap", "3")
PRIVATE = b"personal private key bytes"
RP = c.RelyingParty("localhost", "http://localhost", "Report Hate Shropshire")


def _lp(*parts: bytes) -> bytes:
    return b"".join(struct.pack(">I", len(p)) + p for p in parts)


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    """RFC 5869 (one block) from the standard library: an independent reference."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


WRAPPED_PASSKEY_KEY = bytes.fromhex(
    "016465666768696a6b6c6d6e6f74df0dd5c8a8ba93b6f0b47db478523687d2cd4b7259eabf6803cc73873f3bca"
    "b4b9f620c92df9501becf90e5c177088"
)


def _flip(blob: bytes, index: int) -> bytes:
    return blob[:index] + bytes([blob[index] ^ 0x80]) + blob[index + 1 :]


def test_passkey_key_wrap_known_answer_matches_an_independent_hkdf_and_aes_gcm(monkeypatch):
    monkeypatch.setattr(symmetric, "_nonce", lambda: NONCE)
    blob = c.wrap_passkey_key(PRF, PASSKEY_KEY, BINDING)
    # Independent: HKDF-SHA256 from hmac/hashlib, AES-GCM over the documented layout.
    key = _hkdf(PRF, b"reporting/passkey/prf/v1", _lp(b"passkey wrap key", BINDING.encode()))
    aad = _lp(b"reporting/aead/passkey-key/v1", b"\x01", BINDING.encode())
    assert blob == b"\x01" + NONCE + AESGCM(key).encrypt(NONCE, PASSKEY_KEY, aad)
    assert blob.hex() == WRAPPED_PASSKEY_KEY.hex()
    assert c.unwrap_passkey_key(PRF, WRAPPED_PASSKEY_KEY, BINDING) == PASSKEY_KEY


def test_both_layers_known_answer(monkeypatch):
    monkeypatch.setattr(symmetric, "_nonce", lambda: NONCE)
    inner = c.seal_passkey_layer(PASSKEY_KEY, PRIVATE, USER_BINDING)
    outer = c.seal_password_layer(PASSWORD_KEY, inner, USER_BINDING)
    aad_inner = _lp(b"reporting/aead/passkey-layer/v1", b"\x01", USER_BINDING.encode())
    aad_outer = _lp(b"reporting/aead/password-layer/v1", b"\x01", USER_BINDING.encode())
    assert inner == b"\x01" + NONCE + AESGCM(PASSKEY_KEY).encrypt(NONCE, PRIVATE, aad_inner)
    assert outer == b"\x01" + NONCE + AESGCM(PASSWORD_KEY).encrypt(NONCE, inner, aad_outer)


def _locked() -> tuple[bytes, bytes]:
    passkey_key = c.new_passkey_key()
    outer = c.seal_password_layer(PASSWORD_KEY, c.seal_passkey_layer(passkey_key, PRIVATE, USER_BINDING), USER_BINDING)
    return outer, c.wrap_passkey_key(PRF, passkey_key, BINDING)


def test_the_password_and_the_passkey_together_open_the_key():
    outer, wrapped = _locked()
    passkey_key = c.unwrap_passkey_key(PRF, wrapped, BINDING)
    inner = c.open_password_layer(PASSWORD_KEY, outer, USER_BINDING)
    assert c.open_passkey_layer(passkey_key, inner, USER_BINDING) == PRIVATE


def test_the_password_alone_opens_only_the_outer_layer():
    outer, _wrapped = _locked()
    inner = c.open_password_layer(PASSWORD_KEY, outer, USER_BINDING)
    assert PRIVATE not in inner
    for guess in (PASSWORD_KEY, bytes(32), c.random_key()):
        with pytest.raises(c.DecryptionError):
            c.open_passkey_layer(guess, inner, USER_BINDING)
    # Nor does the outer blob open as an ordinary password wrap.
    with pytest.raises(c.DecryptionError):
        c.unwrap_private_key(PASSWORD_KEY, outer, USER_BINDING)


def test_wrong_keys_are_refused():
    outer, wrapped = _locked()
    with pytest.raises(c.DecryptionError):
        c.unwrap_passkey_key(bytes(32), wrapped, BINDING)
    with pytest.raises(c.DecryptionError):
        c.open_password_layer(c.random_key(), outer, USER_BINDING)


def test_wrong_records_are_refused():
    outer, wrapped = _locked()
    with pytest.raises(c.DecryptionError):
        c.unwrap_passkey_key(PRF, wrapped, c.Binding("passkeys", "key_wrap", "8"))
    with pytest.raises(c.DecryptionError):
        c.open_password_layer(PASSWORD_KEY, outer, c.Binding("users", "private_key_wrap", "4"))
    inner = c.open_password_layer(PASSWORD_KEY, outer, USER_BINDING)
    passkey_key = c.unwrap_passkey_key(PRF, wrapped, BINDING)
    with pytest.raises(c.DecryptionError):
        c.open_passkey_layer(passkey_key, inner, c.Binding("users", "private_key_wrap", "4"))


def test_layers_do_not_open_as_each_other():
    key = c.random_key()
    inner = c.seal_passkey_layer(key, PRIVATE, USER_BINDING)
    outer = c.seal_password_layer(key, PRIVATE, USER_BINDING)
    plain = c.wrap_private_key(key, PRIVATE, USER_BINDING)
    with pytest.raises(c.DecryptionError):
        c.open_password_layer(key, inner, USER_BINDING)
    with pytest.raises(c.DecryptionError):
        c.open_passkey_layer(key, outer, USER_BINDING)
    with pytest.raises(c.DecryptionError):
        c.open_password_layer(key, plain, USER_BINDING)
    with pytest.raises(c.DecryptionError):
        c.decrypt(key, inner, USER_BINDING)


def test_every_single_byte_flip_is_rejected():
    outer, wrapped = _locked()
    for index in range(len(wrapped)):
        with pytest.raises(c.DecryptionError):
            c.unwrap_passkey_key(PRF, _flip(wrapped, index), BINDING)
    for index in range(len(outer)):
        with pytest.raises(c.DecryptionError):
            c.open_password_layer(PASSWORD_KEY, _flip(outer, index), USER_BINDING)


@pytest.mark.parametrize("bad", [b"", bytes(31), bytes(33)])
def test_a_prf_output_must_be_32_bytes(bad):
    with pytest.raises(c.KeyFormatError):
        c.wrap_passkey_key(bad, PASSKEY_KEY, BINDING)
    with pytest.raises(c.KeyFormatError):
        c.unwrap_passkey_key(bad, bytes(61), BINDING)


def test_fresh_salts_and_keys():
    assert len({c.new_prf_salt() for _ in range(8)}) == 8
    assert len({c.new_passkey_key() for _ in range(8)}) == 8 and len(c.new_passkey_key()) == 32


# Ceremonies --------------------------------------------------------------------------

def _registered(authenticator: SoftAuthenticator) -> tuple[c.NewPasskey, bytes]:
    challenge = c.new_challenge()
    options = c.registration_options(RP, user_handle=b"3", user_name="a@example.org", challenge=challenge, exclude=[])
    assert options["extensions"] == {"prf": {}}
    assert options["authenticatorSelection"]["userVerification"] == "required"
    return c.verify_registration(RP, authenticator.create(options), challenge), challenge


def test_a_registration_and_an_assertion_verify():
    authenticator = SoftAuthenticator()
    made, _ = _registered(authenticator)
    salt = c.new_prf_salt()
    challenge = c.new_challenge()
    options = c.authentication_options(RP, challenge=challenge, credentials=[(made.credential_id, salt)])
    assert options["extensions"]["prf"]["evalByCredential"] == {b64url(made.credential_id): {"first": b64url(salt)}}
    assertion, prf = authenticator.get(options)
    assert c.assertion_credential_id(assertion) == made.credential_id
    assert c.verify_assertion(RP, assertion, challenge, public_key=made.public_key, sign_count=made.sign_count) == 1
    assert len(c.prf_output(prf)) == 32
    # The same passkey and salt give the same PRF output each time; another salt another.
    assert authenticator.get(options)[1] == prf
    other = c.authentication_options(RP, challenge=challenge, credentials=[(made.credential_id, c.new_prf_salt())])
    assert authenticator.get(other)[1] != prf


def test_a_registration_for_another_challenge_or_origin_is_refused():
    authenticator = SoftAuthenticator()
    options = c.registration_options(RP, user_handle=b"3", user_name="a", challenge=c.new_challenge(), exclude=[])
    response = authenticator.create(options)
    with pytest.raises(c.PasskeyError):
        c.verify_registration(RP, response, c.new_challenge())
    elsewhere = c.RelyingParty("localhost", "https://evil.example", "x")
    with pytest.raises(c.PasskeyError):
        c.verify_registration(elsewhere, response, c.new_challenge())


def test_an_assertion_replayed_signed_by_another_key_or_for_another_challenge_is_refused():
    authenticator = SoftAuthenticator()
    made, _ = _registered(authenticator)
    other, _ = _registered(authenticator)
    challenge = c.new_challenge()
    options = c.authentication_options(RP, challenge=challenge, credentials=[(made.credential_id, c.new_prf_salt())])
    assertion, _prf = authenticator.get(options)
    with pytest.raises(c.PasskeyError):
        c.verify_assertion(RP, assertion, c.new_challenge(), public_key=made.public_key, sign_count=0)
    with pytest.raises(c.PasskeyError):
        c.verify_assertion(RP, assertion, challenge, public_key=other.public_key, sign_count=0)
    # A sign count that does not move on is a cloned authenticator's or a replay.
    with pytest.raises(c.PasskeyError):
        c.verify_assertion(RP, assertion, challenge, public_key=made.public_key, sign_count=5)


@pytest.mark.parametrize("garbage", ["", "{}", "[]", "null", "not json", json.dumps({"id": "x", "rawId": "y"}), "{" * 5000])
def test_malformed_responses_are_a_passkey_error(garbage):
    with pytest.raises(c.PasskeyError):
        c.verify_registration(RP, garbage, c.new_challenge())
    with pytest.raises(c.PasskeyError):
        c.assertion_credential_id(garbage)
    with pytest.raises(c.PasskeyError):
        c.verify_assertion(RP, garbage, c.new_challenge(), public_key=b"", sign_count=0)


@pytest.mark.parametrize("bad", ["", "***", b64url(bytes(31)), b64url(bytes(33)), "A" * 5000])
def test_a_malformed_prf_output_is_a_passkey_error(bad):
    with pytest.raises(c.PasskeyError):
        c.prf_output(bad)
