import base64

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.validators import validate_upload_size
from councils.forms import PortalFormMixin

CREATE_MISSING_HELP = _("Otherwise a row naming a problem area or goal the plan does not have is an error.")


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark) as the export writes it, else Windows-1252 as older Excel saves."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class MeasuresImportForm(PortalFormMixin, forms.Form):
    submit_label = _("Check the file")

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Semicolon-separated, with the columns of the export. Nothing is saved before you confirm."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    create_missing = forms.BooleanField(
        label=_("Create the problem areas and goals the file names that the plan does not have"),
        required=False,
        help_text=CREATE_MISSING_HELP,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload_size(upload, settings.MEASURES_IMPORT_MAX_BYTES)
        data = upload.read()
        # Text never holds NUL bytes; images, PDFs and spreadsheet workbooks do (Windows-1252 would read them all).
        if b"\x00" in data:
            raise forms.ValidationError(
                _("The file is not a CSV file. Save it as CSV (semicolon-separated) and upload it again."),
                code="not_text",
            )
        return decode_csv(data)


class MeasuresImportConfirmForm(forms.Form):
    """Carries the checked file back for the import itself; the file is checked again before it is written."""

    content = forms.CharField(widget=forms.HiddenInput)
    create_missing = forms.BooleanField(required=False, widget=forms.HiddenInput)

    @staticmethod
    def encode(text: str) -> str:
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    def clean_content(self):
        try:
            text = base64.b64decode(self.cleaned_data["content"], validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as error:  # ValueError: binascii.Error, or non-ASCII characters
            raise forms.ValidationError(_("The file could not be read. Upload it again."), code="corrupt") from error
        if "\x00" in text:  # Never in a file the upload form accepted: this one was changed on the way.
            raise forms.ValidationError(_("The file could not be read. Upload it again."), code="corrupt")
        return text
