"""iCalendar (RFC 5545) files of meetings and deadlines, built with the `icalendar` library.

Used by the reminder mail (an .ics attachment per meeting) and by the private calendar feeds. Every event
links back to the portal; a meeting keeps one UID for its whole life and a SEQUENCE that grows when it moves,
so calendar clients update the event instead of adding a second one.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from core.links import portal_url

PRODID = "-//BRÅ-portalen//Möten och tidsfrister//SV"


def uid_domain() -> str:
    return settings.MAIL_MESSAGE_ID_DOMAIN


def new_calendar(name: str, method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    if method:
        cal.add("method", method)
    return cal


def meeting_event(meeting, *, stamp: datetime | None = None) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{uid_domain()}")
    event.add("dtstamp", stamp or meeting.updated_at or timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    location = meeting.location or meeting.video_url
    if location:
        event.add("location", location)
    url = portal_url(meeting.get_absolute_url())
    event.add("url", url)
    description = "\n\n".join(part for part in (meeting.description, meeting.video_url, url) if part)
    event.add("description", description)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def deadline_event(*, uid: str, day: date, summary: str, url: str, description: str = "") -> Event:
    """An all-day event for a deadline (a follow-up due, a plan expiring, a measure's end date)."""
    event = Event()
    event.add("uid", f"{uid}@{uid_domain()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    event.add("description", "\n\n".join(part for part in (description, url) if part))
    event.add("transp", "TRANSPARENT")
    return event


def meeting_ics(meeting) -> bytes:
    """A one-event calendar file for a reminder mail (METHOD:PUBLISH: clients offer to add or update it)."""
    cal = new_calendar(meeting.title, method="PUBLISH")
    cal.add_component(meeting_event(meeting))
    return cal.to_ical()
