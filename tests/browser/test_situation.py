"""EST reports in the browser: a reporter on a phone, the coordinator's analysis, the public situation picture.

A reporter logs in on a phone and files two reports (the second is refused once for a personnummer); the
coordinator finds them counted on the analysis page and its map, drawn without contacting any other server;
once a situation picture is adopted, residents see its public figures with the small counts suppressed. axe
checks every page on the way, and the resident's pages and the report form must fit a phone.
"""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from situation import picture as picture_service
from situation.models import Area, Incident, Place, Visibility
from tests.browser.conftest import PHONE, axe_violations, describe_violations

pytestmark = pytest.mark.browser

LITTER, DISORDER = "Nedskräpning", "Ordningsstörning/bråk"
FIRST_TEXT = "Krossat glas och skräp över trappan vid kiosken; någon hade tömt en påse på ängen bakom."
PERSONNUMMER = "850709-9805"
SECOND_TEXT = "Bråk vid fontänen i kväll; väktaren kom efter tio minuter och då lugnade det sig."
SECOND_TEXT_WITH_NUMBER = f"Bråk vid fontänen i kväll; en av dem uppgav {PERSONNUMMER} för väktaren."


def _url(live_server, name, **kwargs):
    return live_server.url + reverse(name, kwargs={"kommun": "testkoping", **kwargs})


def _assert_no_wcag_violations(page, what):
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def _assert_fits_a_phone(page, what):
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE["width"]
    assert scroll_width <= inner_width, f"{what} is {scroll_width}px wide on a {inner_width}px phone"


@pytest.fixture
def square(tenant):
    """A known place with a position, in an area, and another area with nothing reported in it."""
    centre = Area.objects.create(municipality=tenant.municipality, name="Centrum")
    Area.objects.create(municipality=tenant.municipality, name="Östra hamnen")
    return Place.objects.create(
        municipality=tenant.municipality,
        area=centre,
        name="Stora torget",
        latitude=Decimal("57.500000"),
        longitude=Decimal("14.100000"),
        is_hot_spot=True,
    )


@pytest.fixture
def no_picture_pdf_queue(monkeypatch):
    """No worker runs here: adopting a picture must not leave a PDF task for a later test's worker."""
    from situation.tasks import render_picture_pdf_task

    monkeypatch.setattr(render_picture_pdf_task, "delay", lambda *args, **kwargs: None)


def _choose(page, category, text):
    page.select_option("select[name=category]", label=category)
    page.fill("textarea[name=description]", text)


def _file_two_reports_on_a_phone(live_server, tenant, square, reporter_page, login):
    page = reporter_page
    login(page, tenant.users["reporter"])
    report_url = _url(live_server, "situation:incident-report")
    page.goto(report_url)
    _assert_no_wcag_violations(page, "the empty report form")
    _assert_fits_a_phone(page, "the empty report form")

    # The first report: a category, a known place, text with å, ä and ö, published as aggregates only.
    _choose(page, LITTER, FIRST_TEXT)
    page.select_option("select[name=place]", label=square.name)
    page.get_by_label("Publik, som sammanställning").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Spara och rapportera en till här").click()
    assert re.search(r"/rapportera/\?fran=\d+$", page.url), page.url
    expect(page.locator("main .messages .alert-success")).to_contain_text(f"Tack. Rapporten är sparad ({LITTER},")
    # The form is back for the next report at the same place; what happened is not carried over.
    expect(page.locator("select[name=place]")).to_have_value(str(square.pk))
    expect(page.get_by_label("Publik, som sammanställning")).to_be_checked()
    expect(page.locator("select[name=category]")).to_have_value("")
    expect(page.locator("textarea[name=description]")).to_have_value("")

    # The second report names someone by their personnummer: refused, naming what was found, text kept.
    _choose(page, DISORDER, SECOND_TEXT_WITH_NUMBER)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara", exact=True).click()
    error = page.locator("main form .invalid-feedback").filter(has_text="personnummer")
    expect(error).to_contain_text(f"Texten innehåller ett personnummer (”{PERSONNUMMER}”)")
    expect(page.locator("main .form-error-summary")).to_contain_text("ett personnummer")
    expect(page.locator("textarea[name=description]")).to_have_value(SECOND_TEXT_WITH_NUMBER)
    expect(page.locator("select[name=place]")).to_have_value(str(square.pk))
    assert Incident.objects.count() == 1
    _assert_no_wcag_violations(page, "the report form with the personnummer error")
    _assert_fits_a_phone(page, "the report form with the personnummer error")

    # Without the number the report is saved, and the reporter lands on the list of their reports.
    page.fill("textarea[name=description]", SECOND_TEXT)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara", exact=True).click()
    assert page.url == _url(live_server, "situation:incident-list")
    expect(page.locator("main .messages .alert-success")).to_contain_text(f"Tack. Rapporten är sparad ({DISORDER},")
    expect(page.locator("main tbody tr")).to_have_count(2)
    _assert_no_wcag_violations(page, "the incident list")

    reports = Incident.objects.filter(reported_by=tenant.users["reporter"]).select_related("category")
    assert sorted((i.category.name, i.description) for i in reports) == [
        (LITTER, FIRST_TEXT),
        (DISORDER, SECOND_TEXT),
    ]
    assert {(i.place_id, i.area_id, i.visibility, i.source) for i in reports} == {
        (square.pk, square.area_id, Visibility.PUBLIC, "est")
    }
    return reports


def test_reports_from_a_phone_are_counted_in_the_analysis_and_published_only_as_suppressed_aggregates(
    live_server, tenant, square, new_page, login, force_login, settings, no_picture_pdf_queue
):
    settings.MAP_TILE_URL = ""
    reports = _file_two_reports_on_a_phone(live_server, tenant, square, new_page(viewport=PHONE), login)

    # The coordinator's analysis counts both reports; the map draws the place without other servers.
    coordinator = force_login(new_page(), tenant.coordinator)
    hosts, errors = [], []

    def record_host(request):
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob"):  # these stay in the browser
            hosts.append(url.netloc)

    coordinator.on("request", record_host)
    coordinator.on("pageerror", lambda error: errors.append(str(error)))
    coordinator.goto(_url(live_server, "situation:analysis"))
    expect(coordinator.locator("main [data-total]")).to_have_attribute("data-total", "2")
    months = coordinator.locator("#analysis-months-table")
    for category in (LITTER, DISORDER):
        row = months.locator("tbody tr").filter(has=coordinator.locator("th", has_text=category))
        expect(row.locator("td").last).to_have_text("1")
    expect(months.locator("tfoot td").last).to_have_text("2")
    expect(coordinator.locator("#analysis-places-table tbody tr")).to_have_count(1)
    expect(coordinator.locator("#analysis-places-table tbody td").last).to_have_text("2")
    points = coordinator.locator("#analysis-points-table tbody tr")
    expect(points).to_have_count(1)
    expect(points.locator("th")).to_contain_text(square.name)
    expect(points.locator("td.num")).to_have_text("2")
    expect(points.locator("td").last).to_have_text(f"{LITTER} (1), {DISORDER} (1)")
    expect(coordinator.locator("#analysis-map")).to_have_count(1)
    coordinator.locator("#analysis-map path.leaflet-interactive").first.wait_for()
    assert coordinator.locator("#analysis-map path.leaflet-interactive").count() == 1
    assert hosts and set(hosts) == {urlsplit(live_server.url).netloc}, sorted(set(hosts))
    assert not errors, errors
    _assert_no_wcag_violations(coordinator, "the analysis page")

    # Before any situation picture is adopted, residents are told so.
    resident = new_page(viewport=PHONE)
    public_url = _url(live_server, "situation:public-picture")
    assert resident.goto(public_url).status == 200
    expect(resident.locator("main")).to_contain_text("har ännu inte publicerat någon antagen lägesbild")
    _assert_no_wcag_violations(resident, "the public situation picture before adoption")
    _assert_fits_a_phone(resident, "the public situation picture before adoption")

    # The coordinator records the adoption of a picture whose period covers both reports.
    today = timezone.localdate()
    assert all(today - timedelta(days=90) <= timezone.localdate(i.occurred_at) <= today for i in reports)
    picture = picture_service.picture_create(
        municipality=tenant.municipality,
        by=tenant.coordinator,
        data={
            "title": "Lägesbild hösten 2026",
            "period_start": today - timedelta(days=90),
            "period_end": today,
            "crime_mapping": "Nedskräpning och ordningsstörningar i centrum, mest kvällstid.",
            "other_information": "Trygghetsvandring i oktober; enkät till boende i centrum.",
            "cause_analysis": "Dålig belysning och få vuxna ute på kvällarna.",
            "public_summary": "Otryggheten i centrum har ökat under hösten, främst på kvällarna.",
        },
    )
    picture_service.picture_adopt(picture=picture, by=tenant.coordinator, body="Kommunstyrelsen", date=today)
    coordinator.goto(_url(live_server, "situation:picture-detail", pk=picture.pk))
    expect(coordinator.locator("main dl")).to_contain_text("Kommunstyrelsen")
    _assert_no_wcag_violations(coordinator, "the staff situation picture")

    # Residents see the area and the categories, each as "fewer than 5": never the count, the place or the text.
    resident.goto(public_url)
    main = resident.locator("main")
    expect(main).to_contain_text("Otryggheten i centrum har ökat under hösten")
    by_area = main.locator("table").filter(has=resident.locator("caption", has_text="per område"))
    centre = by_area.locator("tbody tr").filter(has=resident.locator("th", has_text="Centrum"))
    expect(centre.locator("td")).to_have_text("färre än 5")
    expect(by_area.locator("tbody tr")).to_have_count(1)
    expect(main.locator("tfoot")).to_have_count(0)
    cells = main.locator("table td").all_inner_texts()
    assert len(cells) == 3 and all(cell.strip() == "färre än 5" for cell in cells), cells
    html = resident.content()
    for secret in (square.name, FIRST_TEXT, SECOND_TEXT, "fontänen", "kiosken"):
        assert secret not in html, f"{secret!r} is on the public page"
    _assert_no_wcag_violations(resident, "the public situation picture")
    _assert_fits_a_phone(resident, "the public situation picture")
