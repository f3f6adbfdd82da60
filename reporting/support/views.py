"""Administrators' support-services pages ("/admin/support/"): list, add, edit (forms.record_pages)."""
from __future__ import annotations

from flask import Blueprint

from reporting.auth.models import Role
from reporting.forms.record_pages import RecordPages
from reporting.security import roles
from reporting.support import services
from reporting.support.forms import SupportServiceForm, services_from_csv
from reporting.support.models import SupportService
from reporting.words import lazy_gettext as _l

bp = Blueprint("support_admin", __name__, url_prefix="/admin/support")
admin_only = roles(Role.ADMIN.value)


def _form(service: SupportService | None, initial: bool) -> SupportServiceForm:
    return SupportServiceForm.for_service(service) if service is not None and initial else SupportServiceForm()


PAGES: RecordPages[SupportService] = RecordPages(
    model=SupportService, noun="service", plural="services",
    list_template="support/admin_list.html", edit_template="support/admin_edit.html",
    make_form=_form,
    problems=services.validate,
    save=lambda data, actor, service: services.save_service(data, actor=actor, service=service),
    saved_message=_l("Support service saved."),
    list_title=_l("Support services"),
    from_csv=services_from_csv,
    import_rows=lambda rows, actor: services.import_services(rows, actor=actor),
    import_title=_l("Import support services from a CSV file"),
    listing=lambda: {"services": services.all_services()},
)
PAGES.register(bp, prefix="", guard=admin_only)


@bp.app_context_processor
def _support_services() -> dict[str, object]:
    # Called only by the pages that show them (templates/support/_services.html).
    return {"support_services": services.active_services}
