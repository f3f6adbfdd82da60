"""Codes people hold: report receipts (digits), the word that guards a receipt someone else
saw, and the recovery key (Crockford base32)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass, field

from .errors import InvalidReceiptError, KeyFormatError

LOOKUP_DIGITS = 8
SECRET_DIGITS = 16  # 10**16 ≈ 2**53; stretched by Argon2id before it protects anything
_MAX_INPUT = 256  # reject absurd input before normalising it

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_ALIASES = {"O": "0", "I": "1", "L": "1"}  # letters people misread, per Crockford
RECOVERY_KEY_BYTES = 32
_RECOVERY_CHECK_BYTES = 3  # 32 + 3 bytes = 280 bits = exactly 56 characters, 14 groups


def _is_digits(text: str, count: int) -> bool:
    return len(text) == count and all("0" <= c <= "9" for c in text)


def _ignorable(ch: str) -> bool:
    # Separators people type or that copy-paste adds: whitespace, any dash, dots,
    # and invisible format characters such as bidi marks from right-to-left text.
    category = unicodedata.category(ch)
    return ch.isspace() or ch == "." or category in ("Pd", "Cf")


@dataclass(frozen=True)
class Receipt:
    """A receipt: *lookup* (8 digits, stored in clear) and *secret* (16 digits, never stored)."""

    lookup: str
    secret: str = field(repr=False)  # keep the secret out of logs and tracebacks

    def __post_init__(self) -> None:
        if not (_is_digits(self.lookup, LOOKUP_DIGITS) and _is_digits(self.secret, SECRET_DIGITS)):
            raise InvalidReceiptError("receipt must be 8 + 16 ASCII digits")

    def formatted(self) -> str:
        """Return the 24 digits in six space-separated groups of four."""
        digits = self.lookup + self.secret
        return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def new_receipt() -> Receipt:
    """Return a fresh receipt with uniformly random digits (caller must ensure lookup is unique)."""
    # One draw of a number below 10**24, written with leading zeros: every string of 24 digits
    # equally likely, as with a draw per digit (which asked the system for randomness 24 times).
    digits = f"{secrets.randbelow(10 ** (LOOKUP_DIGITS + SECRET_DIGITS)):0{LOOKUP_DIGITS + SECRET_DIGITS}d}"
    return Receipt(digits[:LOOKUP_DIGITS], digits[LOOKUP_DIGITS:])


def parse_receipt(text: str) -> Receipt:
    """Parse receipt text typed or pasted by a person.

    NFKC-normalises (full-width digits become ASCII), ignores whitespace, dashes, dots and
    invisible format characters, and accepts decimal digits of any script (e.g. Arabic-Indic).
    Anything else, or not exactly 24 digits, raises InvalidReceiptError.
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        raise InvalidReceiptError("not a receipt")
    digits = []
    for ch in unicodedata.normalize("NFKC", text):
        if _ignorable(ch):
            continue
        if unicodedata.category(ch) != "Nd":
            raise InvalidReceiptError("not a receipt")
        digits.append(str(unicodedata.decimal(ch)))
    joined = "".join(digits)
    if len(joined) != LOOKUP_DIGITS + SECRET_DIGITS:
        raise InvalidReceiptError("not a receipt")
    return Receipt(joined[:LOOKUP_DIGITS], joined[LOOKUP_DIGITS:])


# A receipt's word: short and memorable, chosen by the person, never stored or shown back.
WORD_MIN_CHARACTERS = 4
WORD_MAX_CHARACTERS = 40
_WORD_TAG_KEY_MIN = 16


def normalise_word(text: str) -> str:
    """The form of a receipt's word that is checked: NFKC, case-folded, without spaces,
    dashes or invisible format characters ("Blue sky" and "bluesky" are the same word)."""
    if not isinstance(text, str):
        raise InvalidReceiptError("not a word")
    folded = unicodedata.normalize("NFKC", text[: _MAX_INPUT]).casefold()
    return "".join(ch for ch in folded if not _ignorable(ch))


def word_acceptable(text: str) -> bool:
    """Whether *text* makes a word of the accepted length once normalised."""
    return WORD_MIN_CHARACTERS <= len(normalise_word(text)) <= WORD_MAX_CHARACTERS


def receipt_kdf_input(receipt: Receipt, word: str | None = None, *, word_key: bytes | None = None) -> bytes:
    """What Argon2id stretches for a receipt: its secret digits, and with a *word*, an
    HMAC-SHA256 of the normalised word under *word_key* (a key that is not in the database).

    A code someone else saw (a centre's slip, a code read out on the phone) is joined to
    the person's word this way, so the code alone unwraps nothing, and a stolen database
    without the key cannot test a single guess of the word, even with the code.
    """
    if word is None:
        return receipt.secret.encode()
    if word_key is None or len(word_key) < _WORD_TAG_KEY_MIN:
        raise KeyFormatError("a receipt word needs a key of at least 16 bytes")
    tag = hmac.new(word_key, b"reporting/receipt-word/v1:" + normalise_word(word).encode("utf-8"), hashlib.sha256)
    return receipt.secret.encode() + b"\x00" + tag.digest()


def _recovery_checksum(key: bytes) -> bytes:
    return hashlib.sha256(b"reporting/recovery-key/v1" + key).digest()[:_RECOVERY_CHECK_BYTES]


def new_recovery_key() -> tuple[str, bytes]:
    """Return (printable text, 32 key bytes); the text is 14 groups of 4 Crockford base32 chars.

    The last 24 bits (final group and a bit of the one before) are a checksum of the key,
    so a mistyped or swapped character is caught on parse.
    """
    key = os.urandom(RECOVERY_KEY_BYTES)
    payload = key + _recovery_checksum(key)
    value = int.from_bytes(payload, "big")
    count = len(payload) * 8 // 5
    chars = "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(count)))
    return "-".join(chars[i : i + 4] for i in range(0, count, 4)), key


def parse_recovery_key(text: str) -> bytes:
    """Parse recovery-key text (any case, spaces/dashes anywhere, O/I/L read as 0/1).

    KeyFormatError if malformed or the checksum does not match (a typo).
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        raise KeyFormatError("malformed recovery key")
    chars = [
        _CROCKFORD_ALIASES.get(ch.upper(), ch.upper())
        for ch in unicodedata.normalize("NFKC", text)
        if not (ch.isspace() or unicodedata.category(ch) in ("Pd", "Cf"))
    ]
    length = (RECOVERY_KEY_BYTES + _RECOVERY_CHECK_BYTES) * 8 // 5
    if len(chars) != length or not all(len(c) == 1 and c in _CROCKFORD for c in chars):
        raise KeyFormatError("malformed recovery key")
    value = 0
    for ch in chars:
        value = value * 32 + _CROCKFORD.index(ch)
    payload = value.to_bytes(RECOVERY_KEY_BYTES + _RECOVERY_CHECK_BYTES, "big")
    key, check = payload[:RECOVERY_KEY_BYTES], payload[RECOVERY_KEY_BYTES:]
    if not hmac.compare_digest(check, _recovery_checksum(key)):
        raise KeyFormatError("recovery key checksum mismatch")
    return key
