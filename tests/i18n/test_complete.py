"""Every message a reporter can meet is translated in every shipped catalogue.

"A reporter can meet" is every template and module except the staff-only ones listed
in STAFF_ONLY below (staff pages stay English unless a staff member chooses otherwise).
A message used in both a public and a staff source counts as public. Fuzzy entries
count as missing: Babel does not compile them."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

from reporting import ROOT
from tests.i18n.catalogues import TRANSLATED, TRANSLATIONS, read_catalogue

# Sources only staff see (a path, or the start of one). Keep this list short and true.
STAFF_ONLY = (
    "reporting/admin/", "reporting/audit/", "reporting/auth/", "reporting/cases/", "reporting/cli.py",
    "reporting/keys/", "reporting/referrals/", "reporting/stats/", "reporting/labels.py", "reporting/codes.py",
    "reporting/assisted/", "reporting/centres/admin_forms.py", "reporting/forms/record_pages.py",
    "reporting/support/forms.py",
    "reporting/support/views.py", "reporting/reports/demo.py",
    # The Group's meetings and partner agencies' pages, and retention: staff and agency users.
    "reporting/meetings/", "reporting/retention/", "templates/meetings/", "templates/partners/",
    # What the disclosure gate records and the identifying check finds: the audit page and the sharer's form.
    "reporting/disclosure/gate.py", "reporting/disclosure/identifying.py",
    "templates/retention/",
    "templates/admin/", "templates/auth/", "templates/cases/", "templates/referrals/", "templates/staff/",
    "templates/stats/", "templates/support/admin_",
    # The centre staff's own pages (the privacy summary read out and the printed slip are the person's).
    "templates/assisted/index.html", "templates/assisted/start.html",
    # The two-person rule's approvals (reviewers), and the page centre staff see when the
    # person's word is set already (assisted and phone reports only).
    "reporting/approvals/", "templates/approvals/", "templates/public/word_set.html",
    # Key grants (moved from auth), and the case page's panel of messages with the reporter.
    "templates/keys/", "reporting/status/staff.py", "reporting/status/casefile.py",
    "templates/status/_case_panel.html", "templates/status/_timeline_message.html",
    # Context for a rise: initiatives (analysts, admins, reviewers) and area populations (admins).
    "reporting/context/", "templates/context/",
    # Support recorded on the case page, and the reporter's "How did we do?" as staff see it there.
    "reporting/support/staff.py", "reporting/support/casefile.py", "reporting/support/services.py",
    "templates/support/_case_panel.html", "templates/status/_feedback_panel.html",
    # Staff forms' date field, and the Group's pages of each centre's life (issue 31).
    "reporting/forms/staff_fields.py", "reporting/centres/records.py", "reporting/centres/record_forms.py",
    "reporting/centres/demo.py", "templates/centres/records/",
)


def reporter_facing(path: str) -> bool:
    return not path.startswith(STAFF_ONLY)


@lru_cache(maxsize=1)
def public_message_ids() -> frozenset[str]:
    """Message ids extracted now (with where they are used) that a reporter can meet."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "messages.pot"
        subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
             "-o", str(out), "."],
            check=True, capture_output=True, cwd=ROOT,
        )
        catalogue = read_catalogue(out)
    ids = set()
    for message in catalogue:
        if message.id and any(reporter_facing(path) for path, _line in message.locations):
            ids.add(message.id if isinstance(message.id, str) else message.id[0])
    return frozenset(ids)


def missing_in(code: str) -> list[str]:
    catalogue = read_catalogue(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po")
    missing = []
    for message_id in sorted(public_message_ids()):
        entry = catalogue.get(message_id)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(message_id)
    return missing


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_reporter_facing_message_is_translated(code):
    assert missing_in(code) == []


def test_the_check_sees_a_gap(tmp_path, monkeypatch):
    """Not vacuous: a catalogue with one public message taken out fails it."""
    import tests.i18n.test_complete as this

    source = TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po"
    text = source.read_text(encoding="utf-8")
    gap = text.replace('msgstr "Wyślij zgłoszenie"', 'msgstr ""', 1)
    assert gap != text
    copy = tmp_path / "pl" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    (copy / "messages.po").write_text(gap, encoding="utf-8")
    monkeypatch.setattr(this, "TRANSLATIONS", tmp_path)
    assert "Send report" in missing_in("pl")
    assert reporter_facing("templates/public/check.html") and not reporter_facing("templates/cases/case.html")
