"""The police quarterly extract (sealed to the police key) and the force's matches back: the
police's own disclosure, beside referrals. Callers commit. The pages are extract_views.py;
the statistics count the matches (reporting/stats) and forget the months a match moves
(reporting/stats/cache.py listens for PoliceMatch rows).

Extract format (CSV inside the seal): the protective marking on the first line, then one
line per report received in the quarter whose police consent lets it reach the police
(reporting/disclosure/consent.py)::

    OFFICIAL-SENSITIVE: not for publication
    reference,month,area,strands,incident_types,consent,referred,crime_reference
    HC-25-4F7K9Q,2025-09,Shrewsbury,race;religion,threats,with details,yes,22/10004/25

The reports whose consent is "no" are never a line: a second CSV, sealed beside it, counts
them by month and area, suppressed like open data ("<5", "[c]"), so the force sees how much
it is not told. No narrative and no personal data: the same clear fields the statistics use.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, select

from reporting import audit, crypto
from reporting.auth.models import Role, User
from reporting.disclosure import consent, gate, marking, suppression
from reporting.disclosure.cells import csv_cell
from reporting.exceptions import PermissionDeniedError
from reporting.extensions import db
from reporting.keys.models import KeyPurpose, ServiceKey
from reporting.keys.services import current_key, holder_private_key
from reporting.periods import london_month, month_key, month_start, next_month
from reporting.referrals.models import PoliceExtract, PoliceMatch, Referral
from reporting.reports.models import Choice, Report, ReportIncidentType, ReportStrand

REPORTS = Report.__table__
reports = REPORTS.c
strands = ReportStrand.__table__.c
types = ReportIncidentType.__table__.c
referrals = Referral.__table__.c

EXTRACT_COLUMNS = ("reference", "month", "area", "strands", "incident_types", "consent", "referred",
                   "crime_reference")
WITHHELD_COLUMNS = ("month", "area", "reports_withheld")
ALL_MONTHS, ALL_AREAS = "All months", "All areas"
# What the reporter agreed, in the extract's words.
CONSENT_WORDS = {"full": "with details", "intelligence": "intelligence only"}
# The rules the extract leaves under (the disclosure gate's audit record).
EXTRACT_RULES = (gate.Rule.CONSENT_WITH_DETAILS, gate.Rule.CONSENT_INTELLIGENCE_ONLY, gate.Rule.CONSENT_COUNTS_ONLY,
                 gate.Rule.SUPPRESSION_APPLIED, gate.Rule.MARKED)
MATCH_COLUMNS = ("reference", "crime_reference")
CRIME_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/\-. ]{0,39}$")
MAX_IMPORT_ROWS = 20000


class MatchImportError(Exception):
    """The force's CSV has problems; ``problems`` lists each with its row number. Nothing was imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _require_police(actor: User) -> None:
    if actor.role != Role.POLICE or not actor.active:
        raise PermissionDeniedError(actor.email)


def quarter_starts(today: date, count: int = 8) -> list[date]:
    """The first months of this financial quarter and the ``count - 1`` before it, newest first."""
    month = today.month - ((today.month - 4) % 3)
    year = today.year if month <= today.month else today.year - 1
    starts = []
    for _ in range(count):
        starts.append(date(year, month, 1))
        month -= 3
        if month < 1:
            month += 12
            year -= 1
    return starts


def is_quarter_start(day: date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


def _extract_binding(extract_id: int, part: str = "sealed") -> crypto.Binding:
    return crypto.Binding("police_extracts", part, str(extract_id))


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(marking.csv_marking_line())
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def extract_csv(first_month: date, area_labels: Mapping[str, str]) -> tuple[bytes, int, bytes]:
    """The quarter's extract as CSV bytes and its number of lines (reports the police may have),
    and the CSV of the reports withheld (consent "no"), counted by month and area and suppressed."""
    months = [first_month, next_month(first_month), next_month(next_month(first_month))]
    rows = extract_rows(month_start(first_month), month_start(next_month(months[-1])))
    lines: list[list[Any]] = [list(EXTRACT_COLUMNS)]
    withheld: dict[tuple[str, str], int] = {}
    for row in rows:
        share = consent.police_share(row.police_consent)
        area = area_labels.get(row.area, row.area)
        if share is None:
            withheld[(row.month, area)] = withheld.get((row.month, area), 0) + 1
            continue
        lines.append([row.reference, row.month, area, ";".join(row.strands), ";".join(row.incident_types),
                      CONSENT_WORDS[share], "yes" if row.referred else "no", row.crime_reference or ""])
    return _csv(lines), len(lines) - 1, _csv(withheld_table([month_key(m) for m in months], withheld))


def withheld_table(months: list[str], counts: Mapping[tuple[str, str], int]) -> list[list[Any]]:
    """Reports withheld by month and area (the areas with any), each month's and each area's
    total and the quarter's, with every count from 1 to 4 hidden and no hidden count left
    that the totals give away (reporting/disclosure/suppression.py)."""
    areas = sorted({area for _m, area in counts})
    system = suppression.System({})
    for m in [*months, ALL_MONTHS]:
        for a in [*areas, ALL_AREAS]:
            if m == ALL_MONTHS and a == ALL_AREAS:
                value = sum(counts.values())
            elif m == ALL_MONTHS:
                value = sum(counts.get((month, a), 0) for month in months)
            elif a == ALL_AREAS:
                value = sum(counts.get((m, area), 0) for area in areas)
            else:
                value = counts.get((m, a), 0)
            system.values[(m, a)] = value
    for m in [*months, ALL_MONTHS]:
        system.add_sum([(m, a) for a in areas], (m, ALL_AREAS))
    for a in [*areas, ALL_AREAS]:
        system.add_sum([(m, a) for m in months], (ALL_MONTHS, a))
    def rank(key: object) -> int:  # a month's or an area's count before a total
        return int(isinstance(key, tuple) and (ALL_MONTHS in key or ALL_AREAS in key))

    hidden = suppression.suppress(system, rank=rank)
    table: list[list[Any]] = [list(WITHHELD_COLUMNS)]
    for m in [*months, ALL_MONTHS]:
        for a in [*areas, ALL_AREAS]:
            table.append([m, a, hidden.shown((m, a), system.values[(m, a)])])
    return table


def prepare_extract(first_month: date, *, actor: User | None, area_labels: Mapping[str, str]) -> PoliceExtract:
    """Build a quarter's extract from clear columns and seal it to the current police key."""
    if not is_quarter_start(first_month):
        raise ValueError("a quarter starts in January, April, July or October")
    key = current_key(KeyPurpose.POLICE)
    body, count, withheld = extract_csv(first_month, area_labels)
    extract = PoliceExtract(first_month=first_month, created_by_id=actor.id if actor else None, rows=count,
                            police_key_id=key.id, sealed=b"")
    db.session.add(extract)
    db.session.flush()
    extract.sealed = crypto.seal(key.algorithm, key.public_key, body, _extract_binding(extract.id))
    extract.withheld_sealed = crypto.seal(key.algorithm, key.public_key, withheld,
                                          _extract_binding(extract.id, "withheld_sealed"))
    audit.record("stats.police_extract.prepare", f"police_extract:{extract.id}", actor=actor or "system",
                 quarter=month_key(first_month), rows=count)
    db.session.flush()
    return extract


def open_extract(extract: PoliceExtract, *, actor: User, personal_private: bytes, withheld: bool = False) -> bytes:
    """The extract's CSV (its lines, or with ``withheld`` the counts of reports not listed) for a
    police key holder; audited, and recorded by the disclosure gate. LookupError for the counts
    of an extract prepared before they were kept."""
    _require_police(actor)
    sealed = extract.withheld_sealed if withheld else extract.sealed
    if sealed is None:
        raise LookupError("this extract was prepared before withheld reports were counted")
    key = db.session.get(ServiceKey, extract.police_key_id)
    assert key is not None
    private = holder_private_key(actor, personal_private, key)
    part = "withheld_sealed" if withheld else "sealed"
    body = crypto.open_sealed(key.algorithm, private, sealed, _extract_binding(extract.id, part))
    audit.record("stats.police_extract.download", f"police_extract:{extract.id}", actor=actor,
                 quarter=month_key(extract.first_month))
    gate.record_disclosure(gate.Disclosed.POLICE_EXTRACT, to=gate.Recipient.police(), rules=EXTRACT_RULES,
                           target=f"police_extract:{extract.id}", actor=actor, quarter=month_key(extract.first_month),
                           part="withheld" if withheld else "lines")
    return body


@dataclass(frozen=True)
class ImportResult:
    matched: int
    changed: int
    conflicts: int = 0  # of the matches imported, those whose crime reference a referral contradicts


def import_matches(data: bytes, *, actor: User, now: datetime) -> ImportResult:
    """The force's matches (reference -> crime reference), all or nothing; every problem named by row."""
    _require_police(actor)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MatchImportError(["The file is not UTF-8 text: save it from your spreadsheet as CSV UTF-8"]) from None
    if "\x00" in text:
        raise MatchImportError(["The file is not a CSV file"])
    reader = csv.reader(io.StringIO(text))
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise MatchImportError([f"The file could not be read as CSV: {exc}"]) from None
    if not lines:
        raise MatchImportError(["The file is empty"])
    header = [h.strip().lower() for h in lines[0]]
    if header[:2] != list(MATCH_COLUMNS):
        raise MatchImportError(["Row 1: the first row must be the headings reference,crime_reference"])
    body = lines[1:]
    if len(body) > MAX_IMPORT_ROWS:
        raise MatchImportError([f"The file has more than {MAX_IMPORT_ROWS} rows: split it into smaller files"])
    problems: list[str] = []
    wanted: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(body, start=2):
        if not any(cell.strip() for cell in line):
            continue
        if len(line) < 2:
            problems.append(f"Row {number}: it needs a reference and a crime reference")
            continue
        reference, crime_reference = line[0].strip().upper(), line[1].strip()
        if not reference:
            problems.append(f"Row {number}: the reference is missing")
        elif not crime_reference:
            problems.append(f"Row {number}: the crime reference for {reference} is missing")
        elif not CRIME_REFERENCE.match(crime_reference):
            problems.append(f"Row {number}: the crime reference must be up to 40 letters, digits, spaces, "
                            f"slashes, dots or hyphens")
        elif reference in wanted and wanted[reference][1] != crime_reference:
            problems.append(f"Row {number}: {reference} is also on row {wanted[reference][0]} with a different "
                            f"crime reference")
        else:
            wanted.setdefault(reference, (number, crime_reference))
    # Only a report the extract may list can be matched: one whose consent is "no" is refused
    # in the same words as a reference that does not exist, so the force learns nothing of it.
    found = report_ids_by_reference(list(wanted), consent.POLICE_LINE_CONSENTS)
    for reference, (number, _crime) in sorted(wanted.items(), key=lambda item: item[1][0]):
        if reference not in found:
            problems.append(f"Row {number}: {reference[:20]} is not a report in any extract")
    if problems:
        raise MatchImportError(sorted(problems, key=lambda p: int(p.split(":")[0].split()[-1]) if p.startswith("Row") else 0))
    if not wanted:
        raise MatchImportError(["The file has no matches in it"])
    existing = {m.report_id: m for m in db.session.scalars(
        select(PoliceMatch).where(PoliceMatch.report_id.in_(list(found.values()))))}
    changed = 0
    for reference, (_number, crime_reference) in wanted.items():
        report_id = found[reference]
        match = existing.get(report_id)
        if match is None:
            db.session.add(PoliceMatch(report_id=report_id, crime_reference=crime_reference, matched_at=now,
                                       matched_by_id=actor.id))
            changed += 1
        elif match.crime_reference != crime_reference:
            # matched_at stays when the force first matched the report to a crime: open data's final
            # cohort counts a match made before its horizon (reporting/stats/cohorts.py); the change is audited.
            match.crime_reference = crime_reference
            match.matched_by_id = actor.id
            changed += 1
    # The statistics group again the months these matches count in (reporting/stats/cache.py listens).
    audit.record("stats.police_matches.import", "police_matches", actor=actor, rows=len(wanted), changed=changed)
    db.session.flush()
    imported = set(found.values())
    conflicts = sum(1 for m in mismatches() if m.report_id in imported)
    return ImportResult(len(wanted), changed, conflicts)


# Crime references that disagree (issue 30): a match the force sent back whose crime reference is not
# the one a referral of the same report already brought back. Never settled silently: a person with
# the police key's role chooses which stands, audited. Either way the report is one crime recorded.

KEEP_REFERRAL, TAKE_EXTRACT = "referral", "extract"


@dataclass(frozen=True)
class Mismatch:
    match_id: int
    report_id: int
    reference: str  # the report's
    received_at: datetime
    by_referral: str  # the crime reference the referral brought back (the first referral with one)
    by_extract: str  # the force's match


def mismatches(match_id: int | None = None) -> list[Mismatch]:
    """Every match that disagrees with its report's referrals, oldest report first (clear columns only)."""
    matches = PoliceMatch.__table__.c
    agreeing = select(referrals.report_id).where(referrals.report_id == matches.report_id,
                                                 referrals.crime_reference == matches.crime_reference)
    by_referral = (select(referrals.crime_reference).where(referrals.report_id == matches.report_id,
                                                           referrals.crime_reference.is_not(None))
                   .order_by(referrals.id).limit(1).scalar_subquery())
    statement = (
        select(matches.id, matches.report_id, reports.reference, reports.received_at, by_referral, matches.crime_reference)
        .join(REPORTS, reports.id == matches.report_id)
        .where(by_referral.is_not(None), ~agreeing.exists())
        .order_by(reports.received_at, reports.id)
    )
    if match_id is not None:
        statement = statement.where(matches.id == match_id)
    return [Mismatch(*row) for row in db.session.execute(statement).all()]


def settle_mismatch(match_id: int, keep: str, *, actor: User) -> Mismatch:
    """Settle one disagreement: keep the referral's crime reference (the match takes it) or take the
    extract's (the report's referrals take it). LookupError if there is no such disagreement now."""
    _require_police(actor)
    if keep not in (KEEP_REFERRAL, TAKE_EXTRACT):
        raise ValueError(keep)
    found = mismatches(match_id)
    if not found:
        raise LookupError(match_id)
    mismatch = found[0]
    if keep == KEEP_REFERRAL:
        match = db.session.get(PoliceMatch, match_id)
        assert match is not None
        match.crime_reference = mismatch.by_referral
        match.matched_by_id = actor.id
    else:
        for referral in db.session.scalars(select(Referral).where(
                Referral.report_id == mismatch.report_id, Referral.crime_reference.is_not(None))):
            referral.crime_reference = mismatch.by_extract
    db.session.flush()
    audit.record("stats.police_matches.settle", f"report:{mismatch.report_id}", actor=actor, kept=keep,
                 by_referral=mismatch.by_referral, by_extract=mismatch.by_extract)
    return mismatch


# Reads ---------------------------------------------------------------------------------

def area_labels() -> dict[str, str]:
    """Area codes and the words the extract writes for them (inactive areas too: old reports use them)."""
    choices = Choice.__table__.c
    return {code: label for code, label in db.session.execute(
        select(choices.code, choices.label).where(choices.list_name == "area"))}


@dataclass(frozen=True)
class ExtractRow:
    reference: str
    month: str
    area: str
    strands: tuple[str, ...]
    incident_types: tuple[str, ...]
    referred: bool
    crime_reference: str | None
    police_consent: str


def extract_rows(start: datetime, end: datetime) -> list[ExtractRow]:
    """Every report received in [start, end): reference, month, area, strands, incident types,
    whether referred, a crime reference if one came back (by referral or the force's match),
    and the police consent (which decides whether it may be a line: reporting/disclosure/consent.py)."""
    matches = PoliceMatch.__table__.c
    in_range = and_(reports.received_at >= start, reports.received_at < end)
    # The London month of each (a quarter's reports, a few thousand): in Python, not the statistics' SQL.
    base = [(i, reference, london_month(received), area, agreed) for i, reference, received, area, agreed in
            db.session.execute(
                select(reports.id, reports.reference, reports.received_at, reports.area, reports.police_consent)
                .where(in_range).order_by(reports.received_at, reports.id)
            ).all()]
    strand_of: dict[int, list[str]] = {}
    for report_id, code in db.session.execute(
        select(strands.report_id, strands.strand).join(REPORTS, reports.id == strands.report_id).where(in_range)
    ):
        strand_of.setdefault(report_id, []).append(code)
    type_of: dict[int, list[str]] = {}
    for report_id, code in db.session.execute(
        select(types.report_id, types.incident_type).join(REPORTS, reports.id == types.report_id).where(in_range)
    ):
        type_of.setdefault(report_id, []).append(code)
    referred: set[int] = set()
    crime: dict[int, str] = {}
    for report_id, reference in db.session.execute(
        select(referrals.report_id, referrals.crime_reference).join(REPORTS, reports.id == referrals.report_id)
        .where(in_range, referrals.sent_at.is_not(None)).order_by(referrals.id)
    ):
        referred.add(report_id)
        if reference:
            crime.setdefault(report_id, reference)
    for report_id, reference in db.session.execute(
        select(matches.report_id, matches.crime_reference).join(REPORTS, reports.id == matches.report_id).where(in_range)
    ):
        crime.setdefault(report_id, reference)
    return [
        ExtractRow(reference, m, area, tuple(sorted(strand_of.get(i, []))), tuple(sorted(type_of.get(i, []))),
                   i in referred, crime.get(i), agreed)
        for i, reference, m, area, agreed in base
    ]


def report_ids_by_reference(references: Sequence[str], consents: Sequence[str] | None = None) -> dict[str, int]:
    """Report ids by reference; with ``consents``, only reports whose police consent is one of them."""
    found: dict[str, int] = {}
    chunk = 500
    for i in range(0, len(references), chunk):
        part = list(references[i:i + chunk])
        statement = select(reports.id, reports.reference).where(reports.reference.in_(part))
        if consents is not None:
            statement = statement.where(reports.police_consent.in_(list(consents)))
        found |= {ref: rid for rid, ref in db.session.execute(statement)}
    return found
