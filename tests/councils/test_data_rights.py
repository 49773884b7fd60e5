"""Data rights: a person sees and downloads what the portal holds about them; anonymising keeps the records."""

import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import devices_for_user

from actionplans.models import Measure
from core.audit import AccessLogEntry
from core.data_rights import anonymised_name, placeholder_email, user_anonymise
from core.models import Delivery, NotificationPreference, Subscription
from councils import meetings_services as meetings
from councils.models import Attendance, CalendarFeed, Membership, PortalRole
from situation import walks
from situation.categories import categories_for
from situation.models import Incident, Place
from tests.actionplans.conftest import adopted_picture, started_plan
from tests.factories import MembershipFactory, PortalRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _meeting(tenant, member, *, days_ago=3, title="Rådsmöte"):
    starts = timezone.now() - timedelta(days=days_ago)
    meeting = meetings.meeting_create(
        council=tenant.council, municipality=tenant.municipality, by=tenant.coordinator, kind="council",
        title=title, starts_at=starts, ends_at=starts + timedelta(hours=2), location="Kommunhuset",
        invitees=[member],
    )[0]  # fmt: skip
    meetings.attendance_save(meeting=meeting, by=tenant.coordinator, rows={member.pk: {"status": "present"}})
    return meeting


def _delivery(user, *, status, key, email=None):
    now = timezone.now()
    return Delivery.objects.create(
        key=key, kind="meeting", recipient_email=email or user.email, recipient_user=user, due_at=now,
        send_after=now, status=status, subject=f"Påminnelse {key}",
    )  # fmt: skip


def _problem_area(tenant):
    if not hasattr(tenant, "problem_area"):
        tenant.problem_area = started_plan(tenant).problem_areas.first()
    return tenant.problem_area


def give_person_data(tenant, user, n: int, *, tag: str = "Åsa"):
    """`n` rows of every kind of personal data for `user` (a member of the tenant's municipality)."""
    seat = MembershipFactory(council=tenant.council, user=user, name=f"{tag} Ledamot", email="")
    MembershipFactory(council=tenant.council, name=f"{tag} Via E-post", email=user.email.upper())
    category = categories_for(tenant.municipality).first()
    place = Place.objects.create(municipality=tenant.municipality, name=f"Torget {tag}")
    walk = walks.walk_create(
        municipality=tenant.municipality, title="Kvällsvandring", date=date(2025, 10, 1), route=[place], by=user
    )
    area = _problem_area(tenant)
    for i in range(n):
        _meeting(tenant, seat, days_ago=3 + i, title=f"Möte {tag} {i}")
        Incident.objects.create(
            municipality=tenant.municipality, category=category, tag="brott", reported_by=user,
            description=f"Klotter {tag} {i}",
        )  # fmt: skip
        walks.observation_save(walk=walk, place=place, note=f"Trasig lampa {tag} {i}", by=user)
        _delivery(user, status=Delivery.Status.SENT, key=f"{tag}:{i}")
        Measure.objects.create(problem_area=area, title=f"Belysning {tag} {i}", owner=user)
    NotificationPreference.objects.create(user=user, channel="digest")
    CalendarFeed.objects.create(user=user)
    Subscription.objects.create(municipality=tenant.municipality, email=user.email, topics=["plans"])
    return seat


@pytest.fixture
def person(tenant):
    user = PortalRoleFactory(municipality=tenant.municipality, role="member", user__full_name="Åsa Öberg").user
    give_person_data(tenant, user, 2)
    return user


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_my_data_page_shows_the_persons_data_and_not_anothers(tenant, person):
    other = tenant.users["member"]
    give_person_data(tenant, other, 1, tag="Bertil")
    page = _client(person).get(reverse("councils:my-data")).content.decode()
    for expected in ("Åsa Öberg", person.email, "Åsa Ledamot", "Åsa Via E-post", "Möte Åsa 1", "Klotter Åsa 0",
                     "Trasig lampa Åsa 1", "Påminnelse Åsa:1", "Testköping"):  # fmt: skip
        assert expected in page, expected
    assert "Bertil" not in page and other.email not in page
    assert CalendarFeed.objects.get(user=person).token not in page, "the feed address is a password"


def _download(user):
    response = _client(user).get(reverse("councils:my-data-download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="mina-uppgifter-')
    return response


def test_download_is_one_json_file_of_the_persons_data_only(tenant, person):
    give_person_data(tenant, tenant.users["member"], 1, tag="Bertil")
    response = _download(person)
    raw = response.content.decode("utf-8")
    assert "Åsa Öberg" in raw, "UTF-8, not \\u escapes"
    data = json.loads(raw)
    assert data["account"] == [
        {**data["account"][0], "email": person.email, "name": "Åsa Öberg", "active": True}
    ]  # fmt: skip
    assert {seat["name"] for seat in data["council_seats"]} == {"Åsa Ledamot", "Åsa Via E-post"}
    assert sorted(row["meeting"] for row in data["attendance"]) == ["Möte Åsa 0", "Möte Åsa 1"]
    assert sorted(row["what_happened"] for row in data["incident_reports"]) == ["Klotter Åsa 0", "Klotter Åsa 1"]
    assert len(data["walk_observations"]) == 2 and len(data["measures"]) == 2
    assert [row["address"] for row in data["subscriptions"]] == [person.email]
    assert len(data["calendar_feeds"]) == 1 and "token" not in json.dumps(data["calendar_feeds"])
    assert "Bertil" not in raw and tenant.users["member"].email not in raw


def test_download_is_recorded_in_the_access_log_of_the_persons_municipality(tenant, person):
    _download(person)
    entry = AccessLogEntry.objects.get(what="personal_data")
    assert (entry.user, entry.municipality, entry.action) == (person, tenant.municipality, "export")


def _queries(user, url) -> int:
    client = _client(user)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["councils:my-data", "councils:my-data-download"])
def test_the_number_of_queries_does_not_grow_with_the_data(tenant, name):
    few = PortalRoleFactory(municipality=tenant.municipality, role="member").user
    many = PortalRoleFactory(municipality=tenant.municipality, role="member").user
    give_person_data(tenant, few, 1, tag="Få")
    give_person_data(tenant, many, 6, tag="Många")
    assert _queries(few, reverse(name)) == _queries(many, reverse(name))


# ---- anonymising -------------------------------------------------------------------------------------------


def _anonymise_url(name, tenant, pk):
    return reverse(f"councils:{name}", kwargs={"kommun": tenant.municipality.slug, "pk": pk})


def test_anonymising_a_seat_replaces_the_name_everywhere_and_keeps_the_records(client, tenant):
    seat = MembershipFactory(council=tenant.council, name="Gunnar Gammal", email="gunnar@example.se", title="Rektor")
    seat.title = "Rektor, Åbyskolan"
    seat.save()  # a second history record with the old name
    meeting = _meeting(tenant, seat)
    meetings.decision_save(meeting=meeting, by=tenant.coordinator, text="Rådet beslutar om belysning", is_public=True)
    meetings.minutes_approve(meeting=meeting, by=tenant.coordinator)
    client.force_login(tenant.coordinator)
    confirm = client.get(_anonymise_url("membership-anonymise", tenant, seat.pk))
    assert confirm.status_code == 200 and "Gunnar Gammal" in confirm.content.decode()

    response = client.post(_anonymise_url("membership-anonymise", tenant, seat.pk))

    assert response.status_code == 302
    seat.refresh_from_db()
    assert (seat.name, seat.email, seat.title, seat.publish_name) == (anonymised_name(), "", "", False)
    assert seat.anonymised_at is not None
    assert set(Membership.history.filter(id=seat.pk).values_list("name", "email", "title")) == {
        (anonymised_name(), "", "")
    }
    assert Attendance.objects.get(meeting=meeting, membership=seat).status == "present"
    meeting.refresh_from_db()
    assert meeting.minutes_approved and meeting.decisions.get().text == "Rådet beslutar om belysning"
    history = client.get(reverse("councils:council-history", args=[tenant.municipality.slug, tenant.council.pk]))
    council = client.get(reverse("councils:council-detail", args=[tenant.municipality.slug, tenant.council.pk]))
    for page in (history, council, client.get(tenant.municipality.get_absolute_url())):
        assert "Gunnar" not in page.content.decode()


def test_a_member_cannot_anonymise_a_seat(client, tenant):
    seat = MembershipFactory(council=tenant.council, name="Gunnar Gammal")
    client.force_login(tenant.users["member"])
    assert client.post(_anonymise_url("membership-anonymise", tenant, seat.pk)).status_code == 403
    seat.refresh_from_db()
    assert seat.name == "Gunnar Gammal"


def test_anonymising_an_account_closes_it_and_keeps_what_the_person_is_named_in(client, tenant, person):
    seat = Membership.objects.get(user=person)
    person_client = _client(person)
    pending = _delivery(person, status=Delivery.Status.PLANNED, key=f"meeting:9:{person.email}")
    sent = _delivery(person, status=Delivery.Status.SENT, key=f"meeting:8:{person.email}")
    measures = set(Measure.objects.filter(owner=person).values_list("pk", flat=True))
    adopted = adopted_picture(tenant.municipality)
    role = PortalRole.objects.get(user=person)
    client.force_login(tenant.coordinator)

    response = client.post(_anonymise_url("role-anonymise", tenant, role.pk))

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.email, person.is_active) == (anonymised_name(), placeholder_email(person), False)
    assert not person.has_usable_password()
    assert person_client.get(reverse("councils:my-data")).status_code == 302, "the person's sessions ended"
    assert not PortalRole.objects.filter(user=person).exists()
    assert not list(devices_for_user(person, confirmed=None)), "the two-factor device went with the account"
    assert not CalendarFeed.objects.filter(user=person).exists()
    assert not NotificationPreference.objects.filter(user=person).exists()
    assert not Subscription.objects.filter(municipality=tenant.municipality).exists()
    assert not Delivery.objects.filter(pk=pending.pk).exists()
    sent.refresh_from_db()
    assert (sent.recipient_email, sent.key) == (placeholder_email(person), f"meeting:8:{placeholder_email(person)}")
    assert not Membership.objects.filter(name__startswith="Åsa").exists()
    assert not Membership.history.filter(name__startswith="Åsa").exists()
    seat.refresh_from_db()
    assert seat.user is None and seat.attendance.count() == 2
    assert set(Measure.objects.filter(owner=person).values_list("pk", flat=True)) == measures
    assert Incident.objects.filter(reported_by=person).count() == 2
    adopted.refresh_from_db()
    assert adopted.status == "adopted"


def test_a_coordinator_cannot_anonymise_an_account_that_reaches_into_another_municipality(client, tenant):
    user = PortalRoleFactory(municipality=tenant.municipality, role="member").user
    PortalRoleFactory(municipality=tenant.other_municipality, role="reporter", user=user)
    role = PortalRole.objects.get(user=user, municipality=tenant.municipality)
    client.force_login(tenant.coordinator)
    assert client.get(_anonymise_url("role-anonymise", tenant, role.pk)).status_code == 200

    client.post(_anonymise_url("role-anonymise", tenant, role.pk))

    user.refresh_from_db()
    assert user.is_active and user.full_name != anonymised_name()
    client.force_login(tenant.users["superuser"])
    client.post(_anonymise_url("role-anonymise", tenant, role.pk))
    user.refresh_from_db()
    assert not user.is_active and user.full_name == anonymised_name()


def test_nobody_anonymises_their_own_account(tenant):
    coordinator = tenant.coordinator
    with pytest.raises(ValidationError) as refused:
        user_anonymise(user=coordinator, by=coordinator)
    assert refused.value.code == "anonymise_refused"
    assert get_user_model().objects.get(pk=coordinator.pk).is_active


def test_anonymised_accounts_get_distinct_placeholders(tenant):
    users = [UserFactory(), UserFactory()]
    for user in users:
        user_anonymise(user=user, by=tenant.users["superuser"])
    assert len({get_user_model().objects.get(pk=user.pk).email for user in users}) == 2


# ---- the privacy page ----------------------------------------------------------------------------------------


def _privacy_page_in_english():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("privacy")).content.decode()


def test_privacy_page_prints_the_retention_periods_that_are_configured(tenant, settings):
    settings.DELIVERY_LOG_RETENTION_DAYS = 123
    settings.FORMER_MEMBER_RETENTION_DAYS = 1
    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    settings.PRIVACY_CONTACT_EMAIL = "dataskydd@testkoping.example"
    tenant.municipality.incident_text_retention_months = 18
    tenant.municipality.save()
    page = _privacy_page_in_english()
    assert "123 days" in page and "1 day" in page and "2 hours" in page
    assert "Testköping: 18 months" in page and "default 24 months" in page
    assert 'href="mailto:dataskydd@testkoping.example"' in page
    assert reverse("councils:my-data") in page
    settings.DELIVERY_LOG_RETENTION_DAYS = 400
    assert "400 days" in _privacy_page_in_english()


def test_every_page_links_to_the_privacy_page(client, tenant):
    for path in ("/", tenant.municipality.get_absolute_url(), reverse("accessibility")):
        assert f'href="{reverse("privacy")}"' in client.get(path).content.decode(), path
