"""Words for the codes the statistics show.

Until the shared labels module lands, the statistics keep their own English labels
(translatable through Flask-Babel); the integrator points these at the one place.
Areas, strands and incident types come from the choices table (data, not code).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

CHANNEL = {
    "online": _l("Online"),
    "centre_link": _l("Online, from a centre's link"),
    "centre": _l("Assisted at a centre"),
    "phone": _l("Phone"),
}
REPORTER_TYPE = {
    "victim": _l("Victim"),
    "witness": _l("Witness"),
    "on_behalf": _l("On behalf of someone"),
}
POLICE_CONSENT = {
    "with_details": _l("Yes, with their details"),
    "without_details": _l("Yes, without their details"),
    "no": _l("No"),
}
SUPPORT = {True: _l("Wanted support"), False: _l("Did not ask for support")}
STATUS = {
    "new": _l("New"),
    "in_triage": _l("In triage"),
    "awaiting_information": _l("Awaiting information"),
    "under_review": _l("Under review"),
    "referred": _l("Referred"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
}
CLOSURE = {
    None: _l("Not closed"),
    "resolved": _l("Resolved"),
    "duplicate": _l("Duplicate"),
    "not_hate_incident": _l("Not a hate incident"),
    "spam_or_misuse": _l("Spam or misuse"),
    "no_further_action": _l("No further action"),
}
OUTCOME = {
    "crime_recorded": _l("Crime recorded"),
    "non_crime_hate_incident": _l("Non-crime hate incident"),
    "investigation_ongoing": _l("Investigation ongoing"),
    "charged_or_summonsed": _l("Charged or summonsed"),
    "out_of_court_disposal": _l("Out of court disposal"),
    "no_further_action": _l("No further action"),
    "other": _l("Other"),
}
MONTH_NAMES = (
    _l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"),
    _l("July"), _l("August"), _l("September"), _l("October"), _l("November"), _l("December"),
)
# The Home Office's five monitored strands (the choices table marks them "monitored").
HOME_OFFICE_STRANDS = ("disability", "transgender", "race", "religion", "sexual_orientation")
