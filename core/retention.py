"""How long the portal keeps each kind of personal data, and the purges that enforce it.

`RULES` is the one registry: the privacy page (`/integritet/`) prints its table from it, and
`core.tasks.retention_task` runs every rule's purge nightly. A rule's period comes from a setting (an environment
variable, see `.env.example`), so the page always shows what is enforced. Adding a kind of data is one entry:
a key, the words residents read, the setting, and `purge(*, now, period) -> int` that removes or anonymises what is
older than `period` at `now` and returns how many records it touched.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

DAY = 24 * 60 * 60


@dataclass(frozen=True)
class RetentionRule:
    key: str
    label: Promise  # the kind of data, as the privacy page names it
    outcome: Promise  # what happens once the period has passed
    purge: Callable[..., int]  # purge(*, now, period) -> the number of records removed or anonymised
    setting: str = ""  # the setting with the period; empty when each municipality sets its own
    unit_seconds: int = DAY  # the setting's unit
    municipal_field: str = ""  # the Municipality field with the period in months, when set per municipality

    @property
    def period(self) -> timedelta | None:
        if not self.setting:
            return None
        return timedelta(seconds=getattr(settings, self.setting) * self.unit_seconds)


# ---- The purges -------------------------------------------------------------------------------------------


def purge_delivery_log(*, now: datetime, period: timedelta) -> int:
    """Delivery log rows (recipient address, subject) of mail sent, failed or dropped before the period."""
    from core.data_rights import PENDING_DELIVERIES
    from core.models import Delivery

    old = Delivery.objects.filter(created_at__lt=now - period).exclude(status__in=PENDING_DELIVERIES)
    return old.delete()[1].get("core.Delivery", 0)


def purge_unconfirmed_subscriptions(*, now: datetime, period: timedelta) -> int:
    """Subscriptions never confirmed: the address was only asked for, so it goes once the link has expired.

    An address asked for again within the period (a new confirmation mail) keeps its row until that one expires.
    """
    from core.models import Delivery, Subscription
    from core.subscription_kinds import SubscriptionConfirmKind

    cutoff = now - period
    recently_asked = Delivery.objects.filter(kind=SubscriptionConfirmKind.name, created_at__gte=cutoff)
    old = Subscription.objects.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True, created_at__lt=cutoff)
    return old.exclude(pk__in=recently_asked.values("object_id")).delete()[1].get("core.Subscription", 0)


def purge_cancelled_subscriptions(*, now: datetime, period: timedelta) -> int:
    """Cancelled subscriptions: the address is kept a while (a second click on "unsubscribe" still works)."""
    from core.models import Subscription

    old = Subscription.objects.filter(unsubscribed_at__lt=now - period)
    return old.delete()[1].get("core.Subscription", 0)


def purge_former_members(*, now: datetime, period: timedelta) -> int:
    """Anonymise seats whose term ended before the period, and the history of seats removed before it.

    A seat that sits until a successor is appointed has not ended. Returns the number of seats.
    """
    from core.data_rights import anonymised_name, membership_anonymise
    from councils.models import Membership

    ended = Membership.objects.filter(
        term_end__lt=timezone.localdate(now) - period, until_successor=False, anonymised_at__isnull=True
    )
    seats = list(ended)
    for membership in seats:
        membership_anonymise(membership=membership, now=now)
    name = anonymised_name()
    history = Membership.history.exclude(Exists(Membership.objects.filter(pk=OuterRef("id"))))
    removed_ids = set(
        history.filter(history_type="-", history_date__lt=now - period).exclude(name=name).values_list("id", flat=True)
    )
    Membership.history.filter(id__in=removed_ids).update(name=name, email="", title="", user=None)
    return len(seats) + len(removed_ids)


def historical_models() -> list:
    """Every history table of django-simple-history."""
    models = []
    for model in apps.get_models():
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager:
            models.append(getattr(model, manager).model)
    return models


def purge_history(*, now: datetime, period: timedelta) -> int:
    """History records older than the period, except the latest record of an object that still exists.

    So every existing object keeps its last change (who and when); superseded versions and the whole history of
    removed objects go. The many-to-many history rows of a removed record go with it.
    """
    cutoff = now - period
    removed = 0
    for historical in historical_models():
        newer = historical._default_manager.filter(id=OuterRef("id")).filter(
            Q(history_date__gt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
        )
        old = historical._default_manager.filter(history_date__lt=cutoff).filter(Q(Exists(newer)) | Q(history_type="-"))
        with transaction.atomic():
            for relation in historical._meta.related_objects:
                relation.related_model._default_manager.filter(
                    **{f"{relation.field.name}__in": old.values("history_id")}
                ).delete()
            removed += old.delete()[0]
    return removed


def purge_expired_sessions(*, now: datetime, period: timedelta) -> int:
    """Sign-in sessions past their expiry (`manage.py clearsessions`); each lasts at most SESSION_COOKIE_AGE."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        store.clear_expired()  # cache or cookie sessions: the store expires them itself and counts nothing
        return 0
    return store.get_model_class().objects.filter(expire_date__lt=now).delete()[0]


def purge_incident_texts(*, now: datetime, period: timedelta | None) -> int:
    """EST reports' free text and address, after each municipality's own period."""
    from situation.services import incident_texts_anonymise

    return incident_texts_anonymise(now=now)


def purge_access_log(*, now: datetime, period: timedelta) -> int:
    """Entries of the access log of sensitive data (its purge is the only way to remove them)."""
    from core.audit import purge_older_than

    return purge_older_than(period.days)


def purge_failed_sign_ins(*, now: datetime, period: timedelta) -> int:
    """Failed sign-in attempts (django-axes: account, address, browser), kept only while they count to a lockout."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(attempt_time__lt=now - period).delete()[0]


# ---- The registry -----------------------------------------------------------------------------------------

RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        "incident_texts",
        _("Free text and address of incident reports (EST)"),
        _("removed; category, place and time remain for the statistics"),
        purge_incident_texts,
        municipal_field="incident_text_retention_months",
    ),
    RetentionRule(
        "former_members",
        _("Name, e-mail and title of a council member whose term has ended"),
        _("replaced by “Anonymised person”; the seat, attendance and decisions remain"),
        purge_former_members,
        setting="FORMER_MEMBER_RETENTION_DAYS",
    ),
    RetentionRule(
        "delivery_log",
        _("Delivery log of reminders and notices (address, subject)"),
        _("removed"),
        purge_delivery_log,
        setting="DELIVERY_LOG_RETENTION_DAYS",
    ),
    RetentionRule(
        "unconfirmed_subscriptions",
        _("E-mail address of a subscription that was never confirmed"),
        _("removed"),
        purge_unconfirmed_subscriptions,
        setting="UNCONFIRMED_SUBSCRIPTION_RETENTION_DAYS",
    ),
    RetentionRule(
        "cancelled_subscriptions",
        _("E-mail address of a cancelled subscription"),
        _("removed"),
        purge_cancelled_subscriptions,
        setting="CANCELLED_SUBSCRIPTION_RETENTION_DAYS",
    ),
    RetentionRule(
        "access_log",
        _("Access log: who read or exported internal data, and when"),
        _("removed"),
        purge_access_log,
        setting="ACCESS_LOG_RETENTION_DAYS",
    ),
    RetentionRule(
        "history",
        _("Earlier versions in the history of changes (who changed what, and when)"),
        _("removed; the latest change of everything that still exists remains"),
        purge_history,
        setting="HISTORY_RETENTION_DAYS",
    ),
    RetentionRule(
        "failed_sign_ins",
        _("Failed sign-in attempts (e-mail address, network address, browser)"),
        _("removed once they no longer count towards a lockout"),
        purge_failed_sign_ins,
        setting="LOGIN_LOCKOUT_MINUTES",
        unit_seconds=60,
    ),
    RetentionRule(
        "sessions",
        _("Sign-in sessions"),
        _("end and are removed"),
        purge_expired_sessions,
        setting="SESSION_COOKIE_AGE",
        unit_seconds=1,
    ),
)


def run_all(*, now: datetime | None = None) -> dict[str, int]:
    """Run every rule; one failing rule is logged and does not stop the others. Returns the counts by key."""
    now = now or timezone.now()
    counts = {}
    for rule in RULES:
        try:
            with transaction.atomic():
                counts[rule.key] = rule.purge(now=now, period=rule.period)
        except Exception:
            logger.exception("Retention rule %s failed", rule.key)
    return counts
