"""The upload form, and the words for each reason a file is refused."""
from __future__ import annotations

from flask_wtf.file import FileField

from reporting.evidence.uploads import SealingUpload
from reporting.forms import StepForm
from reporting.words import gettext as _
from reporting.words import lazy_gettext as _l


class UploadForm(StepForm):
    file = FileField(
        _l("Upload a file"),
        description=_l("A photo or screenshot (JPEG, PNG, GIF or WebP), a PDF, or a plain text file. Up to 10 MB."),
        render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf,text/plain,.jpg,.jpeg,.png,.gif,.webp,.pdf,.txt"},
    )

    def upload(self) -> SealingUpload | None:
        """Where the file streamed to, or None if no file was chosen."""
        stream = getattr(self.file.data, "stream", None)
        return stream if isinstance(stream, SealingUpload) else None

    def file_name(self) -> str:
        return str(getattr(self.file.data, "filename", "") or "")


def refusal_message(reason: str) -> str:
    """What to tell the person when a file is refused, in plain words."""
    messages = {
        "missing": _("Select a file to upload"),
        "empty": _("The selected file is empty. Choose another file"),
        "too_large": _("The selected file must be smaller than 10 MB"),
        "too_many": _("You have already added 5 files, the most a report can have"),
        "report_full": _("The files of one report can be 25 MB in all, and this one would take it over. Choose a smaller file or leave one out"),
        "type": _("The selected file must be a photo (JPEG, PNG, GIF or WebP), a PDF or a plain text file"),
        "markup": _("The selected file is a web page or drawing file (HTML or SVG), which we cannot accept. Take a screenshot of it instead"),
        "mismatch": _("The selected file is not what its name says. Check you chose the right file"),
        "pdf_unreadable": _("The selected PDF could not be opened. It may be damaged or password-protected. Try saving it again without a password"),
        "image_unreadable": _("The selected picture could not be opened. It may be damaged. Try saving it again or take a screenshot"),
        "image_too_big": _("The selected picture has too many pixels. Make it smaller or take a screenshot"),
    }
    return messages.get(reason, messages["type"])
