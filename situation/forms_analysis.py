"""The filters of the analysis page: a GET form whose query string is also the CSV export's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from councils.forms import DateInput
from situation.analysis import EARLIEST, LATEST, MAX_PERIOD_DAYS, AnalysisFilters, FilterOptions, Period, default_period
from situation.models import Source, Tag


class AnalysisFilterForm(forms.Form):
    """Always bound: a missing or empty date means the default period (the last twelve months)."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    category = forms.TypedChoiceField(
        label=_("Category"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A category includes its subtypes."),
    )
    area = forms.TypedChoiceField(
        label=_("Area"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("An area includes its parts."),
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All sources")), *Source.choices])
    tag = forms.ChoiceField(label=_("Tag"), required=False, choices=[("", _("Crime and insecurity")), *Tag.choices])

    def __init__(self, data=None, *, options: FilterOptions, today=None, **kwargs):
        self.options = options
        self.default_period = default_period(today)
        data = data.copy() if data is not None else {}
        for name, value in (("start", self.default_period.start), ("end", self.default_period.end)):
            if not data.get(name):
                data[name] = value.isoformat()
        super().__init__(data, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.pk, self._indented(depth, category.name, category.is_active))
            for depth, category in options.category_tree()
        ]
        self.fields["area"].choices = [("", _("The whole municipality"))] + [
            (area.pk, self._indented(depth, area.name)) for depth, area in options.area_tree()
        ]
        for form_field in self.fields.values():
            css = "form-select" if isinstance(form_field, forms.ChoiceField) else "form-control"
            form_field.widget.attrs["class"] = css

    @staticmethod
    def _indented(depth: int, name: str, active: bool = True) -> str:
        label = "– " * depth + name
        return label if active else _("%(name)s (no longer in use)") % {"name": label}

    def full_clean(self):
        super().full_clean()
        # Point each invalid field at its message, so a screen reader reads the message with the field.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
                described = [f"id_{name}_error"]
                if self.fields[name].help_text:
                    described.append(f"id_{name}_helptext")
                widget.attrs["aria-describedby"] = " ".join(described)

    def _check_date(self, name):
        value = self.cleaned_data.get(name)
        if value and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                _("Choose a date from %(earliest)s to %(latest)s."),
                code="date_out_of_range",
                params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
        return value

    def clean_start(self):
        return self._check_date("start")

    def clean_end(self):
        return self._check_date("end")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error(
                    "end", forms.ValidationError(_("The period cannot end before it starts."), code="end_before_start")
                )
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error(
                    "end", forms.ValidationError(_("Choose a period of at most ten years."), code="period_too_long")
                )
        return cleaned

    def filters(self) -> AnalysisFilters:
        """The valid form as the analysis' filters, with subtypes and child areas included."""
        data = self.cleaned_data
        category_id, area_id = data.get("category"), data.get("area")
        return AnalysisFilters(
            period=Period(data["start"], data["end"]),
            category=self.options.category_by_id.get(category_id),
            category_ids=self.options.category_with_subtypes(category_id) if category_id else frozenset(),
            area=self.options.area_by_id.get(area_id),
            area_ids=self.options.area_with_children(area_id) if area_id else frozenset(),
            source=data.get("source") or "",
            tag=data.get("tag") or "",
        )
