"""The reminder engine on its own: every kind, exactly-once recording, stale reminders, failures, digests.

Mail goes to Django's locmem outbox here, where delivery itself is not the point; tests/core/test_reminders_live.py
runs the engine with a real Celery worker, a real SMTP server and a killed worker.
"""

from datetime import date, datetime, timedelta

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplans.models import ActionPlan, Measure
from core import reminders
from core.models import Delivery, NotificationPreference
from councils.models import Meeting, Membership
from tests.actionplans.conftest import started_plan
from tests.factories import CouncilFactory, MembershipFactory, MunicipalityFactory, PortalRoleFactory, UserFactory
from tests.mailserver import MailServer

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def make_meeting(council, municipality, starts_at, invitees, **fields):
    meeting = Meeting.objects.create(
        council=council,
        municipality=municipality,
        title=fields.pop("title", "Rådsmöte i Testköping"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        location="Stadshuset, sal Åsen",
        **fields,
    )
    meeting.invitees.set(invitees)
    return meeting


@pytest.fixture
def members(tenant):
    return [
        MembershipFactory(council=tenant.council, name=name, email=f"{slug}@example.se", role=role)
        for name, slug, role in [
            ("Åsa Öberg", "asa", Membership.Role.CHAIR),
            ("Per Ärlig", "per", Membership.Role.SCHOOL),
            ("Lin Dahl", "lin", Membership.Role.POLICE),
        ]
    ]


def run(now):
    reminders.scan(now)
    return reminders.send_due(now)


def test_meeting_reminder_goes_once_to_each_invitee_with_a_calendar_file(tenant, members):
    starts = at(2026, 3, 10, 13, 0)
    meeting = make_meeting(tenant.council, tenant.municipality, starts, members)
    now = at(2026, 3, 3, 14, 0)  # the 7-day reminder is due (13:00), the 1-day one is not

    assert run(now)["sent"] == 3
    assert run(now)["sent"] == 0  # a second scan and send change nothing
    assert run(now + timedelta(hours=1))["sent"] == 0

    assert sorted(m.to[0] for m in mail.outbox) == ["asa@example.se", "lin@example.se", "per@example.se"]
    message = mail.outbox[0]
    assert message.subject.startswith("Påminnelse: Rådsmöte i Testköping")
    assert "Stadshuset, sal Åsen" in message.body
    filename, content, mimetype = message.attachments[0]
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event["UID"] == f"meeting-{meeting.pk}@bra-portalen.example"
    assert event.decoded("DTSTART") == starts
    assert str(event["URL"]).endswith(meeting.get_absolute_url())
    delivery = Delivery.objects.get(recipient_email=message.to[0], context__lead_days=7)
    assert message.extra_headers["Message-ID"] == reminders.message_id(delivery.key)

    # The day before: the 1-day reminder, once.
    assert run(at(2026, 3, 9, 13, 30))["sent"] == 3
    assert len(mail.outbox) == 6


def test_a_portal_that_starts_late_sends_only_the_latest_stage(tenant, members):
    make_meeting(tenant.council, tenant.municipality, at(2026, 3, 10, 13, 0), members[:1])
    counts = run(at(2026, 3, 9, 18, 0))  # both 7-day and 1-day moments have passed
    assert counts["sent"] == 1
    assert list(Delivery.objects.values_list("context__lead_days", flat=True)) == [1]


def test_a_moved_meeting_gets_no_stale_reminder_and_one_for_the_new_time(tenant, members):
    meeting = make_meeting(tenant.council, tenant.municipality, at(2026, 3, 10, 13, 0), members[:2])
    reminders.scan(at(2026, 3, 2, 14, 0))  # plans the 7-day reminder for 3 March 13:00
    assert Delivery.objects.filter(status="planned").count() == 2

    # Moved a week later, without anyone telling the engine: the planned rows turn obsolete when due.
    meeting.starts_at, meeting.ends_at = at(2026, 3, 17, 13, 0), at(2026, 3, 17, 15, 0)
    meeting.save()
    counts = run(at(2026, 3, 3, 14, 0))
    assert counts == {"sent": 0, "failed": 0, "obsolete": 2, "in_digest": 0}
    assert mail.outbox == []

    counts = run(at(2026, 3, 10, 14, 0))
    assert counts["sent"] == 2
    assert all("17 mars" in m.subject for m in mail.outbox)

    # Moved again, and this time the service marks the planned rows at once (the meeting pages do this).
    reminders.scan(at(2026, 3, 16, 12, 0))
    meeting.starts_at, meeting.ends_at = at(2026, 3, 18, 13, 0), at(2026, 3, 18, 15, 0)
    meeting.save()
    assert reminders.obsolete_planned("meeting", meeting.pk) == 2


def test_a_cancelled_meeting_sends_nothing(tenant, members):
    meeting = make_meeting(tenant.council, tenant.municipality, at(2026, 3, 10, 13, 0), members)
    reminders.scan(at(2026, 3, 2, 14, 0))
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    assert run(at(2026, 3, 3, 14, 0))["sent"] == 0
    assert set(Delivery.objects.values_list("status", flat=True)) == {"obsolete"}


def test_lead_times_per_municipality_and_per_user(tenant, members):
    tenant.municipality.meeting_reminder_days = "3"
    tenant.municipality.save()
    user = UserFactory(email="per.user@example.se")
    members[1].user = user
    members[1].save()
    NotificationPreference.objects.create(user=user, meeting_reminder_days="0")
    make_meeting(tenant.council, tenant.municipality, at(2026, 3, 10, 13, 0), members[:2])

    run(at(2026, 3, 7, 13, 30))
    assert [m.to[0] for m in mail.outbox] == ["asa@example.se"]  # 3 days before
    run(at(2026, 3, 10, 11, 30))
    assert [m.to[0] for m in mail.outbox][1:] == ["per.user@example.se"]  # the same day, two hours before


def test_smtp_outage_is_retried_then_shown_as_failed_then_sent_on_request(tenant, members, settings):
    server = MailServer()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    make_meeting(tenant.council, tenant.municipality, at(2026, 3, 10, 13, 0), members[:1])
    now = at(2026, 3, 3, 14, 0)

    counts = run(now)  # nothing listens on the port: connection refused
    assert counts["failed"] == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "retrying" and delivery.attempts == 1
    assert "Connection refused" in delivery.last_error or "Errno" in delivery.last_error
    assert reminders.send_due(now)["failed"] == 0  # not again before the back-off

    moment = now
    for delay in reminders.RETRY_DELAYS:
        moment += delay
        reminders.send_due(moment)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == reminders.MAX_ATTEMPTS
    assert reminders.send_due(moment + timedelta(days=1))["failed"] == 0  # failed rows wait for a person

    server.start()
    try:
        reminders.retry_now(delivery)
        assert reminders.send_due(moment)["sent"] == 1
        assert [m["To"] for m in server.messages] == ["asa@example.se"]
        assert server.messages[0]["Subject"].strip().startswith("Påminnelse: Rådsmöte i Testköping")
    finally:
        server.stop()


def test_digest_users_get_one_mail_a_day(tenant, members):
    user = UserFactory(email="asa.user@example.se")
    members[0].user = user
    members[0].save()
    NotificationPreference.objects.create(user=user, channel="digest")
    make_meeting(tenant.council, tenant.municipality, at(2026, 3, 10, 13, 0), members[:1], title="Rådsmöte A")
    make_meeting(tenant.council, tenant.municipality, at(2026, 3, 10, 15, 0), members[:1], title="Rådsmöte B")
    now = at(2026, 3, 3, 16, 0)

    assert run(now)["in_digest"] == 2
    assert mail.outbox == []
    assert reminders.send_digests(now) == 1
    assert reminders.send_digests(now) == 0
    assert reminders.send_due(now)["sent"] == 1
    (digest,) = mail.outbox
    assert digest.to == ["asa.user@example.se"]
    assert "Rådsmöte A" in digest.body and "Rådsmöte B" in digest.body
    assert set(Delivery.objects.filter(kind="meeting").values_list("status", flat=True)) == {"digested"}


def test_minutes_overdue_reminds_the_coordinator_until_approved(tenant, members):
    make_meeting(tenant.council, tenant.municipality, at(2026, 3, 2, 13, 0), members)
    run(at(2026, 3, 10, 9, 0))  # 14 days have not passed
    assert not Delivery.objects.filter(kind="minutes_overdue").exists()
    run(at(2026, 3, 16, 9, 0))
    assert [m.to[0] for m in mail.outbox if "Protokoll" in m.subject] == [tenant.coordinator.email]

    other = make_meeting(tenant.council, tenant.municipality, at(2026, 3, 3, 13, 0), members)
    reminders.scan(at(2026, 3, 16, 9, 0))  # planned for the morning of 17 March
    other.minutes_status = Meeting.MinutesStatus.APPROVED
    other.save()
    assert reminders.send_due(at(2026, 3, 17, 9, 0))["obsolete"] == 1


def test_statutory_countdown_then_overdue_escalates_to_the_chair(tenant, members):
    started_plan(tenant)  # its lägesbild was adopted 2024-02-01: expires 2026-02-01

    def statutory():
        return [m for m in mail.outbox if "lägesbild" in m.subject]

    run(at(2025, 12, 5, 9, 0))  # two months left: the 3-month stage is the latest reached
    assert [m.subject for m in statutory()] == ["Testköpings lägesbild ska förnyas senast 1 februari 2026"]
    assert statutory()[0].to == [tenant.coordinator.email]

    run(at(2026, 1, 2, 9, 0))  # one month left
    run(at(2026, 2, 2, 9, 0))  # overdue: also to the council's chair
    overdue = [m for m in statutory() if m.subject.startswith("Försenad")]
    assert sorted(m.to[0] for m in overdue) == sorted([tenant.coordinator.email, "asa@example.se"])
    assert len(statutory()) == 4


def test_follow_up_due_pledge_ending_and_term_ending(tenant, members):
    from tests.pledges.factories import PledgeFactory

    pledge = PledgeFactory(
        municipalities=[tenant.municipality], start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    pledge.status = "published"
    pledge.save()
    members[1].term_end, members[1].until_successor = date(2026, 7, 15), False
    members[1].save()

    run(at(2026, 5, 2, 9, 0))  # T1 2026 ended 30 April: due 30 May
    due = [m for m in mail.outbox if "Uppföljning" in m.subject]
    assert sorted(m.to[0] for m in due) == sorted([tenant.coordinator.email, tenant.users["police"].email])
    assert run(at(2026, 5, 20, 9, 0))["sent"] == 1  # the term-ending notice to the coordinator, 60 days before
    assert "Per Ärlig" in mail.outbox[-1].body
    run(at(2026, 10, 1, 9, 0))  # three months before the pledge ends (and T2 overdue)
    assert any(m.subject.startswith("Medborgarlöftet upphör") for m in mail.outbox)
    assert any(m.subject.startswith("Uppföljning försenad") for m in mail.outbox)


def test_overdue_measures_come_as_one_weekly_digest_per_person(tenant):
    plan = started_plan(tenant)  # two measures owned by the member, ending 2024-12-31
    assert plan.status == ActionPlan.Status.DRAFT
    monday = at(2025, 1, 6, 7, 30)
    run(monday)
    run(monday + timedelta(days=2))
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {tenant.coordinator.email, tenant.users["member"].email}
    assert by_person[tenant.users["member"].email].body.count("Åtgärd ") == 2

    Measure.objects.update(status=Measure.Status.DONE)
    assert run(monday + timedelta(days=7))["sent"] == 0


def test_one_scan_takes_the_same_number_of_queries_for_one_municipality_or_five(tenant, members):
    def build(n):
        for i in range(n):
            municipality = MunicipalityFactory()
            council = CouncilFactory(municipalities=[municipality])
            PortalRoleFactory(municipality=municipality, role="coordinator")
            people = [MembershipFactory(council=council, email=f"m{i}-{k}@example.se") for k in range(3)]
            for day in (3, 4):
                make_meeting(council, municipality, at(2026, 3, day + 7, 13, 0), people)
            started_plan_for(municipality)

    def started_plan_for(municipality):
        ActionPlan.objects.create(
            municipality=municipality,
            title="Plan",
            period_start=date(2024, 1, 1),
            period_end=date(2025, 12, 31),
            status="adopted",
            body="kf",
            decision_date=date(2024, 4, 1),
        )

    def count():
        with CaptureQueriesContext(connection) as queries:
            reminders.scan(at(2026, 3, 4, 9, 0))
        return len(queries)

    build(1)
    small = count()
    build(4)
    assert count() == small
    assert Delivery.objects.filter(kind="meeting").count() == 5 * 3 + 5 * 3  # the 7-day stage of 2 meetings each
