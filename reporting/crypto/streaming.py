"""Files sealed as they arrive: AES-256-GCM chunks under a fresh file key.

A file is cut into 64 KiB chunks, each encrypted under a random file key used for
that one file only. Chunk *i* has the nonce *i* (96-bit big-endian counter) and a
final-chunk flag in its associated data, so chunks cannot be reordered, dropped,
duplicated or cut off at a chunk boundary without detection.

The file key is protected last, when the record the file belongs to exists: sealed
to a public key (:func:`seal`, HPKE) or encrypted under a symmetric key, in both
cases bound to the record's :class:`Binding`. Since the file key opens nothing but
this file's chunks, and only that bound header opens the file key, every chunk is
bound to the record through it. This is what lets a file be encrypted while the
request is still being read (before any row exists), and lets a draft's file move
to its report by re-protecting only the file key.

Blob layout: version (1) | mode (1) | header length (4) | header | chunks, each
chunk ciphertext + tag (16); every chunk but the last holds exactly 64 KiB.
"""
from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .binding import Binding, length_prefixed
from .errors import DecryptionError
from .sealing import open_sealed, seal
from .symmetric import KEY_LEN, _open, _seal

CHUNK_SIZE = 64 * 1024
_TAG_LEN = 16
_VERSION = 1
_MODE_SEALED = 1  # file key sealed to a public key
_MODE_WRAPPED = 2  # file key encrypted under a symmetric key
_DOMAIN_CHUNK = b"reporting/stream/chunk/v1"
_DOMAIN_FILE_KEY = b"reporting/aead/file-key/v1"
_PREFIX = struct.Struct(">BBI")


def _nonce(counter: int) -> bytes:
    return counter.to_bytes(12, "big")


def _chunk_aad(final: bool) -> bytes:
    return length_prefixed(_DOMAIN_CHUNK, bytes([_VERSION]), b"\x01" if final else b"\x00")


def _key_binding(binding: Binding) -> Binding:
    # The file key gets a cell of its own, so it can never be taken for other sealed data.
    return Binding(binding.table, binding.column + "#file-key", binding.row)


class StreamSealer:
    """Encrypts a file piece by piece as it arrives; :meth:`seal_to` or :meth:`seal_under` ends it.

    Holds only ciphertext and at most one chunk of plaintext. Single use.
    """

    def __init__(self) -> None:
        self._key = os.urandom(KEY_LEN)
        self._aead = AESGCM(self._key)
        self._pending = bytearray()
        self._chunks: list[bytes] = []
        self._counter = 0
        self._done = False

    def write(self, data: bytes) -> None:
        """Add the next piece of the file."""
        if self._done:
            raise ValueError("the stream is already sealed")
        self._pending += data
        # Keep at least one byte back, so the last chunk is never empty unless the file is.
        while len(self._pending) > CHUNK_SIZE:
            self._emit(bytes(self._pending[:CHUNK_SIZE]), final=False)
            del self._pending[:CHUNK_SIZE]

    def _emit(self, data: bytes, *, final: bool) -> None:
        self._chunks.append(self._aead.encrypt(_nonce(self._counter), data, _chunk_aad(final)))
        self._counter += 1

    def _finish(self) -> bytes:
        if self._done:
            raise ValueError("the stream is already sealed")
        self._emit(bytes(self._pending), final=True)
        self._pending = bytearray()
        self._done = True
        return b"".join(self._chunks)

    def _assemble(self, mode: int, header: bytes, body: bytes) -> bytes:
        self._chunks = []
        self._key = b""
        return _PREFIX.pack(_VERSION, mode, len(header)) + header + body

    def seal_to(self, algorithm: str, public: bytes, binding: Binding) -> bytes:
        """End the file and seal its key to a public key, for the cell *binding*."""
        header = seal(algorithm, public, self._key, _key_binding(binding))
        return self._assemble(_MODE_SEALED, header, self._finish())

    def seal_under(self, key: bytes, binding: Binding) -> bytes:
        """End the file and encrypt its key under a symmetric *key*, for the cell *binding*."""
        header = _seal(_DOMAIN_FILE_KEY, key, self._key, _key_binding(binding))
        return self._assemble(_MODE_WRAPPED, header, self._finish())


def seal_stream(algorithm: str, public: bytes, plaintext: bytes, binding: Binding) -> bytes:
    """Seal bytes already in memory the same way (one call instead of write + seal_to)."""
    sealer = StreamSealer()
    sealer.write(plaintext)
    return sealer.seal_to(algorithm, public, binding)


def _split(blob: bytes, mode: int) -> tuple[bytes, bytes]:
    if len(blob) < _PREFIX.size:
        raise DecryptionError()
    version, found_mode, header_len = _PREFIX.unpack_from(blob)
    end = _PREFIX.size + header_len
    if version != _VERSION or found_mode != mode or len(blob) < end + _TAG_LEN:
        raise DecryptionError()
    return blob[_PREFIX.size : end], blob[end:]


def _decrypt_chunks(file_key: bytes, body: bytes) -> bytes:
    if len(file_key) != KEY_LEN:
        raise DecryptionError()
    aead = AESGCM(file_key)
    step = CHUNK_SIZE + _TAG_LEN
    count = (len(body) + step - 1) // step
    parts = []
    try:
        for index in range(count):
            piece = body[index * step : (index + 1) * step]
            parts.append(aead.decrypt(_nonce(index), piece, _chunk_aad(index == count - 1)))
    except InvalidTag:
        raise DecryptionError() from None
    return b"".join(parts)


def _file_key_sealed(algorithm: str, private: bytes, header: bytes, binding: Binding) -> bytes:
    return open_sealed(algorithm, private, header, _key_binding(binding))


def _file_key_wrapped(key: bytes, header: bytes, binding: Binding) -> bytes:
    return _open(_DOMAIN_FILE_KEY, key, header, _key_binding(binding))


def open_stream(algorithm: str, private: bytes, blob: bytes, binding: Binding) -> bytes:
    """Open a blob made by :meth:`StreamSealer.seal_to`; DecryptionError if anything is wrong.

    That includes a blob moved to another cell, chunks reordered, changed or cut off.
    """
    header, body = _split(blob, _MODE_SEALED)
    return _decrypt_chunks(_file_key_sealed(algorithm, private, header, binding), body)


def open_stream_under(key: bytes, blob: bytes, binding: Binding) -> bytes:
    """Open a blob made by :meth:`StreamSealer.seal_under`; DecryptionError if anything is wrong."""
    header, body = _split(blob, _MODE_WRAPPED)
    return _decrypt_chunks(_file_key_wrapped(key, header, binding), body)


def reseal_stream(
    key: bytes, blob: bytes, binding: Binding, *, algorithm: str, public: bytes, new_binding: Binding
) -> bytes:
    """Move a file from under a symmetric key to a public key (and a new cell).

    Only the file key is re-protected; the chunks are checked, then kept as they are.
    DecryptionError if the blob does not open; KeyFormatError for a bad public key.
    """
    header, body = _split(blob, _MODE_WRAPPED)
    file_key = _file_key_wrapped(key, header, binding)
    _decrypt_chunks(file_key, body)  # refuse to carry on a file that was tampered with
    new_header = seal(algorithm, public, file_key, _key_binding(new_binding))
    return _PREFIX.pack(_VERSION, _MODE_SEALED, len(new_header)) + new_header + body


__all__ = [
    "CHUNK_SIZE",
    "StreamSealer",
    "open_stream",
    "open_stream_under",
    "reseal_stream",
    "seal_stream",
]
