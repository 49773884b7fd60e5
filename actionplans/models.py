"""Action plans (åtgärdsplan) decided from the situation picture, following Brå's template:
problem area → cause → measure → operational goal → when → who → follow-up."""

from decimal import Decimal

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
from situation.models import SituationPicture, SituationProblem


class ActionPlanQuerySet(models.QuerySet):
    def adopted(self):
        return self.filter(status=ActionPlan.Status.ADOPTED)

    def for_municipality(self, municipality):
        return self.filter(municipality=municipality)


class ActionPlan(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("plan status", "Draft")
        ADOPTED = "adopted", pgettext_lazy("plan status", "Adopted")
        SUPERSEDED = "superseded", pgettext_lazy("plan status", "Superseded")

    class Body(models.TextChoices):
        COUNCIL = "kf", _("Municipal council (kommunfullmäktige)")
        EXECUTIVE = "ks", _("Municipal executive board (kommunstyrelsen)")
        COMMITTEE = "namnd", _("A committee (nämnd)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="action_plans", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    situation_picture = models.ForeignKey(
        SituationPicture,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("based on the situation picture"),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("copied from"),
    )
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    body = models.CharField(_("adopting body"), max_length=10, choices=Body.choices, blank=True)
    body_name = models.CharField(_("name of the committee"), max_length=200, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    paragraph = models.CharField(_("paragraph (§)"), max_length=30, blank=True)
    case_number = models.CharField(_("case number (diarienummer)"), max_length=60, blank=True)
    adopted_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(_("adopted content"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="actionplans/", blank=True)
    pdf_key = models.CharField(max_length=64, blank=True, help_text="Hash of the content the PDF was rendered from.")
    history = HistoricalRecords()

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")),
                name="actionplans_plan_period_order",
                violation_error_message=_("The plan must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(decision_date__isnull=False) & ~Q(body="")),
                name="actionplans_plan_adopted_has_decision",
                violation_error_message=_("An adopted plan records the adopting body and the decision date."),
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(status="adopted"),
                name="actionplans_one_adopted_plan",
                violation_error_message=_("A municipality has one adopted plan at a time."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def body_label(self):
        if self.body == self.Body.COMMITTEE and self.body_name:
            return self.body_name
        return self.get_body_display()

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class ProblemArea(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="problem_areas", verbose_name=_("plan"))
    title = models.CharField(_("problem area"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source_problem = models.ForeignKey(
        SituationProblem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the situation picture"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem area")
        verbose_name_plural = _("problem areas")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class Goal(models.Model):
    problem_area = models.ForeignKey(
        ProblemArea, on_delete=models.CASCADE, related_name="goals", verbose_name=_("problem area")
    )
    title = models.CharField(_("operational goal"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=300, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class MeasureQuerySet(models.QuerySet):
    def open(self):
        """Not done, in a plan being worked on (draft or adopted)."""
        return self.filter(problem_area__plan__status__in=[ActionPlan.Status.DRAFT, ActionPlan.Status.ADOPTED]).exclude(
            status=Measure.Status.DONE
        )

    def overdue(self, today):
        """Open and past its end date."""
        return self.open().filter(end_date__lt=today)


class Measure(models.Model):
    class Kind(models.TextChoices):
        SITUATIONAL = "situational", _("Situational")
        SOCIAL = "social", _("Social")

    class Term(models.TextChoices):
        SHORT = "short", _("Short term")
        LONG = "long", _("Long term")

    class Status(models.TextChoices):
        GREEN = "green", _("Green: on track")
        YELLOW = "yellow", _("Yellow: at risk")
        RED = "red", _("Red: off track")
        DONE = "done", pgettext_lazy("measure status", "Done")

    problem_area = models.ForeignKey(
        ProblemArea, on_delete=models.CASCADE, related_name="measures", verbose_name=_("problem area")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="measures", verbose_name=_("goal")
    )
    title = models.CharField(_("measure"), max_length=300)
    cause = models.TextField(_("the cause it addresses"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SITUATIONAL)
    term = models.CharField(_("term"), max_length=10, choices=Term.choices, default=Term.SHORT)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("responsible organisation"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("owner"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.GREEN)
    percent_done = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
        help_text=_("How much the measure counts when progress is rolled up (1 = normal)."),
    )
    planned_cost = models.DecimalField(_("planned cost (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True)
    planned_hours = models.DecimalField(_("planned hours"), max_digits=8, decimal_places=1, null=True, blank=True)
    origin_meeting = models.ForeignKey(
        "councils.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="created_measures",
        verbose_name=_("decided at meeting"),
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["problem_area__order", "problem_area_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="actionplans_measure_period_order",
                violation_error_message=_("The measure cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(percent_done__lte=100),
                name="actionplans_measure_percent_max",
                violation_error_message=_("Progress is at most 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(planned_cost__isnull=True) | Q(planned_cost__gte=0),
                name="actionplans_measure_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(planned_hours__isnull=True) | Q(planned_hours__gte=0),
                name="actionplans_measure_hours_not_negative",
                violation_error_message=_("The hours cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return self.end_date is not None and self.status != self.Status.DONE and self.end_date < timezone.localdate()


class MeasureUpdate(models.Model):
    """A dated progress report on a measure by its owner."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="updates", verbose_name=_("measure"))
    date = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=10, choices=Measure.Status.choices)
    percent_done = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("note"), blank=True)
    hours_spent = models.DecimalField(
        _("hours spent"), max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_done__lte=100),
                name="actionplans_update_percent_max",
                violation_error_message=_("Progress is at most 100 %."),
            )
        ]

    def __str__(self):
        return f"{self.measure} {self.date}: {self.percent_done} %"
