"""The seeded answer lists' labels, marked for translation.

The lists (areas, incident types, motivations) live in the ``choices`` table so
administrators can extend them; the labels seeded by migration 0002 are listed
here so `make translations` extracts them and a reporter reads them in their own
language. A label an administrator adds later shows as typed until it is added
here (town names are names and stay as they are).
"""
from __future__ import annotations

from typing import Any

from reporting.words import lazy_gettext as _in_language


def N_(text: str) -> str:
    """Marks a string for extraction (a standard Babel keyword) without translating it here."""
    return text


SEEDED: frozenset[str] = frozenset((
    # Areas that are not place names.
    N_("Rural north Shropshire"), N_("Rural south Shropshire"), N_("Rural east Shropshire"),
    N_("Rural west Shropshire"), N_("Rural central Shropshire"), N_("Elsewhere in West Mercia"),
    N_("Outside West Mercia"), N_("Online"),
    # What happened.
    N_("Verbal abuse"), N_("Threats"), N_("Physical assault"), N_("Damage to property"), N_("Graffiti"),
    N_("Online abuse"), N_("Harassment or stalking"), N_("Theft"), N_("Something else"),
    # Why.
    N_("Race, ethnicity or nationality"), N_("Gypsy, Roma or Traveller heritage"),
    N_("Being a migrant, asylum seeker or refugee"), N_("Religion or belief"), N_("Sexual orientation"),
    N_("Disability"), N_("Transgender identity"), N_("Sex or gender"), N_("Age"),
    N_("Alternative subculture (for example goth, punk or emo)"), N_("Not sure"),
))


def in_language(label: str) -> Any:
    """A list label in the page's language when it is one of the seeded ones, else as typed."""
    return _in_language(label) if label in SEEDED else label
