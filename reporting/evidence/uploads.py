"""Reading uploads: file parts go to memory, encrypted as they arrive, never to disk.

Werkzeug writes any upload over 500 KB to a temporary file. Here every file part
of every request goes instead to a :class:`SealingUpload`: the bytes are counted,
hashed and encrypted chunk by chunk (``crypto.StreamSealer``) as they are read, and
kept in memory only as long as the request, for checking the type and making the
copy without metadata. Past the size limit it stops keeping anything.

Requests are capped at ``MAX_CONTENT_LENGTH`` (1 MiB) except on views marked
``@accepts_uploads``, which take one file of up to 10 MB plus the form around it.
"""
from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Request, current_app

from reporting import crypto
from reporting.evidence.files import MAX_FILE_BYTES

F = TypeVar("F", bound=Callable[..., Any])
UPLOADS_ATTR = "accepts_uploads"
# One file and the small form fields around it (CSRF token, honeypot, buttons).
MAX_UPLOAD_REQUEST_BYTES = MAX_FILE_BYTES + 256 * 1024


def accepts_uploads(view: F) -> F:
    """Mark a view whose requests may carry a file of up to 10 MB."""
    setattr(view, UPLOADS_ATTR, True)
    return view


class SealingUpload(io.RawIOBase):
    """Where Werkzeug writes one uploaded file: hashed and encrypted as it streams in.

    ``read()`` gives nothing back; the evidence service takes :attr:`plaintext` and
    :attr:`sealer` explicitly, so no other code reads an upload by accident.
    """

    def __init__(self, limit: int = MAX_FILE_BYTES) -> None:
        super().__init__()
        self.limit = limit
        self.size = 0
        self.too_large = False
        self.sealer: crypto.StreamSealer | None = crypto.StreamSealer()
        self._sha256 = hashlib.sha256()
        self._plain = bytearray()

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self.too_large:
            return len(chunk)
        if self.size + len(chunk) > self.limit:
            # Past the limit: drop everything, read on only to give a clear answer.
            self.too_large = True
            self.size += len(chunk)
            self.discard()
            return len(chunk)
        self.size += len(chunk)
        self._sha256.update(chunk)
        assert self.sealer is not None
        self.sealer.write(chunk)
        self._plain += chunk
        return len(chunk)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return 0

    def tell(self) -> int:
        return 0

    def readinto(self, buffer: Any) -> int:
        return 0

    @property
    def plaintext(self) -> bytes:
        return bytes(self._plain)

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    def discard(self) -> None:
        """Forget the plaintext (overwritten, best effort) and the encryption state."""
        for index in range(len(self._plain)):
            self._plain[index] = 0
        self._plain = bytearray()
        self.sealer = None

    def close(self) -> None:
        self.discard()
        super().close()


class UploadRequest(Request):
    """The app's request class: uploads never touch the disk; bigger bodies only where marked."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        view = current_app.view_functions.get(self.endpoint or "") if current_app else None
        if view is not None and getattr(view, UPLOADS_ATTR, False):
            return MAX_UPLOAD_REQUEST_BYTES
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> Any:
        return SealingUpload()


def init_uploads(app: Flask) -> None:
    app.request_class = UploadRequest
