"""The data protection file stays true to the code: every retention rule is in the schedule."""
from __future__ import annotations

from reporting import ROOT
from reporting.config import DEFAULTS
from reporting.retention.rules import REVIEW_SETTING, SETTINGS, Rule

SCHEDULE = (ROOT / "docs" / "data-protection.md").read_text(encoding="utf-8")
SECTION = SCHEDULE[SCHEDULE.index("## 4. Retention schedule"):]


def test_every_rule_and_its_setting_and_default_is_in_the_schedule():
    for rule in Rule:
        assert f"| `{rule.value}` |" in SECTION, rule
    for rule, (setting, default) in SETTINGS.items():
        row = next(line for line in SECTION.splitlines() if line.startswith(f"| `{rule.value}` |"))
        assert f"`REPORTING_{setting}`" in row and f"{DEFAULTS[setting]} days" in row, row
        assert DEFAULTS[setting] == default  # configuration and rules agree
    assert f"`REPORTING_{REVIEW_SETTING[0]}` ({DEFAULTS[REVIEW_SETTING[0]]} days)" in SECTION.replace("\n", " ")


def test_the_file_has_its_four_parts():
    for part in ("Data protection impact assessment", "Appropriate policy document", "Record of processing",
                 "Retention schedule"):
        assert f". {part}" in SCHEDULE


def test_the_privacy_notice_links_to_the_file_which_is_served_as_written(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert 'href="/privacy/data-protection"' in page
    served = client.get("/privacy/data-protection")
    assert served.status_code == 200 and served.content_type.startswith("text/plain")
    assert served.get_data(as_text=True) == SCHEDULE
