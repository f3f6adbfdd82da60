"""The project's only cryptography: sealing, symmetric encryption, key derivation, codes, passwords.

No other package may import `cryptography` or `argon2`; everything goes through here.
Every failure surfaces as a :class:`CryptoError` subclass.
"""

from .binding import Binding
from .errors import (
    CryptoError,
    DecryptionError,
    InvalidReceiptError,
    KeyFormatError,
    UnsupportedAlgorithmError,
)
from .kdf import (
    KDF_DEFAULT,
    KDF_TEST,
    KdfParams,
    derive_keys,
    derive_subkey,
    keyed_tag,
    new_salt,
    verifier_digest,
    verifier_matches,
)
from .passwords import hash_password, password_needs_rehash, verify_password
from .receipts import (
    WORD_MAX_CHARACTERS,
    WORD_MIN_CHARACTERS,
    Receipt,
    new_receipt,
    new_recovery_key,
    normalise_word,
    parse_receipt,
    parse_recovery_key,
    receipt_kdf_input,
    word_acceptable,
)
from .sealing import (
    ALG_HYBRID,
    ALG_X25519,
    KeyPair,
    generate_keypair,
    hybrid_available,
    key_id,
    keypair_from_secret,
    open_sealed,
    seal,
    sealed_key_id,
)
from .signing import grant_proof_valid, grant_verify_key, sign_grant
from .streaming import (
    CHUNK_SIZE,
    StreamSealer,
    open_stream,
    open_stream_under,
    reseal_stream,
    seal_stream,
)
from .symmetric import (
    decrypt,
    encrypt,
    random_key,
    unwrap_private_key,
    wrap_private_key,
)

__all__ = [
    "ALG_HYBRID",
    "ALG_X25519",
    "CHUNK_SIZE",
    "KDF_DEFAULT",
    "KDF_TEST",
    "Binding",
    "CryptoError",
    "DecryptionError",
    "InvalidReceiptError",
    "KdfParams",
    "KeyFormatError",
    "KeyPair",
    "Receipt",
    "StreamSealer",
    "UnsupportedAlgorithmError",
    "WORD_MAX_CHARACTERS",
    "WORD_MIN_CHARACTERS",
    "decrypt",
    "derive_keys",
    "derive_subkey",
    "encrypt",
    "generate_keypair",
    "grant_proof_valid",
    "grant_verify_key",
    "hash_password",
    "hybrid_available",
    "key_id",
    "keyed_tag",
    "keypair_from_secret",
    "new_receipt",
    "new_recovery_key",
    "new_salt",
    "normalise_word",
    "open_sealed",
    "open_stream",
    "open_stream_under",
    "parse_receipt",
    "parse_recovery_key",
    "password_needs_rehash",
    "random_key",
    "receipt_kdf_input",
    "reseal_stream",
    "seal",
    "seal_stream",
    "sign_grant",
    "sealed_key_id",
    "unwrap_private_key",
    "verifier_digest",
    "verifier_matches",
    "verify_password",
    "word_acceptable",
    "wrap_private_key",
]
