"""The coordinator keeps the council's membership up to date; residents see the result on the public page."""

import pytest
from django.urls import reverse

from councils.models import Membership

pytestmark = pytest.mark.browser


def _urls(live_server, tenant):
    kommun, council = tenant.municipality.slug, tenant.council.pk
    return {
        "council": live_server.url + reverse("councils:council-detail", kwargs={"kommun": kommun, "pk": council}),
        "add_member_path": reverse("councils:membership-create", kwargs={"kommun": kommun, "council_pk": council}),
        "public": live_server.url + tenant.municipality.get_absolute_url(),
    }


def test_coordinator_adds_a_member_and_residents_see_the_seat(live_server, tenant, page, new_page, login):
    urls = _urls(live_server, tenant)
    login(page, tenant.coordinator)

    page.goto(urls["council"])
    with page.expect_navigation():
        page.click(f'main a[href="{urls["add_member_path"]}"]')
    assert page.url == live_server.url + urls["add_member_path"]

    form = page.locator("main form")
    form.locator("input[name=name]").fill("Åsa Öberg-Lindqvist")
    form.locator("select[name=role]").select_option("chair")
    form.locator("input[name=title]").fill("Kommunstyrelsens ordförande")
    form.locator("select[name=organisation]").select_option(str(tenant.organisation.pk))
    form.locator("input[name=publish_name]").check()
    with page.expect_navigation():
        form.locator("input[type=submit], button[type=submit]").first.click()

    assert page.url == urls["council"]
    assert page.locator("main .messages .alert-success").count() == 1
    row = page.locator("main table tbody tr", has_text="Åsa Öberg-Lindqvist")
    assert row.count() == 1
    assert "Kommunstyrelsens ordförande" in row.inner_text()
    assert tenant.organisation.name in row.inner_text()

    member = Membership.objects.get(council=tenant.council)
    assert (member.name, member.role, member.title, member.organisation, member.publish_name) == (
        "Åsa Öberg-Lindqvist",
        "chair",
        "Kommunstyrelsens ordförande",
        tenant.organisation,
        True,
    )

    resident = new_page()  # a fresh context: nobody is logged in
    resident.goto(urls["public"])
    council = resident.locator(f'section[aria-labelledby="council-{tenant.council.pk}"]')
    seat = council.locator(".seat-list li", has_text="Åsa Öberg-Lindqvist")
    assert seat.count() == 1
    assert "Kommunstyrelsens ordförande" in seat.inner_text()
    assert tenant.organisation.name in seat.inner_text()


def test_term_ending_before_it_starts_is_refused_and_the_form_keeps_the_input(live_server, tenant, page, login):
    urls = _urls(live_server, tenant)
    login(page, tenant.coordinator)
    page.goto(live_server.url + urls["add_member_path"])

    form = page.locator("main form")
    form.locator("input[name=name]").fill("Bengt Bakvänd")
    form.locator("select[name=role]").select_option("school")
    form.locator("input[name=term_start]").fill("2025-06-01")
    form.locator("input[name=term_end]").fill("2025-01-01")
    with page.expect_navigation():
        form.locator("input[type=submit], button[type=submit]").first.click()

    # Still on the form, with the error at the term end field and everything typed still there.
    assert page.url == live_server.url + urls["add_member_path"]
    term_end = page.locator("main form input[name=term_end]")
    assert "is-invalid" in (term_end.get_attribute("class") or "")
    error = page.locator("main form .invalid-feedback").filter(has_text="2025-01-01")
    assert error.count() == 1 and error.is_visible()
    assert page.locator("main form input[name=name]").input_value() == "Bengt Bakvänd"
    assert page.locator("main form select[name=role]").input_value() == "school"
    assert page.locator("main form input[name=term_start]").input_value() == "2025-06-01"
    assert term_end.input_value() == "2025-01-01"

    assert not Membership.objects.exists()
