from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from councils.models import Council, Membership, Municipality, Organisation, PortalRole


class PortalFormMixin:
    """Crispy helper with one Swedish submit button; every portal form uses it."""

    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class TenantConstraintsMixin:
    """For model forms whose tenant field is set on the instance, not shown on the form: let the model's
    named constraints that involve it (unique names per municipality, …) report on the form too."""

    def validate_unique(self):
        try:
            self.instance.validate_constraints()
        except forms.ValidationError as exc:
            self._update_errors(exc)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MunicipalityCreateForm(PortalFormMixin, forms.ModelForm):
    submit_label = _("Create municipality")

    class Meta:
        model = Municipality
        fields = ["name", "slug", "kommunkod", "county", "police_area", "revision_interval_months"]


class MunicipalitySettingsForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Municipality
        fields = [
            "police_area",
            "revision_interval_months",
            "intro",
            "contact_name",
            "contact_email",
            "contact_phone",
            "is_published",
        ]
        widgets = {"intro": forms.Textarea(attrs={"rows": 5})}


class CouncilForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Council
        fields = ["name", "kind", "municipalities", "purpose", "meeting_frequency", "is_active"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "municipalities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        # A council may span the municipalities the coordinator manages (and those it already has).
        allowed = Q(pk__in=Municipality.objects.managed_by(user).values("pk"))
        if self.instance.pk:
            allowed |= Q(councils=self.instance)
        self.fields["municipalities"].queryset = Municipality.objects.filter(allowed).distinct().order_by("name")
        if not self.instance.pk:
            self.initial.setdefault("municipalities", [municipality.pk])

    def clean_municipalities(self):
        chosen = self.cleaned_data["municipalities"]
        if self.municipality not in chosen:
            raise forms.ValidationError(
                _("The council must include %(name)s, the municipality you are working in."),
                code="own_municipality_missing",
                params={"name": self.municipality.name},
            )
        return chosen


class OrganisationForm(TenantConstraintsMixin, PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality


class MembershipForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = [
            "name",
            "role",
            "title",
            "organisation",
            "email",
            "term_start",
            "term_end",
            "until_successor",
            "alternate_for",
            "publish_name",
        ]
        widgets = {"term_start": DateInput(), "term_end": DateInput()}

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.council = council
        self.fields["organisation"].queryset = Organisation.objects.filter(
            municipality__in=council.municipalities.all()
        ).order_by("name")
        alternates = Membership.objects.filter(council=council, alternate_for__isnull=True)
        if self.instance.pk:
            alternates = alternates.exclude(pk=self.instance.pk)
        self.fields["alternate_for"].queryset = alternates.order_by("name")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end < start:
            self.add_error(
                "term_end",
                forms.ValidationError(
                    _("The term cannot end (%(end)s) before it starts (%(start)s)."),
                    code="term_end_before_start",
                    params={"start": start.isoformat(), "end": end.isoformat()},
                ),
            )
        return cleaned


class InvitationForm(PortalFormMixin, forms.Form):
    submit_label = _("Send invitation")

    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=PortalRole.Role.choices)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "There is already an account with the address %(email)s. Ask a portal administrator "
                    "to give that account a role here instead of sending an invitation."
                ),
                code="account_exists",
                params={"email": email},
            )
        return email


class PortalRoleForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = PortalRole
        fields = ["role"]
