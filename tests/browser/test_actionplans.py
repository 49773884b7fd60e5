"""Action plans in the browser: from an adopted situation picture to an adopted plan that residents read.

The coordinator starts a plan from the situation picture, adds a goal and two measures through the forms, the
owner of a measure reports progress, the coordinator records the decision, and a real Celery worker renders
the PDF that staff and residents download. The national overview and the municipality's page then show the
statutory status; axe checks the pages, and the resident's pages must fit a phone.
"""

import io
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pypdf
import pytest
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from playwright.sync_api import expect

from actionplans.clock import add_months
from actionplans.models import ActionPlan, Measure
from councils.models import County
from situation.models import SituationPicture
from tests.actionplans.conftest import adopted_picture
from tests.browser.conftest import PHONE, axe_violations, describe_violations

pytestmark = pytest.mark.browser

# The worker renders a PDF in a second or two; the first one in a process also loads WeasyPrint's fonts.
PDF_TIMEOUT_S = 30
PLAN_TITLE = "Åtgärdsplan för ett tryggare Testköping 2027–2028"
GOAL_TITLE = "Färre rapporter om otrygghet på Stora torget"
OWNED_MEASURE = "Bättre belysning på gångvägen mellan Ågatan och Österängen"
OTHER_MEASURE = "Fältassistenter ute på fredagskvällar i centrum"
PROGRESS_NOTE = "Armaturerna är beställda; montering på Ågatan börjar i vecka 3 efter möte med Öresundskraft."
CASE_NUMBER = "KS 2026/0412"
PARAGRAPH = "87"


def _url(live_server, name, **kwargs):
    return live_server.url + reverse(f"actionplans:{name}", kwargs={"kommun": "testkoping", **kwargs})


def _assert_no_wcag_violations(page, what):
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def _assert_fits_a_phone(page, what):
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE["width"]
    assert scroll_width <= inner_width, f"{what} is {scroll_width}px wide on a {inner_width}px phone"


def _compact(text):
    """Text without whitespace: table cells in the PDF wrap anywhere."""
    return "".join(text.split())


def _fetch_pdf_when_rendered(page, url):
    """Ask the way the waiting page does (htmx: 204 until the PDF exists, which queues nothing) until it
    answers 200, then fetch the PDF itself with the page's cookies."""
    deadline = time.monotonic() + PDF_TIMEOUT_S
    while page.request.get(url, headers={"HX-Request": "true"}).status != 200:
        assert time.monotonic() < deadline, f"{url} was not rendered within {PDF_TIMEOUT_S} s"
        time.sleep(0.25)
    response = page.request.get(url)
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    data = response.body()
    assert data.startswith(b"%PDF-")
    return data


def _pdf_text(data):
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _swedish_date(day):
    with translation.override("sv"):
        return dateformat.format(day, "j F Y")


@pytest.fixture
def media(settings, tmp_path):
    """PDFs rendered by the worker go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def picture(tenant):
    """The situation picture the plan rests on, adopted today; the neighbour lies in another county."""
    picture = adopted_picture(tenant.municipality)
    SituationPicture.objects.filter(pk=picture.pk).update(adopted_at=timezone.localdate())
    tenant.other_municipality.county = County.STOCKHOLM
    tenant.other_municipality.save()
    return picture


def _add_measure(page, area_section, *, title, cause, owner=None):
    with page.expect_navigation():
        area_section.get_by_role("link", name="Lägg till åtgärd").click()
    today = timezone.localdate()
    page.fill("input[name=title]", title)
    page.fill("textarea[name=cause]", cause)
    page.select_option("select[name=goal]", label=GOAL_TITLE)
    page.select_option("select[name=responsible_organisation]", label="Testköpings kommun")
    if owner is not None:
        page.select_option("select[name=owner]", label=str(owner))
    page.fill("input[name=start_date]", today.isoformat())
    page.fill("input[name=end_date]", (today + timedelta(days=365)).isoformat())
    page.fill("input[name=planned_cost]", "85000")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.locator("main .messages .alert-success")).to_have_text("Åtgärden har sparats.")


def test_a_plan_from_the_situation_picture_is_followed_up_adopted_and_published_with_its_pdf(
    live_server, tenant, picture, celery_worker, media, new_page, force_login
):
    today = timezone.localdate()
    member = tenant.users["member"]

    # Before any plan is adopted, residents are told so.
    resident = new_page(viewport=PHONE)
    public_url = _url(live_server, "public-plan")
    assert resident.goto(public_url).status == 200
    expect(resident.locator("main")).to_contain_text("Testköping har ännu inte publicerat någon antagen åtgärdsplan")
    _assert_no_wcag_violations(resident, "the public plan page without an adopted plan")
    _assert_fits_a_phone(resident, "the public plan page without an adopted plan")

    # The coordinator starts the plan from the situation picture; its problem areas come along.
    coordinator = force_login(new_page(), tenant.coordinator)
    coordinator.goto(_url(live_server, "plan-start"))
    coordinator.select_option("select[name=situation_picture]", label=picture.title)
    coordinator.fill("input[name=title]", PLAN_TITLE)
    coordinator.fill("input[name=period_start]", "2027-01-01")
    coordinator.fill("input[name=period_end]", "2028-12-31")
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Starta planen").click()
    plan = ActionPlan.objects.get()
    assert coordinator.url == _url(live_server, "plan-detail", pk=plan.pk)
    expect(coordinator.locator("main .messages .alert-success")).to_have_text(
        "Planen har startats med lägesbildens problemområden."
    )
    areas = coordinator.locator("main section.plan-area")
    expect(areas.locator("h2")).to_contain_text(["1. Otrygghet i centrum", "2. Narkotika bland unga"])
    centre = areas.first

    # A goal and two measures for the first problem area, through the forms; the member owns one of them.
    with coordinator.expect_navigation():
        centre.get_by_role("link", name="Lägg till mål").click()
    coordinator.fill("input[name=title]", GOAL_TITLE)
    coordinator.fill("input[name=indicator]", "EST-rapporter om otrygghet")
    coordinator.fill("input[name=baseline]", "40")
    coordinator.fill("input[name=target]", "20")
    coordinator.fill("input[name=unit]", "rapporter/år")
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Spara").click()
    expect(centre).to_contain_text(GOAL_TITLE)
    _add_measure(coordinator, centre, title=OWNED_MEASURE, cause="Mörka partier längs gångvägen.", owner=member)
    _add_measure(coordinator, centre, title=OTHER_MEASURE, cause="Få vuxna ute på kvällarna.")
    expect(centre.locator("tbody tr")).to_have_count(2)
    expect(centre.locator("tbody")).to_contain_text(OWNED_MEASURE)
    expect(centre.locator("tbody")).to_contain_text(OTHER_MEASURE)
    owned = Measure.objects.get(title=OWNED_MEASURE)
    assert (owned.owner, owned.goal.title, owned.problem_area.plan) == (member, GOAL_TITLE, plan)
    assert Measure.objects.get(title=OTHER_MEASURE).owner is None
    _assert_no_wcag_violations(coordinator, "the staff plan page")

    # The owner of the measure, in a browser of their own, reports progress on it.
    owner = force_login(new_page(viewport=PHONE), member)
    measure_url = _url(live_server, "measure-detail", pk=owned.pk)
    owner.goto(measure_url)
    owner.select_option("select[name=status]", "yellow")
    owner.fill("input[name=percent_done]", "40")
    owner.fill("input[name=hours_spent]", "6")
    owner.fill("textarea[name=note]", PROGRESS_NOTE)
    with owner.expect_navigation():
        owner.get_by_role("button", name="Skicka lägesrapporten").click()
    assert owner.url == measure_url
    expect(owner.locator("main .messages .alert-success")).to_have_text("Lägesrapporten har sparats.")
    expect(owner.locator("main ul.list-unstyled li").first).to_contain_text(PROGRESS_NOTE)
    owned.refresh_from_db()
    update = owned.updates.get()
    assert (update.by, update.note, update.percent_done) == (member, PROGRESS_NOTE, 40)
    assert (owned.status, owned.percent_done) == ("yellow", 40)

    # The coordinator records the decision of the municipal executive board.
    coordinator.goto(_url(live_server, "plan-detail", pk=plan.pk))
    expect(coordinator.locator("main")).to_contain_text("Gul: risk för avvikelse, 40 %")
    with coordinator.expect_navigation():
        coordinator.get_by_role("link", name="Anta planen").click()
    coordinator.select_option("select[name=body]", "ks")
    coordinator.fill("input[name=decision_date]", today.isoformat())
    coordinator.fill("input[name=paragraph]", PARAGRAPH)
    coordinator.fill("input[name=case_number]", CASE_NUMBER)
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Anta planen").click()
    expect(coordinator.locator("main .messages .alert-success")).to_have_text("Planen är antagen. Dess PDF skapas.")
    expect(coordinator.locator("main")).to_contain_text(f"§ {PARAGRAPH}")
    plan.refresh_from_db()
    assert (plan.status, plan.body, plan.decision_date, plan.paragraph, plan.case_number) == (
        "adopted",
        "ks",
        today,
        PARAGRAPH,
        CASE_NUMBER,
    )

    # Staff download the PDF once the worker has rendered it.
    text = _compact(_pdf_text(_fetch_pdf_when_rendered(coordinator, _url(live_server, "plan-pdf", pk=plan.pk))))
    for expected in (PLAN_TITLE, CASE_NUMBER, OWNED_MEASURE, GOAL_TITLE):
        assert _compact(expected) in text, f"{expected!r} is not in the staff PDF"

    # A resident reads the adopted plan and its decision, and downloads the same PDF.
    resident.goto(public_url)
    main = resident.locator("main")
    expect(main.locator("h1")).to_have_text(PLAN_TITLE)
    expect(main.locator("tbody th[scope=row]")).to_contain_text([GOAL_TITLE, OWNED_MEASURE, OTHER_MEASURE])
    decision = main.locator("section[aria-labelledby=beslut] dl")
    for expected in ("Kommunstyrelsen", _swedish_date(today), f"§ {PARAGRAPH}", CASE_NUMBER):
        expect(decision).to_contain_text(expected)
    assert PROGRESS_NOTE not in resident.content(), "an owner's progress note is on the public page"
    pdf_link = main.get_by_role("link", name="Ladda ner som PDF")
    pdf_url = live_server.url + pdf_link.get_attribute("href")
    assert pdf_url == _url(live_server, "public-plan-pdf")
    public_text = _compact(_pdf_text(_fetch_pdf_when_rendered(resident, pdf_url)))
    for expected in (PLAN_TITLE, CASE_NUMBER, OWNED_MEASURE, OTHER_MEASURE):
        assert _compact(expected) in public_text, f"{expected!r} is not in the public PDF"
    _assert_no_wcag_violations(resident, "the public plan page")
    _assert_fits_a_phone(resident, "the public plan page")

    # The municipality's page shows the statutory status: both documents adopted today and valid.
    valid_to = f"Giltig giltig till {add_months(today, 24):%Y-%m-%d}"
    resident.goto(live_server.url + tenant.municipality.get_absolute_url())
    status = resident.locator("main section[aria-labelledby=clock-heading]")
    expect(status.locator("dd")).to_have_text([valid_to, valid_to], use_inner_text=True)
    expect(status.get_by_role("link", name="Läs den antagna åtgärdsplanen")).to_have_attribute(
        "href", reverse("actionplans:public-plan", kwargs={"kommun": "testkoping"})
    )
    _assert_no_wcag_violations(resident, "the municipality's page")

    # The national overview lists both municipalities with their states, and filters by county.
    resident.goto(live_server.url + reverse("actionplans:overview"))
    rows = resident.locator("main tbody tr")
    expect(rows).to_have_count(2)
    testkoping = rows.filter(has=resident.locator("th", has_text="Testköping"))
    expect(testkoping.locator("td")).to_have_text(["Jönköpings län", valid_to, valid_to], use_inner_text=True)
    grannby = rows.filter(has=resident.locator("th", has_text="Grannby"))
    expect(grannby.locator("td")).to_have_text(["Stockholms län", "Saknas", "Saknas"])
    _assert_no_wcag_violations(resident, "the national overview")
    _assert_fits_a_phone(resident, "the national overview")
    resident.select_option("select[name=lan]", label="Jönköpings län")
    with resident.expect_navigation():
        resident.get_by_role("button", name="Visa").click()
    assert parse_qs(urlsplit(resident.url).query)["lan"] == [County.JONKOPING]
    expect(rows).to_have_count(1)
    expect(rows.locator("th")).to_have_text("Testköping")
    _assert_no_wcag_violations(resident, "the national overview filtered by county")
