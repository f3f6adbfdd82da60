"""The signed-in staff member's keyring for this request (one helper for every staff page)."""
from __future__ import annotations

from flask_login import current_user

from reporting import crypto
from reporting.auth import session as staff
from reporting.keys.keyring import Keyring


def staff_keyring() -> Keyring | None:
    """The signed-in person's keyring, or None when this request's session cannot open their key.

    That is: nobody signed in, no session cookie, or a cookie whose secret does not open
    the session's key. Whether they hold a given service key shows when the keyring opens it.
    """
    try:
        return Keyring(current_user._get_current_object(), staff.personal_private_key())
    except crypto.CryptoError:
        return None
