from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.periods import Tertial, add_months
from councils.models import Municipality


def validate_pledge_period(start: date | None, end: date | None):
    """A pledge runs for at least one tertial (four months) and at most three years."""
    if not start or not end:
        return
    if end <= start:
        raise ValidationError({"end_date": _("The pledge must end after it starts.")}, code="period_order")
    if end < add_months(start, 4) - timedelta(days=1):
        raise ValidationError(
            {"end_date": _("A pledge must run for at least one tertial (four months).")}, code="period_too_short"
        )
    if end > add_months(start, 36) - timedelta(days=1):
        raise ValidationError({"end_date": _("A pledge can run for at most three years.")}, code="period_too_long")


class Responsible(models.TextChoices):
    POLICE = "police", pgettext_lazy("responsible party", "Police")
    MUNICIPALITY = "municipality", pgettext_lazy("responsible party", "Municipality")
    BOTH = "both", pgettext_lazy("responsible party", "Police and municipality")
    OTHER = "other", pgettext_lazy("responsible party", "Other")


class PartnershipAgreement(TimeStampedModel):
    """Samverkansöverenskommelse: the written agreement between the police area and the municipalities."""

    title = models.CharField(_("title"), max_length=200)
    municipalities = models.ManyToManyField(
        Municipality, related_name="partnership_agreements", verbose_name=_("municipalities")
    )
    police_area = models.CharField(_("local police area"), max_length=150)
    start_date = models.DateField(_("valid from"))
    end_date = models.DateField(_("valid to"))
    problems = models.TextField(_("shared problems"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    history = HistoricalRecords(m2m_fields=[municipalities])

    class Meta:
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="pledges_agreement_period_order",
                violation_error_message=_("The agreement must end after it starts."),
            )
        ]

    def __str__(self):
        return self.title


class CitizenPledgeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=[CitizenPledge.Status.PUBLISHED, CitizenPledge.Status.CLOSED])

    def for_municipality(self, municipality):
        return self.filter(municipalities=municipality)


class CitizenPledge(TimeStampedModel):
    """Medborgarlöfte: what the police and the municipality promise residents for a period of 1–3 years."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("pledge status", "Draft")
        PUBLISHED = "published", pgettext_lazy("pledge status", "Published")
        CLOSED = "closed", pgettext_lazy("pledge status", "Closed")

    title = models.CharField(_("title"), max_length=200)
    agreement = models.ForeignKey(
        PartnershipAgreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name=_("partnership agreement"),
    )
    municipalities = models.ManyToManyField(Municipality, related_name="pledges", verbose_name=_("municipalities"))
    police_area = models.CharField(_("local police area"), max_length=150)
    start_date = models.DateField(_("valid from"))
    end_date = models.DateField(_("valid to"))
    background = models.TextField(
        _("background"), blank=True, help_text=_("Why these focus areas: shown to residents.")
    )
    effect = models.TextField(_("intended effect"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[municipalities])

    objects = CitizenPledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen pledge")
        verbose_name_plural = _("citizen pledges")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="pledges_pledge_period_order",
                violation_error_message=_("The pledge must end after it starts."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self, municipality=None):
        municipality = municipality or self.municipalities.all()[0]
        return reverse("pledges:public-detail", kwargs={"kommun": municipality.slug, "pk": self.pk})

    def clean(self):
        super().clean()
        validate_pledge_period(self.start_date, self.end_date)

    @property
    def is_public(self):
        return self.status in (self.Status.PUBLISHED, self.Status.CLOSED)


class Signatory(models.Model):
    """A person who signed a pledge, with their title (e.g. lokalpolisområdeschef, KS ordförande)."""

    pledge = models.ForeignKey(
        CitizenPledge, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("citizen pledge")
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.name}, {self.title}"


class FocusArea(models.Model):
    pledge = models.ForeignKey(
        CitizenPledge, on_delete=models.CASCADE, related_name="focus_areas", verbose_name=_("citizen pledge")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    problem_area = models.ForeignKey(
        "actionplans.ProblemArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="focus_areas",
        verbose_name=_("problem area of the action plan"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class Activity(models.Model):
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, related_name="activities", verbose_name=_("focus area")
    )
    description = models.CharField(_("activity"), max_length=500)
    responsible = models.CharField(_("responsible"), max_length=20, choices=Responsible.choices)
    responsible_other = models.CharField(
        _("other responsible organisation"), max_length=200, blank=True, help_text=_("When “Other” is chosen.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pledge_activities",
        verbose_name=_("owner"),
        help_text=_("May report progress on this activity besides the coordinator."),
    )
    target = models.DecimalField(
        _("target"), max_digits=10, decimal_places=1, null=True, blank=True, help_text=_("For example 4.")
    )
    unit = models.CharField(_("unit"), max_length=100, blank=True, help_text=_("For example “safety walks”."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0),
                name="pledges_activity_target_not_negative",
                violation_error_message=_("The target cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(responsible="other") | ~Q(responsible_other=""),
                name="pledges_activity_other_named",
                violation_error_message=_(
                    "Name the organisation responsible when it is neither police nor municipality."
                ),
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def responsible_label(self):
        if self.responsible == Responsible.OTHER:
            return self.responsible_other
        return self.get_responsible_display()

    @property
    def is_police_row(self):
        return self.responsible in (Responsible.POLICE, Responsible.BOTH)

    @property
    def is_municipal_row(self):
        return self.responsible != Responsible.POLICE


class FollowUpQuerySet(models.QuerySet):
    def published(self):
        return self.filter(revisions__isnull=False).distinct()


class FollowUp(TimeStampedModel):
    """One tertial's report on every activity of a pledge. Published content lives in FollowUpRevision."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("follow-up status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("follow-up status", "Submitted for approval")
        RETURNED = "returned", pgettext_lazy("follow-up status", "Returned")
        PUBLISHED = "published", pgettext_lazy("follow-up status", "Published")

    pledge = models.ForeignKey(
        CitizenPledge, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("citizen pledge")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    tertial = models.PositiveSmallIntegerField(_("tertial"), choices=[(1, "T1"), (2, "T2"), (3, "T3")])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("summary"), blank=True, help_text=_("A few sentences to residents about the tertial."))
    return_comment = models.TextField(_("comment when returned"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["pledge", "year", "tertial"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "year", "tertial"],
                name="pledges_followup_one_per_tertial",
                violation_error_message=_("This pledge already has a follow-up for that tertial."),
            ),
            models.CheckConstraint(
                condition=Q(tertial__in=[1, 2, 3]),
                name="pledges_followup_tertial_valid",
                violation_error_message=_("A tertial is 1, 2 or 3."),
            ),
        ]

    def __str__(self):
        return f"{self.pledge} – {self.period}"

    @property
    def period(self) -> Tertial:
        return Tertial(self.year, self.tertial)

    @property
    def is_locked(self):
        return self.status in (self.Status.SUBMITTED, self.Status.PUBLISHED)


class ProgressRow(models.Model):
    """One activity's progress in one follow-up."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", pgettext_lazy("activity progress", "Not started")
        ONGOING = "ongoing", pgettext_lazy("activity progress", "Ongoing")
        DONE = "done", pgettext_lazy("activity progress", "Done")
        DELAYED = "delayed", pgettext_lazy("activity progress", "Delayed")
        CANCELLED = "cancelled", pgettext_lazy("activity progress", "Cancelled")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="rows", verbose_name=_("follow-up"))
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="progress_rows", verbose_name=_("activity")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    achieved = models.DecimalField(
        _("achieved so far this year"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    narrative = models.TextField(_("what was done"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress row")
        verbose_name_plural = _("progress rows")
        ordering = ["activity__focus_area__order", "activity__order", "activity_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "activity"],
                name="pledges_row_one_per_activity",
                violation_error_message=_("This activity already has a row in this follow-up."),
            ),
            models.CheckConstraint(
                condition=Q(achieved__isnull=True) | Q(achieved__gte=0),
                name="pledges_row_achieved_not_negative",
                violation_error_message=_("The achieved figure cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.follow_up}: {self.activity}"

    @property
    def is_complete(self):
        return bool(self.status) and bool(self.narrative.strip())

    @property
    def percent(self) -> int | None:
        target = self.activity.target
        if not target or self.achieved is None:
            return None
        return min(100, int(self.achieved * Decimal(100) / target))


class FollowUpRevision(models.Model):
    """An immutable published version of a follow-up: what residents, the PDF, the feed and the API read.

    Revision 1 is the first publication; later ones are corrections ("rättad <date>").
    """

    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("follow-up")
    )
    number = models.PositiveSmallIntegerField(_("revision"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    correction_note = models.TextField(_("what was corrected"), blank=True)
    content = models.JSONField(_("content"))
    pdf = models.FileField(_("PDF"), upload_to="pledges/followups/", blank=True)

    class Meta:
        verbose_name = _("published follow-up")
        verbose_name_plural = _("published follow-ups")
        ordering = ["follow_up", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "number"],
                name="pledges_revision_unique_number",
                violation_error_message=_("That revision number is taken."),
            )
        ]

    def __str__(self):
        return f"{self.follow_up} (rev. {self.number})"

    @property
    def is_correction(self):
        return self.number > 1
