"""The situation picture (lägesbild): places, incidents, safety walks, statistics, police events, the document.

Incidents are about places and situations, never individuals: a place is an address at most, and free text is
checked for personal identity numbers, phone numbers and registration plates before it is stored.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from councils.models import Municipality, Organisation


class Visibility(models.TextChoices):
    POLICE = "police", _("Police only")
    COUNCIL = "council", _("Council")
    PUBLIC = "public", _("Public, as aggregates")


class Tag(models.TextChoices):
    CRIME = "brott", pgettext_lazy("incident tag", "Crime")
    INSECURITY = "otrygghet", pgettext_lazy("incident tag", "Insecurity")


class Source(models.TextChoices):
    EST = "est", _("EST report")
    WALK = "walk", _("Safety walk")
    POLICE_FEED = "police_feed", _("Police events feed")
    OTHER = "other", pgettext_lazy("incident source", "Other")


LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


class Area(models.Model):
    """A part of the municipality: a tätort, a district within it, …; areas form a hierarchy."""

    class Kind(models.TextChoices):
        LOCALITY = "locality", _("Locality (tätort)")
        DISTRICT = "district", _("District")
        OTHER = "other", pgettext_lazy("area kind", "Other")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="areas", verbose_name=_("municipality")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LOCALITY)
    outline = models.JSONField(_("outline (GeoJSON)"), null=True, blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="situation_area_unique_name",
                violation_error_message=_("The municipality already has an area with that name."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="situation_area_not_own_parent",
                violation_error_message=_("An area cannot be part of itself."),
            ),
        ]

    def __str__(self):
        return self.name


class Place(models.Model):
    """A place at address level at most: a square, a street, a school yard, a bus stop."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="places", verbose_name=_("municipality")
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="places", verbose_name=_("area")
    )
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE
    )
    is_hot_spot = models.BooleanField(_("hot spot"), default=False)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="situation_place_unique_name",
                violation_error_message=_("The municipality already has a place with that name."),
            )
        ]

    def __str__(self):
        return self.name


class IncidentCategory(models.Model):
    """What happened, per municipality (seeded from the national list, editable)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="incident_categories", verbose_name=_("municipality")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="subtypes", verbose_name=_("subtype of")
    )
    name = models.CharField(_("name"), max_length=120)
    tag = models.CharField(_("default tag"), max_length=20, choices=Tag.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="situation_category_unique_name",
                violation_error_message=_("The municipality already has a category with that name."),
            )
        ]

    def __str__(self):
        return f"{self.parent.name}: {self.name}" if self.parent_id and self.parent else self.name


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user, municipality):
        """What a user may read of one municipality's incidents (see situation/rules.py)."""
        from situation.rules import incident_scope

        return incident_scope(self.filter(municipality=municipality), user, municipality)


class Incident(TimeStampedModel):
    """An event that creates crime or insecurity at a place (otrygghetsskapande händelse)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="incidents", verbose_name=_("municipality")
    )
    category = models.ForeignKey(
        IncidentCategory, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("category")
    )
    tag = models.CharField(_("tag"), max_length=20, choices=Tag.choices)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    place = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents", verbose_name=_("place")
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents", verbose_name=_("area")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE
    )
    description = models.TextField(_("what happened"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.COUNCIL
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.EST)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("reported by"),
    )
    anonymised_at = models.DateTimeField(_("free text removed"), null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["municipality", "occurred_at"], name="situation_incident_mun_time"),
            models.Index(fields=["municipality", "category", "occurred_at"], name="situation_incident_mun_cat"),
        ]

    def __str__(self):
        return f"{self.category} {self.occurred_at:%Y-%m-%d %H:%M}"


class SafetyWalk(TimeStampedModel):
    """Trygghetsvandring: a walk along a route; each observation ends as a proposed measure or a closed note."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="safety_walks", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    route = models.ManyToManyField(Place, blank=True, related_name="safety_walks", verbose_name=_("route"))
    participants = models.TextField(
        _("participants"), blank=True, help_text=_("Organisations and roles; names only with consent.")
    )
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords(m2m_fields=[route])

    class Meta:
        verbose_name = _("safety walk")
        verbose_name_plural = _("safety walks")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"


class WalkObservation(TimeStampedModel):
    class Outcome(models.TextChoices):
        OPEN = "open", _("Not yet handled")
        MEASURE = "measure", _("Proposed measure")
        CLOSED = "closed", _("Closed")

    walk = models.ForeignKey(
        SafetyWalk, on_delete=models.CASCADE, related_name="observations", verbose_name=_("safety walk")
    )
    place = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="observations", verbose_name=_("place")
    )
    category = models.ForeignKey(
        IncidentCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("category"),
    )
    note = models.TextField(_("observation"))
    photo = models.ImageField(_("photo"), upload_to="situation/walks/", blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    proposed_measure = models.TextField(_("proposed measure"), blank=True)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["walk", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="measure") | (~Q(proposed_measure="") & Q(responsible_organisation__isnull=False)),
                name="situation_observation_measure_complete",
                violation_error_message=_("A proposed measure needs a text and a responsible organisation."),
            ),
            models.CheckConstraint(
                condition=~Q(outcome="closed") | ~Q(closed_reason=""),
                name="situation_observation_closed_reason",
                violation_error_message=_("Say why the observation is closed."),
            ),
        ]

    def __str__(self):
        return self.note[:60]


class CrimeStatistic(models.Model):
    """One imported figure: reported crimes of a category in a municipality for a period."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="crime_statistics", verbose_name=_("municipality")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    category = models.CharField(_("category"), max_length=150)
    count = models.PositiveIntegerField(_("count"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("crime statistic")
        verbose_name_plural = _("crime statistics")
        ordering = ["municipality", "period_start", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period_start", "period_end", "category"],
                name="situation_statistic_unique",
                violation_error_message=_("There is already a figure for that municipality, period and category."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="situation_statistic_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.period_start}–{self.period_end} {self.category}: {self.count}"


class PoliceEvent(models.Model):
    """An event from the police's open events feed (the feed gives the municipality centre only)."""

    event_id = models.BigIntegerField(_("event id"), unique=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="police_events", verbose_name=_("municipality")
    )
    occurred_at = models.DateTimeField(_("time"))
    name = models.CharField(_("name"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    type = models.CharField(_("type"), max_length=150)
    location_name = models.CharField(_("location"), max_length=150)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("police event")
        verbose_name_plural = _("police events")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["municipality", "occurred_at"], name="situation_policeevent_mun_time")]

    def __str__(self):
        return self.name


class FeedState(models.Model):
    """The police feed client's memory, so the rate rules hold across processes and restarts."""

    key = models.CharField(max_length=50, unique=True)
    last_call_at = models.DateTimeField(null=True, blank=True)
    calls = models.JSONField(default=list, help_text="Times of recent calls (ISO), for the hourly and daily limits.")
    disabled_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("feed state")
        verbose_name_plural = _("feed states")
        ordering = ["key"]

    def __str__(self):
        return self.key


class SituationPictureQuerySet(models.QuerySet):
    def adopted(self):
        return self.filter(status=SituationPicture.Status.ADOPTED)


class SituationPicture(TimeStampedModel):
    """Lägesbild: the joint picture of crime and insecurity for a period, with the parts the law names."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("situation picture status", "Draft")
        ADOPTED = "adopted", pgettext_lazy("situation picture status", "Adopted")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="situation_pictures", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    crime_mapping = models.TextField(
        _("mapping of crime, its extent and consequences"),
        blank=True,
        help_text=_("Lag (2023:196) 4 §: a mapping of crime in the municipality, its extent and consequences."),
    )
    other_information = models.TextField(_("other relevant information"), blank=True)
    cause_analysis = models.TextField(_("analysis of causes"), blank=True)
    public_summary = models.TextField(
        _("summary for residents"), blank=True, help_text=_("Published on the municipality's public page when adopted.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    adopted_at = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by_body = models.CharField(
        _("adopted by"), max_length=200, blank=True, help_text=_("For example “kommunstyrelsen”.")
    )
    adopted_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(_("figures frozen at adoption"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="situation/pictures/", blank=True)
    history = HistoricalRecords()

    objects = SituationPictureQuerySet.as_manager()

    class Meta:
        verbose_name = _("situation picture")
        verbose_name_plural = _("situation pictures")
        ordering = ["-period_end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="situation_picture_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(adopted_at__isnull=False),
                name="situation_picture_adopted_has_date",
                violation_error_message=_("An adopted situation picture has an adoption date."),
            ),
        ]

    def __str__(self):
        return self.title


class SituationProblem(models.Model):
    """A problem area the situation picture points out, with the evidence it rests on."""

    picture = models.ForeignKey(
        SituationPicture, on_delete=models.CASCADE, related_name="problems", verbose_name=_("situation picture")
    )
    title = models.CharField(_("problem area"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("The figures, reports and walks it rests on."))
    categories = models.ManyToManyField(IncidentCategory, blank=True, related_name="+", verbose_name=_("categories"))
    areas = models.ManyToManyField(Area, blank=True, related_name="+", verbose_name=_("areas"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords(m2m_fields=[categories, areas])

    class Meta:
        verbose_name = _("problem area")
        verbose_name_plural = _("problem areas")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title
