from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from councils.forms import DateInput, PortalFormMixin
from councils.models import Municipality
from pledges.models import Activity, CitizenPledge, FocusArea, ProgressRow, Signatory


class PledgeForm(forms.ModelForm):
    class Meta:
        model = CitizenPledge
        fields = ["title", "municipalities", "police_area", "start_date", "end_date", "background", "effect"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "background": forms.Textarea(attrs={"rows": 5}),
            "effect": forms.Textarea(attrs={"rows": 3}),
            "municipalities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["municipalities"].queryset = Municipality.objects.filter(
            pk__in=Municipality.objects.visible_to(user).values("pk")
        ).order_by("name")
        if not self.instance.pk:
            self.initial.setdefault("municipalities", [municipality.pk])
            self.initial.setdefault("police_area", municipality.police_area)

    def clean_municipalities(self):
        chosen = self.cleaned_data["municipalities"]
        if self.municipality not in chosen:
            raise forms.ValidationError(
                _("The pledge must include %(name)s, the municipality you are working in."),
                code="own_municipality_missing",
                params={"name": self.municipality.name},
            )
        return chosen


SignatoryFormSet = inlineformset_factory(
    CitizenPledge,
    Signatory,
    fields=["name", "title"],
    extra=2,
    can_delete=True,
)


class FocusAreaForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = FocusArea
        fields = ["title", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ActivityForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["description", "responsible", "responsible_other", "target", "unit", "owner", "order"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["owner"].queryset = (
            get_user_model().objects.filter(portal_roles__municipality=municipality).order_by("full_name", "email")
        )
        self.fields["target"].widget.attrs.update({"min": "0", "step": "any", "inputmode": "decimal"})

    def clean_target(self):
        target = self.cleaned_data.get("target")
        if target is not None and target < 0:
            raise forms.ValidationError(_("The target cannot be negative."), code="negative_target")
        return target

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("responsible") == "other" and not (cleaned.get("responsible_other") or "").strip():
            self.add_error(
                "responsible_other",
                forms.ValidationError(
                    _("Name the organisation responsible when it is neither police nor municipality."),
                    code="other_unnamed",
                ),
            )
        return cleaned


class FollowUpCreateForm(PortalFormMixin, forms.Form):
    submit_label = _("Create follow-up")

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    tertial = forms.TypedChoiceField(
        label=_("Tertial"),
        coerce=int,
        choices=[(1, _("T1 (January–April)")), (2, _("T2 (May–August)")), (3, _("T3 (September–December)"))],
    )


class ProgressRowForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgressRow
        fields = ["status", "achieved", "narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].required = False
        self.fields["status"].choices = [("", _("Choose a status")), *ProgressRow.Status.choices]
        self.fields["achieved"].widget.attrs.update({"min": "0", "step": "any", "inputmode": "decimal"})
        self.fields["version"].initial = self.instance.version
        for name in ("status", "achieved", "narrative"):
            self.fields[name].widget.attrs["id"] = f"row-{self.instance.pk}-field-{name}"

    def clean_achieved(self):
        achieved = self.cleaned_data.get("achieved")
        if achieved is not None and achieved < 0:
            raise forms.ValidationError(_("The achieved figure cannot be negative."), code="negative_achieved")
        return achieved


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What needs to change?"), widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    correction_note = forms.CharField(
        label=_("What was corrected (for a correction)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
