"""The reminder engine: one for every kind of deadline, never sending twice, never failing silently.

Three steps, each a Celery task on the beat schedule (bra_portal/settings.py, CELERY_BEAT_SCHEDULE):

1. `scan(now)` asks every kind (core/reminder_kinds.py) what should be sent from now until `now + HORIZON`, in
   a fixed number of queries per kind, and records each sending as a `Delivery` row whose unique `key` names the
   kind, the object, the due moment and the recipient. `bulk_create(ignore_conflicts=True)` makes a second scan,
   a second scheduler or a restarted one harmless: a key exists once.
2. `send_due(now)` takes one due row at a time in its own transaction, locked with `SELECT ... FOR UPDATE SKIP
   LOCKED` (so two workers never take the same row), asks its kind whether it is still current (a meeting moved
   or cancelled, a plan adopted in time: the row becomes "obsolete"), sends it and marks it sent in the same
   transaction. A worker killed mid-batch leaves its row unsent and unlocked; the next worker sends it. Failures
   are retried with back-off, then marked failed, and the coordinator reads them in the delivery log.
3. `send_digests(now)` gathers rows of users who chose a daily digest into one mail per recipient, itself a
   delivery with its own key.
"""

import contextlib
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from core.models import Delivery

log = logging.getLogger(__name__)

HORIZON = timedelta(days=1)
# Waits before attempts 2, 3 and 4; after the fourth failed attempt the delivery is marked failed.
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
ACTIVE = [Delivery.Status.PLANNED, Delivery.Status.RETRYING]


@dataclass
class Planned:
    """One sending a kind wants: becomes a Delivery row unless its key is already recorded."""

    kind: str
    key: str
    recipient_email: str
    due_at: datetime
    send_after: datetime
    municipality_id: int | None = None
    user_id: int | None = None
    object_id: int | None = None
    context: dict = field(default_factory=dict)
    channel: str = Delivery.Channel.IMMEDIATE

    def as_delivery(self) -> Delivery:
        return Delivery(
            key=self.key[:255],
            kind=self.kind,
            recipient_email=self.recipient_email,
            recipient_user_id=self.user_id,
            municipality_id=self.municipality_id,
            object_id=self.object_id,
            due_at=self.due_at,
            send_after=self.send_after,
            context=self.context,
            channel=self.channel,
        )


@dataclass
class Message:
    subject: str
    body: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    headers: dict = field(default_factory=dict)


class ReminderKind:
    """A kind of reminder. Subclasses set `name` and implement `plan`, `is_current` and `message`."""

    name = ""
    # Whether a user's choice of a daily digest applies (a meeting invitation is a reminder; a subscription
    # confirmation is not).
    digestible = True

    def plan(self, now: datetime, until: datetime, prefs: "Preferences") -> list[Planned]:
        raise NotImplementedError

    def is_current(self, delivery: Delivery, now: datetime) -> bool:
        return True

    def message(self, delivery: Delivery) -> Message:
        raise NotImplementedError

    def to_each(self, recipients, key: str, **fields) -> list[Planned]:
        """One `Planned` per recipient (objects with `email` and `user_id`); `key` is the part before the address."""
        return [
            Planned(kind=self.name, key=f"{key}:{r.email}", recipient_email=r.email, user_id=r.user_id, **fields)
            for r in recipients
        ]


class Preferences:
    """Every user's reminder choice, read in one query per scan."""

    def __init__(self):
        from core.models import NotificationPreference

        self.by_user = {p.user_id: p for p in NotificationPreference.objects.all()}

    def channel(self, user_id) -> str:
        pref = self.by_user.get(user_id)
        return pref.channel if pref else Delivery.Channel.IMMEDIATE

    def meeting_days(self, user_id) -> str:
        pref = self.by_user.get(user_id)
        return pref.meeting_reminder_days if pref else ""


def kinds() -> dict[str, ReminderKind]:
    from core.reminder_kinds import KINDS

    return KINDS


def message_id(key: str) -> str:
    """A Message-ID derived from the key: the same reminder always carries the same id."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{settings.MAIL_MESSAGE_ID_DOMAIN}>"


def record(planned: list[Planned], prefs: Preferences | None = None) -> int:
    """Record planned sendings (existing keys are left as they are); returns how many were offered."""
    if prefs is not None:
        for item in planned:
            kind = kinds()[item.kind]
            if kind.digestible and item.user_id and prefs.channel(item.user_id) == Delivery.Channel.DIGEST:
                item.channel = Delivery.Channel.DIGEST
    if planned:
        Delivery.objects.bulk_create([p.as_delivery() for p in planned], ignore_conflicts=True)
    return len(planned)


def scan(now: datetime | None = None, horizon: timedelta = HORIZON) -> dict[str, int]:
    """Plan every kind's sendings due before `now + horizon`. Queries: a fixed number per kind."""
    now = now or timezone.now()
    prefs = Preferences()
    counts = {}
    for name, kind in kinds().items():
        planned = kind.plan(now, now + horizon, prefs)
        counts[name] = record(planned, prefs)
    return counts


def obsolete_planned(kind: str, object_id: int) -> int:
    """Marks the not yet sent rows of one object obsolete (a meeting moved or cancelled); returns how many."""
    return Delivery.objects.filter(kind=kind, object_id=object_id, status__in=ACTIVE).update(
        status=Delivery.Status.OBSOLETE, last_error=""
    )


def _due(now):
    return (
        Delivery.objects.filter(status__in=ACTIVE, send_after__lte=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("send_after", "id")
    )


def build_email(delivery: Delivery, message: Message, connection=None) -> EmailMultiAlternatives:
    headers = {"Message-ID": message_id(delivery.key), "X-BRA-Reminder": delivery.key, **message.headers}
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        to=[delivery.recipient_email],
        headers=headers,
        connection=connection,
    )
    for filename, content, mimetype in message.attachments:
        email.attach(filename, content, mimetype)
    return email


class _Connection:
    """One SMTP connection per batch, reopened after a failure."""

    def __init__(self):
        self.connection = None

    def get(self):
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        return self.connection

    def reset(self):
        if self.connection is not None:
            with contextlib.suppress(Exception):  # a broken connection may fail to close; it is dropped anyway
                self.connection.close()
        self.connection = None


def _process(delivery: Delivery, now: datetime, connection: _Connection) -> str:
    kind = kinds().get(delivery.kind)
    if kind is None or not kind.is_current(delivery, now):
        delivery.status = Delivery.Status.OBSOLETE
        delivery.save(update_fields=["status"])
        return "obsolete"
    with translation.override(settings.LANGUAGE_CODE):
        message = kind.message(delivery)
    delivery.subject = message.subject[:300]
    if delivery.channel == Delivery.Channel.DIGEST:
        delivery.status = Delivery.Status.IN_DIGEST
        delivery.save(update_fields=["status", "subject"])
        return "in_digest"
    try:
        build_email(delivery, message, connection.get()).send()
    except Exception as exc:  # any delivery failure is recorded, retried and shown
        connection.reset()
        delivery.attempts += 1
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
            log.error("reminder failed for good: %s (%s)", delivery.key, delivery.last_error)
        else:
            delivery.status = Delivery.Status.RETRYING
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
            log.warning("reminder failed, will retry: %s (%s)", delivery.key, delivery.last_error)
        delivery.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "subject"])
        return "failed"
    delivery.status = Delivery.Status.SENT
    delivery.attempts += 1
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["status", "attempts", "sent_at", "last_error", "subject"])
    return "sent"


def send_due(now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Send every due row, one transaction per row; safe to run in several workers at once."""
    counts = {"sent": 0, "failed": 0, "obsolete": 0, "in_digest": 0}
    connection = _Connection()
    try:
        while limit is None or sum(counts.values()) < limit:
            moment = now or timezone.now()
            with transaction.atomic():
                delivery = _due(moment).select_for_update(skip_locked=True).first()
                if delivery is None:
                    break
                counts[_process(delivery, moment, connection)] += 1
    finally:
        connection.reset()
    return counts


def send_digests(now: datetime | None = None) -> int:
    """One digest mail per recipient of everything waiting for the digest; returns how many digests."""
    now = now or timezone.now()
    waiting = list(
        Delivery.objects.filter(status=Delivery.Status.IN_DIGEST, digest__isnull=True).order_by("send_after", "id")
    )
    by_email = {}
    for item in waiting:
        by_email.setdefault(item.recipient_email, []).append(item)
    day = timezone.localdate(now).isoformat()
    digests = [
        Planned(
            kind="digest",
            key=f"digest:{day}:{email}",
            recipient_email=email,
            due_at=now,
            send_after=now,
            municipality_id=items[0].municipality_id,
            user_id=items[0].recipient_user_id,
            context={"count": len(items)},
        ).as_delivery()
        for email, items in by_email.items()
    ]
    Delivery.objects.bulk_create(digests, ignore_conflicts=True)
    keys = {d.key: d for d in Delivery.objects.filter(key__in=[d.key for d in digests])}
    for email, items in by_email.items():
        digest = keys[f"digest:{day}:{email}"]
        for item in items:
            item.digest = digest
            item.status = Delivery.Status.DIGESTED
    Delivery.objects.bulk_update(waiting, ["digest", "status"], batch_size=500)
    return len(digests)


def retry_now(delivery: Delivery) -> None:
    """The coordinator's "try again" on a failed delivery: one more round of attempts, from now."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.RETRYING, attempts=0, next_attempt_at=None
    )
