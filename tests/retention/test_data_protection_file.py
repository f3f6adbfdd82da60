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


def test_the_readme_gives_each_rule_its_default_and_reason():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting, default in [*SETTINGS.values(), REVIEW_SETTING, ("RETENTION_YEARS", DEFAULTS["RETENTION_YEARS"])]:
        row = next(line for line in readme.splitlines() if line.startswith(f"| `REPORTING_{setting}` |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == f"`{DEFAULTS[setting]}`" and DEFAULTS[setting] == default, row
        assert len(cells[2]) > 40, f"no reason given for {setting}"


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


def _retention_section(client) -> str:
    import re

    page = client.get("/privacy").get_data(as_text=True)
    start = page.index("How long we keep information")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start:page.index("Cookies", start)]))


def test_the_privacy_notice_gives_the_configured_retention_periods(make_app):
    default = _retention_section(make_app().test_client())
    assert "If the Group closes your report: 3 years after it is closed." in default
    assert "If your report was passed to the police: 3 years after the police tell the Group what happened" in default
    assert "(spam or misuse of the service): 30 days after it is closed." in default
    assert "We never keep a report longer than 6 years after we receive it" in default
    assert "for example for a court case" in default  # legal holds
    assert "we keep only the facts in the table above" in default  # the clear record, for the statistics
    assert 'href="/privacy/data-protection"' in make_app().test_client().get("/privacy").get_data(as_text=True)

    changed = make_app(RETENTION_CLOSED_DAYS=400, RETENTION_REFERRED_DAYS=730, RETENTION_SPAM_DAYS=1,
                       RETENTION_YEARS=7).test_client()
    section = _retention_section(changed)
    assert "If the Group closes your report: 400 days after it is closed." in section
    assert "If your report was passed to the police: 2 years after the police tell the Group what happened" in section
    assert "(spam or misuse of the service): 1 day after it is closed." in section
    assert "We never keep a report longer than 7 years after we receive it" in section
    assert "3 years" not in section and "30 days" not in section and "6 years" not in section
    # In another language the figures are the configured ones too, in that language's words.
    assert changed.get("/privacy?lang=pl").status_code == 303
    polish = changed.get("/privacy").get_data(as_text=True)
    assert "400 dni" in polish and "2 lata" in polish and "1 dzień" in polish and "7 lat" in polish
    # Easy Read says the same figures in its own words.
    assert changed.get("/privacy?lang=en-x-easy").status_code == 303
    easy = changed.get("/privacy").get_data(as_text=True)
    assert "The Group closes your report. We destroy it 400 days after that." in easy
