"""Private calendar feeds (`/kalender/<token>.ics`): a user's meetings and deadlines, or one council's meetings.

The token in the address is the only credential, so a feed is revoked by stamping `revoked_at`, and a new
address is a new row with a new token. Each feed is built in a fixed number of queries whatever its size.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, vDuration

from core.links import portal_url
from core.periods import FOLLOW_UP_DUE_DAYS, Tertial
from councils.calendars import deadline_event, meeting_event, new_calendar
from councils.models import CalendarFeed, Meeting, Municipality, PortalRole

# Meetings and deadlines further back than this are left out of the feeds.
FEED_PAST = timedelta(days=365)
# How often calendar clients should fetch the feed again (Outlook and Apple read these properties).
REFRESH = timedelta(hours=1)


def feed_address(feed: CalendarFeed) -> str:
    return portal_url(feed.get_absolute_url())


def webcal_address(feed: CalendarFeed) -> str:
    """The same address with the webcal scheme: a click opens the calendar program's subscribe dialogue."""
    return "webcal://" + feed_address(feed).split("://", 1)[1]


# --- services ---------------------------------------------------------------------------------------------


def _active(*, user=None, council=None):
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True)
    return feeds.filter(user=user) if user is not None else feeds.filter(council=council)


def active_feed(*, user=None, council=None) -> CalendarFeed | None:
    return _active(user=user, council=council).order_by("-created_at", "-pk").first()


@transaction.atomic
def calendar_feed_revoke(*, user=None, council=None, now: datetime | None = None) -> int:
    """Turn off the feed of a user or a council: its address answers 404 from now on."""
    if (user is None) == (council is None):
        raise ValueError("A feed belongs to a user or to a council")
    return _active(user=user, council=council).update(revoked_at=now or timezone.now())


@transaction.atomic
def calendar_feed_renew(*, user=None, council=None, now: datetime | None = None) -> CalendarFeed:
    """A new address for the feed; the old one stops working (e.g. when it was shared by mistake)."""
    calendar_feed_revoke(user=user, council=council, now=now)
    return CalendarFeed.objects.create(user=user, council=council)


# --- building the calendars --------------------------------------------------------------------------------


def _calendar(name: str) -> Calendar:
    cal = new_calendar(name)
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    return cal


def _user_meetings(user, since: datetime):
    return (
        Meeting.objects.filter(invitees__user=user, starts_at__gte=since)
        .select_related("municipality")
        .distinct()
        .order_by("starts_at", "pk")
    )


def _measure_events(user, since: date) -> list:
    from actionplans.models import Measure

    rows = (
        Measure.objects.open()
        .filter(owner=user, end_date__gte=since)
        .values_list("pk", "title", "end_date", "problem_area__plan__title", "problem_area__plan__municipality__slug")
        .order_by("end_date", "pk")
    )
    return [
        deadline_event(
            uid=f"measure-{pk}-end",
            day=end_date,
            summary=_("Measure due: %(title)s") % {"title": title},
            url=portal_url(reverse("actionplans:measure-detail", kwargs={"kommun": slug, "pk": pk})),
            description=_("Action plan: %(plan)s") % {"plan": plan_title},
        )
        for pk, title, end_date, plan_title, slug in rows
    ]


def _statutory_events(municipalities: list[Municipality]) -> list:
    events = []
    for municipality in municipalities:
        values = {"municipality": municipality.name}
        if municipality.picture_clock.expires_on:
            events.append(
                deadline_event(
                    uid=f"statutory-picture-{municipality.pk}",
                    day=municipality.picture_clock.expires_on,
                    summary=_("The situation picture of %(municipality)s must be renewed") % values,
                    url=portal_url(reverse("situation:picture-list", kwargs={"kommun": municipality.slug})),
                    description=_("Lag (2023:196): the situation picture is renewed at least every other year."),
                )
            )
        if municipality.plan_clock.expires_on:
            events.append(
                deadline_event(
                    uid=f"statutory-plan-{municipality.pk}",
                    day=municipality.plan_clock.expires_on,
                    summary=_("The action plan of %(municipality)s must be renewed") % values,
                    url=portal_url(reverse("actionplans:plan-list", kwargs={"kommun": municipality.slug})),
                    description=_("Lag (2023:196): the action plan is renewed at least every other year."),
                )
            )
    return events


def _follow_up_events(municipality_ids: list[int], since: date) -> list:
    from pledges.models import CitizenPledge, FollowUp

    rows = (
        FollowUp.objects.filter(
            pledge__status=CitizenPledge.Status.PUBLISHED,
            pledge__municipalities__in=municipality_ids,
            year__gte=since.year,
        )
        .exclude(status=FollowUp.Status.PUBLISHED)
        .values_list("pk", "year", "tertial", "pledge__title", "pledge__municipalities__slug")
        .order_by("year", "tertial", "pk")
    )
    events, seen = [], set()
    for pk, year, tertial, title, slug in rows:
        due = Tertial(year, tertial).end + timedelta(days=FOLLOW_UP_DUE_DAYS)
        if pk in seen or due < since:
            continue
        seen.add(pk)
        events.append(
            deadline_event(
                uid=f"follow-up-{pk}-due",
                day=due,
                summary=_("Follow-up %(period)s due: %(title)s") % {"period": Tertial(year, tertial), "title": title},
                url=portal_url(reverse("pledges:follow-up-edit", kwargs={"kommun": slug, "pk": pk})),
            )
        )
    return events


def user_calendar(user, now: datetime | None = None) -> Calendar:
    """The meetings the user's seats are invited to, their own measures' end dates, and, where they are
    coordinator or police, the follow-ups due and the statutory expiry of the situation picture and plan."""
    from actionplans.selectors import municipalities_with_clock

    now = now or timezone.now()
    today = timezone.localdate(now)
    since = today - FEED_PAST
    with translation.override(settings.LANGUAGE_CODE):
        cal = _calendar(_("BRÅ-portalen: my meetings and deadlines"))
        for meeting in _user_meetings(user, now - FEED_PAST):
            cal.add_component(meeting_event(meeting))
        events = _measure_events(user, since)
        municipality_ids = list(
            PortalRole.objects.filter(
                user=user, role__in=[PortalRole.Role.COORDINATOR, PortalRole.Role.POLICE]
            ).values_list("municipality_id", flat=True)
        )
        if municipality_ids:
            events += _statutory_events(
                municipalities_with_clock(today=today, queryset=Municipality.objects.filter(pk__in=municipality_ids))
            )
            events += _follow_up_events(municipality_ids, since)
        for event in events:
            cal.add_component(event)
    return cal


def council_calendar(council, now: datetime | None = None) -> Calendar:
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        cal = _calendar(council.name)
        meetings = (
            Meeting.objects.filter(council=council, starts_at__gte=now - FEED_PAST)
            .select_related("municipality")
            .order_by("starts_at", "pk")
        )
        for meeting in meetings:
            cal.add_component(meeting_event(meeting))
    return cal


def feed_calendar(feed: CalendarFeed, now: datetime | None = None) -> Calendar:
    return user_calendar(feed.user, now) if feed.user_id else council_calendar(feed.council, now)
