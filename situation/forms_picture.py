"""Forms of the situation picture document. The rules (drafts only, no personal data, adoption) are in picture.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.forms import DateInput, PortalFormMixin
from situation.models import Area, IncidentCategory, SituationPicture, SituationProblem


class PictureForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = SituationPicture
        fields = [
            "title",
            "period_start",
            "period_end",
            "crime_mapping",
            "other_information",
            "cause_analysis",
            "public_summary",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "crime_mapping": forms.Textarea(attrs={"rows": 8}),
            "other_information": forms.Textarea(attrs={"rows": 6}),
            "cause_analysis": forms.Textarea(attrs={"rows": 8}),
            "public_summary": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "other_information": _("Other information that matters for the picture: surveys, walks, reports."),
            "cause_analysis": _("Lag (2023:196) 4 §: an analysis of the causes of the crime and insecurity found."),
        }


class ProblemForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = SituationProblem
        fields = ["title", "description", "evidence", "categories", "areas", "order"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.Textarea(attrs={"rows": 5}),
            "categories": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = IncidentCategory.objects.filter(municipality=municipality).select_related(
            "parent"
        )
        self.fields["areas"].queryset = Area.objects.filter(municipality=municipality).order_by("name")
        self.fields["order"].required = False

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class AdoptForm(PortalFormMixin, forms.Form):
    submit_label = _("Record the adoption")

    body = forms.CharField(
        label=_("Adopted by"), max_length=200, help_text=_("The body that decided, for example “kommunstyrelsen”.")
    )
    date = forms.DateField(label=_("Date of the decision"), widget=DateInput())

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("The adoption date is in the future; record the adoption once it has been decided."), code="future"
            )
        return day
