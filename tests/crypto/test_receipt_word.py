"""The word joined to a receipt someone else saw: normalised forgivingly, keyed, never alone."""
from __future__ import annotations

import pytest

from reporting import crypto

KEY = b"k" * 32


def test_spaces_capitals_and_composed_letters_do_not_matter():
    assert crypto.normalise_word(" Blue Sky ") == crypto.normalise_word("bluesky") == "bluesky"
    assert crypto.normalise_word("Caf\u0065\u0301") == crypto.normalise_word("CAF\u00c9")
    assert crypto.word_acceptable("abcd") and not crypto.word_acceptable("a b c") and not crypto.word_acceptable("x" * 41)


def test_the_word_changes_what_argon2_stretches_and_needs_the_key():
    receipt = crypto.new_receipt()
    alone = crypto.receipt_kdf_input(receipt)
    with_word = crypto.receipt_kdf_input(receipt, "Heron", word_key=KEY)
    assert alone == receipt.secret.encode() and with_word != alone
    assert with_word == crypto.receipt_kdf_input(receipt, "heron ", word_key=KEY)
    assert with_word != crypto.receipt_kdf_input(receipt, "herons", word_key=KEY)
    # Another key (a stolen database without the server's secret) gives another input.
    assert with_word != crypto.receipt_kdf_input(receipt, "Heron", word_key=b"o" * 32)
    assert b"heron" not in with_word.lower()
    with pytest.raises(crypto.KeyFormatError):
        crypto.receipt_kdf_input(receipt, "Heron")
    with pytest.raises(crypto.KeyFormatError):
        crypto.receipt_kdf_input(receipt, "Heron", word_key=b"short")
