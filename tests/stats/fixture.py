"""A hand-counted fixture: 44 reports across the financial years 2024/25 and 2025/26, and two
just outside them, written straight into the database (clear fields as the service writes
them, and sealed columns filled with a canary the statistics must never show).

Every report is received at 08:00 UTC. ``rev`` is the days from receipt to the first status
change; a report in ``HEARD`` went to "under review" an hour after that; a referral was sent an
hour later still. The expected figures in test_figures.py were counted by hand from this table.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from reporting.cases.models import CaseEvent, CaseLink
from reporting.centres.models import Centre
from reporting.extensions import db
from reporting.keys.models import KeyPurpose
from reporting.keys.services import current_key
from reporting.referrals.models import Referral
from reporting.reports.models import Report, ReportIncidentType, ReportStrand

CANARY = "STATSCANARY42"

# n  received    channel     reporter  area               consent          sup status               closure            strands                  types                         centre rev
ROWS = """
01 2024-04-03 online      victim    shrewsbury         with_details     Y closed               resolved           race                     verbal_abuse                  -   1.0
02 2024-04-15 online      witness   shrewsbury         no               N closed               not_hate_incident  unknown                  graffiti                      -   0.5
03 2024-04-28 phone       victim    oswestry           without_details  Y resolved             -                  disability               harassment,threats            -   2.0
04 2024-07-02 centre      victim    shrewsbury         with_details     Y referred             -                  race,religion            physical_assault              lib 0.5
05 2024-07-09 online      on_behalf online             no               N closed               spam_or_misuse     other                    online_abuse                  -   1.5
06 2024-07-17 centre_link victim    oswestry           with_details     N closed               resolved           sexual_orientation       verbal_abuse                  cab 1.0
07 2024-07-23 online      victim    ludlow             with_details     Y closed               no_further_action  transgender              harassment                    -   3.0
08 2024-07-30 online      witness   shrewsbury         no               N closed               duplicate          race                     verbal_abuse                  -   0.5
09 2024-10-05 phone       victim    telford_and_wrekin with_details     Y resolved             -                  religion                 threats                       -   2.0
10 2024-10-12 online      victim    online             without_details  N closed               resolved           race                     online_abuse                  -   1.0
11 2024-10-19 centre      on_behalf ludlow             with_details     Y referred             -                  disability               physical_assault,verbal_abuse lib 0.5
12 2024-10-26 online      victim    shrewsbury         no               N closed               resolved           race                     verbal_abuse                  -   1.5
13 2025-01-04 online      victim    shrewsbury         with_details     Y closed               resolved           race,other               threats                       -   1.0
14 2025-01-08 centre_link witness   oswestry           no               N closed               resolved           religion                 graffiti                      cab 2.0
15 2025-01-14 online      victim    market_drayton     with_details     Y referred             -                  transgender              harassment                    -   0.5
16 2025-01-20 online      victim    shrewsbury         with_details     N closed               resolved           race                     verbal_abuse                  -   1.0
17 2025-01-25 phone       on_behalf ludlow             without_details  Y closed               no_further_action  disability               verbal_abuse                  -   2.5
18 2025-01-30 online      victim    online             no               N closed               resolved           sexual_orientation       online_abuse                  -   1.0
19 2025-04-02 online      victim    shrewsbury         with_details     Y referred             -                  race                     physical_assault              -   0.5
20 2025-04-10 centre      victim    oswestry           with_details     Y closed               resolved           race                     verbal_abuse                  cab 1.0
21 2025-04-18 online      witness   shrewsbury         no               N closed               resolved           religion                 graffiti                      -   2.0
22 2025-04-27 online      victim    online             no               N closed               not_hate_incident  unknown                  online_abuse                  -   0.5
23 2025-06-05 phone       victim    ludlow             with_details     Y referred             -                  disability               harassment                    -   1.0
24 2025-06-21 online      on_behalf shrewsbury         without_details  N resolved             -                  transgender              verbal_abuse                  -   4.0
25 2025-09-01 online      victim    shrewsbury         with_details     Y referred             -                  race,religion            threats                       -   0.5
26 2025-09-06 centre_link victim    oswestry           no               N closed               resolved           race                     verbal_abuse                  lib 1.5
27 2025-09-11 online      victim    telford_and_wrekin with_details     N closed               resolved           sexual_orientation       verbal_abuse                  -   1.0
28 2025-09-16 online      witness   shrewsbury         no               N closed               duplicate          race                     verbal_abuse                  -   0.5
29 2025-09-21 centre      victim    shrewsbury         with_details     Y under_review         -                  disability               physical_assault              lib 2.0
30 2025-09-26 online      victim    online             without_details  N closed               resolved           religion                 online_abuse                  -   1.0
31 2025-09-30 phone       victim    market_drayton     with_details     Y referred             -                  transgender              threats,harassment            -   0.5
32 2025-12-03 online      victim    shrewsbury         with_details     Y referred             -                  race                     verbal_abuse                  -   1.0
33 2025-12-09 online      victim    ludlow             no               N closed               resolved           other                    harassment                    -   3.0
34 2025-12-15 centre      on_behalf oswestry           with_details     Y in_triage            -                  disability               verbal_abuse                  cab 1.0
35 2025-12-20 online      witness   shrewsbury         no               N closed               resolved           religion                 graffiti                      -   2.0
36 2025-12-28 online      victim    online             no               N new                  -                  unknown                  online_abuse                  -   -
37 2026-03-02 online      victim    shrewsbury         with_details     Y referred             -                  race                     physical_assault              -   0.5
38 2026-03-05 online      victim    shrewsbury         without_details  N awaiting_information -                  race                     verbal_abuse                  -   1.5
39 2026-03-09 centre_link victim    oswestry           no               N new                  -                  religion                 verbal_abuse                  lib -
40 2026-03-12 phone       victim    ludlow             with_details     Y under_review         -                  disability               harassment                    -   1.0
41 2026-03-16 online      on_behalf shrewsbury         no               N new                  -                  transgender              verbal_abuse                  -   -
42 2026-03-19 online      victim    online             with_details     N in_triage            -                  sexual_orientation       online_abuse                  -   0.5
43 2026-03-23 online      witness   telford_and_wrekin no               N new                  -                  race                     graffiti                      -   -
44 2026-03-27 centre      victim    shrewsbury         with_details     Y referred             -                  race,disability          threats                       lib 1.0
"""
# Just outside 2024/25 and 2025/26 in London time (23:30 BST on 31 March 2024; 01:10 BST on 1 April
# 2026): never counted when the range is April 2024 to March 2026.
OUTSIDE = [("45", datetime(2024, 3, 31, 22, 30, tzinfo=UTC)), ("46", datetime(2026, 4, 1, 0, 10, tzinfo=UTC))]
HEARD_ALSO = {"03", "07", "09"}  # closed or resolved now, but heard by the Group first
# n -> (days from sending to acknowledgement or None, outcome or None, crime reference or None)
REFERRALS = {
    "04": (1.0, "crime_recorded", "22/10001/24"),
    "11": (2.0, "non_crime_hate_incident", None),
    "15": (0.5, "crime_recorded", "22/10002/25"),
    "19": (1.0, "charged_or_summonsed", "22/10003/25"),
    "23": (3.0, None, None),
    "25": (0.5, "no_further_action", None),
    "31": (None, None, None),
    "32": (1.5, "crime_recorded", "22/10004/25"),
    "37": (2.0, None, None),
    "44": (None, None, None),
}
# Strategy groups as submit derives them: transgender and disability from the strand, Gypsy, Roma and
# Traveller heritage and being a migrant from the (sealed) reason, which these race reports chose.
# Reports 01 to 06 came in before the service kept the groups: not known (NULL).
GROUPS_NOT_KNOWN = {"01", "02", "03", "04", "05", "06"}
GYPSY_ROMA_TRAVELLER = {"10", "16", "26"}
MIGRANT = {"12", "19", "44"}
LINKS = [("13", "16", "related"), ("20", "26", "related"), ("08", "01", "duplicate"), ("28", "25", "duplicate")]


def reference(n: str) -> str:
    return f"HC-00-STAT{n}"


def build(actor_id: int | None = None) -> dict[str, int]:
    """Insert the fixture; returns report ids by number. Call inside an app context."""
    group = current_key(KeyPurpose.GROUP)
    police = current_key(KeyPurpose.POLICE)
    centres = {}
    for slug, name, town in (("lib", "Shrewsbury Library", "shrewsbury"), ("cab", "Oswestry Advice Centre", "oswestry")):
        centre = db.session.scalar(sa.select(Centre).where(Centre.slug == slug))
        if centre is None:
            centre = Centre(slug=slug, name=name, town=town)
            db.session.add(centre)
            db.session.flush()
        else:
            centre.name = name
        centres[slug] = centre.id
    ids: dict[str, int] = {}
    rows = [line.split() for line in ROWS.strip().splitlines()]
    extra = [[n, "x", "online", "victim", "shrewsbury", "no", "N", "new", "-", "race", "verbal_abuse", "-", "-"]
             for n, _ in OUTSIDE]
    for cols in rows + extra:
        n, day, channel, reporter, area, consent, support, status, closure, strands, types, centre, rev = cols
        received = dict(OUTSIDE).get(n) or datetime.fromisoformat(day).replace(hour=8, tzinfo=UTC)
        sealed = f"{CANARY} sealed content of report {n}".encode()
        groups = {s for s in strands.split(",") if s in ("transgender", "disability")}
        groups |= {"gypsy_roma_traveller"} if n in GYPSY_ROMA_TRAVELLER else set()
        groups |= {"migrant"} if n in MIGRANT else set()
        result = db.session.execute(sa.insert(Report.__table__).values(
            reference=reference(n), received_at=received, channel=channel, reporter_type=reporter,
            incident_date=received.date() - timedelta(days=1), incident_date_approximate=False, area=area,
            police_consent=consent, support_wanted=support == "Y", status=status, priority="normal",
            retain_until=received.date() + timedelta(days=6 * 365), closure_reason=None if closure == "-" else closure,
            staff_flags=sealed, centre_id=centres.get(centre), new_information=False, receipt_reissued=False,
            submission_key=f"stats-{n}", key_algorithm=group.algorithm, public_key=sealed, group_key_id=group.id,
            key_wrap_group=sealed, key_wrap_receipt=sealed, receipt_lookup=f"9900{n:0>4}", receipt_salt=sealed,
            receipt_kdf="argon2id:t=1,m=8,p=1", receipt_verifier=sealed, content=sealed,
            strategy_groups=None if n in GROUPS_NOT_KNOWN else ",".join(sorted(groups)),
        ))
        report_id = result.inserted_primary_key[0]
        ids[n] = report_id
        db.session.execute(sa.insert(ReportStrand.__table__), [{"report_id": report_id, "strand": s} for s in strands.split(",")])
        db.session.execute(sa.insert(ReportIncidentType.__table__),
                           [{"report_id": report_id, "incident_type": t} for t in types.split(",")])
        if rev == "-":
            continue
        reviewed = received + timedelta(days=float(rev))
        events = [(reviewed, "new", "in_triage", None)]
        heard = status in ("under_review", "referred") or n in HEARD_ALSO
        if heard:
            events.append((reviewed + timedelta(hours=1), "in_triage", "under_review", None))
        if status in ("resolved", "closed", "awaiting_information"):
            before = "under_review" if heard else "in_triage"
            events.append((reviewed + timedelta(hours=3), before, status, closure if closure != "-" else None))
        for at, was, now, closed_as in events:
            db.session.execute(sa.insert(CaseEvent.__table__).values(
                report_id=report_id, at=at, actor_id=actor_id, kind="status", action="changed", before=was, after=now,
                reason=closed_as, sealed=sealed))
        db.session.execute(sa.insert(CaseEvent.__table__).values(
            report_id=report_id, at=reviewed, actor_id=actor_id, kind="note", action="", sealed=sealed))
        if n in REFERRALS:
            ack, outcome, crime = REFERRALS[n]
            sent = reviewed + timedelta(hours=2)
            acknowledged = sent + timedelta(days=ack) if ack is not None else None
            outcome_at = acknowledged + timedelta(days=5) if outcome and acknowledged else None
            state = "sent" if acknowledged is None else ("closed" if outcome and not crime else
                                                         "crime_recorded" if crime else "acknowledged")
            db.session.execute(sa.insert(Referral.__table__).values(
                report_id=report_id, created_at=sent, created_by_id=actor_id, state=state,
                kind="full" if consent == "with_details" else "intelligence", shared_fields=["description"],
                police_key_id=police.id, package=sealed, sent_at=sent, acknowledged_at=acknowledged,
                crime_reference=crime, outcome=outcome, outcome_at=outcome_at, override_explanation=sealed))
    for a, b, kind in LINKS:
        db.session.execute(sa.insert(CaseLink.__table__).values(report_id=ids[a], other_id=ids[b], kind=kind))
    db.session.commit()
    return ids
