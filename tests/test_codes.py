"""STYLE rule 15: codes sit at the bottom and carry their words.

Every enumeration lives in ``reporting/codes.py`` and each member has its lazy label;
``reporting/labels.py`` looks words up through it and imports no feature package.
"""
from __future__ import annotations

import ast
import re
from enum import StrEnum
from pathlib import Path

import pytest
from flask_babel import LazyString

import reporting
from reporting import codes, labels
from reporting.codes import LabelledEnum

PACKAGE = Path(reporting.__file__).parent
ROOT = PACKAGE.parent

# What reporting/labels.py may import from the package: the codes, the language
# helpers, and the infrastructure it names words for (the disclosure gate's actions).
LABELS_MAY_IMPORT = {"reporting.codes", "reporting.words", "reporting.i18n", "reporting.disclosure", "reporting.disclosure.gate"}
# The feature packages of docs/design.md's tree (issue 29): none may sit under labels.
FEATURES = {"auth", "keys", "reports", "casefile", "approvals", "centres", "evidence", "journey", "cases", "status",
            "assisted", "referrals", "meetings", "retention", "admin", "stats", "support", "public"}


def every_enum() -> list[type[LabelledEnum]]:
    found = [value for value in vars(codes).values()
             if isinstance(value, type) and issubclass(value, LabelledEnum) and value is not LabelledEnum]
    assert len(found) >= 25
    return found


def imports_of(path: Path) -> set[str]:
    """Every module of the package ``path`` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "reporting":  # `from reporting import codes` imports reporting.codes
                names |= {f"reporting.{alias.name}" for alias in node.names}
    return {name for name in names if name.startswith("reporting.")}


@pytest.mark.parametrize("enum", every_enum(), ids=lambda enum: enum.__name__)
def test_every_member_has_words_that_are_not_its_code(app, enum):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        for member in enum:
            words = str(member.label)
            assert words and words != member.value, (enum.__name__, member.value)
            # Members stay plain strings: columns, comparisons and JSON keep working.
            assert isinstance(member, str) and member == member.value and str(member) == member.value
            assert enum(member.value) is member


def test_every_enum_is_listed_by_name():
    assert set(codes.KINDS.values()) == set(every_enum())
    assert issubclass(LabelledEnum, StrEnum)


def test_the_words_are_lazy():
    """Each label is looked up in the language of the request that shows it, not at import."""
    assert isinstance(codes.Status.NEW.label, LazyString)
    assert codes.Status.words()["new"] is codes.Status.NEW.label
    assert codes.AskRoute.choices()[0] == ("phone", codes.AskRoute.PHONE.label)


def template_kinds() -> set[str]:
    pattern = re.compile(r"(?:^|[^\w.|])(?:as_)?label\(\s*[\"']([a-z_]+)[\"']")
    kinds = set()
    for path in (ROOT / "templates").rglob("*.html"):
        kinds |= set(pattern.findall(path.read_text(encoding="utf-8")))
    for path in PACKAGE.rglob("*.py"):
        kinds |= set(re.findall(r"labels\.(?:as_)?label(?:s)?\(\s*[\"']([a-z_]+)[\"']", path.read_text(encoding="utf-8")))
    return kinds


def test_label_works_for_every_kind_templates_use(app):  # type: ignore[no-untyped-def]
    kinds = template_kinds()
    assert {"referral_state", "retention_rule", "two_person_act", "report_language"} <= kinds
    with app.test_request_context():
        for kind in sorted(kinds):
            assert kind in labels.ALL_CODES, kind
            table = labels.ALL_CODES[kind]
            assert table, kind
            for code in table:
                words = labels.label(kind, code)
                assert words and words != str(code), (kind, code)
                assert labels.as_labels(kind)[str(code)] == words
            assert labels.label(kind, "no_such_code") == "no_such_code"  # an unknown code is shown as it is
            assert labels.label(kind, None) == ""


def test_label_finds_an_enum_member_and_its_plain_code(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        assert labels.label("status", codes.Status.IN_TRIAGE) == labels.label("status", "in_triage") == "In triage"
        assert labels.label("flags", "repeat_victim") == "Repeat victim"
        assert labels.label("audit_action", "case.note") == "Added a note"


def test_codes_import_nothing_of_the_package_but_its_words():
    # reporting.words is Flask-Babel's gettext asked once per request; it imports nothing of the package.
    assert imports_of(PACKAGE / "codes.py") == {"reporting.words"}
    assert imports_of(PACKAGE / "words.py") == set()


def test_labels_import_no_feature():
    imported = imports_of(PACKAGE / "labels.py")
    assert imported <= LABELS_MAY_IMPORT, imported - LABELS_MAY_IMPORT
    assert not {name.split(".")[1] for name in imported} & FEATURES


def test_enums_are_defined_only_in_codes():
    """A model may import its column's enum from codes; no other module defines one."""
    defined = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "codes.py" or "disclosure" in path.parts:  # the gate's own codes are infrastructure
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(base, ast.Attribute | ast.Name) and ast.unparse(base).endswith("Enum")
                    for base in node.bases):
                defined.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    assert defined == []
