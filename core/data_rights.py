"""Data rights: what the portal holds about a person (GDPR articles 15 and 20), and anonymising a person.

`personal_data(user=...)` gathers everything the portal stores about a signed-in person into sections, one query
per section whatever the amount of data, for the page `/konto/mina-uppgifter/` and its JSON download.

`membership_anonymise` and `user_anonymise` replace a person with "Anonymiserad person" and keep the records that
must stay (seats, attendance, decisions, adopted documents, minutes): names and contact details are removed from
the current rows *and* from the history tables of django-simple-history, which otherwise keep every earlier name.
Free texts (minutes notes, the "adjusted by" line, safety walk participants) are not rewritten: a person's name
written into a text is part of that document; the privacy page says so.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Left, Replace
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import Measure, MeasureUpdate
from core.models import Delivery, NotificationPreference, Subscription
from councils.models import Attendance, CalendarFeed, Membership, Municipality, PortalRole
from pledges.models import Activity
from situation.models import Incident, Visibility, WalkObservation

ANONYMISED_NAME = gettext_lazy("Anonymised person")
# Addresses of anonymised accounts: unique (the account's id) and undeliverable (.invalid is reserved, RFC 2606).
PLACEHOLDER_DOMAIN = "anonymiserad.invalid"
# Sendings not yet made; those of an anonymised person are dropped, the others keep a record without the address.
PENDING_DELIVERIES = (Delivery.Status.PLANNED, Delivery.Status.RETRYING, Delivery.Status.IN_DIGEST)


def anonymised_name() -> str:
    """The replacement name, always in the portal's language: it is stored data, not interface text."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(ANONYMISED_NAME)


def placeholder_email(user) -> str:
    return f"anonymiserad-{user.pk}@{PLACEHOLDER_DOMAIN}"


def is_anonymised(user) -> bool:
    return user.email.endswith("@" + PLACEHOLDER_DOMAIN)


# ---- What the portal holds about a person ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the name in the JSON download
    path: str  # the lookup in `QuerySet.values()`
    label: Promise
    choices: dict | None = None  # stored value -> label, for choice fields (applied to each item of a list)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: Promise
    explanation: Promise
    rows: Callable  # (user) -> QuerySet of the person's rows
    columns: tuple[Column, ...]


@dataclass
class Section:
    key: str
    title: str
    explanation: str
    columns: tuple[Column, ...]
    rows: list[dict]

    def table(self) -> list[list[str]]:
        """The rows as display text, in column order (the page's table)."""
        return [[display_value(row[column.key]) for column in self.columns] for row in self.rows]


def display_value(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _person_seats(user, via: str = "") -> Q:
    """A person's seats: linked to their account, or carrying their e-mail address (`via` a relation to seats)."""
    prefix = f"{via}__" if via else ""
    return Q(**{f"{prefix}user": user}) | Q(**{f"{prefix}email__iexact": user.email})


def _observations_filed(user) -> QuerySet:
    # Observations carry no author field: the creating history record names who filed them.
    created = WalkObservation.history.filter(history_user=user, history_type="+").values("id")
    return WalkObservation.objects.filter(pk__in=created)


def _choices(model_choices) -> dict:
    return dict(model_choices)


SECTIONS = (
    SectionSpec(
        "account",
        gettext_lazy("Your account"),
        gettext_lazy("What you sign in with. The password is stored only as a one-way hash and cannot be read."),
        lambda user: get_user_model().objects.filter(pk=user.pk),
        (
            Column("email", "email", gettext_lazy("E-mail")),
            Column("name", "full_name", gettext_lazy("Name")),
            Column("joined", "date_joined", gettext_lazy("Account created")),
            Column("last_login", "last_login", gettext_lazy("Last signed in")),
            Column("active", "is_active", gettext_lazy("Active")),
        ),
    ),
    SectionSpec(
        "portal_roles",
        gettext_lazy("Roles in the portal"),
        gettext_lazy("What you may do in each municipality's part of the portal."),
        lambda user: PortalRole.objects.filter(user=user),
        (
            Column("municipality", "municipality__name", gettext_lazy("Municipality")),
            Column("role", "role", gettext_lazy("Role"), _choices(PortalRole.Role.choices)),
            Column("since", "created_at", gettext_lazy("Since")),
        ),
    ),
    SectionSpec(
        "council_seats",
        gettext_lazy("Seats on councils"),
        gettext_lazy("Seats linked to your account or registered with your e-mail address."),
        lambda user: Membership.objects.filter(_person_seats(user)),
        (
            Column("council", "council__name", gettext_lazy("Council")),
            Column("name", "name", gettext_lazy("Name")),
            Column("role", "role", gettext_lazy("Role"), _choices(Membership.Role.choices)),
            Column("title", "title", gettext_lazy("Title")),
            Column("organisation", "organisation__name", gettext_lazy("Organisation")),
            Column("email", "email", gettext_lazy("E-mail")),
            Column("term_from", "term_start", gettext_lazy("Term from")),
            Column("term_to", "term_end", gettext_lazy("Term to")),
            Column("name_published", "publish_name", gettext_lazy("Name shown to residents")),
        ),
    ),
    SectionSpec(
        "attendance",
        gettext_lazy("Attendance at meetings"),
        gettext_lazy("The attendance register of meetings where you held a seat or served as an alternate."),
        lambda user: Attendance.objects.filter(
            _person_seats(user, via="membership") | _person_seats(user, via="alternate")
        ).order_by("-meeting__starts_at"),
        (
            Column("meeting", "meeting__title", gettext_lazy("Meeting")),
            Column("starts_at", "meeting__starts_at", gettext_lazy("When")),
            Column("seat", "membership__name", gettext_lazy("Seat")),
            Column("attendance", "status", gettext_lazy("Attendance"), _choices(Attendance.Status.choices)),
            Column("arrived_late_at", "arrived_at", gettext_lazy("Arrived late at")),
            Column("left_early_at", "left_at", gettext_lazy("Left early at")),
            Column("alternate", "alternate__name", gettext_lazy("Alternate serving")),
        ),
    ),
    SectionSpec(
        "measures",
        gettext_lazy("Measures you are responsible for"),
        gettext_lazy("Measures of action plans that name you as owner."),
        lambda user: Measure.objects.filter(owner=user),
        (
            Column("municipality", "problem_area__plan__municipality__name", gettext_lazy("Municipality")),
            Column("plan", "problem_area__plan__title", gettext_lazy("Action plan")),
            Column("measure", "title", gettext_lazy("Measure")),
            Column("status", "status", gettext_lazy("Status"), _choices(Measure.Status.choices)),
            Column("end", "end_date", gettext_lazy("End")),
        ),
    ),
    SectionSpec(
        "measure_updates",
        gettext_lazy("Progress updates you wrote"),
        gettext_lazy("Dated progress reports on measures."),
        lambda user: MeasureUpdate.objects.filter(by=user),
        (
            Column("measure", "measure__title", gettext_lazy("Measure")),
            Column("date", "date", gettext_lazy("Date")),
            Column("progress_percent", "percent_done", gettext_lazy("Progress (%)")),
            Column("note", "note", gettext_lazy("Note")),
        ),
    ),
    SectionSpec(
        "pledge_activities",
        gettext_lazy("Activities of citizen pledges you report on"),
        gettext_lazy("Activities that name you as owner."),
        lambda user: Activity.objects.filter(owner=user),
        (
            Column("pledge", "focus_area__pledge__title", gettext_lazy("Citizen pledge")),
            Column("activity", "description", gettext_lazy("Activity")),
        ),
    ),
    SectionSpec(
        "incident_reports",
        gettext_lazy("Incident reports you filed"),
        gettext_lazy("EST reports with you as reporter. Free text is removed after the municipality's period."),
        lambda user: Incident.objects.filter(reported_by=user),
        (
            Column("municipality", "municipality__name", gettext_lazy("Municipality")),
            Column("category", "category__name", gettext_lazy("Category")),
            Column("when", "occurred_at", gettext_lazy("When")),
            Column("place", "place__name", gettext_lazy("Place")),
            Column("address", "address", gettext_lazy("Address")),
            Column("what_happened", "description", gettext_lazy("What happened")),
            Column("visibility", "visibility", gettext_lazy("Visibility"), _choices(Visibility.choices)),
        ),
    ),
    SectionSpec(
        "walk_observations",
        gettext_lazy("Safety walk observations you recorded"),
        gettext_lazy("Observations recorded under your account."),
        _observations_filed,
        (
            Column("walk", "walk__title", gettext_lazy("Safety walk")),
            Column("date", "walk__date", gettext_lazy("Date")),
            Column("place", "place__name", gettext_lazy("Place")),
            Column("observation", "note", gettext_lazy("Observation")),
        ),
    ),
    SectionSpec(
        "reminder_settings",
        gettext_lazy("Reminder settings"),
        gettext_lazy("How you want reminders; without a row here, you get the defaults."),
        lambda user: NotificationPreference.objects.filter(user=user),
        (
            Column("reminders", "channel", gettext_lazy("Reminders"), _choices(Delivery.Channel.choices)),
            Column("meeting_reminder_days", "meeting_reminder_days", gettext_lazy("Meeting reminders (days before)")),
        ),
    ),
    SectionSpec(
        "calendar_feeds",
        gettext_lazy("Calendar addresses"),
        gettext_lazy("Your private calendar addresses. The address itself is a password and is not shown here."),
        lambda user: CalendarFeed.objects.filter(user=user).order_by("-created_at"),
        (
            Column("created", "created_at", gettext_lazy("Created")),
            Column("turned_off", "revoked_at", gettext_lazy("Turned off")),
        ),
    ),
    SectionSpec(
        "mail_sent",
        gettext_lazy("E-mail the portal sent or will send you"),
        gettext_lazy("Reminders and notices to your address, kept in the delivery log for a limited time."),
        lambda user: Delivery.objects.filter(Q(recipient_user=user) | Q(recipient_email__iexact=user.email)),
        (
            Column("subject", "subject", gettext_lazy("Subject")),
            Column("address", "recipient_email", gettext_lazy("Address")),
            Column("status", "status", gettext_lazy("Status"), _choices(Delivery.Status.choices)),
            Column("planned_for", "send_after", gettext_lazy("Planned for")),
            Column("sent", "sent_at", gettext_lazy("Sent")),
        ),
    ),
    SectionSpec(
        "subscriptions",
        gettext_lazy("Subscriptions to publications"),
        gettext_lazy("Municipalities' publications you subscribe to with your e-mail address."),
        lambda user: Subscription.objects.filter(email__iexact=user.email),
        (
            Column("municipality", "municipality__name", gettext_lazy("Municipality")),
            Column("address", "email", gettext_lazy("Address")),
            Column("topics", "topics", gettext_lazy("Topics"), _choices(Subscription.Topic.choices)),
            Column("confirmed", "confirmed_at", gettext_lazy("Confirmed")),
            Column("cancelled", "unsubscribed_at", gettext_lazy("Cancelled")),
        ),
    ),
)


def _label(value, choices):
    if choices is None:
        return value
    if isinstance(value, list):
        return [str(choices.get(item, item)) for item in value]
    return str(choices.get(value, value)) if value is not None else None


def _rows(spec: SectionSpec, user) -> list[dict]:
    """One query: the section's columns through `values()`, choice values turned into their labels."""
    values = spec.rows(user).values(*[column.path for column in spec.columns])
    return [{column.key: _label(row[column.path], column.choices) for column in spec.columns} for row in values]


def personal_data(*, user) -> list[Section]:
    """Everything the portal holds about `user`, one section per kind, one query per section."""
    return [
        Section(spec.key, str(spec.title), str(spec.explanation), spec.columns, _rows(spec, user)) for spec in SECTIONS
    ]


def personal_data_json(*, sections: list[Section], now: datetime | None = None) -> str:
    """The download: one UTF-8 JSON document, readable by people and by programs (GDPR article 20)."""
    document = {
        "portal": settings.PORTAL_URL,
        "exported_at": now or timezone.now(),
        **{section.key: section.rows for section in sections},
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def personal_data_municipalities(*, user) -> list[Municipality]:
    """The municipalities whose access log records the person's export: those where they hold a portal role."""
    return list(Municipality.objects.filter(portal_roles__user=user))


# ---- Anonymising a person --------------------------------------------------------------------------------


def _scrub_admin_log(obj, text: str) -> None:
    """The admin's change log repeats an object's name (`object_repr`); it gets the replacement too."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).update(object_repr=text[:200])


def _scrub_deliveries(*, recipients: Q, new_email: str) -> None:
    """Drop a person's pending mail; keep the record of what was sent, with the placeholder for the address.

    The address also appears in each row's unique key and may appear in an SMTP error text; each row's own
    spelling of it is replaced. `new_email` must be unique to the person, or two keys could become one.
    """
    Delivery.objects.filter(recipients, status__in=PENDING_DELIVERIES).delete()
    Delivery.objects.filter(recipients).update(
        key=Left(Replace("key", F("recipient_email"), Value(new_email)), 255),
        last_error=Replace("last_error", F("recipient_email"), Value(new_email)),
        recipient_email=new_email,
    )


@transaction.atomic
def membership_anonymise(*, membership: Membership, by=None, now: datetime | None = None) -> Membership:
    """Replace the person on a seat: name, e-mail, title and the link to an account, here and in the history.

    The seat, its term and role, its attendance and the meetings' decisions stay as records, under the new name.
    Mail sent to the seat's own address (one no account uses) is handled like an anonymised account's.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    old_name, old_email, name = membership.name, membership.email, anonymised_name()
    membership.name, membership.email, membership.title, membership.user = name, "", "", None
    membership.publish_name = False
    membership.anonymised_at = now or timezone.now()
    membership._history_user = by
    membership.save()
    Membership.history.filter(id=membership.pk).update(name=name, email="", title="", user=None)
    # The term reminder's subject names the member ("Term ends …: <name>").
    Delivery.objects.filter(kind="term_ending", object_id=membership.pk).update(
        subject=Replace("subject", Value(old_name), Value(name))
    )
    if old_email and not get_user_model().objects.filter(email__iexact=old_email).exists():
        recipients = Q(recipient_email__iexact=old_email, recipient_user__isnull=True)
        _scrub_deliveries(recipients=recipients, new_email=f"anonymiserad-ledamot-{membership.pk}@{PLACEHOLDER_DOMAIN}")
    _scrub_admin_log(membership, str(membership))
    return membership


def user_anonymise_refusal(*, user, by) -> str | None:
    """Why `by` may not anonymise `user`, or None.

    A coordinator may anonymise an account only when all of it is within the municipalities they coordinate:
    its portal roles, and the councils of its seats. Anything wider is for a superuser.
    """
    if user.pk == by.pk:
        return _("You cannot anonymise your own account.")
    if by.is_superuser:
        return None
    if user.is_superuser:
        return _("Only a superuser can anonymise a superuser's account.")
    managed = Municipality.objects.managed_by(by)
    if PortalRole.objects.filter(user=user).exclude(municipality__in=managed).exists():
        return _("The person also has a role in a municipality you do not coordinate. Ask a superuser to do it.")
    if Membership.objects.filter(_person_seats(user)).exclude(council__municipalities__in=managed).exists():
        return _("The person also has a seat on a council you do not coordinate. Ask a superuser to do it.")
    return None


def _remove_sign_in_traces(*, user, old_email: str, new_email: str) -> None:
    """Two-factor devices go with the account; django-axes' records of sign-ins keep the placeholder."""
    if apps.is_installed("django_otp"):
        from django_otp import devices_for_user

        for device in devices_for_user(user, confirmed=None):
            device.delete()
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        AccessAttempt.objects.filter(username__iexact=old_email).delete()
        for model in (AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=old_email).update(username=new_email)


@transaction.atomic
def user_anonymise(*, user, by, now: datetime | None = None):
    """Anonymise a person's account and every seat that is theirs; keep the records they are named in.

    The account stays (so that measures, decisions and history still point at it) but is closed for good: the
    name becomes "Anonymiserad person", the address a unique placeholder, the password unusable (every session
    ends with it). Their portal roles, calendar addresses, reminder settings, subscriptions, two-factor devices
    and pending mail are removed; the records of mail sent and of sign-ins keep the placeholder.
    """
    refusal = user_anonymise_refusal(user=user, by=by)
    if refusal:
        raise ValidationError(refusal, code="anonymise_refused")
    now = now or timezone.now()
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    old_email, new_email = user.email, placeholder_email(user)
    for membership in Membership.objects.filter(_person_seats(user)):
        membership_anonymise(membership=membership, by=by, now=now)
    for role in PortalRole.objects.filter(user=user):
        role._history_user = by
        role.delete()
    CalendarFeed.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    Subscription.objects.filter(email__iexact=old_email).delete()
    _scrub_deliveries(recipients=Q(recipient_user=user) | Q(recipient_email__iexact=old_email), new_email=new_email)
    _remove_sign_in_traces(user=user, old_email=old_email, new_email=new_email)
    user.full_name, user.email = anonymised_name(), new_email
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    _scrub_admin_log(user, str(user))
    return user
