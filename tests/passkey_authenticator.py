"""A software WebAuthn authenticator for HTTP-level tests: ES256 credentials with PRF (hmac-secret).

It answers the options the service's pages give (as the page's script would pass them to
navigator.credentials) with the JSON a browser posts back, signed for real, so the
service's verification runs unchanged. The browser journey uses Chromium's own virtual
authenticator instead (tests/browser/test_passkeys_browser.py).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    credential_id: bytes
    private: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    prf_secret: bytes  # CTAP2 hmac-secret's CredRandom: never leaves the authenticator
    sign_count: int = 0

    def prf(self, salt: bytes) -> bytes:
        # WebAuthn PRF: hmac-secret over SHA-256("WebAuthn PRF" || 0x00 || salt).
        return hmac.new(self.prf_secret, hashlib.sha256(b"WebAuthn PRF\x00" + salt).digest(), hashlib.sha256).digest()


@dataclass
class SoftAuthenticator:
    origin: str = "http://localhost"
    credentials: dict[bytes, Credential] = field(default_factory=dict)

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

    def create(self, options: dict[str, Any]) -> str:
        """navigator.credentials.create(): a new credential, registration JSON as the page posts it."""
        rp_id = options["rp"]["id"]
        private = ec.generate_private_key(ec.SECP256R1())
        numbers = private.public_key().public_numbers()
        credential = Credential(os.urandom(32), private, rp_id, unb64url(options["user"]["id"]), os.urandom(32))
        self.credentials[credential.credential_id] = credential
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest() + bytes([0x45]) + (0).to_bytes(4, "big")
            + bytes(16) + len(credential.credential_id).to_bytes(2, "big") + credential.credential_id + cose
        )
        client_data = self._client_data("webauthn.create", options["challenge"])
        return json.dumps({
            "id": b64url(credential.credential_id), "rawId": b64url(credential.credential_id), "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"prf": {"enabled": True}},
            "authenticatorAttachment": "platform",
        })

    def get(self, options: dict[str, Any], *, only: bytes | None = None) -> tuple[str, str]:
        """navigator.credentials.get(): (assertion JSON, PRF output as base64url) for an allowed credential."""
        allowed = [unb64url(entry["id"]) for entry in options.get("allowCredentials", [])]
        chosen = only or next(found for found in allowed if found in self.credentials)
        credential = self.credentials[chosen]
        credential.sign_count += 1
        auth_data = hashlib.sha256(credential.rp_id.encode()).digest() + bytes([0x05]) + credential.sign_count.to_bytes(4, "big")
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = credential.private.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        salts = options.get("extensions", {}).get("prf", {}).get("evalByCredential", {})
        salt = unb64url(salts[b64url(chosen)]["first"])
        assertion = json.dumps({
            "id": b64url(chosen), "rawId": b64url(chosen), "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(credential.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })
        return assertion, b64url(credential.prf(salt))
