"""The administrators' list, add and edit pages of one kind of record, written once.

Centres (admin/centres.py) and support services (support/views.py) are kept the same
way: a list, a page to add one, a page to edit one, and a page to upload a CSV file of
many (the same import as the command line's, forms/csv_import.py). ``RecordPages``
registers those routes on a blueprint for a model, its admin form and its templates,
behind the blueprint's access policy. The form (the one a CSV import checks rows with, see
forms/csv_import.py) gives ``data_for_service(slug=...)``; the feature gives the checks
its save makes and the save itself (which records the audit entry).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select

from reporting.extensions import db
from reporting.forms import StepForm, csv_import
from reporting.words import gettext as _
from reporting.words import lazy_gettext as _l


class UploadCsvForm(StepForm):
    file = FileField(_l("CSV file"), description=_l("UTF-8 CSV with a header row, as the export writes it."),
                     render_kw={"accept": ".csv,text/csv"})


class Record(Protocol):
    id: Any
    slug: Any


M = TypeVar("M", bound=Record)


@dataclass(frozen=True)
class RecordPages(Generic[M]):
    model: type[M]
    # Endpoints are list_<plural>, new_<noun> and edit_<noun>; the edit page's address
    # takes <noun>_id, and its template gets the record as <noun>.
    noun: str
    plural: str
    list_template: str
    edit_template: str
    # The page's form: for a record (or None, a new one); ``initial`` on a GET, filled from it.
    make_form: Callable[[M | None, bool], FlaskForm]
    # Problems the save would meet with this data (plain words), beyond the form's checks.
    problems: Callable[[Any], list[str]]
    # Create (record None) or update; flushes and audits.
    save: Callable[[Any, Any, M | None], M]
    saved_message: Any
    # The list page's title, for the import page's way back.
    list_title: Any
    listing: Callable[[], dict[str, Any]]
    # The CSV import: the file's text to checked data (or csv_import.CsvImportError), and
    # that data saved (returns how many were created and updated).
    from_csv: Callable[[str], list[Any]]
    import_rows: Callable[[list[Any], Any], tuple[int, int]]
    import_title: Any
    # More for the edit page's template (a retire button's form, say).
    edit_context: Callable[[M | None], dict[str, Any]] = field(default=lambda record: {})
    import_template: str = "admin/import.html"

    def register(self, bp: Blueprint, *, prefix: str, guard: Callable[[Any], Any]) -> None:
        """Add the list ("<prefix>/"), new ("<prefix>/new"), edit ("<prefix>/<id>") and
        import ("<prefix>/import", endpoint import_<plural>) routes."""

        def list_view() -> ResponseReturnValue:
            return render_template(self.list_template, **self.listing())

        def new_view() -> ResponseReturnValue:
            return self._form_page(None)

        def edit_view(**kwargs: int) -> ResponseReturnValue:
            return self._form_page(db.get_or_404(self.model, kwargs[f"{self.noun}_id"]))

        bp.add_url_rule(f"{prefix}/", f"list_{self.plural}", guard(list_view), methods=["GET"])
        bp.add_url_rule(f"{prefix}/new", f"new_{self.noun}", guard(new_view), methods=["GET", "POST"])
        bp.add_url_rule(f"{prefix}/<int:{self.noun}_id>", f"edit_{self.noun}", guard(edit_view), methods=["GET", "POST"])
        def import_view() -> ResponseReturnValue:
            return self._import_page()

        bp.add_url_rule(f"{prefix}/import", f"import_{self.plural}", guard(import_view), methods=["GET", "POST"])

    def _import_page(self) -> ResponseReturnValue:
        form = UploadCsvForm()
        problems: list[str] = []
        if form.validate_on_submit():
            stream = getattr(form.file.data, "stream", None)
            raw = getattr(stream, "plaintext", None)
            if getattr(stream, "too_large", False):
                form.file.errors = [_("The selected file is too large: split it into smaller files")]
            elif not raw:
                chosen = bool(getattr(form.file.data, "filename", ""))
                form.file.errors = [_("The selected file is empty") if chosen else _("Select a CSV file")]
            else:
                try:
                    created, updated = self.import_rows(self.from_csv(csv_import.decode(raw)), current_user)
                except csv_import.CsvImportError as error:
                    db.session.rollback()
                    problems = error.problems
                else:
                    db.session.commit()
                    flash(_("Imported: %(created)s new, %(updated)s updated.", created=created, updated=updated), "success")
                    return redirect(url_for(f".list_{self.plural}"))
        status = 400 if problems or form.errors else 200
        return render_template(
            self.import_template, form=form, problems=problems, title=self.import_title,
            list_url=url_for(f".list_{self.plural}"), list_title=self.list_title,
        ), status

    def _form_page(self, record: M | None) -> ResponseReturnValue:
        form = self.make_form(record, request.method != "POST")
        if form.validate_on_submit():
            done = self._save(form, record)
            if done is not None:
                return done
        return render_template(self.edit_template, form=form, **{self.noun: record}, **self.edit_context(record))

    def _save(self, form: Any, record: M | None) -> ResponseReturnValue | None:
        data = form.data_for_service(slug=record.slug if record else None)
        problems = self.problems(data)
        if record is None and db.session.scalar(select(self.model.id).where(self.model.slug == data.slug)) is not None:
            problems.append("slug is taken")
        if problems:
            form.name.errors = list(form.name.errors) + [_("Check the details: %(problems)s", problems="; ".join(problems))]
            return None
        saved = self.save(data, current_user, record)
        db.session.commit()
        flash(str(self.saved_message), "success")
        return redirect(url_for(f".edit_{self.noun}", **{f"{self.noun}_id": saved.id}))
