"""Private calendar feeds (/kalender/<token>.ics) and the user's reminder settings page (/konto/paminnelser/)."""

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from actionplans.models import Measure
from core.models import NotificationPreference
from core.periods import FOLLOW_UP_DUE_DAYS, Tertial, add_months
from councils.models import CalendarFeed, Meeting
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _meeting(council, municipality, *, title="Rådsmöte", starts_at=None, invitees=(), **fields):
    starts_at = starts_at or timezone.now().replace(second=0, microsecond=0) + timedelta(days=10)
    meeting = Meeting.objects.create(
        council=council,
        municipality=municipality,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        location="Kommunhuset, sal A",
        **fields,
    )
    meeting.invitees.set(invitees)
    return meeting


def _events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _uid(name: str) -> str:
    return f"{name}@{settings.MAIL_MESSAGE_ID_DOMAIN}"


@pytest.fixture
def member(tenant):
    """The tenant's council member with a seat on the council and a calendar feed."""
    user = tenant.users["member"]
    tenant.seat = MembershipFactory(council=tenant.council, user=user, name="Mia Medlem")
    tenant.feed = CalendarFeed.objects.create(user=user)
    return user


def test_users_feed_has_their_meetings_with_uid_sequence_start_and_a_link_back(client, tenant, member):
    meeting = _meeting(tenant.council, tenant.municipality, invitees=[tenant.seat])
    Meeting.objects.filter(pk=meeting.pk).update(sequence=2)
    meeting.refresh_from_db()

    response = client.get(f"/kalender/{tenant.feed.token}.ics")
    events = _events(response)

    event = events[_uid(f"meeting-{meeting.pk}")]
    assert event["SUMMARY"] == "Rådsmöte"
    assert int(event["SEQUENCE"]) == 2
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["URL"]) == settings.PORTAL_URL + meeting.get_absolute_url()
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "Kommunhuset, sal A"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    assert "private" in response["Cache-Control"]
    assert client.head(tenant.feed.get_absolute_url()).status_code == 200


def test_cancelled_meeting_stays_in_the_feed_as_cancelled(client, tenant, member):
    meeting = _meeting(tenant.council, tenant.municipality, invitees=[tenant.seat], status=Meeting.Status.CANCELLED)
    events = _events(client.get(tenant.feed.get_absolute_url()))
    assert str(events[_uid(f"meeting-{meeting.pk}")]["STATUS"]) == "CANCELLED"


def test_feed_leaves_out_other_peoples_meetings_and_meetings_older_than_a_year(client, tenant, member):
    mine = _meeting(tenant.council, tenant.municipality, invitees=[tenant.seat])
    other_seat = MembershipFactory(council=tenant.other_council, user=tenant.users["other_coordinator"])
    theirs = _meeting(tenant.other_council, tenant.other_municipality, title="Grannmöte", invitees=[other_seat])
    uninvited = _meeting(tenant.council, tenant.municipality, title="Arbetsgrupp")
    old = _meeting(
        tenant.council,
        tenant.municipality,
        title="Gammalt möte",
        starts_at=timezone.now() - timedelta(days=400),
        invitees=[tenant.seat],
    )

    events = _events(client.get(tenant.feed.get_absolute_url()))

    assert _uid(f"meeting-{mine.pk}") in events
    for meeting in (theirs, uninvited, old):
        assert _uid(f"meeting-{meeting.pk}") not in events, meeting.title


def test_revoked_unknown_and_replaced_addresses_answer_404(client, tenant, member):
    old_url = tenant.feed.get_absolute_url()
    assert client.get(old_url).status_code == 200
    client.force_login(member)

    client.post(reverse("councils:calendar-feed-renew"))
    new_feed = CalendarFeed.objects.get(user=member, revoked_at__isnull=True)
    assert new_feed.token != tenant.feed.token
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(new_feed.get_absolute_url()).status_code == 200

    client.force_login(member)
    client.post(reverse("councils:calendar-feed-revoke"))
    client.logout()
    assert client.get(new_feed.get_absolute_url()).status_code == 404
    assert client.get("/kalender/finns-inte.ics").status_code == 404


def test_feed_of_a_deactivated_user_answers_404(client, tenant, member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(tenant.feed.get_absolute_url()).status_code == 404


def test_feed_has_own_measures_and_the_coordinators_deadlines(client, tenant):
    """Measure end dates for their owner; follow-ups due and the statutory expiry for the coordinator."""
    from actionplans.models import ProblemArea
    from pledges import services
    from pledges.models import Activity, CitizenPledge, FocusArea
    from tests.actionplans.conftest import adopted_picture, started_plan

    coordinator = tenant.coordinator
    picture = adopted_picture(tenant.municipality)
    plan = started_plan(tenant)
    end = timezone.localdate() + timedelta(days=40)
    measure = Measure.objects.create(
        problem_area=ProblemArea.objects.filter(plan=plan).first(), title="Belysning i parken", owner=coordinator,
        end_date=end,
    )  # fmt: skip
    today = timezone.localdate()
    pledge = CitizenPledge.objects.create(
        title="Tryggare centrum", police_area="LPO Test", start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )  # fmt: skip
    pledge.municipalities.set([tenant.municipality])
    for n in (1, 2):
        area = FocusArea.objects.create(pledge=pledge, title=f"Fokus {n}", order=n)
        Activity.objects.create(focus_area=area, description="Trygghetsvandring", responsible="both")
    services.pledge_publish(pledge=pledge, by=coordinator)
    follow_up = pledge.follow_ups.get(year=today.year, tertial=3)
    feed = CalendarFeed.objects.create(user=coordinator)

    events = _events(client.get(feed.get_absolute_url()))

    measure_event = events[_uid(f"measure-{measure.pk}-end")]
    assert measure_event.decoded("DTSTART") == end
    assert "Belysning i parken" in str(measure_event["SUMMARY"])
    assert str(measure_event["URL"]).startswith(settings.PORTAL_URL + "/hantera/testkoping/")
    picture_event = events[_uid(f"statutory-picture-{tenant.municipality.pk}")]
    assert picture_event.decoded("DTSTART") == add_months(picture.adopted_at, 24)
    follow_up_event = events[_uid(f"follow-up-{follow_up.pk}-due")]
    assert follow_up_event.decoded("DTSTART") == Tertial(today.year, 3).end + timedelta(days=FOLLOW_UP_DUE_DAYS)
    # A member has no statutory deadlines of the municipality in their feed.
    member_feed = CalendarFeed.objects.create(user=tenant.users["member"])
    member_events = _events(client.get(member_feed.get_absolute_url()))
    assert _uid(f"statutory-picture-{tenant.municipality.pk}") not in member_events
    assert _uid(f"follow-up-{follow_up.pk}-due") not in member_events


def test_feed_is_built_in_the_same_number_of_queries_with_one_or_ten_meetings(client, tenant, member):
    url = tenant.feed.get_absolute_url()
    _meeting(tenant.council, tenant.municipality, invitees=[tenant.seat])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(9):
        _meeting(
            tenant.council,
            tenant.municipality,
            title=f"Möte {n}",
            starts_at=timezone.now() + timedelta(days=n + 20),
            invitees=[tenant.seat],
        )
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
    assert len(_events(response)) == 10
    assert len(one) == len(ten)


def test_council_feed_is_managed_by_the_coordinator_and_lists_the_councils_meetings(client, tenant):
    meeting = _meeting(tenant.council, tenant.municipality)
    other = _meeting(tenant.other_council, tenant.other_municipality, title="Grannmöte")
    kwargs = {"kommun": tenant.municipality.slug, "council_pk": tenant.council.pk}

    client.force_login(tenant.users["member"])
    assert client.post(reverse("councils:council-feed-renew", kwargs=kwargs)).status_code == 403
    client.force_login(tenant.coordinator)
    client.post(reverse("councils:council-feed-renew", kwargs=kwargs))
    feed = CalendarFeed.objects.get(council=tenant.council, revoked_at__isnull=True)
    page = client.get(
        reverse("councils:council-detail", kwargs={"kommun": tenant.municipality.slug, "pk": tenant.council.pk})
    )
    assert settings.PORTAL_URL + feed.get_absolute_url() in page.content.decode()

    events = _events(client.get(feed.get_absolute_url()))
    assert _uid(f"meeting-{meeting.pk}") in events
    assert _uid(f"meeting-{other.pk}") not in events

    client.post(reverse("councils:council-feed-revoke", kwargs=kwargs))
    assert client.get(feed.get_absolute_url()).status_code == 404


def test_other_municipalitys_coordinator_cannot_renew_the_councils_feed(client, tenant):
    client.force_login(tenant.users["other_coordinator"])
    own = {"kommun": tenant.other_municipality.slug, "council_pk": tenant.council.pk}
    assert client.post(reverse("councils:council-feed-renew", kwargs=own)).status_code == 404
    assert not CalendarFeed.objects.filter(council=tenant.council).exists()


def test_reminder_settings_page_saves_the_choice_and_shows_the_feed_address(client, tenant, member):
    client.force_login(member)
    url = reverse("councils:reminder-settings")
    page = client.get(url).content.decode()
    assert settings.PORTAL_URL + tenant.feed.get_absolute_url() in page
    assert 'src="/static/js/copy.js"' in page

    response = client.post(url, {"channel": "digest", "meeting_reminder_days": "1, 3"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=member)
    assert (pref.channel, pref.meeting_reminder_days) == ("digest", "3,1")


def test_reminder_settings_keep_what_was_typed_when_the_days_are_wrong(client, tenant, member):
    client.force_login(member)
    response = client.post(
        reverse("councils:reminder-settings"), {"channel": "digest", "meeting_reminder_days": "ibland"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("meeting_reminder_days", "invalid_lead_days")
    assert 'value="ibland"' in response.content.decode()
    assert not NotificationPreference.objects.filter(user=member).exists()


def test_user_without_a_feed_can_create_one_from_the_settings_page(client, tenant):
    user = tenant.users["reporter"]
    client.force_login(user)
    assert reverse("councils:calendar-feed-renew") in client.get(reverse("councils:reminder-settings")).content.decode()
    response = client.post(reverse("councils:calendar-feed-renew"))
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=user, revoked_at__isnull=True)
    assert client.get(feed.get_absolute_url()).status_code == 200


def test_meeting_event_start_is_the_meetings_moment_in_any_time_zone(client, tenant, member):
    starts = timezone.make_aware(datetime(2026, 12, 3, 18, 30))
    meeting = _meeting(tenant.council, tenant.municipality, starts_at=starts, invitees=[tenant.seat])
    events = _events(client.get(tenant.feed.get_absolute_url()))
    assert events[_uid(f"meeting-{meeting.pk}")].decoded("DTSTART") == starts
