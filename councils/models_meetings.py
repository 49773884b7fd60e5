"""Meetings of a council: invitation, nested agenda, attendance register, minutes with decisions.

Imported by `councils.models`, so these models belong to the `councils` app. A meeting belongs to one council
and is hosted by one of the council's municipalities (tenancy: the host municipality's roles see it).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel, new_token


class MeetingQuerySet(models.QuerySet):
    def for_municipality(self, municipality):
        return self.filter(municipality=municipality)

    def with_published_minutes(self):
        return self.filter(minutes_status=Meeting.MinutesStatus.APPROVED, minutes_published_at__isnull=False)


class Meeting(TimeStampedModel):
    class Kind(models.TextChoices):
        COUNCIL = "council", _("Council meeting")
        EST = "est", _("EST meeting")
        WALK_BEFORE = "walk_before", _("Safety walk: preparatory meeting")
        WALK_AFTER = "walk_after", _("Safety walk: follow-up meeting")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class MinutesStatus(models.TextChoices):
        NONE = "none", _("Not started")
        DRAFT = "draft", pgettext_lazy("minutes status", "Draft")
        APPROVED = "approved", _("Approved (adjusted)")

    class Recurrence(models.TextChoices):
        NONE = "", _("Single meeting")
        BIWEEKLY = "biweekly", _("Every other week")
        QUARTERLY = "quarterly", _("Four a year (every third month)")

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="meetings", verbose_name=_("council")
    )
    municipality = models.ForeignKey(
        "councils.Municipality", on_delete=models.CASCADE, related_name="meetings", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    description = models.TextField(_("invitation text"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    series = models.UUIDField(_("series"), null=True, blank=True, editable=False, db_index=True)
    invitees = models.ManyToManyField(
        "councils.Membership", related_name="meeting_invitations", blank=True, verbose_name=_("invitees")
    )
    safety_walk = models.ForeignKey(
        "situation.SafetyWalk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("safety walk"),
    )
    # Bumped on every change of time or status: the SEQUENCE of the meeting's iCalendar event.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    minutes_status = models.CharField(
        _("minutes"), max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.NONE
    )
    minutes_text = models.TextField(_("minutes: general notes"), blank=True)
    minutes_adjusters = models.CharField(_("adjusted by"), max_length=300, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes_published_at = models.DateTimeField(_("public part published"), null=True, blank=True)
    minutes_pdf = models.CharField(max_length=300, blank=True, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["municipality", "starts_at"]), models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="councils_meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            )
        ]

    def __str__(self):
        return f"{self.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("councils:meeting-detail", args=[self.municipality.slug, self.pk])

    def get_public_url(self):
        return reverse("councils:public-minutes", args=[self.municipality.slug, self.pk])

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def has_ended(self):
        return self.ends_at <= timezone.now()

    @property
    def minutes_approved(self):
        return self.minutes_status == self.MinutesStatus.APPROVED

    @property
    def minutes_public(self):
        return self.minutes_approved and self.minutes_published_at is not None


class AgendaItem(models.Model):
    """One item of a meeting's agenda; items nest one level or more through `parent`."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("under")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Closed items are never shown to residents, not even in the minutes.")
    )
    minutes_note = models.TextField(_("minutes"), blank=True)
    measure = models.ForeignKey(
        "actionplans.Measure", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items",
        verbose_name=_("measure"),
    )  # fmt: skip
    follow_up = models.ForeignKey(
        "pledges.FollowUp", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items",
        verbose_name=_("follow-up"),
    )  # fmt: skip
    incident = models.ForeignKey(
        "situation.Incident", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items",
        verbose_name=_("incident"),
    )  # fmt: skip
    situation_picture = models.ForeignKey(
        "situation.SituationPicture", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="agenda_items", verbose_name=_("situation picture"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """The attendance register: one row per invited member and meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        REMOTE = "remote", _("Present remotely")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(
        "councils.Membership", on_delete=models.CASCADE, related_name="attendance", verbose_name=_("member")
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    arrived_at = models.TimeField(_("arrived late at"), null=True, blank=True)
    left_at = models.TimeField(_("left early at"), null=True, blank=True)
    alternate = models.ForeignKey(
        "councils.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="served_as_alternate",
        verbose_name=_("alternate serving"),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "membership__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="councils_attendance_once_per_meeting")
        ]

    def __str__(self):
        return f"{self.membership} – {self.get_status_display()}"


class Decision(models.Model):
    """A decision in the minutes (a numbered paragraph, §); it may create a measure of an action plan."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions",
        verbose_name=_("agenda item"),
    )  # fmt: skip
    number = models.PositiveSmallIntegerField(_("§"))
    text = models.TextField(_("decision"))
    is_public = models.BooleanField(_("public"), default=True)
    measure = models.ForeignKey(
        "actionplans.Measure", on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions",
        verbose_name=_("measure created"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="councils_decision_number_once")]

    def __str__(self):
        return f"§ {self.number}"


class CalendarFeed(models.Model):
    """A private iCalendar feed URL: a user's meetings and deadlines, or one council's meetings.

    The token is the only credential; revoking sets `revoked_at` and a new feed gets a new token.
    """

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, council__isnull=True) | Q(user__isnull=True, council__isnull=False),
                name="councils_calendarfeed_user_or_council",
            )
        ]

    def __str__(self):
        return f"calendar feed {self.pk}"

    def get_absolute_url(self):
        return reverse("councils:calendar-feed", args=[self.token])

    @property
    def is_active(self):
        return self.revoked_at is None


__all__ = ["AgendaItem", "Attendance", "CalendarFeed", "Decision", "Meeting", "MeetingQuerySet"]
