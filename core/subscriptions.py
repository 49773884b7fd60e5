"""Residents' e-mail subscriptions: request (double opt-in), confirm, change topics, cancel.

Nothing here tells the caller whether an address was already subscribed: the public form answers the same
whatever happens, and only the mailbox's owner learns the state, from the mail.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.models import Delivery, Subscription, new_token
from core.reminders import Planned, obsolete_planned, record
from core.subscription_kinds import PublicationKind, SubscriptionConfirmKind

# At most one confirmation mail per address and municipality in this time: the form cannot flood a mailbox.
CONFIRM_THROTTLE = timedelta(minutes=10)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _throttle_bucket(now: datetime) -> int:
    return int(now.timestamp() // CONFIRM_THROTTLE.total_seconds())


@transaction.atomic
def subscription_request(*, municipality, email: str, topics: list[str], now: datetime | None = None) -> bool:
    """Record a request to subscribe and queue the confirmation mail; returns whether a mail was queued.

    A new or cancelled subscription starts over unconfirmed, with the topics asked for (a cancelled one gets a
    new token, so links in old mails stay dead). An unconfirmed one takes the new topics. An active one is left
    as it is: the mail links to the page where its owner may change the topics.
    """
    from core.tasks import enqueue_on_commit, send_due_task

    now = now or timezone.now()
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        municipality=municipality, email=normalise_email(email), defaults={"topics": list(topics)}
    )
    if not created and subscription.unsubscribed_at is not None:
        subscription.token = new_token()
        subscription.confirmed_at = subscription.unsubscribed_at = None
        subscription.topics = list(topics)
        subscription.save(update_fields=["token", "confirmed_at", "unsubscribed_at", "topics"])
    elif not created and subscription.confirmed_at is None:
        subscription.topics = list(topics)
        subscription.save(update_fields=["topics"])
    recently = Delivery.objects.filter(
        kind=SubscriptionConfirmKind.name, object_id=subscription.pk, created_at__gt=now - CONFIRM_THROTTLE
    )
    if recently.exists():
        return False
    key = f"{SubscriptionConfirmKind.name}:{subscription.pk}:{subscription.token}:{_throttle_bucket(now)}"
    record(
        [
            Planned(
                kind=SubscriptionConfirmKind.name,
                key=key,
                recipient_email=subscription.email,
                due_at=now,
                send_after=now,
                municipality_id=municipality.pk,
                object_id=subscription.pk,
                context={"token": subscription.token},
            )
        ]
    )
    enqueue_on_commit(send_due_task)
    return True


@transaction.atomic
def subscription_confirm(*, subscription: Subscription, topics: list[str], now: datetime | None = None) -> None:
    """Confirm (the first time) and set the topics; an active subscription keeps its confirmation time."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.topics = [topic for topic in Subscription.Topic.values if topic in topics]
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now or timezone.now()
    subscription.save(update_fields=["topics", "confirmed_at"])


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, now: datetime | None = None) -> None:
    """Unsubscribe at once; mails already planned for the subscription are not sent."""
    updated = Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now or timezone.now()
    )
    if updated:
        for kind in (SubscriptionConfirmKind.name, PublicationKind.name):
            obsolete_planned(kind, subscription.pk)
