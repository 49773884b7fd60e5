"""axe-core finds no WCAG 2.1 A/AA violation on the foundation's pages, and the public page fits a phone."""

import pytest
from django.urls import reverse

from tests.browser.conftest import PHONE, axe_violations, describe_violations
from tests.factories import CouncilFactory, MembershipFactory, MunicipalityFactory, OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def populated(tenant):
    """The tenant's municipality as residents would see it in use: intro, contact, a full council, a shared one."""
    municipality = tenant.municipality
    municipality.intro = (
        "Kommunen och polisen arbetar tillsammans för att förebygga brott och öka tryggheten.\n\n"
        "Här ser du vilka som sitter i det brottsförebyggande rådet och hur du når samordnaren."
    )
    municipality.contact_name = "Säkerhets- och beredskapssamordnaren"
    municipality.contact_email = "trygghet@testkoping.example"
    municipality.contact_phone = "0123-45 67 00"
    municipality.save()

    council, org = tenant.council, tenant.organisation
    council.meeting_frequency = "Fyra gånger om året"
    council.save()
    police = OrganisationFactory(municipality=municipality, name="Lokalpolisområde Testköping", kind="police")
    chair = MembershipFactory(
        council=council,
        name="Anna Ordförande",
        role="chair",
        title="Kommunstyrelsens ordförande",
        organisation=org,
        term_start="2023-01-01",
        term_end="2026-12-31",
        until_successor=False,
    )
    MembershipFactory(council=council, name="Karin Ersättare", role="chair", alternate_for=chair, organisation=org)
    MembershipFactory(council=council, name="Dold Vice", role="vice_chair", publish_name=False, organisation=org)
    police_member = MembershipFactory(
        council=council, name="Per Polis", role="police", title="Kommunpolis", organisation=police
    )
    MembershipFactory(
        council=council,
        name="Dold Ersättare",
        role="police",
        alternate_for=police_member,
        organisation=police,
        publish_name=False,
    )
    MembershipFactory(
        council=council,
        name="Sara Skola",
        role="school",
        title="Rektor, Centralskolan",
        organisation=org,
        publish_name=False,
        email="sara@testkoping.example",
    )
    MembershipFactory(
        council=council,
        name="Avgången Ledamot",
        role="housing",
        term_start="2019-01-01",
        term_end="2020-12-31",
        until_successor=False,
    )
    neighbour = MunicipalityFactory(name="Nordby", slug="nordby", kommunkod="9903")
    shared = CouncilFactory(
        name="Trygghetsrådet Testköping–Nordby", kind="trygghetsrad", municipalities=[municipality, neighbour]
    )
    MembershipFactory(council=shared, name="Lisa Lokal", role="convener", title="Trygghetssamordnare")
    return tenant


def _council_path(tenant):
    return reverse("councils:council-detail", kwargs={"kommun": tenant.municipality.slug, "pk": tenant.council.pk})


def _add_member_path(tenant):
    return reverse(
        "councils:membership-create", kwargs={"kommun": tenant.municipality.slug, "council_pk": tenant.council.pk}
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/testkoping/", 200),
        ("/tillganglighet/", 200),
        ("/integritet/", 200),
        ("/konto/logga-in/", 200),
        ("/kommunen-som-inte-finns/", 404),
    ],
    ids=["index", "municipality", "accessibility-statement", "privacy", "login", "404"],
)
def test_public_page_has_no_wcag_violations(live_server, populated, page, path, status):
    response = page.goto(live_server.url + path)
    assert response.status == status
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_login_form_with_errors_has_no_wcag_violations(live_server, populated, page):
    page.goto(live_server.url + "/konto/logga-in/")
    page.fill("input[name=username]", populated.coordinator.email)
    page.fill("input[name=password]", "fel-losenord")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("main .alert, main .invalid-feedback, main .errorlist").count() > 0
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("which", ["council-detail", "add-member-form"])
def test_coordinator_page_has_no_wcag_violations(live_server, populated, page, force_login, which):
    force_login(page, populated.coordinator)
    path = _council_path(populated) if which == "council-detail" else _add_member_path(populated)
    response = page.goto(live_server.url + path)
    assert (response.status, page.url) == (200, live_server.url + path)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_add_member_form_with_errors_has_no_wcag_violations(live_server, populated, page, force_login):
    force_login(page, populated.coordinator)
    page.goto(live_server.url + _add_member_path(populated))
    form = page.locator("main form")
    # A missing role and a term that ends before it starts: errors at a select and at a date field.
    form.locator("input[name=name]").fill("Bengt Bakvänd")
    form.locator("input[name=term_start]").fill("2025-06-01")
    form.locator("input[name=term_end]").fill("2025-01-01")
    # The browser would refuse to send the form without a role; let the server's validation answer instead.
    form.evaluate("f => f.noValidate = true")
    with page.expect_navigation():
        form.locator("input[type=submit], button[type=submit]").first.click()
    assert page.locator("main form .is-invalid").count() >= 2
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
@pytest.mark.parametrize("which", ["municipality", "council-detail", "add-member-form"])
def test_page_fits_a_phone_without_horizontal_scrolling(live_server, populated, page, force_login, which):
    """Wide tables may scroll inside their own box, but the page itself must not scroll sideways."""
    if which == "municipality":
        path = populated.municipality.get_absolute_url()
    else:
        force_login(page, populated.coordinator)
        path = _council_path(populated) if which == "council-detail" else _add_member_path(populated)
    page.goto(live_server.url + path)
    assert page.url == live_server.url + path
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE["width"]
    assert scroll_width <= inner_width, f"{path} is {scroll_width}px wide on a {inner_width}px phone"


def test_first_tab_reaches_a_visible_skip_link_that_moves_focus_to_the_content(live_server, populated, page):
    page.goto(live_server.url + populated.municipality.get_absolute_url())
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    assert skip_link.get_attribute("href") == "#main"
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
