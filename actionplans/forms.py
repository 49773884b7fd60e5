from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionPlan, Goal, Measure, MeasureUpdate, ProblemArea
from councils.forms import DateInput, PortalFormMixin
from councils.models import Organisation
from situation.models import SituationPicture


class PlanStartForm(PortalFormMixin, forms.Form):
    submit_label = _("Start the plan")

    situation_picture = forms.ModelChoiceField(label=_("Situation picture"), queryset=SituationPicture.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situation_picture"].queryset = SituationPicture.objects.filter(municipality=municipality).order_by(
            "-period_end"
        )
        self.fields["situation_picture"].help_text = _("Its problem areas are carried over into the plan.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", forms.ValidationError(_("The plan must end after it starts."), code="order"))
        return cleaned


class PlanCopyForm(PlanStartForm):
    submit_label = _("Start the next plan as a copy")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situation_picture"].required = False
        self.fields["situation_picture"].help_text = _("Leave empty to keep the one the current plan rests on.")


class PlanForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["title", "period_start", "period_end", "summary"]
        widgets = {"period_start": DateInput(), "period_end": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}


class ProblemAreaForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = ProblemArea
        fields = ["title", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class GoalForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "indicator", "baseline", "target", "unit", "order"]


class MeasureForm(PortalFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Measure
        fields = [
            "title",
            "cause",
            "goal",
            "kind",
            "term",
            "responsible_organisation",
            "owner",
            "start_date",
            "end_date",
            "planned_cost",
            "planned_hours",
            "weight",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "cause": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, problem_area, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.problem_area = problem_area
        self.fields["goal"].queryset = Goal.objects.filter(problem_area=problem_area)
        self.fields["responsible_organisation"].queryset = Organisation.objects.filter(
            municipality=municipality
        ).order_by("name")
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(portal_roles__municipality=municipality).order_by("full_name", "email")
        )
        self.fields["version"].initial = self.instance.version if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", forms.ValidationError(_("The measure cannot end before it starts."), code="order")
            )
        return cleaned


class MeasureUpdateForm(PortalFormMixin, forms.ModelForm):
    submit_label = _("Post the update")

    class Meta:
        model = MeasureUpdate
        fields = ["date", "status", "percent_done", "hours_spent", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class AdoptForm(PortalFormMixin, forms.Form):
    submit_label = _("Adopt the plan")

    body = forms.ChoiceField(label=_("Adopted by"), choices=ActionPlan.Body.choices)
    body_name = forms.CharField(label=_("Name of the committee"), required=False, max_length=200)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    paragraph = forms.CharField(label=_("Paragraph (§)"), required=False, max_length=30)
    case_number = forms.CharField(label=_("Case number (diarienummer)"), required=False, max_length=60)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("body") == ActionPlan.Body.COMMITTEE and not cleaned.get("body_name", "").strip():
            self.add_error("body_name", forms.ValidationError(_("Name the committee that decided."), code="unnamed"))
        return cleaned
