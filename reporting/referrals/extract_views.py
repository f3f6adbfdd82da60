"""/police/extracts/: the quarterly reconciliation extract for West Mercia Police, and the
force's matches back (reference -> crime reference).

The extract is made from clear columns and sealed to the police key; only a police user
holding that key can download it (audited, and recorded by the disclosure gate). It lists
only reports whose police consent allows it; the others are counted, suppressed, in a second
download. The import is all or nothing, and takes only references the extract may list.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import InputRequired

from reporting import crypto
from reporting.auth import session as staff
from reporting.auth.models import Role
from reporting.db import utcnow
from reporting.disclosure import marking
from reporting.exceptions import NotAKeyHolderError
from reporting.extensions import db
from reporting.forms.fields import Radios, options
from reporting.security import roles
from reporting.periods import month_key, parse_month, quarter
from reporting.referrals import extract as extracts
from reporting.referrals.models import PoliceExtract
from reporting.words import gettext as _
from reporting.words import lazy_gettext as _l

bp = Blueprint("police_extracts", __name__, url_prefix="/police/extracts")
police = roles(Role.POLICE)


def _quarter_label(first: date) -> str:
    return quarter(month_key(first))


class PrepareForm(FlaskForm):
    quarter = SelectField(_l("Quarter"), validators=[InputRequired(_l("Select a quarter"))])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.quarter.choices = options(
            [(month_key(q), _quarter_label(q)) for q in extracts.quarter_starts(utcnow().date())])


class ImportForm(FlaskForm):
    file = FileField(_l("The force's matches (CSV)"), description=_l(
        "UTF-8 CSV with the headings reference,crime_reference and one match a line."),
        render_kw={"accept": ".csv,text/csv"})


def _page(prepare: PrepareForm | None = None, upload: ImportForm | None = None,
          problems: list[str] | None = None) -> str:
    to_settle = len(extracts.mismatches())
    prepared = db.session.scalars(
        select(PoliceExtract).order_by(PoliceExtract.first_month.desc(), PoliceExtract.id.desc())).all()
    latest: dict[date, PoliceExtract] = {}
    for extract in prepared:
        latest.setdefault(extract.first_month, extract)
    return render_template(
        "referrals/police_extracts.html", prepare=prepare or PrepareForm(prefix="prepare"),
        upload=upload or ImportForm(prefix="import"), problems=problems or [], extracts=list(latest.values()),
        quarter_label=_quarter_label, marking=marking.MARKING, mismatches=to_settle,
    )


@bp.get("/")
@police
def list_extracts() -> ResponseReturnValue:
    return _page()


@bp.post("/prepare")
@police
def prepare_extract() -> ResponseReturnValue:
    form = PrepareForm(prefix="prepare")
    if not form.validate():
        return _page(prepare=form), 400
    extract = extracts.prepare_extract(parse_month(form.quarter.data or ""), actor=current_user._get_current_object(),
                                       area_labels=extracts.area_labels())
    db.session.commit()
    flash(_("The extract for %(quarter)s is ready to download.", quarter=_quarter_label(extract.first_month)), "success")
    return redirect(url_for(".list_extracts"))


def _download(extract_id: int, withheld: bool) -> ResponseReturnValue:
    extract = db.get_or_404(PoliceExtract, extract_id)
    try:
        body = extracts.open_extract(extract, actor=current_user._get_current_object(),
                                     personal_private=staff.personal_private_key(), withheld=withheld)
    except (NotAKeyHolderError, crypto.CryptoError):
        abort(403)
    except LookupError:
        abort(404)
    db.session.commit()
    name = f"hate-crime-extract-{month_key(extract.first_month)}{'-withheld' if withheld else ''}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/<int:extract_id>.csv")
@police
def download_extract(extract_id: int) -> ResponseReturnValue:
    return _download(extract_id, withheld=False)


@bp.get("/<int:extract_id>-withheld.csv")
@police
def download_withheld(extract_id: int) -> ResponseReturnValue:
    return _download(extract_id, withheld=True)


@bp.post("/import")
@police
def import_matches() -> ResponseReturnValue:
    form = ImportForm(prefix="import")
    if not form.validate():
        return _page(upload=form), 400
    stream = getattr(form.file.data, "stream", None)
    data = getattr(stream, "plaintext", None)
    if not data:
        chosen = bool(getattr(form.file.data, "filename", ""))
        form.file.errors = [_("The selected file is empty") if chosen else _("Select the CSV file of the force's matches")]
        return _page(upload=form), 400
    if getattr(stream, "too_large", False):
        form.file.errors = [_("The selected file is too large: split it into smaller files")]
        return _page(upload=form), 400
    try:
        result = extracts.import_matches(data, actor=current_user._get_current_object(), now=utcnow())
    except extracts.MatchImportError as error:
        db.session.rollback()
        return _page(upload=form, problems=error.problems), 400
    db.session.commit()
    flash(_("%(n)s matches imported (%(changed)s new or changed).", n=result.matched, changed=result.changed), "success")
    if result.conflicts:
        flash(_("%(n)s of them disagree with the crime reference a referral already brought back: settle each one.",
                n=result.conflicts), "warning")
        return redirect(url_for(".list_mismatches"))
    return redirect(url_for(".list_extracts"))


# Crime references that disagree (issue 30) ----------------------------------------------------

class SettleForm(FlaskForm):
    keep = Radios(_l("Which crime reference stands?"), required=_l("Select which crime reference stands"))

    def __init__(self, mismatch: extracts.Mismatch, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.keep.choices = options([
            (extracts.KEEP_REFERRAL, _("Keep the referral's: %(reference)s", reference=mismatch.by_referral)),
            (extracts.TAKE_EXTRACT, _("Take the extract's: %(reference)s", reference=mismatch.by_extract)),
        ])


@bp.get("/mismatches")
@police
def list_mismatches() -> ResponseReturnValue:
    return render_template("referrals/police_mismatches.html", mismatches=extracts.mismatches(),
                           marking=marking.MARKING)


def _settle_page(mismatch: extracts.Mismatch, form: SettleForm) -> str:
    return render_template("referrals/police_mismatch.html", mismatch=mismatch, form=form, marking=marking.MARKING)


@bp.get("/mismatches/<int:match_id>")
@police
def show_mismatch(match_id: int) -> ResponseReturnValue:
    found = extracts.mismatches(match_id)
    if not found:
        abort(404)
    return _settle_page(found[0], SettleForm(found[0], prefix="settle"))


@bp.post("/mismatches/<int:match_id>")
@police
def settle_mismatch(match_id: int) -> ResponseReturnValue:
    found = extracts.mismatches(match_id)
    if not found:
        flash(_("That crime reference no longer disagrees: someone has settled it."), "success")
        return redirect(url_for(".list_mismatches"))
    form = SettleForm(found[0], prefix="settle")
    if not form.validate():
        return _settle_page(found[0], form), 400
    settled = extracts.settle_mismatch(match_id, form.keep.data or "", actor=current_user._get_current_object())
    db.session.commit()
    kept = settled.by_referral if form.keep.data == extracts.KEEP_REFERRAL else settled.by_extract
    flash(_("%(reference)s: the crime reference is now %(crime)s.", reference=settled.reference, crime=kept), "success")
    return redirect(url_for(".list_mismatches"))


