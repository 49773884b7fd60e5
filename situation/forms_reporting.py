import json
import math
import re

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.privacy import mask_personal_data, validate_no_personal_data
from core.validators import validate_upload_size
from councils.forms import PortalFormMixin, TenantConstraintsMixin
from situation.categories import categories_for
from situation.models import Area, Incident, IncidentCategory, Place, Tag, Visibility

# A place is an address at most: nothing that points inside a home.
_INSIDE_HOME = re.compile(r"\b(lgh|lägenhet|lägenhetsnummer|våning|vån\.?|trappa|tr\.)\s*\d*", re.IGNORECASE)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"– {obj.name}" if obj.parent_id else obj.name


class IncidentReportForm(forms.ModelForm):
    mask_personal_data = forms.BooleanField(
        label=_("Remove personal data for me"),
        required=False,
        help_text=_("Numbers that identify people or vehicles are replaced by […] before saving."),
    )
    tag = forms.ChoiceField(
        label=_("Crime or insecurity?"),
        choices=[("", _("As the category says")), *Tag.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Incident
        fields = [
            "category",
            "tag",
            "occurred_at",
            "place",
            "address",
            "area",
            "latitude",
            "longitude",
            "description",
            "visibility",
        ]
        field_classes = {"category": CategoryChoiceField}
        widgets = {
            "occurred_at": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
        }
        labels = {"place": _("Known place"), "address": _("Or an address or description of the place")}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["category"].queryset = categories_for(municipality).order_by("order", "name")
        self.fields["place"].queryset = Place.objects.filter(municipality=municipality).order_by("-is_hot_spot", "name")
        self.fields["area"].queryset = Area.objects.filter(municipality=municipality).order_by("name")
        self.fields["area"].help_text = _("Only needed when the place is not a known place.")
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["description"].help_text = _(
            "What happened, at the place. Never names, personal identity numbers, phone numbers or number plates."
        )
        self.fields["visibility"].initial = Visibility.COUNCIL

    def clean_address(self):
        address = self.cleaned_data.get("address", "").strip()
        if _INSIDE_HOME.search(address):
            raise forms.ValidationError(
                _("Give the place at street address level at most: no flat, floor or staircase numbers."),
                code="inside_home",
            )
        return address

    def clean_occurred_at(self):
        when = self.cleaned_data["occurred_at"]
        if when and when > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("The time is in the future."), code="future")
        return when

    def clean(self):
        cleaned = super().clean()
        text_fields = ("description", "address")
        if cleaned.get("mask_personal_data"):
            for name in text_fields:
                if cleaned.get(name):
                    cleaned[name] = mask_personal_data(cleaned[name])
        else:
            for name in text_fields:
                try:
                    validate_no_personal_data(cleaned.get(name, ""))
                except forms.ValidationError as error:
                    self.add_error(name, error)
        has_point = cleaned.get("latitude") is not None and cleaned.get("longitude") is not None
        if not (cleaned.get("place") or cleaned.get("address") or has_point):
            self.add_error(
                "place",
                forms.ValidationError(_("Say where: a known place, an address or your position."), code="where"),
            )
        category: IncidentCategory | None = cleaned.get("category")
        if category and not cleaned.get("tag"):
            cleaned["tag"] = category.tag
        if cleaned.get("place") and not cleaned.get("area"):
            cleaned["area"] = cleaned["place"].area
        return cleaned


class PlaceForm(TenantConstraintsMixin, PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Place
        fields = ["name", "area", "address", "latitude", "longitude", "is_hot_spot"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["area"].queryset = Area.objects.filter(municipality=municipality).order_by("name")
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update({"step": "0.000001", "inputmode": "decimal"})

    def clean_address(self):
        address = self.cleaned_data.get("address", "").strip()
        if _INSIDE_HOME.search(address):
            raise forms.ValidationError(
                _("Give the place at street address level at most: no flat, floor or staircase numbers."),
                code="inside_home",
            )
        validate_no_personal_data(address)
        return address


def _is_ring(ring) -> bool:
    """At least four [longitude, latitude] positions of finite numbers (GeoJSON's linear ring)."""
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(position, list)
            and len(position) >= 2
            and all(isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n) for n in position)
            for position in ring
        )
    )


def outline_geometry(data) -> dict | None:
    """The Polygon or MultiPolygon in a GeoJSON geometry, Feature or FeatureCollection (its first feature), as
    only its type and coordinates; None for anything else. The map draws what is stored, so nothing but numbers
    in the GeoJSON shape is kept."""
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        data = features[0] if isinstance(features, list) and features else None
    if isinstance(data, dict) and "geometry" in data:
        data = data["geometry"]
    if not isinstance(data, dict):
        return None
    kind, coordinates = data.get("type"), data.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    if not isinstance(polygons, list) or not polygons:
        return None
    if not all(isinstance(rings, list) and rings and all(_is_ring(ring) for ring in rings) for rings in polygons):
        return None
    return {"type": kind, "coordinates": coordinates}


class AreaForm(TenantConstraintsMixin, PortalFormMixin, forms.ModelForm):
    outline_file = forms.FileField(
        label=_("Outline (GeoJSON file)"), required=False, help_text=_("Optional: a Polygon or MultiPolygon.")
    )

    class Meta:
        model = Area
        fields = ["name", "kind", "parent"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        parents = Area.objects.filter(municipality=municipality).order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                raise forms.ValidationError(_("An area cannot be part of one of its own parts."), code="cycle")
            node = node.parent
        return parent

    def clean_outline_file(self):
        upload = self.cleaned_data.get("outline_file")
        if not upload:
            return None
        validate_upload_size(upload, settings.AREA_OUTLINE_MAX_BYTES)
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise forms.ValidationError(_("The file is not valid GeoJSON."), code="bad_geojson") from exc
        geometry = outline_geometry(data)
        if geometry is None:
            raise forms.ValidationError(_("The outline must be a Polygon or a MultiPolygon."), code="bad_geometry")
        return geometry

    def save(self, commit=True):
        if self.cleaned_data.get("outline_file"):
            self.instance.outline = self.cleaned_data["outline_file"]
        return super().save(commit)


class CategoryForm(TenantConstraintsMixin, PortalFormMixin, forms.ModelForm):
    class Meta:
        model = IncidentCategory
        fields = ["name", "parent", "tag", "order", "is_active"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        self.fields["parent"].queryset = IncidentCategory.objects.filter(
            municipality=municipality, parent__isnull=True
        ).exclude(pk=self.instance.pk or 0)
