"""The identifying-text check: does a text meant for someone outside the Group identify anyone?

Pure functions, no database and no request. The text is normalised first (Unicode NFKC
compatibility forms, look-alike Cyrillic and Greek letters folded to Latin, accents,
combining marks and zero-width characters removed, case folded, every kind of digit made
ASCII), then searched for phone numbers, email addresses (also "name at example dot
org"), UK postcodes, a house number and street, and every name and place the report
itself holds. Each match says what matched, as typed in the text, and its kind.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l


class MatchKind(StrEnum):
    """What kind of identifying detail the check found."""

    PHONE = "phone"
    EMAIL = "email"
    POSTCODE = "postcode"
    ADDRESS = "address"
    REPORTER = "reporter"
    TARGET = "target"
    WITNESS = "witness"
    OFFENDER = "offender"
    PLACE = "place"
    REPORT_WORDS = "report_words"

    @property
    def label(self) -> Any:
        return _MATCH_KIND[self]


_MATCH_KIND = {
    MatchKind.PHONE: _l("a phone number"),
    MatchKind.EMAIL: _l("an email address"),
    MatchKind.POSTCODE: _l("a postcode"),
    MatchKind.ADDRESS: _l("a house number and street"),
    MatchKind.REPORTER: _l("the reporter's name or contact details"),
    MatchKind.TARGET: _l("the person targeted"),
    MatchKind.WITNESS: _l("a witness"),
    MatchKind.OFFENDER: _l("a person named as an offender"),
    MatchKind.PLACE: _l("the precise place"),
    MatchKind.REPORT_WORDS: _l("a name or place from the report's own words"),
}
