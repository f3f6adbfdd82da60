"""Logging: events and internal ids only; never report content, never a client address."""
from __future__ import annotations

import logging
import re

from flask import Flask

# werkzeug's development server starts every access line with the client address.
_LEADING_ADDRESS = re.compile(r"^\S+ - - ")


class DropClientAddress(logging.Filter):
    """Removes the client address from the development server's access lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _LEADING_ADDRESS.match(message):
            record.msg = _LEADING_ADDRESS.sub("- - ", message)
            record.args = None
        return True


def init_logging(app: Flask) -> None:
    # Pillow's debug lines quote image metadata (EXIF tags such as a GPS position): content.
    logging.getLogger("PIL").setLevel(logging.INFO)
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropClientAddress) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(DropClientAddress())
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
