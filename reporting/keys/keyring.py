"""A holder's keyring for one request: opens the service keys they were granted."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from reporting import crypto
from reporting.auth.models import User
from reporting.exceptions import NotAKeyHolderError
from reporting.extensions import read
from reporting.keys.models import ServiceKey
from reporting.keys.services import KeyRef, SealingKey, holder_key_by_id, holder_private_key

_KEY_BY_KID = select(ServiceKey.id, ServiceKey.algorithm, ServiceKey.public_key).where(ServiceKey.kid == bindparam("kid"))


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
        self._by_kid: dict[str, KeyRef | None] = {}
        self._refs: dict[int, KeyRef] = {}

    def private_for(self, key: KeyRef) -> bytes:
        if key.id not in self._opened:
            self._opened[key.id] = holder_private_key(self.holder, self._personal, key)
        return self._opened[key.id]

    def loaded_for(self, key: KeyRef) -> crypto.PrivateKey:
        """The service key loaded once per keyring, for the several blobs a page opens with it."""
        if key.id not in self._loaded:
            loaded = self._loaded[key.id] = crypto.load_private_key(key.algorithm, self.private_for(key))
            # Blobs naming this key's id open with it without looking the key up (a case's
            # report key and its timeline's notes are sealed to the same group key).
            self._by_kid.setdefault(loaded.kid, key)
        return self._loaded[key.id]

    def loaded_by_id(self, key_id: int) -> tuple[KeyRef, crypto.PrivateKey]:
        """A service key known by its id (a report's group key), loaded: the key and the holder's
        grant of it read in one statement, once per keyring."""
        if key_id not in self._refs:
            key, private = holder_key_by_id(self.holder, self._personal, key_id)
            self._opened[key_id] = private
            self._refs[key_id] = key
        key = self._refs[key_id]
        return key, self.loaded_for(key)

    def open_group_sealed(self, blob: bytes, binding: crypto.Binding) -> bytes:
        kid = crypto.sealed_key_id(blob)
        # A case's timeline seals every note to the same few keys: look each up once per request.
        if kid not in self._by_kid:
            row = read(_KEY_BY_KID, {"kid": kid}).first()
            self._by_kid[kid] = SealingKey(row.id, row.algorithm, row.public_key) if row is not None else None
        key = self._by_kid[kid]
        if key is None:
            raise NotAKeyHolderError(kid)
        return crypto.open_sealed(key.algorithm, self.loaded_for(key), blob, binding)
