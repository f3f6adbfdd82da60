"""Issue 10: key custody lives in keys/, one role-to-key mapping, one reviewer check, Evidence in evidence/."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from reporting import ROOT
from reporting.exceptions import PermissionDeniedError
from reporting.extensions import db


def _sources() -> dict[str, ast.Module]:
    return {str(p.relative_to(ROOT)): ast.parse(p.read_text()) for p in (ROOT / "reporting").rglob("*.py")}


def test_the_keyring_and_the_evidence_model_live_with_what_they_belong_to():
    from reporting.evidence.models import Evidence
    from reporting.keys.keyring import Keyring

    assert Evidence.__module__ == "reporting.evidence.models"
    assert Keyring.__module__ == "reporting.keys.keyring"
    defined = {path for path, tree in _sources().items()
               for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name in {"Keyring", "Evidence"}}
    assert defined == {"reporting/keys/keyring.py", "reporting/evidence/models.py"}


def test_one_mapping_of_role_to_key():
    from reporting.auth.services import KEY_HOLDER_ROLES
    from reporting.codes import KEY_FOR_ROLE, KeyPurpose
    from reporting.keys.services import purpose_for_role

    assert KEY_HOLDER_ROLES is KEY_FOR_ROLE
    assert purpose_for_role("reviewer") == KeyPurpose.GROUP
    assert purpose_for_role("police") == KeyPurpose.POLICE
    assert purpose_for_role("analyst") is None
    # No other module spells the mapping out again as a dict literal of roles to purposes.
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and path != "reporting/keys/models.py":
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                assert not {"reviewer", "police"} <= keys, path


def test_one_check_of_an_active_reviewer():
    """No service spells out `role != "reviewer" or not active` again: they all call keys.policies."""
    for path, tree in _sources().items():
        if path == "reporting/keys/policies.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value == "reviewer" for c in node.comparators
            ) and isinstance(node.ops[0], ast.NotEq):
                pytest.fail(f"{path}:{node.lineno} checks the reviewer role itself")


def test_a_reviewer_without_the_key_may_not_speak_for_the_group(app, make_user):
    from reporting.auth.models import User
    from reporting.keys.policies import require_reviewer

    holder = make_user("reviewer")
    keyless = make_user("reviewer", holder=False)
    with app.app_context():
        require_reviewer(db.session.get(User, holder.id), holding_key=True)
        require_reviewer(db.session.get(User, keyless.id))
        with pytest.raises(PermissionDeniedError):
            require_reviewer(db.session.get(User, keyless.id), holding_key=True)
