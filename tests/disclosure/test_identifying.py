"""Issue 25: the identifying-text check catches every look-alike form the security review
used, and lets ordinary words, dates and numbers through."""
from __future__ import annotations

import pytest

from reporting.disclosure.identifying import MatchKind, find_identifying, fold, kinds, report_terms

ANSWERS = {
    "name": "Aoife O'Brien-Kowalska",
    "email": "sob77@example.org",
    "phone": "07700 900123",
    "target_contact": "her son Tomasz",
    "witnesses": "Jan Nowak from the bakery",
    "offender_description": "tall, red coat, the others called him Darek",
    "place_description": "outside 14 Corve Street, Ludlow",
    "description": "A man shouted at me near Whitcliffe. Then he followed me.",
}
TERMS = report_terms(ANSWERS, common=["Ludlow", "Shrewsbury"])
P, E, C, A = MatchKind.PHONE, MatchKind.EMAIL, MatchKind.POSTCODE, MatchKind.ADDRESS
R, T, W, O, L, X = (MatchKind.REPORTER, MatchKind.TARGET, MatchKind.WITNESS, MatchKind.OFFENDER, MatchKind.PLACE,
                    MatchKind.REPORT_WORDS)

CAUGHT = [
    # The review's own sentence: every part is caught, as typed.
    ("Ms O'Brien-Kowalska (sob77 at example dot org, ０７７００ ９００／１２３) … near SY1-1AA",
     {(R, "O'Brien"), (R, "Kowalska"), (E, "sob77 at example dot org"), (P, "０７７００ ９００／１２３"), (C, "SY1-1AA")}),
    # Names with an apostrophe or a hyphen, typed exactly or partly.
    ("O'Brien-Kowalska", {(R, "O'Brien"), (R, "Kowalska")}),
    ("Obrien Kowalska", {(R, "Obrien"), (R, "Kowalska")}),
    ("O’Brien", {(R, "O’Brien")}),
    ("O Brien said", {(R, "O Brien")}),
    ("ObrienKowalska", {(R, "ObrienKowalska")}),
    ("Kowalska's flat", {(R, "Kowalska's")}),
    ("AOIFE", {(R, "AOIFE")}),
    # Accents dropped, added or decomposed; a Cyrillic о inside a name; Greek look-alikes.
    ("Kowalská", {(R, "Kowalská")}),
    ("Kowalska\u0301", {(R, "Kowalska\u0301")}),
    ("Kоwalska", {(R, "Kоwalska")}),
    ("Νowak", {(W, "Νowak")}),
    ("Jan was there", {(W, "Jan")}),
    ("Darek was seen again", {(O, "Darek")}),
    ("Tomasz is afraid", {(T, "Tomasz")}),
    ("near Whitcliffe", {(X, "Whitcliffe")}),
    ("by Co\u200brve", {(L, "Co\u200brve")}),
    # Emails: "at" and "dot", brackets, fullwidth ＠, spaces.
    ("write to sob77 at example dot org", {(E, "sob77 at example dot org")}),
    ("someone(at)example(dot)net", {(E, "someone(at)example(dot)net")}),
    ("help ＠ example.net", {(E, "help ＠ example.net")}),
    ("help @ example . net", {(E, "help @ example . net")}),
    ("ｈｅｌｐ＠ｅｘａｍｐｌｅ．ｎｅｔ", {(E, "ｈｅｌｐ＠ｅｘａｍｐｌｅ．ｎｅｔ")}),
    ("sob77 alone", {(R, "sob77")}),
    # Phone numbers: UK formats and separators, +44, fullwidth and Arabic-Indic digits.
    ("call 07700 900982", {(P, "07700 900982")}),
    ("call 07700.900.982", {(P, "07700.900.982")}),
    ("call 07700/900/982", {(P, "07700/900/982")}),
    ("call 07700-900-982", {(P, "07700-900-982")}),
    ("call (01743) 123456", {(P, "(01743) 123456")}),
    ("call +44 7700 900982", {(P, "+44 7700 900982")}),
    ("call 0044 7700 900982", {(P, "0044 7700 900982")}),
    ("call ０７７００９００９８２", {(P, "０７７００９００９８２")}),
    ("call ٠٧٧٠٠ ٩٠٠٩٨٢", {(P, "٠٧٧٠٠ ٩٠٠٩٨٢")}),
    ("call ۰۷۷۰۰ ۹۰۰۹۸۲", {(P, "۰۷۷۰۰ ۹۰۰۹۸۲")}),
    # Postcodes in any case and separator, zero-width space, look-alike letters.
    ("near SY1 1AA", {(C, "SY1 1AA")}),
    ("near sy11aa", {(C, "sy11aa")}),
    ("near SY1-1AA", {(C, "SY1-1AA")}),
    ("near SY1.1AA", {(C, "SY1.1AA")}),
    ("near SY1\u200b1AA", {(C, "SY1\u200b1AA")}),
    ("near ЅY1 1АА", {(C, "ЅY1 1АА")}),
    ("near ＳＹ１ １ＡＡ", {(C, "ＳＹ１ １ＡＡ")}),
    ("near sw1a 1aa", {(C, "sw1a 1aa")}),
    # A house number and street.
    ("14 Corve Street, Ludlow", {(A, "14 Corve Street")}),
    ("at 3a Castle Hill", {(A, "3a Castle Hill")}),
    ("7, Mill Lane", {(A, "7, Mill Lane")}),
    ("22 Upper Bridge Rd.", {(A, "22 Upper Bridge Rd.")}),
]


@pytest.mark.parametrize(("text", "expected"), CAUGHT, ids=[c[0] for c in CAUGHT])
def test_each_form_is_caught_as_typed(text, expected):
    found = {(match.kind, match.text) for match in find_identifying(text, TERMS)}
    assert expected <= found, found


CLEAN = [
    "Verbal abuse in the street in Shrewsbury; the person is afraid to go out and asks for help.",
    "Street",
    "The incident happened on 03/11/2025 at 14:00, and again on 2025-11-10.",
    "He shouted 3 times on the road and 2 people saw it.",
    "Graffiti on a bus shelter in Ludlow, reported on Monday 3 November.",
    "Referred to housing for a management transfer; review in 14 days.",
    "A man in a red coat followed her for 200 metres.",
    "Reference HC-2025-0042 was heard at meeting 3.",
    "Call the housing officer about the repairs.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_plain_text_passes(text):
    assert find_identifying(text, TERMS) == []


def test_normalising_folds_every_form_to_one():
    assert fold("Ｏ’Ｂｒｉｅｎ-Kоwalská\u200b ٠٧") == "obrien-kowalska 07"
    assert kinds(find_identifying("call 07700 900982 or 07700 900983")) == [MatchKind.PHONE]


def test_the_report_words_alone_without_the_report():
    # No report: contact details, postcodes and addresses are still caught, names are not.
    assert {m.kind for m in find_identifying("Ms Kowalska, 07700 900982, SY1 1AA, 14 Corve Street")} == {P, C, A}


@pytest.mark.parametrize("text", ["a" * 4000, "a." * 2000, "1-" * 2000, "x" * 2000 + " at " + "y" * 1990, "14 " * 1300])
def test_the_longest_text_a_form_takes_is_checked_at_once(text):
    # 4,000 characters, the longest summary: every pattern reads a word once, never backtracking.
    import time

    started = time.perf_counter()
    find_identifying(text, TERMS)
    assert time.perf_counter() - started < 0.5
