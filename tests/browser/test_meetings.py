"""Meetings in the browser, on a phone: the coordinator schedules a meeting, builds its agenda, takes attendance,
writes the minutes with a decision that creates a measure (whose page links back to the meeting), approves and
publishes them; residents read the public part without the closed item. axe checks the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Measure
from councils.models import Attendance, Meeting
from tests.actionplans.conftest import started_plan
from tests.browser.conftest import PHONE, axe_violations, describe_violations
from tests.factories import MembershipFactory

pytestmark = pytest.mark.browser

MEASURE_TITLE = "Belysning på gångvägen vid Ågatan"
CLOSED_TITLE = "Enskilt ärende: hot mot personal"


def _assert_no_wcag_violations(page, what):
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def _assert_fits_a_phone(page, what):
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{what} is {scroll_width}px wide on a {inner_width}px phone"


def _submit(page, form):
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").last.click()


@pytest.fixture
def council(tenant):
    org = tenant.organisation
    chair = MembershipFactory(council=tenant.council, name="Åsa Ordförande", role="chair", organisation=org)
    police = MembershipFactory(
        council=tenant.council, name="Per Polis", role="police", organisation=org, publish_name=False
    )
    school = MembershipFactory(council=tenant.council, name="Sara Skola", role="school", organisation=org)
    alternate = MembershipFactory(
        council=tenant.council, name="Karin Ersättare", role="chair", organisation=org, alternate_for=chair
    )
    started_plan(tenant)
    return {"chair": chair, "police": police, "school": school, "alternate": alternate}


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_coordinator_runs_a_meeting_from_schedule_to_published_minutes(
    live_server, tenant, council, page, new_page, login
):
    kommun = tenant.municipality.slug
    login(page, tenant.coordinator)

    # Schedule: from the municipality's staff page to the meetings and the form.
    page.goto(live_server.url + reverse("councils:staff-municipality", kwargs={"kommun": kommun}))
    with page.expect_navigation():
        page.click(f'main a[href="{reverse("councils:meeting-list", kwargs={"kommun": kommun})}"]')
    with page.expect_navigation():
        page.click("main a.btn-primary")
    form = page.locator("main form")
    yesterday = timezone.localdate() - timedelta(days=1)
    form.locator("input[name=title]").fill("Rådsmöte om tryggheten i Ådalen")
    form.locator("input[name=date]").fill(yesterday.isoformat())
    form.locator("input[name=start_time]").fill("13:00")
    form.locator("input[name=end_time]").fill("15:00")
    form.locator("input[name=location]").fill("Kommunhuset, sal Ådalen")
    # Every current member is invited by default.
    assert form.locator("input[name=invitees]:checked").count() == 4
    _assert_no_wcag_violations(page, "the schedule form")
    _assert_fits_a_phone(page, "the schedule form")
    _submit(page, form)
    meeting = Meeting.objects.get()
    assert page.url == live_server.url + meeting.get_absolute_url()
    assert page.locator("main h1").inner_text() == "Rådsmöte om tryggheten i Ådalen"

    # Agenda: a public item and a closed one.
    for title, public in (("Lägesbild från polisen", True), (CLOSED_TITLE, False)):
        with page.expect_navigation():
            page.click(
                f'main a[href="{reverse("councils:agenda-item-create", kwargs={"kommun": kommun, "pk": meeting.pk})}"]'
            )
        form = page.locator("main form")
        form.locator("input[name=title]").fill(title)
        checkbox = form.locator("input[name=is_public]")
        checkbox.check() if public else checkbox.uncheck()
        _submit(page, form)
    agenda = page.locator("main #agenda-section")
    assert "1 Lägesbild från polisen" in " ".join(agenda.inner_text().split())
    assert agenda.locator("li", has_text=CLOSED_TITLE).locator(".badge").count() == 1

    # Attendance: the chair is away and the alternate serves; the school arrives late.
    with page.expect_navigation():
        page.click("main a[href$='/narvaro/']")
    chair, school, alternate = council["chair"], council["school"], council["alternate"]
    page.locator(f"input[name=m{chair.pk}-status][value=absent]").check()
    page.locator(f"select[name=m{chair.pk}-alternate]").select_option(str(alternate.pk))
    page.locator(f"input[name=m{school.pk}-arrived_at]").fill("13:25")
    _assert_no_wcag_violations(page, "the attendance register")
    _assert_fits_a_phone(page, "the attendance register")
    _submit(page, page.locator("main form"))
    assert Attendance.objects.get(membership=chair).alternate == alternate
    assert Attendance.objects.get(membership=school).arrived_at.strftime("%H:%M") == "13:25"
    assert "Karin Ersättare" in page.locator("main table", has_text=chair.name).inner_text()

    # Minutes: general notes and a note on the public item.
    with page.expect_navigation():
        page.click("main a[href$='/protokoll/']")
    form = page.locator("main form")
    form.locator("textarea[name=minutes_text]").fill("Mötet öppnades kl. 13.05.")
    form.locator("input[name=minutes_adjusters]").fill("Åsa Ordförande och Sara Skola")
    form.locator("textarea[name^=note_]").first.fill("Polisen redovisade färre anmälda skadegörelser i Ådalen.")
    _submit(page, form)

    # A decision that creates a measure in the action plan.
    with page.expect_navigation():
        page.click("main a[href$='/beslut/ny/']")
    form = page.locator("main form")
    form.locator("select[name=agenda_item]").select_option(label="1 Lägesbild från polisen")
    form.locator("textarea[name=text]").fill("Rådet beslutar att belysningen vid Ågatan ska förbättras.")
    form.locator("details summary").click()
    form.locator("input[name=create_measure]").check()
    form.locator("select[name=problem_area]").select_option(index=1)
    form.locator("input[name=measure_title]").fill(MEASURE_TITLE)
    form.locator("select[name=owner]").select_option(str(tenant.users["police"].pk))
    form.locator("select[name=responsible_organisation]").select_option(str(tenant.organisation.pk))
    form.locator("input[name=end_date]").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    _assert_no_wcag_violations(page, "the decision form")
    _submit(page, form)
    measure = Measure.objects.get(title=MEASURE_TITLE)
    assert measure.origin_meeting == meeting and measure.owner == tenant.users["police"]
    decisions = page.locator("main section", has=page.locator("h2#decisions"))
    assert "§ 1" in decisions.inner_text()

    # The measure's page links back to the meeting that decided it.
    with page.expect_navigation():
        decisions.locator(f"a:has-text('{MEASURE_TITLE}')").click()
    back = page.locator(f'main a[href="{meeting.get_absolute_url()}"]')
    assert back.count() == 1
    with page.expect_navigation():
        back.click()
    assert page.url == live_server.url + meeting.get_absolute_url()
    _assert_no_wcag_violations(page, "the meeting page")
    _assert_fits_a_phone(page, "the meeting page")

    # Approve (locks the minutes) and publish the public part.
    with page.expect_navigation():
        page.click("main form[action$='/justera/'] button")
    assert page.locator("main a[href$='/protokoll/']").count() == 0
    with page.expect_navigation():
        page.click("main form[action$='/publicera/'] button")
    meeting.refresh_from_db()
    assert meeting.minutes_public

    # Residents read the public part on the municipality's page, without the closed item.
    resident = new_page(viewport=PHONE)
    resident.goto(live_server.url + tenant.municipality.get_absolute_url())
    with resident.expect_navigation():
        resident.click(f'main a[href="{meeting.get_public_url()}"]')
    text = resident.locator("main").inner_text()
    assert "Lägesbild från polisen" in text and "färre anmälda skadegörelser" in text
    assert "Rådet beslutar att belysningen vid Ågatan ska förbättras." in text
    assert CLOSED_TITLE not in resident.content()
    assert "Åsa Ordförande" in text and "Per Polis" not in text
    _assert_no_wcag_violations(resident, "the public minutes")
    _assert_fits_a_phone(resident, "the public minutes")


def test_the_public_minutes_page_has_no_wcag_violations_on_a_desktop(live_server, tenant, page):
    from tests.councils.test_meetings import published_minutes

    meeting = published_minutes(tenant)
    response = page.goto(live_server.url + meeting.get_public_url())
    assert response.status == 200
    _assert_no_wcag_violations(page, "the public minutes")
