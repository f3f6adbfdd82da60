"""A holder's keyring for one request: opens the service keys they were granted."""
from __future__ import annotations

from sqlalchemy import select

from reporting import crypto
from reporting.auth.models import User
from reporting.exceptions import NotAKeyHolderError
from reporting.extensions import db
from reporting.keys.models import ServiceKey
from reporting.keys.services import KeyRef, holder_private_key


class Keyring:
    """A holder's view of the service keys for one request: opens what they were granted.

    Each key is opened at most once per keyring, so a page that reads several
    sealed values pays for one decapsulation per key.
    """

    def __init__(self, holder: User, personal_private: bytes) -> None:
        self.holder = holder
        self._personal = personal_private
        self._opened: dict[int, bytes] = {}
        self._loaded: dict[int, crypto.PrivateKey] = {}
        self._by_kid: dict[str, ServiceKey | None] = {}

    def private_for(self, key: KeyRef) -> bytes:
        if key.id not in self._opened:
            self._opened[key.id] = holder_private_key(self.holder, self._personal, key)
        return self._opened[key.id]

    def loaded_for(self, key: KeyRef) -> crypto.PrivateKey:
        """The service key loaded once per keyring, for the several blobs a page opens with it."""
        if key.id not in self._loaded:
            self._loaded[key.id] = crypto.load_private_key(key.algorithm, self.private_for(key))
        return self._loaded[key.id]

    def open_group_sealed(self, blob: bytes, binding: crypto.Binding) -> bytes:
        kid = crypto.sealed_key_id(blob)
        # A case's timeline seals every note to the same few keys: look each up once per request.
        if kid not in self._by_kid:
            self._by_kid[kid] = db.session.scalar(select(ServiceKey).where(ServiceKey.kid == kid))
        key = self._by_kid[kid]
        if key is None:
            raise NotAKeyHolderError(kid)
        return crypto.open_sealed(key.algorithm, self.loaded_for(key), blob, binding)
