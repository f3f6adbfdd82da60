"""The identifying-text check: does a text meant for someone outside the Group identify anyone?

Pure functions, no database and no request. The text is normalised first (Unicode NFKC
compatibility forms, look-alike Cyrillic and Greek letters folded to Latin, accents,
combining marks and zero-width characters removed, case folded, every kind of digit made
ASCII), then searched for phone numbers, email addresses (also "name at example dot
org"), UK postcodes, a house number and street, and every name and place the report
itself holds. Each match says what matched, as typed in the text, and its kind.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reporting.words import lazy_gettext as _l


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


@dataclass(frozen=True)
class Match:
    """One identifying detail found: its kind, and the words as typed in the text."""

    kind: MatchKind
    text: str


# Normalising -----------------------------------------------------------------------------

# Cyrillic and Greek letters that look like Latin ones (Unicode's confusables, the common
# part), folded before case folding so "Оkafor" with a Cyrillic О reads as "okafor".
_LOOK_ALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ɡ": "g", "ı": "i", "ӏ": "l", "ү": "y", "һ": "h", "ѡ": "w",
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ї": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Ү": "Y", "Һ": "H",
    "Ӏ": "I", "Ԛ": "Q", "Ԝ": "W",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "γ": "y", "ω": "w", "ς": "s",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "œ": "oe", "Œ": "OE",
    "æ": "ae", "Æ": "AE", "ß": "ss", "þ": "th", "ð": "d",
})
# Apostrophes of every kind go: "O'Brien", "O’Brien" and "OBrien" are one name.
_APOSTROPHES = frozenset("'’‘ʼʻ`´′＇")
# Dashes and slashes of every kind become the ASCII ones.
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹘﹣"} | {c: "/" for c in "⁄∕"})


def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return ""
    category = unicodedata.category(char)
    if category == "Cf":  # zero-width spaces and joiners, soft hyphens, direction marks
        return ""
    if category == "Nd":  # every script's digits: Arabic-Indic, Devanagari, fullwidth...
        return str(unicodedata.digit(char))
    if category.startswith("Z") or char in "\t\n\r\f\v":
        return " "
    decomposed = unicodedata.normalize("NFKD", char.translate(_LOOK_ALIKES).translate(_DASHES))
    out = []
    for part in decomposed:
        if unicodedata.combining(part) or unicodedata.category(part) in ("Mn", "Me", "Cf"):
            continue
        if part in _APOSTROPHES:
            continue
        if unicodedata.category(part) == "Nd":
            part = str(unicodedata.digit(part))
        out.append(part.translate(_LOOK_ALIKES).translate(_DASHES))
    return "".join(out).casefold()


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, for each of its characters, where it came from in the original."""

    text: str
    origin: tuple[int, ...]
    original: str

    def typed(self, start: int, end: int) -> str:
        """The original text behind ``text[start:end]``, as it was typed."""
        if start >= end:
            return ""
        # Up to the next folded character: marks that folded to nothing (an accent typed
        # after its letter) belong to the word before them.
        stop = self.origin[end] if end < len(self.origin) else len(self.original)
        return self.original[self.origin[start]:stop].strip()


def normalise(text: str) -> Normalised:
    """NFKC compatibility forms, look-alikes folded, accents and zero-width characters gone,
    case folded, digits ASCII; keeps where each character came from."""
    out: list[str] = []
    origin: list[int] = []
    # Character by character (a combining accent is dropped on its own), so each folded
    # character knows where it was typed.
    for index, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        origin.extend([index] * len(folded))
    return Normalised("".join(out), tuple(origin), text)


def fold(text: str) -> str:
    """The normalised form alone."""
    return normalise(text).text


# Finding ---------------------------------------------------------------------------------

_SEP = r"[\s.\-/()]"
PHONE = re.compile(r"(?<![\w])\(?(?:\+|00)?\d(?:" + _SEP + r"{0,3}\d){8,13}(?![\w])")
_AT = r"(?:\s*@\s*|\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+)"
_DOT = r"(?:\s*\.\s*|\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)"
# Possessive runs from the start of a word only: a long word is read once, never backtracked.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++(?<=\w)" + _AT + r"\w[\w-]*+(?:" + _DOT + r"\w[\w-]*+)+")
# Outward code, any separator (or none), inward code. Zero-width characters are already gone.
POSTCODE = re.compile(r"(?<![\w])([a-z]{1,2}\d[a-z\d]?)[\s.\-/_]{0,2}(\d[a-z]{2})(?![\w])")
_STREETS = (
    "street", "st", "road", "rd", "lane", "ln", "avenue", "ave", "av", "crescent", "cres", "terrace", "terr",
    "gardens", "gdns", "grove", "mews", "parade", "square", "sq", "drive", "dr", "court", "ct", "close",
    "place", "pl", "way", "hill", "wharf", "boulevard", "embankment",
)
# Words that do not make a street name: "3 times on the road" is not an address.
_NOT_STREET_WORDS = (
    "the", "a", "an", "on", "in", "at", "of", "to", "and", "or", "for", "by", "from", "with", "into", "onto",
    "near", "times", "time", "days", "day", "weeks", "week", "months", "years", "people", "men", "women",
    "minutes", "hours", "very", "more", "other", "same", "his", "her", "their", "my", "our", "your", "its",
    "was", "were", "is", "are", "be", "been", "then", "there", "this", "that", "these", "those", "each",
)
ADDRESS = re.compile(
    r"(?<![\w])\d{1,4}[a-z]?,?\s+(?:(?!(?:" + "|".join(_NOT_STREET_WORDS) + r")\b)[a-z][a-z-]*\s+){1,3}"
    r"(?:" + "|".join(_STREETS) + r")\b\.?"
)


def _phone_like(digits: str) -> bool:
    """UK numbers: 0 and 9 or 10 more digits, +44 or 0044 and 9 or 10, or a mobile without its 0."""
    if digits.startswith("0044"):
        return len(digits) in (13, 14)
    if digits.startswith("44"):
        return len(digits) in (11, 12)
    if digits.startswith("0"):
        return len(digits) in (10, 11)
    return digits.startswith("7") and len(digits) == 10


def _generic(norm: Normalised) -> list[tuple[int, int, MatchKind]]:
    found: list[tuple[int, int, MatchKind]] = []
    text = norm.text
    for match in EMAIL.finditer(text):
        found.append((match.start(), match.end(), MatchKind.EMAIL))
    for match in PHONE.finditer(text):
        if _phone_like(re.sub(r"\D", "", match.group())):
            found.append((match.start(), match.end(), MatchKind.PHONE))
    for match in POSTCODE.finditer(text):
        found.append((match.start(), match.end(), MatchKind.POSTCODE))
    for match in ADDRESS.finditer(text):
        found.append((match.start(), match.end(), MatchKind.ADDRESS))
    return found


# The report's own names and places --------------------------------------------------------

# Where each answer's words come from. Exact fields give every word; free text gives only
# the words that look like names (a capital letter, or letters and digits together).
_EXACT_FIELDS: dict[str, MatchKind] = {
    "name": MatchKind.REPORTER, "email": MatchKind.REPORTER, "phone": MatchKind.REPORTER,
    "target_contact": MatchKind.TARGET, "crime_reference": MatchKind.REPORT_WORDS, "links": MatchKind.REPORT_WORDS,
}
_NAMED_FIELDS: dict[str, MatchKind] = {
    "witnesses": MatchKind.WITNESS, "offender_description": MatchKind.OFFENDER,
    "offender_distinctive": MatchKind.OFFENDER, "place_description": MatchKind.PLACE,
    "safe_times": MatchKind.REPORTER, "target_contact": MatchKind.TARGET,
}
_FREE_TEXT_FIELDS = (
    "description", "incident_other", "motivation_other", "evidence_detail", "impact", "platform",
    "staff_note", "police_details", "interpreter_language", "contact_language",
)
# Words that never identify anyone on their own, however they are written in a report.
COMMON_WORDS = frozenset("""
a about after again against all also am an and any are as at be because been before being between both but by
can could did do does doing down during each few for from further had has have having he her here hers him his
how i if in into is it its just me more most my no nor not now of off on once only or other our out over own same
she should so some such than that the their them then there these they this those through to too under until up
very was we were what when where which while who whom why will with would you your yours
mr mrs ms miss mx dr sir madam man woman men women boy girl person people someone somebody he she they
street st road rd lane ln avenue ave crescent terrace gardens grove mews parade square drive court close place way
hill house flat flats road estate park centre center town city village shop shops market station bus stop school
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december morning afternoon evening night today yesterday tomorrow week weekend
english british polish romanian lithuanian ukrainian arabic police council group facebook instagram whatsapp
tiktok twitter youtube snapchat telegram email phone text message call called calls number help support
""".split())


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text)


def _variants(value: str) -> list[str]:
    """The folded words of a value, also split at apostrophes ("O'Brien": obrien, o, brien)."""
    words = _tokens(fold(value))
    split = _tokens(fold("".join(" " if c in _APOSTROPHES else c for c in value)))
    joined = ["".join(words[i:i + 2]) for i in range(len(words) - 1)]
    return list(dict.fromkeys(words + split + joined))


def _looks_like_name(word: str) -> bool:
    letters = word.translate(_LOOK_ALIKES)
    has_digit = any(c.isdigit() for c in letters)
    has_alpha = any(c.isalpha() for c in letters)
    return bool(letters) and ((letters[0].isupper()) or (has_digit and has_alpha))


def _named_words(value: str, *, sentence_starts: bool) -> list[str]:
    """Words of free text that look like names. The first word of a sentence counts only
    when ``sentence_starts`` (a witness or offender field: "Jan Nowak from the shop")."""
    found: list[str] = []
    start = True
    for raw in re.findall(r"[^\s,;:!?()\[\]\"]+|[.!?\n]", value):
        if raw in ".!?\n":  # a new line starts a sentence too
            start = True
            continue
        word = raw.strip(".")
        if word and _looks_like_name(word) and (sentence_starts or not start or any(c.isdigit() for c in word)):
            found.extend(_variants(word))
        start = raw.endswith((".", "!", "?"))
    return found


def _text_values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def report_terms(answers: Mapping[str, Any], *, common: Iterable[str] = ()) -> dict[str, MatchKind]:
    """Every name and place the report holds, folded, with the kind of detail it is.

    ``common`` are words never counted (the names of the areas, which the Group shares).
    """
    never = COMMON_WORDS | {word for phrase in common for word in _tokens(fold(phrase))}
    terms: dict[str, MatchKind] = {}

    def add(words: Iterable[str], kind: MatchKind) -> None:
        for word in words:
            if len(word) >= 3 and word not in never and not word.isdigit():
                terms.setdefault(word, kind)

    for key, kind in _EXACT_FIELDS.items():
        for value in _text_values(answers.get(key)):
            # An email's domain is no one's name; any email is caught as an email anyway.
            add(_variants(value.split("@", 1)[0] if key == "email" else value), kind)
    for key, kind in _NAMED_FIELDS.items():
        for value in _text_values(answers.get(key)):
            add(_named_words(value, sentence_starts=kind in (MatchKind.WITNESS, MatchKind.TARGET)), kind)
    for key in _FREE_TEXT_FIELDS:
        for value in _text_values(answers.get(key)):
            add(_named_words(value, sentence_starts=False), MatchKind.REPORT_WORDS)
    return terms


def _named(norm: Normalised, terms: Mapping[str, MatchKind]) -> list[tuple[int, int, MatchKind]]:
    found: list[tuple[int, int, MatchKind]] = []
    spans = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[a-z0-9]+", norm.text)]
    for index, (start, end, word) in enumerate(spans):
        kind = terms.get(word) or (terms.get(word[:-1]) if word.endswith("s") and len(word) > 3 else None)
        if kind is not None:
            found.append((start, end, kind))
        if index + 1 < len(spans):  # "O Brien" typed apart, "Kowal ska"
            joined = word + spans[index + 1][2]
            if joined in terms and len(word) < 3:
                found.append((start, spans[index + 1][1], terms[joined]))
    return found


def find_identifying(text: str, terms: Mapping[str, MatchKind] | None = None) -> list[Match]:
    """What in ``text`` may identify someone: contact details, postcodes, addresses, and the
    report's own names and places (``terms``, from ``report_terms``). In the order found."""
    norm = normalise(text)
    spans = _generic(norm) + (_named(norm, terms) if terms else [])
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, MatchKind]] = []
    for start, end, kind in spans:
        if any(start >= s and end <= e for s, e, _k in kept):
            continue  # a name inside an email already found
        kept.append((start, end, kind))
    matches = [Match(kind, norm.typed(start, end)) for start, end, kind in kept]
    return list(dict.fromkeys(matches))


def kinds(matches: Iterable[Match]) -> list[MatchKind]:
    """The kinds found, each once, in order."""
    return list(dict.fromkeys(match.kind for match in matches))
