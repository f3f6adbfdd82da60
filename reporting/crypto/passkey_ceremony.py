"""WebAuthn ceremonies for passkeys, through py_webauthn: options out, signed responses checked.

Only this module touches WebAuthn; callers get plain bytes and a :class:`PasskeyError`
for any response that does not verify (malformed, wrong challenge, origin or signature,
user not verified, a sign count gone backwards).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from typing import Any

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .errors import PasskeyError
from .passkeys import PRF_OUTPUT_LEN

CHALLENGE_LEN = 32
TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class RelyingParty:
    """The service as WebAuthn sees it: its domain (RP ID), its https origin and its name."""

    id: str
    origin: str
    name: str


@dataclass(frozen=True)
class NewPasskey:
    """What a verified registration gives: kept in the database, none of it secret."""

    credential_id: bytes
    public_key: bytes
    sign_count: int


def new_challenge() -> bytes:
    """A fresh random challenge; the caller keeps it server-side and uses it once."""
    return os.urandom(CHALLENGE_LEN)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    """Decode base64url (padding optional); PasskeyError if it is not."""
    if not isinstance(text, str) or len(text) > 4096:
        raise PasskeyError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise PasskeyError("not base64url") from None


def registration_options(
    rp: RelyingParty, *, user_handle: bytes, user_name: str, challenge: bytes, exclude: list[bytes],
) -> dict[str, Any]:
    """Options for navigator.credentials.create() as JSON-ready data, asking for the PRF extension."""
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user_handle,
        user_name=user_name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=found) for found in exclude],
    )
    data: dict[str, Any] = json.loads(options_to_json(options))
    data["extensions"] = {"prf": {}}
    return data


def authentication_options(
    rp: RelyingParty, *, challenge: bytes, credentials: list[tuple[bytes, bytes]],
) -> dict[str, Any]:
    """Options for navigator.credentials.get(): each (credential id, PRF salt) evaluated with its own salt."""
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=found) for found, _salt in credentials],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    data: dict[str, Any] = json.loads(options_to_json(options))
    data["extensions"] = {"prf": {"evalByCredential": {b64url(found): {"first": b64url(salt)} for found, salt in credentials}}}
    return data


def new_passkey_assertion_options(rp: RelyingParty, *, challenge: bytes, salt: bytes) -> dict[str, Any]:
    """Options for the get() that follows create() at enrolment: the page names the new passkey,
    whose PRF output over ``salt`` is asked for (few authenticators give it at create())."""
    return {
        "challenge": b64url(challenge), "timeout": TIMEOUT_MS, "rpId": rp.id, "userVerification": "required",
        "extensions": {"prf": {"eval": {"first": b64url(salt)}}},
    }


def verify_registration(rp: RelyingParty, response: str, challenge: bytes) -> NewPasskey:
    """Check a navigator.credentials.create() response (JSON text) against this challenge."""
    try:
        verified = verify_registration_response(
            credential=response,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError):
        raise PasskeyError("registration not valid") from None
    return NewPasskey(verified.credential_id, verified.credential_public_key, verified.sign_count)


def assertion_credential_id(response: str) -> bytes:
    """The credential id a navigator.credentials.get() response names (not yet verified)."""
    try:
        return bytes(parse_authentication_credential_json(response).raw_id)
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError):
        raise PasskeyError("assertion not valid") from None


def verify_assertion(rp: RelyingParty, response: str, challenge: bytes, *, public_key: bytes, sign_count: int) -> int:
    """Check a navigator.credentials.get() response; return the authenticator's new sign count."""
    try:
        verified = verify_authentication_response(
            credential=response,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError):
        raise PasskeyError("assertion not valid") from None
    return int(verified.new_sign_count)


def prf_output(text: str) -> bytes:
    """The PRF result the page sends (base64url of 32 bytes); PasskeyError otherwise."""
    output = from_b64url(text)
    if len(output) != PRF_OUTPUT_LEN:
        raise PasskeyError("a PRF output must be 32 bytes")
    return output
