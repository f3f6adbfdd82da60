"""Support: the services the Partnership signposts people to (data the admin keeps), and the
support each case's person was offered, accepted and completed (issue 30 item 8)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Plug the support of a case into the case file (reporting/casefile.py): a panel among the
    actions and the sentences of its timeline entries."""
    from reporting.casefile import registry
    from reporting.support.casefile import register

    register(registry(app))
