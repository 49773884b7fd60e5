"""Forms of the meeting pages. They check what one form can see (times in order, the fields a choice needs);
the services check the rest (tenancy, locking) and their refusals are shown beside the fields."""

from datetime import datetime, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from councils.forms import DateInput, PortalFormMixin
from councils.meetings_services import MAX_SERIES, ONE_LINK_ONLY
from councils.models import AgendaItem, Attendance, Meeting, Membership, Organisation


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class InviteeField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        parts = [str(obj.get_role_display())] + ([obj.organisation.name] if obj.organisation_id else [])
        return f"{obj.name} ({', '.join(parts)})"


class MeetingForm(PortalFormMixin, forms.Form):
    """Schedule (with an optional recurrence) or edit a meeting of one council."""

    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends"), widget=TimeInput())
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", help_text=_("For members who take part remotely.")
    )
    description = forms.CharField(label=_("Invitation text"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    invitees = InviteeField(
        label=_("Invited"), queryset=Membership.objects.none(), required=False,
        help_text=_("The council's current members and alternates."),
    )  # fmt: skip
    safety_walk = forms.ModelChoiceField(
        label=_("Safety walk"), queryset=None, required=False,
        help_text=_("For a preparatory or follow-up meeting of a safety walk."),
    )  # fmt: skip
    recurrence = forms.ChoiceField(label=_("Repeat"), choices=Meeting.Recurrence.choices, required=False)
    count = forms.IntegerField(
        label=_("Number of meetings"), min_value=2, max_value=MAX_SERIES, required=False,
        help_text=_("For a series: how many meetings, this one included."),
    )  # fmt: skip
    until = forms.DateField(
        label=_("Or: the last date"), required=False, widget=DateInput(),
        help_text=_("For a series: no meeting after this date."),
    )  # fmt: skip

    def __init__(self, *args, council, municipality, meeting=None, **kwargs):
        from councils.meetings_selectors import invitable
        from situation.models import SafetyWalk

        self.submit_label = _("Save the meeting") if meeting else _("Schedule")
        super().__init__(*args, **kwargs)
        self.council, self.meeting = council, meeting
        already = list(meeting.invitees.values_list("pk", flat=True)) if meeting else []
        self.fields["invitees"].queryset = invitable(council, include=already)
        self.fields["safety_walk"].queryset = SafetyWalk.objects.filter(municipality=municipality).order_by("-date")
        if meeting is not None:
            for name in ("recurrence", "count", "until"):
                del self.fields[name]
            start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
            self.initial.update(
                kind=meeting.kind,
                title=meeting.title,
                date=start.date(),
                start_time=start.time(),
                end_time=end.time(),
                location=meeting.location,
                video_url=meeting.video_url,
                description=meeting.description,
                invitees=already,
                safety_walk=meeting.safety_walk_id,
            )
        else:
            self.initial.setdefault("kind", Meeting.Kind.EST if council.kind == "est" else Meeting.Kind.COUNCIL)
            self.initial.setdefault("title", council.name)
            self.initial.setdefault("invitees", [m.pk for m in self.fields["invitees"].queryset])

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error(
                    "end_time", forms.ValidationError(_("The meeting must end after it starts."), code="order")
                )
            else:
                cleaned["starts_at"] = timezone.make_aware(datetime.combine(day, start))
                cleaned["ends_at"] = timezone.make_aware(datetime.combine(day, end))
        if not cleaned.get("location") and not cleaned.get("video_url"):
            self.add_error(
                "location",
                forms.ValidationError(_("Give the place of the meeting, a video link, or both."), code="nowhere"),
            )
        if cleaned.get("recurrence"):
            count, until = cleaned.get("count"), cleaned.get("until")
            if count is None and until is None and "count" not in self.errors and "until" not in self.errors:
                self.add_error(
                    "count",
                    forms.ValidationError(
                        _("A series needs the number of meetings or the date of the last one."), code="open_ended"
                    ),
                )
            elif count is not None and until is not None:
                self.add_error(
                    "until",
                    forms.ValidationError(_("Give the number of meetings or the last date, not both."), code="both"),
                )
            elif until is not None and day and until <= day:
                self.add_error(
                    "until", forms.ValidationError(_("The last date must be after the first meeting."), code="order")
                )
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("kind", "title", "starts_at", "ends_at", "location", "video_url", "description")
        }
        fields["safety_walk"] = data.get("safety_walk")
        return fields


class ConfirmForm(PortalFormMixin, forms.Form):
    """A form with nothing but its button: for cancelling and removing."""

    def __init__(self, *args, submit_label, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class LinkedMeasureField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.problem_area.plan.title})"


class AgendaItemForm(PortalFormMixin, forms.ModelForm):
    """An agenda item; its link (at most one) may point only at the meeting's own municipality's objects."""

    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "description",
            "parent",
            "is_public",
            "measure",
            "follow_up",
            "incident",
            "situation_picture",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"measure": LinkedMeasureField}

    def __init__(self, *args, meeting, user, **kwargs):
        from actionplans.models import Measure
        from councils.meetings_selectors import agenda_items, agenda_tree, flatten
        from pledges.models import FollowUp
        from situation.models import Incident, SituationPicture

        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        municipality = meeting.municipality
        items = flatten(agenda_tree(agenda_items(meeting)))
        if self.instance.pk:
            excluded = {self.instance.pk} | {i.pk for i in flatten(self._subtree(items, self.instance.pk))}
            items = [i for i in items if i.pk not in excluded]
        self.fields["parent"].queryset = AgendaItem.objects.filter(pk__in=[i.pk for i in items])
        self.fields["parent"].choices = [("", "---------")] + [(i.pk, f"{i.number} {i.title}") for i in items]
        self.fields["parent"].label = _("Under item")
        self.fields["parent"].help_text = _("Leave empty for a main item.")
        self.fields["measure"].queryset = Measure.objects.filter(
            problem_area__plan__municipality=municipality, problem_area__plan__status__in=["draft", "adopted"]
        ).select_related("problem_area__plan")
        self.fields["follow_up"].queryset = FollowUp.objects.filter(pledge__municipalities=municipality).select_related(
            "pledge"
        )
        recent = timezone.now() - timedelta(days=90)
        incidents = Incident.objects.visible_to(user, municipality).filter(occurred_at__gte=recent)
        if self.instance.incident_id:
            incidents = incidents | Incident.objects.filter(pk=self.instance.incident_id, municipality=municipality)
        self.fields["incident"].queryset = incidents.select_related("category")
        self.fields["incident"].help_text = _("Incidents of the last 90 days.")
        self.fields["situation_picture"].queryset = SituationPicture.objects.filter(municipality=municipality)

    @staticmethod
    def _subtree(items, pk):
        return next((i.children_list for i in items if i.pk == pk), [])

    def clean(self):
        cleaned = super().clean()
        links = [name for name in ("measure", "follow_up", "incident", "situation_picture") if cleaned.get(name)]
        if len(links) > 1:
            self.add_error(
                links[1],
                forms.ValidationError(ONE_LINK_ONLY, code="several_links"),
            )
        return cleaned


class AttendanceRowForm(forms.Form):
    """One invitee's line in the register (prefixed with the membership id)."""

    status = forms.ChoiceField(
        label=_("Attendance"), choices=Attendance.Status.choices, widget=forms.RadioSelect, initial="present"
    )
    arrived_at = forms.TimeField(label=_("Arrived late at"), required=False, widget=TimeInput())
    left_at = forms.TimeField(label=_("Left early at"), required=False, widget=TimeInput())
    alternate = forms.ModelChoiceField(label=_("Alternate serving"), queryset=Membership.objects.none(), required=False)

    def __init__(self, *args, membership, seats, **kwargs):
        super().__init__(*args, prefix=f"m{membership.pk}", **kwargs)
        self.membership = membership
        self.fields["alternate"].queryset = seats.exclude(pk=membership.pk)

    def clean(self):
        cleaned = super().clean()
        arrived, left = cleaned.get("arrived_at"), cleaned.get("left_at")
        if cleaned.get("status") == Attendance.Status.ABSENT and (arrived or left):
            self.add_error(
                "status",
                forms.ValidationError(
                    _("Someone absent has no time of arrival or departure: clear the times or change the attendance."),
                    code="absent_with_times",
                ),
            )
        if arrived and left and left <= arrived:
            self.add_error("left_at", forms.ValidationError(_("Cannot leave before arriving."), code="order"))
        return cleaned


class MinutesForm(PortalFormMixin, forms.Form):
    """The general notes, the adjusters and one note per agenda item (fields `note_<item id>`)."""

    submit_label = _("Save the minutes")

    minutes_text = forms.CharField(
        label=_("General notes"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Internal: not part of the published minutes."),
    )  # fmt: skip
    minutes_adjusters = forms.CharField(
        label=_("Adjusted by"), max_length=300, required=False,
        help_text=_("Who checks and signs the minutes with the chair, e.g. two members."),
    )  # fmt: skip

    def __init__(self, *args, meeting, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.initial.setdefault("minutes_text", meeting.minutes_text)
        self.initial.setdefault("minutes_adjusters", meeting.minutes_adjusters)
        for item in items:
            name = f"note_{item.pk}"
            label = f"{item.number} {item.title}"
            self.fields[name] = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))
            if not item.is_public:
                self.fields[name].help_text = _("Closed item: never published.")
            self.initial.setdefault(name, item.minutes_note)

    def item_notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"note_{item.pk}"] for item in self.items}


class ProblemAreaField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.title}: {obj.title}"


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class DecisionForm(PortalFormMixin, forms.Form):
    """A decision (§) of the minutes; optionally it creates a measure in the municipality's action plan."""

    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False)
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 4}))
    is_public = forms.BooleanField(
        label=_("Public"), required=False, initial=True,
        help_text=_("Public decisions are part of the published minutes."),
    )  # fmt: skip
    create_measure = forms.BooleanField(label=_("The decision creates a measure in the action plan"), required=False)
    problem_area = ProblemAreaField(label=_("Problem area"), queryset=None, required=False)
    measure_title = forms.CharField(label=_("Measure"), max_length=300, required=False)
    owner = OwnerField(label=_("Owner"), queryset=None, required=False, help_text=_("Reports progress on the measure."))
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=None, required=False
    )
    end_date = forms.DateField(label=_("To be done by"), required=False, widget=DateInput())

    MEASURE_FIELDS = ("problem_area", "measure_title", "owner", "responsible_organisation", "end_date")

    def __init__(self, *args, meeting, items, decision=None, **kwargs):
        from actionplans.models import ProblemArea

        self.submit_label = _("Save the decision")
        super().__init__(*args, **kwargs)
        municipality = meeting.municipality
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting=meeting)
        self.fields["agenda_item"].choices = [("", "---------")] + [(i.pk, f"{i.number} {i.title}") for i in items]
        self.fields["problem_area"].queryset = (
            ProblemArea.objects.filter(plan__municipality=municipality, plan__status__in=["draft", "adopted"])
            .select_related("plan")
            .order_by("-plan__period_start", "order", "pk")
        )
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(portal_roles__municipality=municipality).order_by("full_name", "email")
        )
        self.fields["responsible_organisation"].queryset = Organisation.objects.filter(
            municipality=municipality
        ).order_by("name")
        if decision is not None:
            self.initial.update(agenda_item=decision.agenda_item_id, text=decision.text, is_public=decision.is_public)
            if decision.measure_id:
                for name in ("create_measure", *self.MEASURE_FIELDS):
                    del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("create_measure"):
            required = {
                "problem_area": _("Choose the problem area the measure belongs to."),
                "measure_title": _("Name the measure."),
                "owner": _("Choose who owns the measure."),
                "end_date": _("Give the date the measure is to be done by."),
            }
            for name, message in required.items():
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, forms.ValidationError(message, code="required_for_measure"))
        return cleaned

    def new_measure(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("create_measure"):
            return None
        return {
            "problem_area": data["problem_area"],
            "title": data["measure_title"],
            "owner": data["owner"],
            "responsible_organisation": data.get("responsible_organisation"),
            "end_date": data["end_date"],
        }
