"""Meeting services: scheduling and recurrence, moving and cancelling, the agenda and its links, suggestions,
attendance, decisions that create measures, approval locking and publication.

The helpers at the top are shared with the other test_meetings_* modules."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionplans.models import Measure
from core.models import Delivery
from councils import meetings_selectors as selectors
from councils import meetings_services as services
from councils.models import AgendaItem, Attendance, Decision, Meeting
from tests.factories import MembershipFactory, OrganisationFactory, PortalRoleFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


# --- shared helpers -----------------------------------------------------------------------------------------


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def seat_members(tenant, count=3, **kwargs):
    """Current members of the tenant's council (names published unless told otherwise)."""
    return [MembershipFactory(council=tenant.council, organisation=tenant.organisation, **kwargs) for _ in range(count)]


def schedule(tenant, *, when=None, invitees=None, title="Rådsmöte", hours=2, **kwargs) -> Meeting:
    when = when or timezone.now() + timedelta(days=7)
    invitees = seat_members(tenant) if invitees is None else invitees
    return services.meeting_create(
        council=tenant.council,
        municipality=tenant.municipality,
        by=tenant.coordinator,
        kind=kwargs.pop("kind", Meeting.Kind.COUNCIL),
        title=title,
        starts_at=when,
        ends_at=when + timedelta(hours=hours),
        location="Kommunhuset, sal Ådalen",
        invitees=invitees,
        **kwargs,
    )[0]


def held_meeting(tenant, **kwargs) -> Meeting:
    """A meeting that took place yesterday."""
    return schedule(tenant, when=timezone.now() - timedelta(days=1), **kwargs)


def add_item(meeting, by, title, **fields) -> AgendaItem:
    return services.agenda_item_save(meeting=meeting, by=by, fields={"title": title, **fields})


PUBLIC_TITLE, CLOSED_TITLE = "Trygghetsvandring i Centrum", "Hemlig punkt: hot mot anställd"


def published_minutes(tenant, *, public_title=PUBLIC_TITLE, closed_title=CLOSED_TITLE):
    """A held meeting with a public and a closed item, a decision under each, attendance, approved and published."""
    hidden, shown = seat_members(tenant, 1, publish_name=False, name="Dold Ledamot"), seat_members(tenant, 1)
    meeting = held_meeting(tenant, invitees=hidden + shown)
    public = add_item(meeting, tenant.coordinator, public_title, minutes_note="Rådet beslutade om en vandring.")
    closed = add_item(meeting, tenant.coordinator, closed_title, is_public=False, minutes_note="Sekretess.")
    services.attendance_save(
        meeting=meeting,
        by=tenant.coordinator,
        rows={hidden[0].pk: {"status": "present"}, shown[0].pk: {"status": "remote"}},
    )
    services.decision_save(
        meeting=meeting, by=tenant.coordinator, text="Vandring den 3 maj.", is_public=True, agenda_item=public
    )
    services.decision_save(
        meeting=meeting,
        by=tenant.coordinator,
        text="Polisen återkommer i ärendet.",
        is_public=False,
        agenda_item=closed,
    )
    services.minutes_approve(meeting=meeting, by=tenant.coordinator)
    services.minutes_publish(meeting=meeting, by=tenant.coordinator)
    meeting.refresh_from_db()
    meeting.public_item, meeting.closed_item = public, closed
    meeting.hidden_member, meeting.shown_member = hidden[0], shown[0]
    return meeting


def planned_reminder(meeting, email="ledamot@test.example") -> Delivery:
    return Delivery.objects.create(
        key=f"meeting:{meeting.pk}:{meeting.starts_at.isoformat()}:{email}",
        kind="meeting",
        municipality=meeting.municipality,
        recipient_email=email,
        object_id=meeting.pk,
        due_at=meeting.starts_at,
        send_after=meeting.starts_at - timedelta(days=1),
    )


def other_municipality_objects(tenant):
    """A measure, a follow-up, an incident and a situation picture of the neighbouring municipality."""
    from situation.categories import categories_for
    from situation.models import Incident
    from tests.actionplans.conftest import started_plan

    other_coordinator = tenant.users["other_coordinator"]
    neighbour = SimpleNamespace(
        municipality=tenant.other_municipality,
        coordinator=other_coordinator,
        organisation=OrganisationFactory(municipality=tenant.other_municipality),
        users={"member": other_coordinator},
    )
    plan = started_plan(neighbour)
    measure = Measure.objects.filter(problem_area__plan=plan).first()
    incident = Incident.objects.create(
        municipality=tenant.other_municipality,
        category=categories_for(tenant.other_municipality).first(),
        tag="brott",
        reported_by=tenant.users["other_coordinator"],
    )
    return {
        "measure": measure,
        "follow_up": published_pledge_follow_up(tenant.other_municipality, tenant.users["other_coordinator"]),
        "incident": incident,
        "situation_picture": plan.situation_picture,
    }


def published_pledge_follow_up(municipality, user):
    from pledges.models import CitizenPledge

    pledge = CitizenPledge.objects.create(
        title=f"Medborgarlöfte {municipality.name}",
        police_area="LPO",
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
        status="published",
    )
    pledge.municipalities.set([municipality])
    return pledge.follow_ups.create(year=2025, tertial=1)


# --- scheduling ---------------------------------------------------------------------------------------------


def test_a_single_meeting_invites_the_chosen_members_and_has_no_series(tenant):
    members = seat_members(tenant, 3)
    meeting = schedule(tenant, invitees=members[:2])
    assert set(meeting.invitees.all()) == set(members[:2])
    assert meeting.series is None and meeting.sequence == 0 and meeting.status == "scheduled"


def test_every_other_week_keeps_the_local_time_across_the_change_to_winter_time(tenant):
    meetings = services.meeting_create(
        council=tenant.council,
        municipality=tenant.municipality,
        by=tenant.coordinator,
        kind="est",
        title="EST-möte",
        starts_at=at(date(2026, 10, 15), 9),
        ends_at=at(date(2026, 10, 15), 10),
        location="Polisstationen",
        invitees=seat_members(tenant, 2),
        recurrence="biweekly",
        count=4,
    )
    local = [timezone.localtime(m.starts_at) for m in meetings]
    assert [d.date() for d in local] == [date(2026, 10, 15), date(2026, 10, 29), date(2026, 11, 12), date(2026, 11, 26)]
    assert {(d.hour, d.minute) for d in local} == {(9, 0)}
    assert {timezone.localtime(m.ends_at).hour for m in meetings} == {10}
    assert len({m.series for m in meetings}) == 1 and meetings[0].series is not None
    assert all(m.invitees.count() == 2 for m in meetings)


def test_four_a_year_until_a_last_date_clamps_to_the_end_of_short_months(tenant):
    meetings = services.meeting_create(
        council=tenant.council,
        municipality=tenant.municipality,
        by=tenant.coordinator,
        kind="council",
        title="Rådsmöte",
        starts_at=at(date(2027, 1, 31), 13),
        ends_at=at(date(2027, 1, 31), 15),
        location="Kommunhuset",
        recurrence="quarterly",
        until=date(2027, 12, 31),
    )
    assert [timezone.localtime(m.starts_at).date() for m in meetings] == [
        date(2027, 1, 31),
        date(2027, 4, 30),
        date(2027, 7, 31),
        date(2027, 10, 31),
    ]


def test_a_series_needs_an_end_and_cannot_run_away(tenant):
    start = at(date(2027, 1, 4), 9)
    common = {
        "council": tenant.council,
        "municipality": tenant.municipality,
        "by": tenant.coordinator,
        "kind": "est",
        "title": "EST",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "location": "Stationen",
        "recurrence": "biweekly",
    }
    with pytest.raises(ValidationError) as open_ended:
        services.meeting_create(**common)
    assert "count" in open_ended.value.message_dict
    with pytest.raises(ValidationError) as too_long:
        services.meeting_create(**common, until=date(2030, 1, 1))
    assert "until" in too_long.value.message_dict
    assert not Meeting.objects.exists()


def test_only_members_of_the_council_can_be_invited(tenant):
    from tests.factories import MembershipFactory

    outsider = MembershipFactory(council=tenant.other_council)
    with pytest.raises(ValidationError) as refused:
        schedule(tenant, invitees=[outsider])
    assert "invitees" in refused.value.message_dict


def test_moving_a_meeting_bumps_its_sequence_and_obsoletes_reminders_planned_for_the_old_time(tenant):
    meeting = schedule(tenant)
    reminder = planned_reminder(meeting)
    later = meeting.starts_at + timedelta(days=1)
    moved = services.meeting_update(
        meeting=meeting,
        by=tenant.coordinator,
        fields={"starts_at": later, "ends_at": later + timedelta(hours=2)},
    )
    assert moved.sequence == 1
    reminder.refresh_from_db()
    assert reminder.status == Delivery.Status.OBSOLETE


def test_a_new_invitation_text_keeps_the_sequence_and_the_planned_reminders(tenant):
    meeting = schedule(tenant)
    reminder = planned_reminder(meeting)
    services.meeting_update(meeting=meeting, by=tenant.coordinator, fields={"description": "Ta med lägesbilden."})
    meeting.refresh_from_db()
    reminder.refresh_from_db()
    assert meeting.sequence == 0 and reminder.status == Delivery.Status.PLANNED


def test_a_new_place_is_a_new_calendar_revision_but_keeps_the_reminders(tenant):
    meeting = schedule(tenant)
    reminder = planned_reminder(meeting)
    services.meeting_update(meeting=meeting, by=tenant.coordinator, fields={"location": "Biblioteket"})
    meeting.refresh_from_db()
    reminder.refresh_from_db()
    assert meeting.sequence == 1 and reminder.status == Delivery.Status.PLANNED


def test_cancelling_bumps_the_sequence_obsoletes_reminders_and_locks_the_meeting(tenant):
    meeting = schedule(tenant)
    reminder = planned_reminder(meeting)
    cancelled = services.meeting_cancel(meeting=meeting, by=tenant.coordinator)
    reminder.refresh_from_db()
    assert cancelled.status == "cancelled" and cancelled.sequence == 1
    assert reminder.status == Delivery.Status.OBSOLETE
    with pytest.raises(ValidationError):
        add_item(cancelled, tenant.coordinator, "För sent")


def test_a_move_that_fails_leaves_the_reminders_alone(tenant):
    meeting = schedule(tenant)
    reminder = planned_reminder(meeting)
    with pytest.raises(ValidationError):
        services.meeting_update(
            meeting=meeting, by=tenant.coordinator, fields={"ends_at": meeting.starts_at - timedelta(hours=1)}
        )
    reminder.refresh_from_db()
    meeting.refresh_from_db()
    assert reminder.status == Delivery.Status.PLANNED and meeting.sequence == 0


# --- agenda -------------------------------------------------------------------------------------------------


def test_agenda_nests_and_numbers_items_and_moves_them_within_their_level(tenant):
    meeting = schedule(tenant)
    opening = add_item(meeting, tenant.coordinator, "Mötets öppnande")
    situation = add_item(meeting, tenant.coordinator, "Lägesbild")
    police = add_item(meeting, tenant.coordinator, "Polisens lägesbild", parent=situation)
    school = add_item(meeting, tenant.coordinator, "Skolans lägesbild", parent=situation)
    tree = selectors.flatten(selectors.agenda_tree(selectors.agenda_items(meeting)))
    assert [(i.number, i.title) for i in tree] == [
        ("1", "Mötets öppnande"),
        ("2", "Lägesbild"),
        ("2.1", "Polisens lägesbild"),
        ("2.2", "Skolans lägesbild"),
    ]
    services.agenda_item_move(item=school, by=tenant.coordinator, up=True)
    services.agenda_item_move(item=situation, by=tenant.coordinator, up=True)
    tree = selectors.flatten(selectors.agenda_tree(selectors.agenda_items(meeting)))
    assert [(i.number, i.pk) for i in tree] == [
        ("1", situation.pk),
        ("1.1", school.pk),
        ("1.2", police.pk),
        ("2", opening.pk),
    ]


def test_an_item_cannot_be_put_under_itself_or_its_own_sub_item(tenant):
    meeting = schedule(tenant)
    parent = add_item(meeting, tenant.coordinator, "Huvudpunkt")
    child = add_item(meeting, tenant.coordinator, "Underpunkt", parent=parent)
    with pytest.raises(ValidationError) as refused:
        services.agenda_item_save(
            meeting=meeting, by=tenant.coordinator, item=AgendaItem.objects.get(pk=parent.pk), fields={"parent": child}
        )
    assert "parent" in refused.value.message_dict


@pytest.mark.parametrize("link", ["measure", "follow_up", "incident", "situation_picture"])
def test_an_agenda_item_cannot_link_another_municipalitys_object(tenant, link):
    meeting = schedule(tenant)
    foreign = other_municipality_objects(tenant)[link]
    with pytest.raises(ValidationError) as refused:
        add_item(meeting, tenant.coordinator, "Fel kommun", **{link: foreign})
    assert link in refused.value.message_dict
    assert not meeting.agenda_items.exists()


def test_an_agenda_item_links_its_own_municipalitys_measure(tenant):
    from tests.actionplans.conftest import started_plan

    measure = Measure.objects.filter(problem_area__plan=started_plan(tenant)).first()
    item = add_item(schedule(tenant), tenant.coordinator, "Uppföljning av belysningen", measure=measure)
    assert item.measure == measure


def test_suggestions_offer_overdue_measures_follow_ups_due_and_deadlines_and_adding_links_the_item(tenant):
    from tests.actionplans.conftest import started_plan

    plan = started_plan(tenant)  # Its measures ended 2024-12-31 and are not done.
    follow_up = published_pledge_follow_up(tenant.municipality, tenant.coordinator)
    meeting = schedule(tenant)
    suggestions = selectors.agenda_suggestions(meeting=meeting, today=timezone.localdate())
    kinds = [s.kind for s in suggestions]
    assert kinds.count("measure") == plan.problem_areas.first().measures.count() == 2
    assert "follow_up" in kinds
    # Only a draft plan and an adopted picture from 2024: the plan is missing, the picture overdue.
    assert {"picture_clock", "plan_clock"} <= set(kinds)

    first_measure = next(s for s in suggestions if s.kind == "measure")
    item = services.agenda_suggestion_add(
        meeting=meeting, by=tenant.coordinator, kind="measure", object_id=first_measure.object_id
    )
    assert item.measure_id == first_measure.object_id
    services.agenda_suggestion_add(meeting=meeting, by=tenant.coordinator, kind="follow_up", object_id=follow_up.pk)
    services.agenda_suggestion_add(meeting=meeting, by=tenant.coordinator, kind="plan_clock", object_id=0)
    left = selectors.agenda_suggestions(meeting=meeting, today=timezone.localdate())
    assert [s.kind for s in left].count("measure") == 1
    assert "follow_up" not in [s.kind for s in left] and "plan_clock" not in [s.kind for s in left]
    with pytest.raises(ValidationError):
        services.agenda_suggestion_add(meeting=meeting, by=tenant.coordinator, kind="follow_up", object_id=follow_up.pk)


def test_another_municipalitys_overdue_measure_is_neither_suggested_nor_addable(tenant):
    foreign = other_municipality_objects(tenant)["measure"]
    meeting = schedule(tenant)
    suggested = selectors.agenda_suggestions(meeting=meeting, today=timezone.localdate())
    assert foreign.pk not in [s.object_id for s in suggested if s.kind == "measure"]
    with pytest.raises(ValidationError):
        services.agenda_suggestion_add(meeting=meeting, by=tenant.coordinator, kind="measure", object_id=foreign.pk)


# --- attendance, minutes, decisions -------------------------------------------------------------------------


def test_attendance_records_late_arrival_early_departure_and_an_alternate(tenant):
    chair, school = seat_members(tenant, 2)
    alternate = MembershipFactory(council=tenant.council, alternate_for=chair, name="Ersättaren")
    meeting = held_meeting(tenant, invitees=[chair, school])
    services.attendance_save(
        meeting=meeting,
        by=tenant.coordinator,
        rows={
            chair.pk: {"status": "absent", "alternate": alternate},
            school.pk: {"status": "present", "arrived_at": time(13, 20), "left_at": time(14, 45)},
        },
    )
    rows = {a.membership_id: a for a in meeting.attendance.all()}
    assert rows[chair.pk].status == "absent" and rows[chair.pk].alternate == alternate
    assert (rows[school.pk].arrived_at, rows[school.pk].left_at) == (time(13, 20), time(14, 45))
    meeting.refresh_from_db()
    assert meeting.minutes_status == "draft"
    # Saving again updates the same rows.
    services.attendance_save(meeting=meeting, by=tenant.coordinator, rows={chair.pk: {"status": "remote"}})
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    assert Attendance.objects.get(meeting=meeting, membership=chair).status == "remote"


def test_attendance_refuses_times_for_the_absent_and_alternates_from_elsewhere(tenant):
    member = seat_members(tenant, 1)[0]
    outsider = MembershipFactory(council=tenant.other_council)
    meeting = held_meeting(tenant, invitees=[member])
    for row in (
        {"status": "absent", "arrived_at": time(13, 30)},
        {"status": "present", "arrived_at": time(14, 0), "left_at": time(13, 0)},
        {"status": "absent", "alternate": outsider},
        {"status": "absent", "alternate": member},
    ):
        with pytest.raises(ValidationError):
            services.attendance_save(meeting=meeting, by=tenant.coordinator, rows={member.pk: row})
    assert not meeting.attendance.exists()


def test_decisions_are_numbered_per_meeting_and_renumbered_when_one_is_removed(tenant):
    meeting = held_meeting(tenant)
    other = held_meeting(tenant)
    first, second, third = (
        services.decision_save(meeting=meeting, by=tenant.coordinator, text=f"Beslut {n}", is_public=True)
        for n in (1, 2, 3)
    )
    elsewhere = services.decision_save(meeting=other, by=tenant.coordinator, text="Annat", is_public=True)
    assert [first.number, second.number, third.number, elsewhere.number] == [1, 2, 3, 1]
    services.decision_delete(decision=second, by=tenant.coordinator)
    assert list(meeting.decisions.order_by("number").values_list("text", "number")) == [
        ("Beslut 1", 1),
        ("Beslut 3", 2),
    ]


def test_a_decision_under_a_closed_item_cannot_be_public(tenant):
    meeting = held_meeting(tenant)
    closed = add_item(meeting, tenant.coordinator, "Sekretess", is_public=False)
    under = add_item(meeting, tenant.coordinator, "Underpunkt", parent=closed)
    with pytest.raises(ValidationError) as refused:
        services.decision_save(meeting=meeting, by=tenant.coordinator, text="X", is_public=True, agenda_item=under)
    assert "is_public" in refused.value.message_dict


def _measure_data(tenant, plan, **overrides):
    data = {
        "problem_area": plan.problem_areas.order_by("order").first(),
        "title": "Kameraövervakning vid resecentrum",
        "owner": tenant.users["police"],
        "responsible_organisation": tenant.organisation,
        "end_date": timezone.localdate() + timedelta(days=120),
    }
    data.update(overrides)
    return data


def test_a_decision_creates_a_measure_that_links_back_to_the_meeting(tenant):
    from tests.actionplans.conftest import started_plan

    plan = started_plan(tenant)
    meeting = held_meeting(tenant)
    decision = services.decision_save(
        meeting=meeting,
        by=tenant.coordinator,
        text="Rådet beslutar att utreda kameraövervakning.",
        is_public=True,
        new_measure=_measure_data(tenant, plan),
    )
    measure = decision.measure
    assert measure.origin_meeting == meeting and measure.problem_area.plan == plan
    assert measure.owner == tenant.users["police"]
    assert measure.start_date == timezone.localtime(meeting.starts_at).date()
    assert list(meeting.created_measures.all()) == [measure]
    assert measure.history.first().history_user == tenant.coordinator


@pytest.mark.parametrize("bad", ["owner_without_role", "foreign_area", "ends_before_meeting"])
def test_a_decision_with_an_invalid_measure_saves_neither(tenant, bad):
    from tests.actionplans.conftest import started_plan
    from tests.factories import UserFactory

    plan = started_plan(tenant)
    meeting = held_meeting(tenant)
    overrides = {
        "owner_without_role": {"owner": UserFactory()},
        "foreign_area": {"problem_area": other_municipality_objects(tenant)["measure"].problem_area},
        "ends_before_meeting": {"end_date": date(2020, 1, 1)},
    }[bad]
    measures_before = Measure.objects.count()
    with pytest.raises(ValidationError):
        services.decision_save(
            meeting=meeting,
            by=tenant.coordinator,
            text="Beslut",
            is_public=True,
            new_measure=_measure_data(tenant, plan, **overrides),
        )
    assert Measure.objects.count() == measures_before
    assert not Decision.objects.filter(meeting=meeting).exists()


def test_a_decision_that_fails_after_its_measure_was_created_rolls_the_measure_back(tenant):
    from tests.actionplans.conftest import started_plan

    plan = started_plan(tenant)
    meeting = held_meeting(tenant)
    measures_before = Measure.objects.count()
    with (
        mock.patch.object(Decision, "save", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        services.decision_save(
            meeting=meeting,
            by=tenant.coordinator,
            text="Beslut",
            is_public=True,
            new_measure=_measure_data(tenant, plan),
        )
    assert Measure.objects.count() == measures_before


# --- approval and publication -------------------------------------------------------------------------------


def test_approved_minutes_lock_the_agenda_attendance_notes_and_decisions(tenant):
    member = seat_members(tenant, 1)[0]
    meeting = held_meeting(tenant, invitees=[member])
    item = add_item(meeting, tenant.coordinator, "Punkt")
    decision = services.decision_save(meeting=meeting, by=tenant.coordinator, text="Beslut", is_public=True)
    approved = services.minutes_approve(meeting=meeting, by=tenant.coordinator)
    assert approved.minutes_status == "approved" and approved.minutes_approved_by == tenant.coordinator
    attempts = [
        lambda: add_item(meeting, tenant.coordinator, "Ny punkt"),
        lambda: services.agenda_item_delete(item=item, by=tenant.coordinator),
        lambda: services.agenda_item_move(item=item, by=tenant.coordinator, up=False),
        lambda: services.attendance_save(
            meeting=meeting, by=tenant.coordinator, rows={member.pk: {"status": "absent"}}
        ),
        lambda: services.minutes_save(
            meeting=meeting, by=tenant.coordinator, text="Ändrat", adjusters="", item_notes={}
        ),
        lambda: services.decision_save(
            meeting=meeting, by=tenant.coordinator, decision=decision, text="Ändrat", is_public=True
        ),
        lambda: services.decision_delete(decision=decision, by=tenant.coordinator),
        lambda: services.meeting_update(meeting=meeting, by=tenant.coordinator, fields={"title": "Nytt namn"}),
        lambda: services.meeting_cancel(meeting=meeting, by=tenant.coordinator),
        lambda: services.minutes_approve(meeting=meeting, by=tenant.coordinator),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.code == "minutes_locked"
    decision.refresh_from_db()
    assert decision.text == "Beslut" and meeting.agenda_items.count() == 1


def test_minutes_are_approved_only_after_the_meeting_and_when_there_is_something_to_approve(tenant):
    upcoming = schedule(tenant)
    services.minutes_save(meeting=upcoming, by=tenant.coordinator, text="Förberett", adjusters="", item_notes={})
    with pytest.raises(ValidationError) as early:
        services.minutes_approve(meeting=upcoming, by=tenant.coordinator)
    assert early.value.code == "meeting_not_held"
    with pytest.raises(ValidationError) as empty:
        services.minutes_approve(meeting=held_meeting(tenant), by=tenant.coordinator)
    assert empty.value.code == "no_minutes"


def test_only_approved_minutes_are_published(tenant):
    meeting = held_meeting(tenant)
    services.minutes_save(meeting=meeting, by=tenant.coordinator, text="Anteckning", adjusters="", item_notes={})
    with pytest.raises(ValidationError):
        services.minutes_publish(meeting=meeting, by=tenant.coordinator)
    services.minutes_approve(meeting=meeting, by=tenant.coordinator)
    published = services.minutes_publish(meeting=meeting, by=tenant.coordinator)
    assert published.minutes_published_at is not None
    assert list(Meeting.objects.with_published_minutes()) == [published]


def test_publication_refuses_a_personal_identity_number_in_the_public_part_but_not_in_a_closed_item(tenant):
    meeting = held_meeting(tenant)
    closed = add_item(meeting, tenant.coordinator, "Ärende", is_public=False)
    public = add_item(meeting, tenant.coordinator, "Öppen punkt")
    services.minutes_save(
        meeting=meeting,
        by=tenant.coordinator,
        text="",
        adjusters="",
        item_notes={closed.pk: "Gäller 19811218-9876.", public.pk: "Ring 070-123 45 67."},
    )
    services.minutes_approve(meeting=meeting, by=tenant.coordinator)
    with pytest.raises(ValidationError) as refused:
        services.minutes_publish(meeting=meeting, by=tenant.coordinator)
    assert any("070-123 45 67" in message for message in refused.value.messages)
    assert not any("19811218-9876" in message for message in refused.value.messages)
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None


def test_published_minutes_helper_builds_a_published_meeting(tenant):
    meeting = published_minutes(tenant)
    assert meeting.minutes_public
    assert meeting.decisions.count() == 2 and meeting.attendance.count() == 2


def test_minutes_pdf_task_is_queued_on_approval_and_on_publication(tenant, django_capture_on_commit_callbacks):
    meeting = held_meeting(tenant)
    services.minutes_save(meeting=meeting, by=tenant.coordinator, text="Anteckning", adjusters="", item_notes={})
    with mock.patch("councils.meetings_tasks.render_minutes_pdf_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            services.minutes_approve(meeting=meeting, by=tenant.coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            services.minutes_publish(meeting=meeting, by=tenant.coordinator)
    assert [c.args for c in delay.call_args_list] == [(meeting.pk, False), (meeting.pk, True)]


def test_an_organiser_role_in_another_municipality_does_not_make_an_owner(tenant):
    """The owner of a decided measure needs a role where the meeting is held, not just anywhere."""
    from tests.actionplans.conftest import started_plan

    plan = started_plan(tenant)
    elsewhere = PortalRoleFactory(municipality=tenant.other_municipality, role="member").user
    with pytest.raises(ValidationError) as refused:
        services.decision_save(
            meeting=held_meeting(tenant),
            by=tenant.coordinator,
            text="Beslut",
            is_public=True,
            new_measure=_measure_data(tenant, plan, owner=elsewhere),
        )
    assert "owner" in refused.value.message_dict
