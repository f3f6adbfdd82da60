"""Files to upload: a photo with a canary in its EXIF GPS and comment, and hostile ones."""
from __future__ import annotations

import io
import re
import secrets
import zlib
from dataclasses import dataclass

import pytest
from PIL import Image

from tests.helpers import csrf_token, minimal_answers, post_form, report


def photo_with_canary(canary: str, size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG whose EXIF holds a GPS position and a description, and whose comment holds the canary."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = f"ImageDescription {canary}"  # ImageDescription
    exif[0x010F] = f"Camera {canary}"  # Make
    gps = {
        1: "N", 2: (52.0, 42.0, 29.5),  # latitude: Shrewsbury
        3: "W", 4: (2.0, 45.0, 7.25),
        27: f"ASCII\x00\x00\x00GPS {canary}".encode(),  # GPSProcessingMethod
    }
    exif[0x8825] = gps  # the GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=f"comment {canary}".encode(), quality=90)
    data = out.getvalue()
    assert canary.encode() in data
    return data


def png_bomb() -> bytes:
    """A tiny PNG that claims 100,000 x 100,000 pixels: a decompression bomb."""
    width = height = 100_000

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])  # 1-bit grey
    row = b"\x00" + b"\x00" * (width // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def multipart(
    fields: dict[str, str], name: str, filename: str, data: bytes, content_type: str = "application/octet-stream"
) -> tuple[bytes, str]:
    """A multipart body as a browser sends it, built here: the test client would spool
    a large one to a temporary file of its own."""
    boundary = "----evidence" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Reporter:
    """A person back at /status with their receipt, able to upload."""

    client: object
    reference: str
    receipt: str

    def upload(self, data: bytes, name: str, content_type: str = "application/octet-stream"):  # type: ignore[no-untyped-def]
        token = csrf_token(self.client, "/status/report")  # type: ignore[arg-type]
        body, form_type = multipart({"csrf_token": token}, "evidence-file", name, data, content_type)
        return self.client.post("/status/evidence", data=body, content_type=form_type)  # type: ignore[attr-defined]

    def page(self) -> str:
        return self.client.get("/status/report").get_data(as_text=True)  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def reporter(app, client) -> Reporter:  # type: ignore[no-untyped-def]
    reference, receipt = report(client, minimal_answers())
    visitor = app.test_client()
    response = post_form(visitor, "/status", {"receipt": receipt})
    assert response.status_code == 302
    return Reporter(visitor, reference, receipt)


@pytest.fixture
def canary() -> str:
    return "EVIDENCECANARY" + secrets.token_hex(6)


ERROR = re.compile(r'class="govuk-error-message"><span class="govuk-visually-hidden">[^<]*</span>\s*([^<]+)</p>')


def error_of(page: str) -> str:
    match = ERROR.search(page)
    assert match, "no error message on the page"
    return match.group(1).strip()
