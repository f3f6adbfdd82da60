"""The administrators' area, "/admin/": staff accounts, key holders and the audit log.

The blueprint is made here so that its two route modules (views, centres) both add
to it without importing each other in a cycle.
"""
from __future__ import annotations

from flask import Blueprint

from reporting.auth.models import Role
from reporting.security import roles

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = roles(Role.ADMIN.value)
