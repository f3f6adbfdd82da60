"""Files sealed in 64 KiB chunks: round trip, and every way of changing a blob is caught."""

from __future__ import annotations

import struct

import pytest

import reporting.crypto as c
from reporting.crypto.streaming import CHUNK_SIZE

BINDING = c.Binding("evidence", "original", "HC-26-ABCDEF:1")
OTHER = c.Binding("evidence", "original", "HC-26-ABCDEF:2")
CHUNK = CHUNK_SIZE + 16


@pytest.fixture(scope="module")
def pair() -> c.KeyPair:
    return c.generate_keypair(c.ALG_X25519)


def sealed(pair: c.KeyPair, plaintext: bytes, pieces: int = 1, binding: c.Binding = BINDING) -> bytes:
    sealer = c.StreamSealer()
    step = max(1, len(plaintext) // pieces)
    for start in range(0, len(plaintext), step):
        sealer.write(plaintext[start : start + step])
    return sealer.seal_to(pair.algorithm, pair.public, binding)


def split(blob: bytes) -> tuple[bytes, list[bytes]]:
    header_len = struct.unpack_from(">I", blob, 2)[0]
    head, body = blob[: 6 + header_len], blob[6 + header_len :]
    return head, [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]


SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 3 * CHUNK_SIZE + 7]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("pieces", [1, 7])
def test_round_trip_whatever_the_sizes(pair: c.KeyPair, size: int, pieces: int) -> None:
    plaintext = bytes(i % 251 for i in range(size))
    blob = sealed(pair, plaintext, pieces)
    assert c.open_stream(pair.algorithm, pair.private, blob, BINDING) == plaintext
    assert size < 32 or plaintext[:32] not in blob


def test_hybrid_round_trip() -> None:
    if not c.hybrid_available():
        pytest.skip("no ML-KEM in this build")
    pair = c.generate_keypair(c.ALG_HYBRID)
    data = b"x" * (2 * CHUNK_SIZE + 5)
    assert c.open_stream(pair.algorithm, pair.private, c.seal_stream(pair.algorithm, pair.public, data, BINDING), BINDING) == data


def test_chunks_are_64_kib(pair: c.KeyPair) -> None:
    _, chunks = split(sealed(pair, b"a" * (2 * CHUNK_SIZE + 10)))
    assert [len(chunk) for chunk in chunks] == [CHUNK, CHUNK, 10 + 16]


def test_truncation_at_a_chunk_boundary_is_caught(pair: c.KeyPair) -> None:
    head, chunks = split(sealed(pair, b"a" * (3 * CHUNK_SIZE + 10)))
    for keep in range(1, len(chunks)):
        with pytest.raises(c.DecryptionError):
            c.open_stream(pair.algorithm, pair.private, head + b"".join(chunks[:keep]), BINDING)
    with pytest.raises(c.DecryptionError):
        c.open_stream(pair.algorithm, pair.private, head, BINDING)


def test_an_exact_multiple_cut_to_its_full_chunks_is_caught(pair: c.KeyPair) -> None:
    head, chunks = split(sealed(pair, b"a" * (2 * CHUNK_SIZE)))
    assert len(chunks) == 2
    with pytest.raises(c.DecryptionError):
        c.open_stream(pair.algorithm, pair.private, head + chunks[0], BINDING)


def test_reordered_or_repeated_chunks_are_caught(pair: c.KeyPair) -> None:
    head, chunks = split(sealed(pair, bytes(range(256)) * 1024))  # four full chunks
    for changed in ([chunks[1], chunks[0], *chunks[2:]], [chunks[0], chunks[0], *chunks[2:]], [*chunks, chunks[-1]]):
        with pytest.raises(c.DecryptionError):
            c.open_stream(pair.algorithm, pair.private, head + b"".join(changed), BINDING)


def test_a_changed_byte_anywhere_is_caught(pair: c.KeyPair) -> None:
    blob = sealed(pair, b"evidence " * 20000)
    for index in [0, 1, 5, 6, 40, len(blob) // 2, len(blob) - 1]:
        changed = blob[:index] + bytes([blob[index] ^ 0x01]) + blob[index + 1 :]
        with pytest.raises((c.DecryptionError, c.KeyFormatError)):
            c.open_stream(pair.algorithm, pair.private, changed, BINDING)


def test_another_cell_or_key_or_chunks_from_another_file_fail(pair: c.KeyPair) -> None:
    blob = sealed(pair, b"first file" * 1000)
    with pytest.raises(c.DecryptionError):
        c.open_stream(pair.algorithm, pair.private, blob, OTHER)
    with pytest.raises(c.DecryptionError):
        c.open_stream(pair.algorithm, pair.private, blob, c.Binding("evidence", "cleaned", BINDING.row))
    stranger = c.generate_keypair(c.ALG_X25519)
    with pytest.raises(c.DecryptionError):
        c.open_stream(stranger.algorithm, stranger.private, blob, BINDING)
    # A header from one file cannot open another file's chunks.
    head, _ = split(blob)
    _, chunks = split(sealed(pair, b"second file" * 1000))
    with pytest.raises(c.DecryptionError):
        c.open_stream(pair.algorithm, pair.private, head + b"".join(chunks), BINDING)


def test_the_file_key_is_not_other_sealed_data(pair: c.KeyPair) -> None:
    # The header is sealed for its own cell, so a plain seal() at the same binding is not it.
    head, _ = split(sealed(pair, b"data"))
    with pytest.raises(c.DecryptionError):
        c.open_sealed(pair.algorithm, pair.private, head[6:], BINDING)


def test_under_a_symmetric_key_and_moved_to_a_public_key(pair: c.KeyPair) -> None:
    key = c.random_key()
    draft_cell = c.Binding("draft_files", "original", "draft-1:1")
    sealer = c.StreamSealer()
    data = b"draft file " * 9000
    sealer.write(data)
    blob = sealer.seal_under(key, draft_cell)
    assert c.open_stream_under(key, blob, draft_cell) == data
    with pytest.raises(c.DecryptionError):
        c.open_stream_under(c.random_key(), blob, draft_cell)
    with pytest.raises(c.DecryptionError):
        c.open_stream_under(key, blob, BINDING)
    with pytest.raises(c.DecryptionError):  # not a public-key blob
        c.open_stream(pair.algorithm, pair.private, blob, draft_cell)

    moved = c.reseal_stream(key, blob, draft_cell, algorithm=pair.algorithm, public=pair.public, new_binding=BINDING)
    assert c.open_stream(pair.algorithm, pair.private, moved, BINDING) == data
    with pytest.raises(c.DecryptionError):
        c.reseal_stream(key, blob[:-1], draft_cell, algorithm=pair.algorithm, public=pair.public, new_binding=BINDING)


def test_a_sealer_is_used_once(pair: c.KeyPair) -> None:
    sealer = c.StreamSealer()
    sealer.write(b"x")
    sealer.seal_to(pair.algorithm, pair.public, BINDING)
    with pytest.raises(ValueError):
        sealer.write(b"y")
    with pytest.raises(ValueError):
        sealer.seal_to(pair.algorithm, pair.public, BINDING)


@pytest.mark.parametrize("blob", [b"", b"\x01", b"\x01\x01\x00\x00\x00\x00", b"\x02\x01\x00\x00\x00\x00" + b"\x00" * 40])
def test_malformed_blobs_are_decryption_errors(pair: c.KeyPair, blob: bytes) -> None:
    with pytest.raises(c.DecryptionError):
        c.open_stream(pair.algorithm, pair.private, blob, BINDING)
