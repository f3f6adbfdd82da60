"""Record binding: ties a ciphertext to the one database cell it belongs in."""

from __future__ import annotations

import struct
from dataclasses import dataclass


def length_prefixed(*parts: bytes) -> bytes:
    """Concatenate *parts*, each preceded by its 4-byte big-endian length.

    Used for every associated-data / info string, so that no two different
    tuples of fields can ever encode to the same bytes.
    """
    return b"".join(struct.pack(">I", len(part)) + part for part in parts)


@dataclass(frozen=True)
class Binding:
    """Where a ciphertext lives: a blob opens only under the same table, column and row."""

    table: str
    column: str
    row: str

    def __post_init__(self) -> None:
        # An empty or non-string field is a caller bug (e.g. a row not yet saved);
        # failing loudly beats silently binding every such blob to the same "cell".
        for name in ("table", "column", "row"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"Binding.{name} must be a non-empty str")

    def encode(self) -> bytes:
        """Return an unambiguous byte encoding of the binding."""
        return length_prefixed(
            b"binding/v1",
            self.table.encode("utf-8"),
            self.column.encode("utf-8"),
            self.row.encode("utf-8"),
        )
