from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.validators import validate_upload_size
from councils.forms import PortalFormMixin


class StatisticsUploadForm(PortalFormMixin, forms.Form):
    submit_label = _("Upload and preview")

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns kommunkod;period;category;count, UTF-8. Nothing is saved before you confirm."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload_size(upload, settings.STAT_IMPORT_MAX_BYTES)
        return upload
