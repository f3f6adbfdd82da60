"""Known-answer tests: fixed inputs must keep producing (or opening to) fixed outputs.

The vectors were generated once by this module and pasted here; where an independent
implementation exists it is cross-checked (noted per test), so the hex is not just
"whatever the code printed".
"""

from __future__ import annotations

import hashlib
import hmac
import struct

import pytest

import reporting.crypto as c
import reporting.crypto.symmetric as symmetric

KEY = bytes(range(32))
NONCE = bytes(range(100, 112))
BINDING = c.Binding("reports", "narrative", "R-0001")

ENC_BLOB = bytes.fromhex(
    "016465666768696a6b6c6d6e6f207aaa03598a24f753077f9abf15058f36e2253b85065b0f12c61e01122c8f2b0b1e0ef1"
)
WRAP_BLOB = bytes.fromhex(
    "016465666768696a6b6c6d6e6f3869b710189d33be550726c8b81c1e9831ee8472d129e5a6c1ab903ea9427d8876"
)

# Hybrid private key = ML-KEM-768 seed (64 bytes) | X25519 private (32 bytes).
SEAL_PRIVATE_HYBRID = bytes(range(64)) + bytes(range(64, 96))
SEAL_PRIVATE_X25519 = bytes(range(64, 96))
SEAL_BINDING = c.Binding("reports", "narrative_sealed", "R-0001")
SEAL_PLAINTEXT = b"sealed to a fixed key"
SEALED_HYBRID = bytes.fromhex(
    "0101166b5f3434386337383663336135626265646562663337f56c4a82fc666619494cf12a50d7e39465d772"
    "30c0c7f4e195cf09be0b6b33ec2d31607c91ba517421f69008770f83a2dc5684fe7925ef7b8b7603f86fdf55"
    "12df6a6cc2d95e8ef9508265d9b084b35c6799f1e614a1e45953545a6feca4b475bee6c2fa58c8c52da39f5c"
    "ea8d4b1645aa708efc9350e9fc641051ca10cbea9ea8088d6f702b69b682f4af2d53c3346ae2f7da48668192"
    "af19517894290f0371cc09ba099bdf0557272b9a1317a4e9619d0621ff5188b08914f538f32d3ae13c81e4ae"
    "5427de57e5e69ce9a54085ccc1035acd97f0db2b4308acb91912322d6ecf879d0cd8e5952b1d0612f1c5a111"
    "cf49674339906aa21fbc07797a76d933d762d55ab0ef2a6da266d57b10905c3590c21e0136368abd5d87edd2"
    "1787bb62d00b66d089e40bf986db5292cc1eb0a7ffa32ed2339848f318993bf2ee1b38b4bba889c166cac6b5"
    "bc27bdb9c2562d586e2a9416f3bcb88067c309f382f9beb080e78441ad71047dc9d11357a1a99ea36f01b184"
    "be41a434b03e7658db41f5a53f7cd16fda013fcebdaef130a4eb20aaef7491cf2fc3dbc2c4e3cedcafc82dde"
    "73b4bdeb32012a72c4a58e11b3492ee245624af122130189ae6dee7f72d1114b4cd9780b63de68bf76e38e47"
    "d6ae921bcef927343d05dcec7941e5b6e67f8f5f620295b5ec497a3076bcde0c3191094701cbfd81ddc4bf2b"
    "31ad04962c4d4f165efe1a7f2795dd7bbcdcc92ed58addb242f94e8cad64ae08b988440c854422cb58fd593f"
    "ff1e162e2b0a1507733cbf024c99c8c939775da237bb9ee4b8b66f2cde30670d72bff1988420d39bd3b92609"
    "8f0548e860530bf78b4316a5319e28f1b843734355a41681a6ad8b1249c3e3120bf0ee8ccf0f819efe95223e"
    "8093e360085b0992c761e03b6415f7ab81767d0d86702ef4c03bb584a912e424bf6c4dbc84aaef4cb745096b"
    "09aaf9ee119a354eb077c4292da754bed8f22a2e191cb7cce154dcad67f07644a7c4ed25cdd0913eceb301ba"
    "9318375f3cb64f1c12e1417178c3bc238463f1253a3f61f03b8c6e9d90792a1bc96faa3152432c58e9d5beaf"
    "d350f49cf5632b01f7f8be954f6dfdfcc9556f8d0b629f8168e1dc5af7f9ae486068068766ba8931555f786c"
    "dbc0a789c5b856e2a35b22a8c7ad2cdb2bffed304e384d716cd20a6366dc81d706580527b2b8afceed3a3479"
    "18068210cffc90cf7a70cf41162477109d8b99353427345e05c8a434dda9575913df40c88ef0d4bb65e14fbd"
    "d42c0d720760d0242885120cb20a7ee852ff4c6f08e69935d352fd6dea22f565ccd9921d31e444a44aa19260"
    "ac6aa0c15f366cae5f231c40a247a94e8c5af039fd864228edff70d2daa6780d482399fae3610c7a4443d147"
    "11c83265aebb01de297d90bf7ba6f8a0cffc7152ee91629b7186c817a531db3943fd78d39c206fa71489b0c8"
    "c7d4ac608fb45ec515ca0c0020a4ba5789e6959dddfe50effc1149bb2bfff9c93abe59883999f72a797ed7aa"
    "affc5f3c5e99d7aab6c0b89427456070602bddea5d6811a360461f865926d8947fb5a0e077ce519ced26d9dc"
    "410e4d5de51cf4d43f8b90414e8b13085fc767a8c4b87c935b2f4ffdcb7c358a1ffb282affaf"
)
SEALED_X25519 = bytes.fromhex(
    "0102166b5f3965396661396365326534626464393231346266ceb98e34bee4bca90b10b6026a5ecd046bf7ed"
    "bf1572c09d022e835d7f23861f93a44b09ea14d32b99940b37810455b5537568b181539bb5c3921960545ba6"
    "4bb5cc7bbf0c"
)


def _lp(*parts: bytes) -> bytes:
    return b"".join(struct.pack(">I", len(p)) + p for p in parts)


def test_encrypt_known_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(symmetric, "_nonce", lambda: NONCE)
    assert c.encrypt(KEY, b"hate crime report #1", BINDING) == ENC_BLOB
    assert ENC_BLOB[1:13] == NONCE


def test_decrypt_known_answer() -> None:
    assert c.decrypt(KEY, ENC_BLOB, BINDING) == b"hate crime report #1"


def test_wrap_known_answer_and_domain_separation() -> None:
    assert c.unwrap_private_key(KEY, WRAP_BLOB, BINDING) == b"private key bytes"
    # Same key, nonce and binding, but a wrap is not data and data is not a wrap.
    with pytest.raises(c.DecryptionError):
        c.decrypt(KEY, WRAP_BLOB, BINDING)
    with pytest.raises(c.DecryptionError):
        c.unwrap_private_key(KEY, ENC_BLOB, BINDING)


def test_derive_keys_known_answer() -> None:
    # Cross-checked against OpenSSL's Argon2id (cryptography's kdf.argon2.Argon2id,
    # iterations=1, lanes=1, memory_cost=64, length=64) when the vector was made.
    verifier, wrap = c.derive_keys(b"1234567890123456", bytes(range(16)), c.KDF_TEST)
    assert verifier.hex() == "ab71deefe314f90a688c988cf75acd8ed328b6e5e05a60a9c35f4adc10312222"
    assert wrap.hex() == "0ca06708d1b6fb3f003aea1095e77a18061d44111139c6bdd8cfacbd9c35439a"


def test_keyed_tag_matches_rfc4231_case_1() -> None:
    # RFC 4231 test case 1: HMAC-SHA256(0x0b * 20, "Hi There"), first 128 bits.
    assert c.keyed_tag(b"\x0b" * 20, "Hi There") == "b0344c61d8db38535ca8afceaf0bf12b"


def test_derive_subkey_known_answer_and_matches_rfc5869() -> None:
    master = bytes(range(32))
    expected = "b9d122066d031a65d574351afbcf047fcc35955a97d26fc225b539b38f30331f"
    assert c.derive_subkey(master, "rate-limit").hex() == expected
    # Independent HKDF (RFC 5869) from the standard library: no salt = 32 zero bytes.
    prk = hmac.new(bytes(32), master, hashlib.sha256).digest()
    okm = hmac.new(prk, b"reporting/subkey/v1:rate-limit" + b"\x01", hashlib.sha256).digest()
    assert okm.hex() == expected


def test_key_id_known_answer() -> None:
    public = bytes(range(32))
    digest = hashlib.sha256(_lp(b"reporting/kid/v1", b"X25519", public)).hexdigest()
    assert c.key_id(c.ALG_X25519, public) == "k_" + digest[:20]
    assert c.key_id(c.ALG_X25519, public) == "k_a7413c5827627602d354"
    assert c.key_id(c.ALG_HYBRID, public) != c.key_id(c.ALG_X25519, public)


def _hkdf_sha256(ikm: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 with no salt, from the standard library, as an independent reference."""
    prk = hmac.new(bytes(32), ikm, hashlib.sha256).digest()
    okm, block = b"", b""
    for counter in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
    return okm[:length]


@pytest.mark.parametrize(
    ("alg", "kid", "length"),
    [(c.ALG_HYBRID, "k_bfbfb864f4a8b65ea373", 96), (c.ALG_X25519, "k_339cce6c6d2fbb435044", 32)],
)
def test_keypair_from_secret_known_answer(alg: str, kid: str, length: int) -> None:
    pair = c.keypair_from_secret(bytes(range(32)), alg)
    info = b"reporting/keypair-from-secret/v1:" + alg.encode()
    assert pair.private == _hkdf_sha256(bytes(range(32)), info, length)
    assert pair.kid == kid


def test_sealed_hybrid_known_answer() -> None:
    assert c.sealed_key_id(SEALED_HYBRID) == "k_448c786c3a5bbedebf37"
    assert len(SEALED_HYBRID) == 1161 + len(SEAL_PLAINTEXT)
    opened = c.open_sealed(c.ALG_HYBRID, SEAL_PRIVATE_HYBRID, SEALED_HYBRID, SEAL_BINDING)
    assert opened == SEAL_PLAINTEXT


def test_sealed_x25519_known_answer() -> None:
    assert c.sealed_key_id(SEALED_X25519) == "k_9e9fa9ce2e4bdd9214bf"
    assert len(SEALED_X25519) == 73 + len(SEAL_PLAINTEXT)
    opened = c.open_sealed(c.ALG_X25519, SEAL_PRIVATE_X25519, SEALED_X25519, SEAL_BINDING)
    assert opened == SEAL_PLAINTEXT


def test_sealed_known_answer_wrong_binding() -> None:
    other = c.Binding("reports", "narrative_sealed", "R-0002")
    with pytest.raises(c.DecryptionError):
        c.open_sealed(c.ALG_HYBRID, SEAL_PRIVATE_HYBRID, SEALED_HYBRID, other)
