import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.validators import validate_lead_days


def new_token() -> str:
    return secrets.token_urlsafe(24)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """One row per worker host name, stamped by a beat-scheduled task; read by /healthz."""

    hostname = models.CharField(_("host name"), max_length=255, unique=True)
    seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class Delivery(models.Model):
    """One sending of the reminder engine to one recipient, recorded once.

    `key` names the kind, the object, the due moment and the recipient; its uniqueness is what makes retries,
    restarts and two schedulers harmless. A row is planned by the scan (`send_after` in the near future),
    sent by `core.reminders.send_due` in its own transaction (row locked, skipped by other senders), retried with
    back-off on failure and finally marked failed, which the coordinator reads in the delivery log.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RETRYING = "retrying", _("Retrying")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        OBSOLETE = "obsolete", _("No longer needed")
        IN_DIGEST = "in_digest", _("Waiting for the digest")
        DIGESTED = "digested", _("Sent in a digest")

    class Channel(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DIGEST = "digest", _("Daily digest")

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    municipality = models.ForeignKey(
        "councils.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    recipient_email = models.EmailField(_("recipient"))
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    send_after = models.DateTimeField(_("send after"))
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IMMEDIATE)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-send_after", "-id"]
        indexes = [
            models.Index(fields=["status", "send_after"], name="core_delivery_due"),
            models.Index(fields=["municipality", "-send_after"], name="core_delivery_log"),
            models.Index(fields=["kind", "object_id"], name="core_delivery_object"),
        ]

    def __str__(self):
        return self.key


class NotificationPreference(models.Model):
    """How one user wants reminders: immediately or in a daily digest, and their own meeting lead times."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_pref")
    channel = models.CharField(
        _("reminders"), max_length=10, choices=Delivery.Channel.choices, default=Delivery.Channel.IMMEDIATE
    )
    meeting_reminder_days = models.CharField(
        _("meeting reminders (days before)"),
        max_length=40,
        blank=True,
        validators=[validate_lead_days],
        help_text=_("Empty: the municipality's choice. Comma-separated, e.g. 3,0 (0 = the same morning)."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user}: {self.channel}"


class Subscription(models.Model):
    """A resident's e-mail subscription to a municipality's publications, with double opt-in."""

    class Topic(models.TextChoices):
        FOLLOW_UPS = "follow_ups", _("Follow-ups of the citizen pledges")
        PLANS = "plans", _("Adopted action plans")
        PICTURES = "pictures", _("Situation picture summaries")
        MINUTES = "minutes", _("Published minutes")

    municipality = models.ForeignKey("councils.Municipality", on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField(_("e-mail"))
    topics = models.JSONField(_("topics"), default=list)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "email"], name="core_subscription_once_per_address")
        ]

    def __str__(self):
        return f"{self.email} → {self.municipality_id}"

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None


class AccessLogImmutableError(Exception):
    """Raised when code tries to change or remove an access log entry outside the retention purge."""


class AccessLogQuerySet(models.QuerySet):
    """Entries are written once and never changed; only the retention purge removes them (`core.audit`)."""

    def update(self, **kwargs):
        # Deleting a user sets their entries' user to NULL (on_delete=SET_NULL): the one change allowed, so that
        # erasing a person does not fail on their log; the entry keeps its role, time and what was read.
        if kwargs != {"user": None}:
            raise AccessLogImmutableError("Access log entries cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        raise AccessLogImmutableError("Access log entries are removed only by the retention purge.")

    def delete_for_retention(self):
        """Only for `core.audit.purge_older_than`, which also opens the database's guard for its transaction."""
        return super().delete()


class AccessLogEntry(models.Model):
    """One read or export of internal data: who (user and their role then), what, when, and how much.

    Append-only: `save()` refuses to change a stored entry and `delete()` refuses outright; on PostgreSQL a trigger
    (migration 0003) refuses UPDATE and DELETE from any client, except a DELETE inside a transaction that set
    `bra.audit_purge` (the retention purge). The user is a foreign key, not a copied name, so that anonymising a
    person also anonymises the log.
    """

    class Action(models.TextChoices):
        READ = "read", pgettext_lazy("access log action", "Read")
        EXPORT = "export", pgettext_lazy("access log action", "Export")
        PDF = "pdf", pgettext_lazy("access log action", "PDF")
        DOWNLOAD = "download", pgettext_lazy("access log action", "Download")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_log_entries",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, blank=True)
    municipality = models.ForeignKey(
        "councils.Municipality",
        on_delete=models.PROTECT,
        related_name="access_log_entries",
        verbose_name=_("municipality"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    what = models.CharField(_("what"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    visibility = models.CharField(_("visibility levels"), max_length=60, blank=True)
    query = models.CharField(_("filter"), max_length=500, blank=True)
    count = models.PositiveIntegerField(_("number of records"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=500)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["municipality", "-at"], name="core_accesslog_mun_time")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccessLogImmutableError("Access log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogImmutableError("Access log entries are removed only by the retention purge.")
