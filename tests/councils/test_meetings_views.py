"""Meeting pages as the coordinator, the police liaison and members use them: scheduling through the form,
moving, the agenda editor, attendance, minutes, decisions that create measures, approval and the locks."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Measure
from core.models import Delivery
from councils import meetings_services as services
from councils.models import AgendaItem, Attendance, Meeting
from tests.councils.test_meetings import (
    add_item,
    held_meeting,
    other_municipality_objects,
    planned_reminder,
    schedule,
    seat_members,
)
from tests.factories import CouncilFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def url(name, tenant, meeting=None, **kwargs):
    kwargs = {"kommun": tenant.municipality.slug, **kwargs}
    if meeting is not None:
        kwargs["pk"] = meeting.pk
    return reverse(f"councils:{name}", kwargs=kwargs)


def _form_data(tenant, invitees, **overrides):
    day = timezone.localdate() + timedelta(days=10)
    data = {
        "kind": "council",
        "title": "Rådsmöte i december",
        "date": day.isoformat(),
        "start_time": "13:00",
        "end_time": "15:00",
        "location": "Kommunhuset, sal Ådalen",
        "video_url": "",
        "description": "Välkomna!",
        "invitees": [m.pk for m in invitees],
        "recurrence": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_schedule_form_invites_every_current_member_by_default(client, tenant):
    current = seat_members(tenant, 3)
    MembershipFactory(
        council=tenant.council, name="Avgången Ledamot", term_end=date(2020, 12, 31), until_successor=False
    )
    client.force_login(tenant.coordinator)
    page = client.get(url("meeting-create", tenant) + f"?rad={tenant.council.pk}").content.decode()
    for member in current:
        assert f'value="{member.pk}"' in page
    assert "Avgången Ledamot" not in page
    assert page.count("checked") >= 3


def test_coordinator_schedules_one_meeting_and_lands_on_it(client, tenant):
    members = seat_members(tenant, 2)
    client.force_login(tenant.coordinator)
    response = client.post(url("meeting-create", tenant) + f"?rad={tenant.council.pk}", _form_data(tenant, members))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert set(meeting.invitees.all()) == set(members)
    assert timezone.localtime(meeting.starts_at).hour == 13 and meeting.municipality == tenant.municipality


def test_police_schedules_est_meetings_every_other_week(client, tenant):
    client.force_login(tenant.users["police"])
    data = _form_data(tenant, seat_members(tenant, 1), kind="est", recurrence="biweekly", count="6")
    assert client.post(url("meeting-create", tenant) + f"?rad={tenant.council.pk}", data).status_code == 302
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert len(meetings) == 6 and len({m.series for m in meetings}) == 1
    assert meetings[1].starts_at - meetings[0].starts_at == timedelta(weeks=2)


def test_a_refused_schedule_keeps_what_was_typed_and_says_what_is_wrong(client, tenant):
    client.force_login(tenant.coordinator)
    data = _form_data(tenant, [], start_time="15:00", end_time="14:00", location="", recurrence="quarterly")
    response = client.post(url("meeting-create", tenant) + f"?rad={tenant.council.pk}", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert {"end_time", "location", "count"} <= set(form.errors)
    assert 'value="Rådsmöte i december"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_with_several_councils_the_coordinator_first_chooses_which_meets(client, tenant):
    est = CouncilFactory(name="EST-gruppen", kind="est", municipalities=[tenant.municipality])
    client.force_login(tenant.coordinator)
    page = client.get(url("meeting-create", tenant)).content.decode()
    assert f"?rad={tenant.council.pk}" in page and f"?rad={est.pk}" in page
    other = client.get(url("meeting-create", tenant) + f"?rad={tenant.other_council.pk}")
    assert other.status_code == 404


def test_moving_a_meeting_through_the_form_bumps_the_sequence_and_obsoletes_reminders(client, tenant):
    meeting = schedule(tenant)
    reminder = planned_reminder(meeting)
    client.force_login(tenant.coordinator)
    new_day = timezone.localdate() + timedelta(days=20)
    data = _form_data(tenant, list(meeting.invitees.all()), title=meeting.title, date=new_day.isoformat())
    del data["recurrence"]
    assert client.post(url("meeting-update", tenant, meeting), data).status_code == 302
    meeting.refresh_from_db()
    reminder.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).date() == new_day and meeting.sequence == 1
    assert reminder.status == Delivery.Status.OBSOLETE


def test_cancelling_through_the_confirmation_page(client, tenant):
    meeting = schedule(tenant)
    client.force_login(tenant.coordinator)
    assert client.get(url("meeting-cancel", tenant, meeting)).status_code == 200
    assert client.post(url("meeting-cancel", tenant, meeting)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    # A cancelled meeting's edit pages send the user back to it.
    assert client.get(url("agenda-item-create", tenant, meeting))["Location"] == meeting.get_absolute_url()


def test_the_agenda_form_refuses_another_municipalitys_measure(client, tenant):
    meeting = schedule(tenant)
    foreign = other_municipality_objects(tenant)
    client.force_login(tenant.coordinator)
    for link, obj in foreign.items():
        response = client.post(
            url("agenda-item-create", tenant, meeting), {"title": "Fel kommun", "is_public": "on", link: obj.pk}
        )
        assert response.status_code == 200, link
        assert link in response.context["form"].errors, link
    assert not AgendaItem.objects.exists()


def test_agenda_items_are_added_nested_and_moved_through_the_pages(client, tenant):
    meeting = schedule(tenant)
    client.force_login(tenant.coordinator)
    client.post(url("agenda-item-create", tenant, meeting), {"title": "Lägesbild", "is_public": "on"})
    parent = AgendaItem.objects.get(title="Lägesbild")
    client.post(url("agenda-item-create", tenant, meeting), {"title": "Polisen", "parent": parent.pk})
    client.post(url("agenda-item-create", tenant, meeting), {"title": "Övrigt", "is_public": "on"})
    child = AgendaItem.objects.get(title="Polisen")
    assert child.parent == parent and not child.is_public
    other = AgendaItem.objects.get(title="Övrigt")
    client.post(url("agenda-item-move", tenant, meeting, item_pk=other.pk), {"riktning": "upp"})
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert page.index("Övrigt") < page.index("Lägesbild") < page.index("Polisen")
    # Move the sub-item up to the main level by editing it.
    client.post(url("agenda-item-update", tenant, meeting, item_pk=child.pk), {"title": "Polisen", "is_public": "on"})
    child.refresh_from_db()
    assert child.parent is None and child.order == 2 and child.is_public


def test_a_suggestion_is_added_to_the_agenda_with_one_button(client, tenant):
    from tests.actionplans.conftest import started_plan

    plan = started_plan(tenant)
    measure = Measure.objects.filter(problem_area__plan=plan).first()
    meeting = schedule(tenant)
    client.force_login(tenant.coordinator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert measure.title in page
    response = client.post(url("agenda-suggestion-add", tenant, meeting), {"kind": "measure", "object_id": measure.pk})
    assert response.status_code == 302
    assert meeting.agenda_items.get().measure == measure


def test_attendance_register_is_taken_in_one_form(client, tenant):
    chair, school = seat_members(tenant, 2)
    alternate = MembershipFactory(council=tenant.council, alternate_for=chair, name="Ersättare Ek")
    meeting = held_meeting(tenant, invitees=[chair, school])
    client.force_login(tenant.coordinator)
    page = client.get(url("meeting-attendance", tenant, meeting)).content.decode()
    assert chair.name in page and school.name in page
    data = {
        f"m{chair.pk}-status": "absent",
        f"m{chair.pk}-alternate": alternate.pk,
        f"m{school.pk}-status": "present",
        f"m{school.pk}-arrived_at": "13:25",
    }
    assert client.post(url("meeting-attendance", tenant, meeting), data).status_code == 302
    assert Attendance.objects.get(membership=chair).alternate == alternate
    assert Attendance.objects.get(membership=school).arrived_at.strftime("%H:%M") == "13:25"


def test_an_attendance_mistake_keeps_every_row_as_typed(client, tenant):
    member = seat_members(tenant, 1)[0]
    meeting = held_meeting(tenant, invitees=[member])
    client.force_login(tenant.coordinator)
    data = {f"m{member.pk}-status": "absent", f"m{member.pk}-arrived_at": "13:40"}
    response = client.post(url("meeting-attendance", tenant, meeting), data)
    assert response.status_code == 200
    assert response.context["rows"][0].errors
    assert 'value="13:40"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_minutes_editor_saves_general_notes_adjusters_and_item_notes(client, tenant):
    meeting = held_meeting(tenant)
    item = add_item(meeting, tenant.coordinator, "Lägesbild")
    client.force_login(tenant.coordinator)
    data = {"minutes_text": "Mötet öppnades.", "minutes_adjusters": "Anna A och Bo B", f"note_{item.pk}": "Lugnt."}
    assert client.post(url("meeting-minutes", tenant, meeting), data).status_code == 302
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert (meeting.minutes_text, meeting.minutes_adjusters, item.minutes_note) == (
        "Mötet öppnades.",
        "Anna A och Bo B",
        "Lugnt.",
    )
    assert meeting.minutes_status == "draft"


def test_a_decision_creates_a_measure_and_the_measure_page_links_back_to_the_meeting(client, tenant):
    from tests.actionplans.conftest import started_plan

    plan = started_plan(tenant)
    area = plan.problem_areas.order_by("order").first()
    meeting = held_meeting(tenant)
    client.force_login(tenant.coordinator)
    data = {
        "text": "Rådet beslutar att sätta upp belysning i Folkets park.",
        "is_public": "on",
        "create_measure": "on",
        "problem_area": area.pk,
        "measure_title": "Belysning i Folkets park",
        "owner": tenant.users["member"].pk,
        "responsible_organisation": tenant.organisation.pk,
        "end_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    assert client.post(url("decision-create", tenant, meeting), data).status_code == 302
    measure = Measure.objects.get(title="Belysning i Folkets park")
    assert measure.origin_meeting == meeting and meeting.decisions.get().measure == measure
    measure_page = client.get(
        reverse("actionplans:measure-detail", kwargs={"kommun": tenant.municipality.slug, "pk": measure.pk})
    ).content.decode()
    assert f'href="{meeting.get_absolute_url()}"' in measure_page
    assert "Belysning i Folkets park" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_decision_that_should_create_a_measure_needs_its_fields(client, tenant):
    meeting = held_meeting(tenant)
    client.force_login(tenant.coordinator)
    response = client.post(url("decision-create", tenant, meeting), {"text": "Beslut", "create_measure": "on"})
    assert response.status_code == 200
    assert {"problem_area", "measure_title", "owner", "end_date"} <= set(response.context["form"].errors)
    assert not meeting.decisions.exists()


def test_after_approval_every_edit_page_sends_back_to_the_meeting_and_posts_change_nothing(client, tenant):
    member = seat_members(tenant, 1)[0]
    meeting = held_meeting(tenant, invitees=[member])
    item = add_item(meeting, tenant.coordinator, "Punkt")
    decision = services.decision_save(meeting=meeting, by=tenant.coordinator, text="Beslut", is_public=True)
    client.force_login(tenant.coordinator)
    assert client.post(url("minutes-approve", tenant, meeting)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_approved
    edit_pages = [
        url("meeting-update", tenant, meeting),
        url("meeting-cancel", tenant, meeting),
        url("agenda-item-create", tenant, meeting),
        url("agenda-item-update", tenant, meeting, item_pk=item.pk),
        url("agenda-item-delete", tenant, meeting, item_pk=item.pk),
        url("meeting-attendance", tenant, meeting),
        url("meeting-minutes", tenant, meeting),
        url("decision-create", tenant, meeting),
        url("decision-update", tenant, meeting, decision_pk=decision.pk),
        url("decision-delete", tenant, meeting, decision_pk=decision.pk),
    ]
    for page in edit_pages:
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, meeting.get_absolute_url()), page
    client.post(url("meeting-minutes", tenant, meeting), {"minutes_text": "Ändrat i efterhand"})
    client.post(url("decision-delete", tenant, meeting, decision_pk=decision.pk))
    client.post(url("agenda-item-delete", tenant, meeting, item_pk=item.pk))
    meeting.refresh_from_db()
    assert meeting.minutes_text == "" and meeting.decisions.count() == 1 and meeting.agenda_items.count() == 1
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{url("meeting-minutes", tenant, meeting)}"' not in detail


def test_members_read_meetings_but_cannot_change_them(client, tenant):
    meeting = schedule(tenant)
    add_item(meeting, tenant.coordinator, "Stängd punkt", is_public=False)
    client.force_login(tenant.users["member"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Stängd punkt" in page and url("meeting-update", tenant, meeting) not in page
    assert client.get(url("meeting-update", tenant, meeting)).status_code == 403
    assert client.post(url("agenda-item-create", tenant, meeting), {"title": "X"}).status_code == 403
    assert not meeting.agenda_items.filter(title="X").exists()


def test_another_municipalitys_coordinator_gets_404_for_this_meeting_under_their_own_address(client, tenant):
    meeting = schedule(tenant)
    item = add_item(meeting, tenant.coordinator, "Punkt")
    client.force_login(tenant.users["other_coordinator"])
    own = tenant.other_municipality.slug
    for name, extra in [
        ("meeting-detail", {}),
        ("meeting-update", {}),
        ("meeting-attendance", {}),
        ("agenda-item-update", {"item_pk": item.pk}),
        ("minutes-pdf", {}),
    ]:
        response = client.get(reverse(f"councils:{name}", kwargs={"kommun": own, "pk": meeting.pk, **extra}))
        assert response.status_code == 404, name
    assert client.get(meeting.get_absolute_url()).status_code == 403


def _queries(client, page_url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page_url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_meeting_list_uses_the_same_number_of_queries_for_2_and_20_meetings(client, tenant):
    members = seat_members(tenant, 3)
    client.force_login(tenant.coordinator)
    now = timezone.now()

    def add(count):
        for n in range(count):
            days = n + 1 if n % 2 else -(n + 1)
            meeting = schedule(tenant, when=now + timedelta(days=days), invitees=members)
            add_item(meeting, tenant.coordinator, f"Punkt {n}")

    add(2)
    small = _queries(client, url("meeting-list", tenant))
    add(18)
    large = _queries(client, url("meeting-list", tenant))
    assert small == large
    assert client.get(url("meeting-list", tenant)).content.decode().count("Punkt") == 0  # titles of meetings only


def test_the_meeting_list_filters_by_kind(client, tenant):
    schedule(tenant, title="Rådets möte")
    schedule(tenant, title="EST-träff", kind="est")
    client.force_login(tenant.coordinator)
    page = client.get(url("meeting-list", tenant) + "?typ=est").content.decode()
    assert "EST-träff" in page and "Rådets möte" not in page
