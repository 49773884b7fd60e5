"""Forms of safety walks. They collect input; the rules (personal data, photos, outcomes) are in situation/walks.py,
and the views put the errors those raise back on these forms, beside the fields they concern."""

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from councils.forms import DateInput, PortalFormMixin
from councils.models import Organisation
from situation.categories import categories_for
from situation.models import IncidentCategory, Place, SafetyWalk, WalkObservation
from situation.walks import sorted_by_name

PHOTO_TYPES = "image/jpeg,image/png,image/webp"


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def _mask_field():
    return forms.BooleanField(
        label=_("Remove personal data for me"),
        required=False,
        help_text=_("Numbers that identify people or vehicles are replaced by […] before saving."),
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"– {obj.name}" if obj.parent_id else obj.name


class WalkForm(PortalFormMixin, forms.Form):
    title = forms.CharField(label=_label(SafetyWalk, "title"), max_length=200)
    date = forms.DateField(label=_label(SafetyWalk, "date"), widget=DateInput())
    route = forms.ModelMultipleChoiceField(
        label=_label(SafetyWalk, "route"),
        queryset=Place.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The places the walk passes."),
    )
    participants = forms.CharField(
        label=_label(SafetyWalk, "participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=SafetyWalk._meta.get_field("participants").help_text,
    )
    summary = forms.CharField(
        label=_label(SafetyWalk, "summary"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    mask_personal_data = _mask_field()

    def __init__(self, *args, municipality, walk=None, **kwargs):
        if walk is not None:
            kwargs["initial"] = {
                "title": walk.title,
                "date": walk.date,
                "route": list(walk.route.values_list("pk", flat=True)),
                "participants": walk.participants,
                "summary": walk.summary,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        places = sorted_by_name(Place.objects.filter(municipality=municipality))
        self.fields["route"].queryset = Place.objects.filter(municipality=municipality)
        self.fields["route"].widget.choices = [(place.pk, place.name) for place in places]
        if not places:
            self.fields["route"].help_text = _(
                "The municipality has no places yet; add them under the situation picture."
            )


class ObservationForm(PortalFormMixin, forms.Form):
    place = forms.ModelChoiceField(
        label=_label(WalkObservation, "place"), queryset=Place.objects.none(), required=False
    )
    category = CategoryChoiceField(
        label=_label(WalkObservation, "category"), queryset=IncidentCategory.objects.none(), required=False
    )
    note = forms.CharField(
        label=_label(WalkObservation, "note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the walk noticed at the place. Never names, personal identity numbers, phone numbers or "
            "number plates."
        ),
    )
    photo = forms.FileField(
        label=_label(WalkObservation, "photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": PHOTO_TYPES}),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)
    mask_personal_data = _mask_field()

    def __init__(self, *args, walk, observation=None, **kwargs):
        if observation is not None:
            kwargs["initial"] = {
                "place": observation.place_id,
                "category": observation.category_id,
                "note": observation.note,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        municipality = walk.municipality
        self.fields["place"].queryset = Place.objects.filter(municipality=municipality)
        places = sorted_by_name(self.fields["place"].queryset)
        on_route = set(walk.route.values_list("pk", flat=True))
        empty = ("", self.fields["place"].empty_label)
        if on_route:
            # The places of the route first: they are what the walk passed.
            self.fields["place"].widget.choices = [
                empty,
                (_("On the route"), [(p.pk, p.name) for p in places if p.pk in on_route]),
                (_("Other places"), [(p.pk, p.name) for p in places if p.pk not in on_route]),
            ]
        else:
            self.fields["place"].widget.choices = [empty, *((p.pk, p.name) for p in places)]
        self.fields["category"].queryset = categories_for(municipality).order_by("order", "name")
        self.fields["photo"].help_text = _(
            "Optional. JPEG, PNG or WebP, at most %(size)s. The photo is stored without its location and camera "
            "data, and only the council's people can see it."
        ) % {"size": filesizeformat(settings.WALK_PHOTO_MAX_BYTES)}
        if observation is None or not observation.photo:
            del self.fields["remove_photo"]

    def photo_lost(self) -> bool:
        """A photo was sent with a form that is shown again: browsers do not keep a chosen file."""
        return self.is_bound and bool(self.files.get("photo")) and bool(self.errors) and "photo" not in self.errors


class OutcomeForm(PortalFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_label(WalkObservation, "outcome"), choices=WalkObservation.Outcome.choices, widget=forms.RadioSelect
    )
    proposed_measure = forms.CharField(
        label=_label(WalkObservation, "proposed_measure"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_organisation = forms.ModelChoiceField(
        label=_label(WalkObservation, "responsible_organisation"), queryset=Organisation.objects.none(), required=False
    )
    closed_reason = forms.CharField(
        label=_label(WalkObservation, "closed_reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    mask_personal_data = _mask_field()

    def __init__(self, *args, observation, **kwargs):
        kwargs["initial"] = {
            "outcome": observation.outcome,
            "proposed_measure": observation.proposed_measure,
            "responsible_organisation": observation.responsible_organisation_id,
            "closed_reason": observation.closed_reason,
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(municipality_id=observation.walk.municipality_id)
        field = self.fields["responsible_organisation"]
        field.queryset = organisations
        field.widget.choices = [("", field.empty_label), *((o.pk, o.name) for o in sorted_by_name(organisations))]
        Outcome = WalkObservation.Outcome
        self.helper.layout = Layout(
            "outcome",
            Fieldset(
                Outcome.MEASURE.label,
                "proposed_measure",
                "responsible_organisation",
                css_class="border rounded p-3 mb-3",
            ),
            Fieldset(Outcome.CLOSED.label, "closed_reason", css_class="border rounded p-3 mb-3"),
            "mask_personal_data",
        )
        self.fields["proposed_measure"].help_text = _(
            "Needed for a proposed measure, with the responsible organisation."
        )
        self.fields["closed_reason"].help_text = _("Needed when the observation is closed.")
