"""Receipt codes and the recovery key: formatting, tolerant parsing, typo detection, use."""

from __future__ import annotations

import base64
import collections
import hashlib

import pytest

import reporting.crypto as c

DIGITS = "123456789012345678901234"


def test_formatted() -> None:
    receipt = c.Receipt(DIGITS[:8], DIGITS[8:])
    assert receipt.formatted() == "1234 5678 9012 3456 7890 1234"


def test_receipt_repr_hides_secret() -> None:
    receipt = c.Receipt("00000000", "9876543210987654")
    assert "9876543210987654" not in repr(receipt)


@pytest.mark.parametrize(
    ("lookup", "secret"),
    [
        ("1234567", "1234567890123456"),
        ("12345678", "123456789012345"),
        ("1234567a", "1234567890123456"),
        ("１２３４５６７８", "1234567890123456"),  # only parse_receipt normalises
    ],
)
def test_receipt_constructor_validates(lookup: str, secret: str) -> None:
    with pytest.raises(c.InvalidReceiptError):
        c.Receipt(lookup, secret)


def test_new_receipt_round_trip() -> None:
    for _ in range(20):
        receipt = c.new_receipt()
        assert len(receipt.lookup) == 8 and len(receipt.secret) == 16
        assert c.parse_receipt(receipt.formatted()) == receipt


def test_new_receipt_digits_look_uniform() -> None:
    counts = collections.Counter("".join(r.lookup + r.secret for r in (c.new_receipt() for _ in range(200))))
    # 4800 digits, 480 expected each, sd ≈ 21: these bounds are > 4.5 sd away.
    assert set(counts) == set("0123456789")
    assert all(380 < n < 580 for n in counts.values())


def test_every_place_of_a_new_receipt_takes_every_digit() -> None:
    """The 24 digits are drawn as one number: none of its places (the first above all, where
    a number drawn too small shows as zeros) may lean to a digit."""
    codes = [r.lookup + r.secret for r in (c.new_receipt() for _ in range(1000))]
    for place in range(24):
        counts = collections.Counter(code[place] for code in codes)
        # 100 expected each, sd ≈ 9.5: these bounds are > 5 sd away.
        assert set(counts) == set("0123456789"), place
        assert all(50 < n < 150 for n in counts.values()), (place, counts)


@pytest.mark.parametrize(
    "text",
    [
        "1234 5678 9012 3456 7890 1234",
        "123456789012345678901234",
        "1234-5678-9012-3456-7890-1234",
        "1234.5678.9012.3456.7890.1234",
        "  1234\t5678\n9012\u00a03456\u30007890\u20031234  ",
        "１２３４　５６７８　９０１２　３４５６　７８９０　１２３４",  # full-width digits and spaces
        "1234–5678—9012‐3456－7890-1234",  # assorted dashes
        "١٢٣٤ ٥٦٧٨ ٩٠١٢ ٣٤٥٦ ٧٨٩٠ ١٢٣٤",  # Arabic-Indic digits
        "\u200f1234 5678 9012 3456 7890 1234\u200e",  # bidi marks from pasted RTL text
    ],
)
def test_parse_tolerates_layout(text: str) -> None:
    assert c.parse_receipt(text) == c.Receipt(DIGITS[:8], DIGITS[8:])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1234 5678 9012 3456 7890 123",
        "1234 5678 9012 3456 7890 12345",
        "1234 5678 9012 3456 7890 123a",
        "1234 5678 9O12 3456 7890 1234",  # letter O
        "1234/5678/9012/3456/7890/1234",
        "+1234 5678 9012 3456 7890 1234",
        "1234 5678 9012 3456 7890 1234" * 20,
        "1234 5678 9012 3456 7890 1234" + " " * 300,  # input length is capped before normalising
    ],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(c.InvalidReceiptError):
        c.parse_receipt(text)


def _report(receipt: c.Receipt) -> dict[str, bytes]:
    """What the app stores for one report: salt, verifier digest, report key wrapped under the receipt."""
    salt = c.new_salt()
    verifier, wrap_key = c.derive_keys(receipt.secret.encode(), salt, c.KDF_TEST)
    report_private = c.generate_keypair(c.ALG_X25519).private
    binding = c.Binding("reports", "receipt_wrap", receipt.lookup)
    return {
        "salt": salt,
        "digest": c.verifier_digest(verifier),
        "wrapped": c.wrap_private_key(wrap_key, report_private, binding),
        "private": report_private,  # kept here only so the test can compare
    }


def test_receipt_unlocks_only_its_own_report() -> None:
    receipt_a, receipt_b = c.new_receipt(), c.new_receipt()
    report_a, report_b = _report(receipt_a), _report(receipt_b)
    binding_a = c.Binding("reports", "receipt_wrap", receipt_a.lookup)
    binding_b = c.Binding("reports", "receipt_wrap", receipt_b.lookup)

    # Typing receipt A back in: parse, derive, check verifier, unwrap.
    typed = c.parse_receipt(receipt_a.formatted().replace(" ", "-"))
    verifier_a, wrap_a = c.derive_keys(typed.secret.encode(), report_a["salt"], c.KDF_TEST)
    assert c.verifier_matches(report_a["digest"], verifier_a)
    assert c.unwrap_private_key(wrap_a, report_a["wrapped"], binding_a) == report_a["private"]

    # A's secret does not verify for or unwrap B, whether derived with A's salt or B's.
    assert not c.verifier_matches(report_b["digest"], verifier_a)
    verifier_ab, wrap_ab = c.derive_keys(receipt_a.secret.encode(), report_b["salt"], c.KDF_TEST)
    assert not c.verifier_matches(report_b["digest"], verifier_ab)
    for key in (wrap_a, wrap_ab):
        with pytest.raises(c.DecryptionError):
            c.unwrap_private_key(key, report_b["wrapped"], binding_b)

    # A's wrap copied into B's row does not open there, even with A's own key.
    with pytest.raises(c.DecryptionError):
        c.unwrap_private_key(wrap_a, report_a["wrapped"], binding_b)

    # One wrong digit in the secret fails verification.
    wrong = typed.secret[:-1] + str((int(typed.secret[-1]) + 1) % 10)
    verifier_wrong, _ = c.derive_keys(wrong.encode(), report_a["salt"], c.KDF_TEST)
    assert not c.verifier_matches(report_a["digest"], verifier_wrong)


# Fixed recovery key (bytes 200..231) and its text, so the typo tests are deterministic.
RECOVERY_TEXT = "S34W-NJYC-SQ7C-ZM6H-TB9X-9NEP-TZCD-KPPV-VKEX-XQZ0-W7HE-7S75-WVKT-KDMJ"
RECOVERY_KEY = bytes(range(200, 232))


def test_recovery_known_answer_matches_independent_encoding() -> None:
    # RFC 4648 base32 of key | 3-byte checksum, translated to Crockford's alphabet.
    checksum = hashlib.sha256(b"reporting/recovery-key/v1" + RECOVERY_KEY).digest()[:3]
    standard = base64.b32encode(RECOVERY_KEY + checksum).decode()
    to_crockford = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    crockford = standard.translate(to_crockford)
    assert "-".join(crockford[i : i + 4] for i in range(0, 56, 4)) == RECOVERY_TEXT
    assert c.parse_recovery_key(RECOVERY_TEXT) == RECOVERY_KEY


def test_recovery_round_trip() -> None:
    for _ in range(10):
        text, key = c.new_recovery_key()
        groups = text.split("-")
        assert len(key) == 32 and len(groups) == 14 and all(len(g) == 4 for g in groups)
        assert set(text) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ-")
        assert c.parse_recovery_key(text) == key
        assert c.parse_recovery_key(text.lower().replace("-", " ")) == key


def test_recovery_parse_is_tolerant() -> None:
    assert c.parse_recovery_key(RECOVERY_TEXT.replace("-", "")) == RECOVERY_KEY
    assert c.parse_recovery_key(" " + RECOVERY_TEXT.lower().replace("-", "  ") + "\n") == RECOVERY_KEY
    assert c.parse_recovery_key(RECOVERY_TEXT.replace("0", "O").replace("1", "l")) == RECOVERY_KEY


def test_recovery_every_single_character_typo_is_caught() -> None:
    compact = RECOVERY_TEXT.replace("-", "")
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for index, original in enumerate(compact):
        for replacement in alphabet.replace(original, ""):
            typo = compact[:index] + replacement + compact[index + 1 :]
            with pytest.raises(c.KeyFormatError):
                c.parse_recovery_key(typo)


def test_recovery_adjacent_swaps_are_caught() -> None:
    compact = RECOVERY_TEXT.replace("-", "")
    for index in range(len(compact) - 1):
        if compact[index] != compact[index + 1]:
            swapped = compact[:index] + compact[index + 1] + compact[index] + compact[index + 2 :]
            with pytest.raises(c.KeyFormatError):
                c.parse_recovery_key(swapped)


@pytest.mark.parametrize(
    "text",
    [
        "",
        RECOVERY_TEXT[:-1],
        RECOVERY_TEXT + "0",
        RECOVERY_TEXT.replace("S", "U", 1),  # not in Crockford's alphabet
        RECOVERY_TEXT.replace("S", "ß", 1),  # upper-cases to two letters
        RECOVERY_TEXT.replace("-", "/"),
    ],
)
def test_recovery_rejects_malformed(text: str) -> None:
    with pytest.raises(c.KeyFormatError):
        c.parse_recovery_key(text)
