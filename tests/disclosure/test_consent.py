"""The one consent rule for what reaches the police: the referral service and the extract ask it."""
from __future__ import annotations

from reporting.disclosure import consent
from reporting.referrals.models import ReferralKind
from reporting.referrals.services import kind_for
from reporting.reports.models import PoliceConsent


def test_the_rule_knows_every_consent_the_reports_keep():
    assert {*consent.POLICE_LINE_CONSENTS, consent.REFUSED} == {c.value for c in PoliceConsent}
    assert consent.police_share(PoliceConsent.WITH_DETAILS.value) == "full"
    assert consent.police_share(PoliceConsent.WITHOUT_DETAILS.value) == "intelligence"
    assert consent.police_share(PoliceConsent.NO.value) is None
    assert consent.police_share(None) is None and consent.police_share("maybe") is None
    assert not consent.may_list_for_police("no") and consent.may_list_for_police("without_details")


def test_the_referral_service_asks_the_same_rule():
    class Report:
        police_consent = ""

    report = Report()
    for code, kind in (("with_details", ReferralKind.FULL), ("without_details", ReferralKind.INTELLIGENCE),
                       ("no", None)):
        report.police_consent = code
        assert kind_for(report) == kind  # type: ignore[arg-type]
